import Foundation
import Testing
@testable import SiftKit

/// Library-level hostile-input cases (the CLI cases are in Tests/SiftCLITests/HostileInputTests.swift).
struct HostileIngestTests {
    /// A file listed by the walk and deleted before it is read: skipped with the system's reason, no crash.
    @Test func fileVanishingBetweenWalkAndRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sift-vanish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["a.txt", "b.csv", "c.xml"] {
            try "id: x\n---\nFindings\nThe CTG was not escalated.\n".write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let (files, diagnostics) = InputWalker().files(for: [folder.path])
        #expect(diagnostics.isEmpty)
        #expect(files.count == 3)
        for file in files { try FileManager.default.removeItem(atPath: file) }
        for file in files {
            let result = IngestRegistry().ingest(path: file)
            #expect(result.failed)
            #expect(result.diagnostics.map(\.code) == ["unreadable"])
            #expect(result.diagnostics.first?.message.contains("No such file or directory") == true, "\(result.diagnostics)")
        }
    }

    /// A file swapped for a FIFO after the stat check is still refused on the open descriptor, without blocking.
    @Test func fileReaderRefusesAFIFOWithoutBlocking() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sift-fifo-\(UUID().uuidString).txt").path
        #expect(mkfifo(path, 0o644) == 0)
        defer { unlink(path) }
        switch FileReader.readAll(path, maximumSize: 1 << 20) {
        case .success: Issue.record("read a FIFO")
        case .failure(let failure): #expect(failure.diagnostic(for: path).code == "not-regular-file")
        }
    }

    @Test func binaryTextFilesAreRefusedButStrayNULsAreNot() {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]
        png += (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        let binary = PlainTextIngester().ingest(bytes: png, source: "image.txt")
        #expect(binary.failed)
        #expect(binary.diagnostics.map(\.code) == ["binary"])
        let stray = PlainTextIngester().ingest(bytes: Array("Findings\nThe CTG\0 was not escalated.\n".utf8), source: "nul.txt")
        #expect(stray.documents.count == 1)
        #expect(stray.diagnostics.map(\.code) == ["nul-bytes"])
        let utf16 = PlainTextIngester().ingest(bytes: [0xFF, 0xFE] + Array("Findings\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
                                               source: "u16.txt")
        #expect(utf16.documents.count == 1)
    }

    /// A run of text with no sentence end is cut into sentences of at most the limit, at spaces, covering all the words.
    @Test(arguments: [false, true])
    func longLineIsCutIntoBoundedSentences(spaces: Bool) {
        let unit = spaces ? "alpha bravo charlie delta " : "alphabravocharliedeltaé"
        let text = "Findings\n" + String(repeating: unit, count: 40_000)
        let bytes = Array(text.utf8)
        let splitter = SentenceSplitter()
        let sentences = splitter.sentences(in: bytes, range: TextRange(9, bytes.count))
        #expect(sentences.allSatisfy { $0.length <= splitter.maximumSentenceLength })
        #expect(sentences.count >= (bytes.count - 9) / splitter.maximumSentenceLength)
        for (previous, next) in zip(sentences, sentences.dropFirst()) { #expect(previous.end <= next.start) }
        // Cuts never split a character.
        #expect(sentences.allSatisfy { String(validating: bytes[$0.range], as: UTF8.self) != nil })
        if spaces { #expect(sentences.allSatisfy { bytes[$0.end - 1] != 0x20 && bytes[$0.start] != 0x20 }) }
    }

    /// Short sentences are untouched by the limit.
    @Test func ordinarySentencesAreNotCut() {
        let text = "Findings\nThe CTG was not escalated. The registrar was not called."
        let bytes = Array(text.utf8)
        #expect(SentenceSplitter().sentences(in: bytes, range: TextRange(9, bytes.count)).count == 2)
    }
}
