import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Hostile inputs (Corpora/hostile, described case by case in its README): every input is listed in the summary as
/// processed or skipped with its reason, the exit code is 1 when any input failed, and nothing crashes or hangs.
/// Every run has a time budget: the process is killed when it overruns, and the test fails.
@Suite(.serialized)
struct HostileInputTests {
    enum Outcome: String, Sendable { case processed, skipped }

    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var outcome: Outcome
        /// A diagnostic code expected on stderr, `[code]`.
        var code: String?
        /// Report ids expected from the file, when processed.
        var ids: [String]? = nil
        var arguments: [String] = []
        var testDescription: String { file }
    }

    static let csvColumns = ["--columns", "id=Ref,date=Date,text=Narrative"]

    /// Every committed fixture and what must happen to it.
    static let cases: [Case] = [
        // XML attacks: entities are never expanded or fetched, DTDs never loaded.
        Case(file: "xxe-external-entity.xml", outcome: .processed, code: "entity-not-expanded", ids: ["xxe"]),
        Case(file: "xxe-parameter-entity.xml", outcome: .processed, code: nil, ids: ["xxe-param"]),
        Case(file: "remote-dtd.xml", outcome: .processed, code: nil, ids: ["remote-dtd"]),
        Case(file: "entity-in-attribute.xml", outcome: .processed, code: nil),
        Case(file: "billion-laughs.xml", outcome: .skipped, code: "malformed-xml"),
        Case(file: "deep-nesting.xml", outcome: .skipped, code: "malformed-xml"),
        Case(file: "truncated.xml", outcome: .skipped, code: "malformed-xml"),
        Case(file: "wrong-encoding-utf16-declared.xml", outcome: .skipped, code: "malformed-xml"),
        Case(file: "latin1-declared-utf8-bytes.xml", outcome: .processed, code: nil, ids: ["latin1-declared"]),
        Case(file: "utf16le-bom.xml", outcome: .processed, code: nil, ids: ["xml-utf16"]),
        Case(file: "utf8-bom.xml", outcome: .processed, code: nil, ids: ["xml-bom"]),
        Case(file: "not-sift-schema.xml", outcome: .skipped, code: "unknown-schema"),
        Case(file: "declaration-only.xml", outcome: .skipped, code: "malformed-xml"),
        Case(file: "empty.xml", outcome: .skipped, code: "malformed-xml"),
        Case(file: "binary.xml", outcome: .skipped, code: "malformed-xml"),
        // Encodings, bytes and line ends.
        Case(file: "invalid-utf8.txt", outcome: .processed, code: "invalid-utf8", ids: ["invalid-utf8"]),
        Case(file: "utf16le-bom.txt", outcome: .processed, code: "utf16", ids: ["utf16le"]),
        Case(file: "utf16be-bom.txt", outcome: .processed, code: "utf16", ids: ["utf16be"]),
        Case(file: "utf16-odd-length.txt", outcome: .processed, code: "utf16"),
        Case(file: "utf8-bom.txt", outcome: .processed, code: nil, ids: ["utf8-bom"]),
        Case(file: "nul-bytes.txt", outcome: .processed, code: "nul-bytes", ids: ["nul-bytes"]),
        Case(file: "binary.txt", outcome: .skipped, code: "binary"),
        Case(file: "empty.txt", outcome: .processed, code: "empty-report", ids: ["empty"]),
        Case(file: "whitespace-only.txt", outcome: .processed, code: "empty-report"),
        Case(file: "crlf.txt", outcome: .processed, code: nil, ids: ["crlf"]),
        Case(file: "lone-cr.txt", outcome: .processed, code: nil, ids: ["lone-cr"]),
        Case(file: "mixed-line-ends.txt", outcome: .processed, code: nil, ids: ["mixed"]),
        // Structure.
        Case(file: "no-sections.txt", outcome: .processed, code: "no-sections", ids: ["no-sections"]),
        Case(file: "broken-front-matter-unclosed.txt", outcome: .processed, code: "broken-front-matter"),
        Case(file: "broken-front-matter-bad-line.txt", outcome: .processed, code: "broken-front-matter"),
        Case(file: "front-matter-only.txt", outcome: .processed, code: "empty-report", ids: ["front-only"]),
        Case(file: "huge-front-matter-value.txt", outcome: .processed, code: nil),
        // Other formats.
        Case(file: "not-a-zip.docx", outcome: .skipped, code: "corrupt-docx"),
        Case(file: "truncated-zip.docx", outcome: .skipped, code: "corrupt-docx"),
        Case(file: "empty.docx", outcome: .skipped, code: "corrupt-docx"),
        Case(file: "empty.csv", outcome: .skipped, code: "empty-csv"),
        Case(file: "utf16.csv", outcome: .skipped, code: "utf16"),
        Case(file: "header-only.csv", outcome: .skipped, code: nil, arguments: csvColumns),
        Case(file: "unterminated-quote.csv", outcome: .skipped, code: "csv-unterminated-quote", arguments: csvColumns),
        // Names.
        Case(file: "name with spaces.txt", outcome: .processed, code: nil, ids: ["name-with-spaces"]),
        Case(file: "rapport-sécurité-事故.txt", outcome: .processed, code: nil, ids: ["non-ascii-name"]),
    ]

    @Test(arguments: cases)
    func committedFixture(_ fixture: Case) throws {
        let path = "Corpora/hostile/" + fixture.file
        let run = try HostileRun(inputs: [path], arguments: fixture.arguments)
        try run.expect(fixture.outcome, file: path, code: fixture.code, ids: fixture.ids)
        // Nothing an entity or DTD could have pulled in reaches the output.
        #expect(!run.outputs.contains("root:x:0:0"))
        #expect(!run.outputs.contains("injected"))
    }

    /// A folder named like a file is walked as a folder.
    @Test func folderNamedLikeATextFile() throws {
        let run = try HostileRun(inputs: ["Corpora/hostile/x.txt"])
        try run.expect(.processed, file: "Corpora/hostile/x.txt/inside-a-folder-named-x.txt.txt", code: nil, ids: ["inside-x-folder"])
    }

    /// The whole folder at once: every file is listed, exactly once.
    @Test func wholeHostileFolderListsEveryInput() throws {
        let run = try HostileRun(inputs: ["Corpora/hostile"], arguments: HostileInputTests.csvColumns, budget: 300)
        #expect(run.status == 1)
        let listed = Set(run.inputs.map { $0.file })
        for fixture in HostileInputTests.cases {
            #expect(listed.contains("Corpora/hostile/" + fixture.file), "\(fixture.file) missing from the summary's inputs")
        }
        #expect(run.inputs.count == listed.count, "an input is listed twice")
    }

    // MARK: - Made in a temporary folder (not committable, or too big)

    @Test func fifoIsSkippedWithoutBlocking() throws {
        let folder = try CLI.temporaryDirectory()
        for name in ["pipe.txt", "pipe.csv", "pipe.xml"] {
            #expect(mkfifo(folder.appendingPathComponent(name).path, 0o644) == 0)
        }
        let run = try HostileRun(inputs: [folder.path])
        for name in ["pipe.txt", "pipe.csv", "pipe.xml"] {
            try run.expect(.skipped, file: folder.appendingPathComponent(name).path, code: "not-regular-file")
        }
    }

    @Test func unixSocketIsSkipped() throws {
        let folder = try CLI.temporaryDirectory()
        let path = folder.appendingPathComponent("socket.txt").path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        let run = try HostileRun(inputs: [path])
        try run.expect(.skipped, file: path, code: "not-regular-file")
    }

    /// chmod 000: unreadable for ordinary users, but root (CI containers) reads it anyway, so the honest expectation
    /// depends on who runs the test.
    @Test func fileWithoutPermissions() throws {
        let folder = try CLI.temporaryDirectory()
        let file = folder.appendingPathComponent("locked.txt")
        try "id: locked\n---\nFindings\nThe CTG was not escalated.\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(chmod(file.path, 0) == 0)
        defer { chmod(file.path, 0o644) }
        let run = try HostileRun(inputs: [folder.path])
        if geteuid() == 0 {
            try run.expect(.processed, file: file.path, code: nil, ids: ["locked"])
        } else {
            try run.expect(.skipped, file: file.path, code: "unreadable")
            #expect(run.stderr.contains("Permission denied"))
        }
    }

    /// A folder without read and execute permission: cannot be listed, except by root.
    @Test func folderWithoutPermissions() throws {
        let folder = try CLI.temporaryDirectory()
        let locked = folder.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try "id: inside\n---\nFindings\nThe CTG was not escalated.\n".write(to: locked.appendingPathComponent("inside.txt"), atomically: true, encoding: .utf8)
        #expect(chmod(locked.path, 0) == 0)
        defer { chmod(locked.path, 0o755) }
        let run = try HostileRun(inputs: [folder.path])
        if geteuid() == 0 {
            try run.expect(.processed, file: locked.appendingPathComponent("inside.txt").path, code: nil, ids: ["inside"])
        } else {
            try run.expect(.skipped, file: locked.path, code: "unreadable")
        }
    }

    @Test func symlinkLoopsAndDanglingLinks() throws {
        let folder = try CLI.temporaryDirectory()
        let manager = FileManager.default
        try "id: real\n---\nFindings\nThe CTG was not escalated.\n".write(to: folder.appendingPathComponent("real.txt"), atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: folder.appendingPathComponent("loop").path, withDestinationPath: ".")
        try manager.createSymbolicLink(atPath: folder.appendingPathComponent("self.txt").path, withDestinationPath: "self.txt")
        try manager.createSymbolicLink(atPath: folder.appendingPathComponent("dangling.txt").path, withDestinationPath: "nowhere.txt")
        let run = try HostileRun(inputs: [folder.path])
        try run.expect(.processed, file: folder.appendingPathComponent("real.txt").path, code: nil, ids: ["real"])
        try run.expect(.skipped, file: folder.appendingPathComponent("loop").path, code: "symlink-loop")
        try run.expect(.skipped, file: folder.appendingPathComponent("self.txt").path, code: "broken-link")
        try run.expect(.skipped, file: folder.appendingPathComponent("dangling.txt").path, code: "broken-link")
    }

    @Test func missingInputIsListed() throws {
        let folder = try CLI.temporaryDirectory()
        let missing = folder.appendingPathComponent("gone.txt").path
        let run = try HostileRun(inputs: [missing, "Corpora/hostile/crlf.txt"])
        try run.expect(.skipped, file: missing, code: "not-found")
        try run.expect(.processed, file: "Corpora/hostile/crlf.txt", code: nil, ids: ["crlf"])
    }

    /// 200 MB of text: over the 64 MiB limit for one report file, refused before it is read, with the reason.
    @Test func twoHundredMegabyteFileIsSkippedWithItsSize() throws {
        let folder = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("huge.txt")
        try HostileFiles.write(file, header: "Findings\n", repeating: "The CTG was not escalated to the registrar.\n", size: 200 << 20)
        let run = try HostileRun(inputs: [file.path], budget: 60)
        try run.expect(.skipped, file: file.path, code: "too-large")
        #expect(run.stderr.contains("200 MiB, over the 64 MiB limit"))
    }

    /// One 50 MB line without a sentence end: the splitter cuts it into bounded sentences, and every stage is linear,
    /// so it finishes well within the budget (a quadratic splitter or normaliser would not).
    @Test func fiftyMegabyteSingleLine() throws {
        let folder = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("one-line.txt")
        try HostileFiles.write(file, header: "id: one-line\n---\nFindings\n",
                               repeating: "alpha bravo charlie delta echo foxtrot golf hotel india juliet ", size: 50 << 20)
        let run = try HostileRun(inputs: [file.path], budget: 900)
        try run.expect(.processed, file: file.path, code: nil, ids: ["one-line"])
    }
}

/// Deterministic big files, written a megabyte at a time.
enum HostileFiles {
    static func write(_ url: URL, header: String, repeating unit: String, size: Int) throws {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(header.utf8))
        let chunk = Data(String(repeating: unit, count: max(1, (1 << 20) / unit.utf8.count)).utf8)
        var written = header.utf8.count
        while written + chunk.count <= size {
            try handle.write(contentsOf: chunk)
            written += chunk.count
        }
        let rest = size - written
        if rest > 0 { try handle.write(contentsOf: chunk.prefix(rest)) }
    }
}

/// One `sift run` over hostile inputs, killed if it overruns its time budget, and the summary it wrote.
struct HostileRun {
    var status: Int32
    var stderr: String
    var elapsed: Double
    var inputs: [(file: String, status: String, reports: Int, reason: String?)]
    /// Ids of every report in the summary.
    var reportIDs: [String]
    /// Every output file's text, concatenated.
    var outputs: String

    init(inputs paths: [String], arguments: [String] = [], budget: Double = 120,
         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let out = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try TimedProcess.run(["run"] + paths + ["--out", out.path, "--threads", "2"] + arguments, budget: budget)
        #expect(!result.timedOut, "sift run overran its \(Int(budget)) s budget", sourceLocation: sourceLocation)
        #expect(result.status == 0 || result.status == 1, "exit \(result.status), stderr: \(result.stderr.prefix(2000))", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
        status = result.status
        stderr = result.stderr
        elapsed = result.elapsed
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        self.inputs = (json["inputs"] as? [[String: Any]] ?? []).map {
            ($0["file"] as? String ?? "", $0["status"] as? String ?? "", $0["reports"] as? Int ?? 0, $0["reason"] as? String)
        }
        reportIDs = (json["reports"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        var text = ""
        for name in (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? [] {
            text += (try? String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)) ?? ""
        }
        outputs = text
        // Exit 1 exactly when an input was skipped or an error reported.
        let failed = inputs.contains { $0.status == "skipped" } || stderr.contains(": error: ")
        #expect(status == (failed ? 1 : 0), "exit \(status) but failed = \(failed); stderr: \(stderr.prefix(2000))", sourceLocation: sourceLocation)
    }

    func expect(_ outcome: HostileInputTests.Outcome, file: String, code: String?, ids: [String]? = nil,
                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let record = try #require(inputs.first { $0.file == file }, "\(file) not listed in \(inputs.map(\.file))", sourceLocation: sourceLocation)
        #expect(record.status == outcome.rawValue, "\(file): \(record.status), reason \(record.reason ?? "-"); stderr: \(stderr.prefix(2000))",
                sourceLocation: sourceLocation)
        if outcome == .skipped {
            #expect(!(record.reason ?? "").isEmpty, "\(file) skipped without a reason", sourceLocation: sourceLocation)
        }
        if let code {
            #expect(stderr.contains("[\(code)]"), "\(file): no [\(code)] on stderr: \(stderr.prefix(2000))", sourceLocation: sourceLocation)
        }
        if let ids {
            #expect(record.reports == ids.count, sourceLocation: sourceLocation)
            for id in ids { #expect(reportIDs.contains(id), "no report \(id) in \(reportIDs)", sourceLocation: sourceLocation) }
        }
    }
}

/// Runs the built `sift` with a time budget, reading stdout and stderr concurrently (so a chatty run cannot
/// fill a pipe and stall), and kills it when the budget runs out.
enum TimedProcess {
    struct Result { var status: Int32; var stdout: String; var stderr: String; var elapsed: Double; var timedOut: Bool }

    final class Sink: @unchecked Sendable { var data = Data() }

    /// `defaultSignals`: start through `env --default-signal=INT` so that SIGINT is not inherited as ignored.
    static func run(_ arguments: [String], budget: Double, directory: URL = CLI.packageRoot, defaultSignals: Bool = false,
                    onStart: ((Process) -> Void)? = nil) throws -> Result {
        let process = Process()
        if defaultSignals {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["--default-signal=INT", try CLI.binary().path] + arguments
        } else {
            process.executableURL = try CLI.binary()
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "SIFT_LEXICON")
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let outSink = Sink(), errSink = Sink()
        let group = DispatchGroup()
        let start = Date()
        try process.run()
        DispatchQueue.global().async(group: group) { outSink.data = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errSink.data = err.fileHandleForReading.readDataToEndOfFile() }
        onStart?(process)
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(start) > budget {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: outSink.data, as: UTF8.self),
                      stderr: String(decoding: errSink.data, as: UTF8.self), elapsed: Date().timeIntervalSince(start), timedOut: timedOut)
    }
}
