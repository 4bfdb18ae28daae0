import Foundation
import SiftPCRE2
import Testing
@testable import SiftKit

/// The byte-level fast paths of segmentation give exactly what the general (scalar, String) paths give.
@Suite("Segmentation fast paths")
struct SegmentFastPathTests {
    /// Characters that exercise every fold: ASCII letters and punctuation, every kind of space, controls,
    /// dropped zero-width characters, folded dashes and quotes, kept 2-, 3- and 4-byte characters, a combining mark.
    static let pieces: [String] = [
        "a", "Z", "7", ".", ":", "-", "#", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{00}", "\u{07}", "\u{1F}",
        "\u{7F}", "\u{85}", "\u{A0}", "\u{AD}", "\u{1680}", "\u{2003}", "\u{200B}", "\u{2028}", "\u{202F}", "\u{205F}",
        "\u{3000}", "\u{FEFF}", "\u{2013}", "\u{2212}", "\u{FF0D}", "\u{2019}", "\u{201C}", "\u{FF02}", "\u{2026}", "é",
        "\u{301}", "ß", "€", "中", "😀", "CTG ", "escalated ",
    ]

    static func randomText(_ rng: inout SplitMix64, length: Int) -> String {
        var text = ""
        for _ in 0..<length { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
        return text
    }

    /// Every normalised byte with its original range, and the mapping of empty ranges at each end.
    static func signature(_ normalized: NormalizedText) -> [String] {
        var result = ["\(normalized.bytes)"]
        for index in normalized.bytes.indices { result.append("\(normalized.originalRange(index..<(index + 1)))") }
        result.append("\(normalized.originalRange(0..<0)) \(normalized.originalRange(normalized.bytes.count..<normalized.bytes.count))")
        return result
    }

    @Test func normalizedTextFastPathEqualsScalarPath() {
        var rng = SplitMix64(seed: 7)
        for round in 0..<400 {
            let text = Self.randomText(&rng, length: 1 + round % 60)
            let scalarOffsets = text.unicodeScalars.indices.map { text.utf8.distance(from: text.utf8.startIndex, to: $0) } + [text.utf8.count]
            for _ in 0..<4 {
                let a = scalarOffsets[Int(rng.next() % UInt64(scalarOffsets.count))]
                let b = scalarOffsets[Int(rng.next() % UInt64(scalarOffsets.count))]
                let range = TextRange(min(a, b), max(a, b))
                let fast = NormalizedText(text.utf8, range: range)
                let general = NormalizedText(scalarsOf: text.utf8, range: range)
                #expect(Self.signature(fast) == Self.signature(general), "\(Array(text.unicodeScalars)) \(range)")
            }
        }
    }

    @Test func normalizedTextOfARangeInsideACharacterIsRepairedAsBefore() {
        let text = "ab\u{2019}cd é"
        // Byte 3 is inside the 3-byte apostrophe: the general path repairs it; the fast path must not be taken.
        let range = TextRange(3, text.utf8.count)
        let normalized = NormalizedText(text.utf8, range: range)
        #expect(Self.signature(normalized) == Self.signature(NormalizedText(scalarsOf: text.utf8, range: range)))
        #expect(normalized.string.hasSuffix("cd é"))
    }

    @Test func normalizedTextFastPathOnPlainASCII() {
        let text = "  The CTG\twas\r\n not  escalated.\u{7F} "
        let normalized = NormalizedText(text.utf8, range: TextRange(0, text.utf8.count))
        #expect(normalized.string == "The CTG was not escalated.")
        #expect(normalized.originalRange(7..<9) == TextRange(9, 11))  // the tab became the space before "was"
        #expect(normalized.originalRange(0..<normalized.bytes.count) == TextRange(2, 31))
    }

    static func documents(in folder: String) throws -> [Document] {
        let root = Support.packageRoot.appendingPathComponent(folder).path
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).sorted().map { root + "/" + $0 }
        let registry = IngestRegistry()
        return files.filter { registry.ingester(for: $0) != nil }.flatMap { registry.ingest(path: $0).documents }
    }

    static func sectionsBothWays(_ document: Document) throws -> (fast: [Section], general: [Section]) {
        let lexicon = try Support.loadDefaultLexicon()
        let fast = Sectionizer(rules: lexicon.sectionRules)
        var general = fast
        general.asciiFastPath = false
        return (fast.sections(of: document, matchData: MatchData()), general.sections(of: document, matchData: MatchData()))
    }

    @Test(arguments: ["Corpora/gold", "Corpora/holdout", "Corpora/holdout2", "Corpora/holdout2-tuned", "Corpora/sample", "Corpora/hostile"])
    func headingFastPathFindsTheSameSections(folder: String) throws {
        let documents = try Self.documents(in: folder).filter { $0.declaredSections.isEmpty }
        #expect(documents.count > 3)
        var headings = 0
        for document in documents {
            let (fast, general) = try Self.sectionsBothWays(document)
            #expect(fast == general, "\(document.source)")
            headings += fast.count - 1
        }
        #expect(headings > documents.count || folder == "Corpora/hostile")
    }

    @Test func headingFastPathOnTrickyLines() throws {
        let lines = [
            "3.15 Chronology of events", "1. 2. Background", "2", "1. 2", "## 2. Terms of reference", "**Action plan**", "__Findings__",
            "4) Lessons learned -", "Root cause: the CTG was misread.", "Root cause : the CTG", "Part B: Root causes", "(b) Recommendations",
            "Findings - care and service delivery problems", "Findings -- x", "WARD ENVIRONMENT AND ESTATES", "WARD ENVIRONMENT.",
            "03:57 ROSC CALLED", "0357 ROSC CALLED", "12 MIDWIVES", "ABC", "A B C D E", "#", "# x", "   ", ":::", "- - -", "Section 4",
            "iv. Actions taken", "Notable practice:", "Key findings: there were seven", "One two three four five six seven: root cause",
            "Summary\tof\u{0B}events", "Summary\u{07} of events", "CORONER\u{2019}S CONCERNS", "Caf\u{E9} findings", "SUMMARY \u{2014} CASE",
            "Recommendations =", "Recommendations ,;", "- Recommendations", ". Findings", "the findings were shared with the family",
        ]
        let text = "Preamble line.\n" + lines.joined(separator: "\n") + "\nLast.\n"
        let (fast, general) = try Self.sectionsBothWays(Support.document(text))
        #expect(fast == general)
        #expect(fast.map(\.title).contains("Root cause"))
        #expect(fast.map(\.title).contains("WARD ENVIRONMENT AND ESTATES"))
        #expect(!fast.map(\.title).contains("ROSC CALLED"))
    }

    @Test(arguments: ["Corpora/formats", "Corpora/hostile", "Corpora/sample"])
    func declaredTitlesAreClassifiedTheSame(folder: String) throws {
        let documents = try Self.documents(in: folder).filter { !$0.declaredSections.isEmpty }
        #expect(documents.count > 2)
        for document in documents {
            let (fast, general) = try Self.sectionsBothWays(document)
            #expect(fast == general, "\(document.source)")
        }
    }

    @Test func classifyFastPathOnTrickyTitles() throws {
        let lexicon = try Support.loadDefaultLexicon()
        let fast = Sectionizer(rules: lexicon.sectionRules)
        var general = fast
        general.asciiFastPath = false
        let titles = ["inc_notes", " IN07 Description of what happened ", "F001 - Describe what happened", "Findings - other", "1.", "",
                      "   ", "2", "1. 2", "**", "Root cause:", "Recommendations\t", "Action\u{07} plan", "Caf\u{E9}", "Coroner\u{2019}s concerns",
                      "Summary -", "- Summary", "x - Findings", "Findings - ", "AC001 - What was done immediately to reduce harm caused by the event?"]
        for title in titles {
            let a = fast.classify(title, matchData: MatchData()), b = general.classify(title, matchData: MatchData())
            #expect(a?.0 == b?.0 && a?.1 == b?.1 && a?.2 == b?.2, "\(title)")
        }
        #expect(fast.classify("F001 - Describe what happened", matchData: MatchData())?.0 != nil)
    }
}
