import Foundation
import Testing
@testable import SiftKit

/// The hand-written JSON of a report in summary.json (``JSONRenderer/report(_:)``) is byte for byte what
/// `JSONEncoder` gives for the schema's ``JSONRenderer/Report`` (``JSONRenderer/reportEncoded(_:)``).
@Suite("Report JSON written by hand")
struct ReportJSONTests {
    /// Strings that JSON escapes, or that an escaper might get wrong.
    static let hostile: [String] = {
        var strings = ["", "plain", "quote \" inside", "\"", "back\\slash", "\\", "\\\"", "a/b", "</script>", "/", "//",
                       "line\u{2028}sep", "para\u{2029}sep", "emoji 😀", "👩‍⚕️ zwj", "🇬🇧 flag", "e\u{301} combining", "\u{301}leading mark",
                       "é precomposed", "\u{FEFF}bom", "del \u{7F}", "c1 \u{85} \u{9F}", "日本語", "\u{10FFFF}", "\r\n", "lone\rcr",
                       "tab\tand\u{0B}vt", "\u{0}nul", "ends with nul\u{0}", "😀\u{0}😀", String(repeating: "long \"/\\ ", count: 300)]
        // Every ASCII control character alone, and between letters.
        for scalar in 0..<0x20 { strings.append(String(UnicodeScalar(UInt8(scalar)))); strings.append("a\(UnicodeScalar(UInt8(scalar)))b") }
        return strings
    }()

    static func same(_ record: ReportRecord) throws -> Bool {
        let renderer = JSONRenderer()
        return Array(renderer.report(record).utf8) == Array(try renderer.reportEncoded(record).utf8)
    }

    @Test func hostileStringsInEveryField() throws {
        for (index, text) in Self.hostile.enumerated() {
            var generator = SplitMix64(seed: UInt64(index))
            let others = Self.hostile.shuffled(using: &generator)
            for full in [true, false] {
                var record = ReportRecordFileTests.record(index, full: full, texts: [text] + others.prefix(20))
                record.id = text
                record.source = text
                record.factors = [text, text]
                record.metadata.append([text, text])
                #expect(try Self.same(record), "string \(index): \(text.debugDescription)")
            }
        }
    }

    @Test func metadataKeysSortAndCollapseAsTheEncoderDoes() throws {
        // Keys sorted by UTF-8 bytes (upper case before lower, "é" after "z"), canonically equal keys
        // ("é" and "e" + combining acute) collapsed into one, entries that are not pairs left out.
        let pairs: [[String]] = [["b", "1"], ["a", "2"], ["B", "3"], ["é", "4"], ["e\u{301}", "5"], ["z", "6"], ["", "7"], ["a/b", "8"],
                                 ["\u{0}", "9"], ["key\"quote", "10"], ["a", "duplicate"], [], ["only"], ["x", "y", "z"], ["😀", "11"],
                                 ["\u{2028}", "12"], ["a\u{0}", "13"], ["A", "14"], ["_", "15"], ["~", "16"]]
        var record = ReportRecordFileTests.record(1, full: true, texts: ["x"])
        record.metadata = pairs
        #expect(try Self.same(record))
        for rotation in 0..<pairs.count {
            record.metadata = Array(pairs[rotation...] + pairs[..<rotation])
            #expect(try Self.same(record), "rotation \(rotation)")
        }
        record.metadata = []
        #expect(try Self.same(record))
    }

    @Test func emptyAndMissingFields() throws {
        var record = ReportRecordFileTests.record(15, full: false, texts: ["x"])
        #expect(record.findings.isEmpty && record.sections.isEmpty && record.factors.isEmpty && record.metadata.isEmpty && record.unit == nil)
        #expect(try Self.same(record))
        record.date = "2024-01-01"
        #expect(try Self.same(record))
        record.date = nil
        record.unit = ""
        #expect(try Self.same(record))
    }

    @Test func randomRecords() throws {
        var rng = SplitMix64(seed: 2024)
        for number in 0..<400 {
            let texts = (0..<8).map { _ in
                (0..<Int(rng.next() % 4)).map { _ in Self.hostile[Int(rng.next() % UInt64(Self.hostile.count))] }.joined()
            }
            #expect(try Self.same(ReportRecordFileTests.record(number, full: rng.next() % 2 == 0, texts: texts)), "record \(number)")
        }
    }

    /// Real records: a generated corpus and the repository's sample, hostile and format corpora.
    @Test func corpusRecords() throws {
        let root = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try CorpusGenerator(seed: 9).write(count: 90, to: root.path)
        let corpora = ["Corpora/sample", "Corpora/hostile", "Corpora/formats", "Corpora/gold"].map { Support.packageRoot.appendingPathComponent($0).path }
        for redactor in [try Redactor(), nil] {
            let pipeline = Pipeline(lexicon: try Support.loadDefaultLexicon(), threads: 2, redactor: redactor)
            var records = 0, differing: [String] = []
            pipeline.stream(paths: [root.path] + corpora, onInput: { _, _ in }, onReport: { key, analysis in
                let record = ReportRecord(analysis, key: key)
                records += 1
                if (try? Self.same(record)) != true { differing.append(record.id) }
            })
            #expect(records > 200)
            #expect(differing.isEmpty, "\(differing.prefix(10))")
        }
    }
}
