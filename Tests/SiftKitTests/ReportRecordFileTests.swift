import Foundation
import Testing
@testable import SiftKit

/// The binary report record file (`reports.bin`): records read back equal to what was written, headers
/// alone equal to the full records' headers, and damaged files an error naming the file and record, never a crash.
@Suite("Report record file")
struct ReportRecordFileTests {
    static func range(_ start: Int, _ end: Int) -> TextRange {
        var range = TextRange(0, 0)
        range.start = start
        range.end = end
        return range
    }

    /// A record with every optional field set (`full`) or none, texts drawn from `texts`.
    static func record(_ number: Int, full: Bool, texts: [String]) -> ReportRecord {
        func text(_ k: Int) -> String { texts[(number + k) % texts.count] }
        let modifiers = full
            ? [Modifier(category: .negated, ruleID: text(1), trigger: text(2), span: range(-3, 7)),
               Modifier(category: .goodPractice, ruleID: "section.good", trigger: text(3), span: nil),
               Modifier(category: .finding, ruleID: text(4), trigger: "", span: range(0, 0))]
            : []
        let findings = (0..<(number % 5)).map { index in
            Finding(reportID: text(index), factor: "factor_\(index)", ruleID: text(index + 1), sectionIndex: index - 1, section: text(index + 2),
                    sentenceIndex: number * 1000 + index, sentence: text(index + 3), sentenceSpan: range(index, index + 5000),
                    span: range(Int.min + index, Int.max - index), matchedText: text(index + 4),
                    modifiers: index == 0 ? [] : modifiers, verdict: Verdict.allCases[(number + index) % Verdict.allCases.count])
        }
        let sections = (0..<(number % 3)).map { index in
            Section(title: text(index), category: text(index + 5), ruleID: full ? text(index + 6) : nil,
                    role: SectionRole.allCases[(number + index) % SectionRole.allCases.count],
                    headingRange: full ? range(index, index + 3) : nil, bodyRange: range(index + 3, 1 << 40))
        }
        return ReportRecord(key: ReportKey(source: text(7), index: number % 5 == 0 ? -number : number), id: text(8), source: text(9),
                            unit: full ? text(10) : nil, date: full ? "2024-0\(number % 9 + 1)-01" : nil,
                            metadata: full ? [[text(11), text(12)], [], [text(13)], ["a", "b", "c"]] : [],
                            factors: number % 3 == 0 ? [] : [text(14), text(15)], sections: sections, findings: findings)
    }

    static let texts = ["", "plain", "é accentuée", "emoji 😀👩‍⚕️", "line\u{2028}separator", "nul \u{0} and \u{1F}", "quote \" back \\ slash /",
                        "日本語の報告", "\r\n\t", String(repeating: "long ", count: 500), "Ω≈ç√∫", "\u{FEFF}bom", "x"]

    /// Short texts, for tests that damage every byte of a file.
    static let shortTexts = ["", "a", "é", "😀", "\u{2028}", "\u{0}"]

    static func records(_ count: Int, texts: [String] = texts) -> [ReportRecord] {
        (0..<count).map { record($0, full: $0 % 2 == 0, texts: texts) }
    }

    static func write(_ records: [ReportRecord], to path: String) throws {
        let writer = try ReportRecordWriter(path: path)
        for record in records { try writer.write(record) }
        try writer.close()
    }

    static func readAll(_ path: String) throws -> [ReportRecord] {
        let reader = try ReportRecordReader(path: path)
        var records: [ReportRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    static func readHeaders(_ path: String) throws -> [ReportRecordHeader] {
        let reader = try ReportRecordReader(path: path)
        var headers: [ReportRecordHeader] = []
        while let header = try reader.nextHeader() { headers.append(header) }
        return headers
    }

    static func file(_ name: String = "reports.bin") throws -> String {
        try Support.temporaryDirectory().appendingPathComponent(name).path
    }

    /// The errors a full read and (unless `headers` is false) a header read of `bytes` throw.
    static func errors(reading bytes: [UInt8], at path: String, headers readHeaders: Bool = true) throws
        -> (full: RecordFileError?, headers: RecordFileError?) {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var full: RecordFileError?, headers: RecordFileError?
        do { _ = try readAll(path) } catch let error as RecordFileError { full = error }
        if readHeaders { do { _ = try Self.readHeaders(path) } catch let error as RecordFileError { headers = error } }
        return (full, headers)
    }

    @Test func recordsRoundTrip() throws {
        // More than one batch, optional fields set and unset, empty arrays, non-ASCII and control characters.
        let records = Self.records(700)
        #expect(records.contains { $0.unit == nil && $0.sections.isEmpty && $0.findings.isEmpty && $0.metadata.isEmpty && $0.factors.isEmpty })
        #expect(records.contains { $0.unit != nil && $0.findings.contains { $0.modifiers.contains { $0.span == nil } } })
        let path = try Self.file()
        try Self.write(records, to: path)
        let read = try Self.readAll(path)
        #expect(read.count == records.count)
        #expect(read == records)
        // Strings survive byte for byte (equality of String is canonical equivalence; compare the UTF-8 too).
        #expect(read.map { Array($0.id.utf8) + Array($0.source.utf8) } == records.map { Array($0.id.utf8) + Array($0.source.utf8) })
    }

    @Test func emptyFileAndLargeRecord() throws {
        let empty = try Self.file()
        try Self.write([], to: empty)
        #expect(try Self.readAll(empty).isEmpty)
        #expect(try Self.readHeaders(empty).isEmpty)
        // A record larger than the reader's 1 MB read size, between small ones.
        var big = Self.record(3, full: true, texts: Self.texts)
        big.findings[0].sentence = String(repeating: "ä long sentence ", count: 200_000)
        let records = [Self.record(1, full: false, texts: Self.texts), big, Self.record(2, full: true, texts: Self.texts)]
        let path = try Self.file()
        try Self.write(records, to: path)
        #expect(try Self.readAll(path) == records)
        #expect(try Self.readHeaders(path).map(\.id) == records.map(\.id))
    }

    @Test func headersEqualFullRecords() throws {
        let records = Self.records(300)
        let path = try Self.file()
        try Self.write(records, to: path)
        let headers = try Self.readHeaders(path)
        #expect(headers == (try Self.readAll(path)).map { ReportRecordHeader(key: $0.key, id: $0.id, source: $0.source) })
    }

    @Test func truncatedFileNamesTheFile() throws {
        let path = try Self.file()
        try Self.write(Self.records(6, texts: Self.shortTexts), to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        // Every cut, including one at a record boundary (the end marker is missing) and an empty file.
        for length in 0..<bytes.count {
            let (full, headers) = try Self.errors(reading: Array(bytes[0..<length]), at: path)
            #expect(full != nil && headers != nil, "cut at \(length) of \(bytes.count) was read")
            for error in [full, headers].compactMap({ $0 }) { #expect(error.description.hasPrefix(path + ": ")) }
        }
        let cut = try Self.errors(reading: Array(bytes.dropLast(2)), at: path)
        #expect(cut.full?.description.contains("cut short") == true, "\(String(describing: cut.full))")
    }

    @Test func cutInsideARecordNamesTheRecord() throws {
        let path = try Self.file()
        let records = Self.records(3)
        try Self.write(records, to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        // The second record starts after the header (9 bytes) and the first frame.
        var encoder = RecordEncoder(), scratch = RecordEncoder()
        encoder.frame(records[0], scratch: &scratch)
        let second = RecordFormat.fileHeader.count + encoder.bytes.count
        let (full, _) = try Self.errors(reading: Array(bytes[0..<(second + 10)]), at: path)
        #expect(full?.record == 2)
        #expect(full?.offset == second)
        #expect(full?.description.hasPrefix("\(path): record 2 at byte \(second): ") == true, "\(String(describing: full))")
    }

    @Test func corruptedLengthNamesTheRecord() throws {
        let path = try Self.file()
        try Self.write(Self.records(4), to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let start = RecordFormat.fileHeader.count
        // A length far past the end of the file, a longer one, a shorter one, and one too long for 64 bits.
        let lengths: [[UInt8]] = [[0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [bytes[start] &+ 5], [bytes[start] &- 5],
                                  [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]]
        let lengthSize = bytes[start...].firstIndex { $0 < 0x80 }! - start + 1
        for length in lengths {
            var damaged = bytes
            damaged.replaceSubrange(start..<(start + lengthSize), with: length)
            let (full, headers) = try Self.errors(reading: damaged, at: path)
            #expect(full != nil, "length \(length) was read")
            #expect(full?.description.hasPrefix(path + ": ") == true)
            #expect(full?.record != nil || full?.offset != nil, "\(String(describing: full))")
            // A header read cannot tell a shorter length (it skips the checksum), but it must not crash.
            _ = headers
        }
        let past = try Self.errors(reading: { var d = bytes; d.replaceSubrange(start..<(start + lengthSize), with: lengths[0]); return d }(), at: path)
        #expect(past.full?.description.contains("record 1 at byte \(start)") == true, "\(String(describing: past.full))")
        #expect(past.headers?.description.contains("record 1 at byte \(start)") == true)
    }

    @Test func wrongMagicAndVersion() throws {
        let path = try Self.file()
        try Self.write(Self.records(2), to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var magic = bytes
        magic[1] = UInt8(ascii: "X")
        let (full, headers) = try Self.errors(reading: magic, at: path)
        #expect(full?.description == "\(path): not a Sift report record file (it does not start with the record file marker)")
        #expect(headers != nil)
        // A JSON Lines file from an older Sift is not read as records.
        let json = try Self.errors(reading: Array("{\"id\":\"a\"}\n".utf8), at: path)
        #expect(json.full?.description.contains("not a Sift report record file") == true)
        var version = bytes
        version[RecordFormat.magic.count] = 2
        let other = try Self.errors(reading: version, at: path)
        #expect(other.full?.description.contains("format version 2") == true, "\(String(describing: other.full))")
    }

    @Test func everyDamagedByteIsAnError() throws {
        let path = try Self.file()
        try Self.write(Self.records(5, texts: Self.shortTexts), to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        // Any one byte changed, anywhere (header, length, checksum, payload, end marker): a full read throws.
        for index in bytes.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[index] ^= flip
                let (full, _) = try Self.errors(reading: damaged, at: path, headers: false)
                #expect(full != nil, "byte \(index) ^ \(flip) was read")
                #expect(full?.description.hasPrefix(path + ": ") == true)
            }
        }
        // Bytes appended after the end marker.
        let trailing = try Self.errors(reading: bytes + [0], at: path)
        #expect(trailing.full?.description.contains("after the end marker") == true || trailing.full?.description.contains("follow the end marker") == true)
    }

    /// The decoder on its own (no checksum to stop it): hostile payloads throw, never crash.
    @Test func hostilePayloadsThrow() throws {
        var encoder = RecordEncoder()
        encoder.record(Self.record(7, full: true, texts: Self.texts))
        let payload = encoder.bytes
        func decode(_ bytes: [UInt8]) -> Result<ReportRecord, any Error> {
            bytes.withUnsafeBufferPointer { buffer in
                Result { var decoder = RecordDecoder(buffer); return try decoder.record() }
            }
        }
        #expect((try? decode(payload).get()) == Self.record(7, full: true, texts: Self.texts))
        for length in 0..<payload.count {
            if case .success = decode(Array(payload[0..<length])) { Issue.record("prefix of \(length) bytes decoded") }
        }
        var rng = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            var damaged = payload
            for _ in 0..<(1 + Int(rng.next() % 4)) { damaged[Int(rng.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            _ = decode(damaged)
            let garbage = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = decode(garbage)
            _ = garbage.withUnsafeBufferPointer { buffer in Result { var decoder = RecordDecoder(buffer); return try decoder.header() } }
        }
    }

    @Test func varintsAndZigzag() throws {
        let values = [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, Int(Int32.max), Int(Int32.min), Int.max, Int.min]
        var encoder = RecordEncoder()
        for value in values { encoder.int(value) }
        encoder.varint(UInt64.max)
        let decoded = try encoder.bytes.withUnsafeBufferPointer { buffer throws -> (ints: [Int], last: UInt64, remaining: Int) in
            var decoder = RecordDecoder(buffer)
            let ints = try values.map { _ in try decoder.int("n") }
            return (ints, try decoder.varint("n"), decoder.remaining)
        }
        #expect(decoded.ints == values)
        #expect(decoded.last == UInt64.max)
        #expect(decoded.remaining == 0)
        // Small magnitudes stay one byte.
        var small = RecordEncoder()
        small.int(-64)
        small.int(63)
        #expect(small.bytes.count == 2)
    }
}
