import Foundation
import Testing
@testable import SiftKit

/// Library side of the lexicon workbench: lint, probe, scoring, tracing. In-memory fixtures only.
struct WorkbenchTests {
    static let lexiconYAML = """
    lexicon: {name: wb-unit, version: '1'}
    factors:
      escalation_delay: {label: Escalation, role: target_behaviour, definition: x}
      handover: {label: Handover, role: barrier, definition: x}
    targets:
      - id: esc.not_escalated
        factor: escalation_delay
        pattern: '\\bnot\\s+escalated\\b'
      - id: hand.poor
        factor: handover
        pattern: '\\bpoor\\s+handover\\b'
    context:
      - id: neg.no
        trigger: '\\bno\\b'
        category: negated
        direction: forward
        scope: 4
    sections:
      - id: sec.findings
        category: findings
        pattern: 'findings'
    """

    static func pipeline() throws -> Pipeline {
        Pipeline(lexicon: try LexiconLoader().load(sources: [("unit.yaml", lexiconYAML)]), threads: 1)
    }

    static func document(_ id: String, _ text: String) -> Document {
        Document(id: id, source: "\(id).txt", format: .text, text: text)
    }

    @Test(arguments: [
        ("(a+)+", ["(a+)+"]),
        ("(\\w+\\s*)*", ["(\\w+\\s*)*"]),
        ("(?:\\w+\\W+)*", ["(?:\\w+\\W+)*"]),
        ("(?:\\w+\\W+){2,}x", ["(?:\\w+\\W+){2,}"]),
        ("(?:\\w+\\W+){0,3}x", []),
        ("(?:\\w+\\s+)*?foo", ["(?:\\w+\\s+)*?"]),
        ("(?>\\w+\\s*)*", []),
        ("(?:\\w++\\s)*", []),
        ("(?:ab)+c*", []),
        ("[(+]+(x)*", []),
        ("\\((a+)\\)+", []),
        ("((?:a|b)+c)+", ["((?:a|b)+c)+"]),
    ])
    func nestedQuantifiers(pattern: String, expected: [String]) {
        #expect(RegexLint.nestedQuantifiers(in: pattern).map(\.text) == expected)
    }

    @Test func nestedQuantifierOffsets() {
        let found = RegexLint.nestedQuantifiers(in: "\\bx(\\w+\\s)*y")
        #expect(found.first?.groupOffset == 3)
        #expect(found.first?.quantifierOffset == 10)
    }

    @Test func checkProbesPatternsWithTightLimits() {
        let yaml = Self.lexiconYAML + """

          - id: sec.slow
            category: other
            pattern: 'x'
        """
        let slow = yaml.replacingOccurrences(of: "pattern: '\\bpoor\\s+handover\\b'", with: "pattern: '(\\w+\\s?)*z'")
        let result = LexiconCheck().check(sources: [("unit.yaml", slow)])
        let probe = result.issues.filter { $0.message.contains("hit the PCRE2") }
        #expect(probe.map(\.message.description).count == 1)
        #expect(probe.first?.location.line == 11)
        #expect(probe.first?.snippet?.hasSuffix("^") == true)
        #expect(result.errors == 0)
    }

    @Test func checkAcceptsACleanLexicon() {
        let result = LexiconCheck().check(sources: [("unit.yaml", Self.lexiconYAML)])
        #expect(result.errors == 0)
        #expect(result.issues.allSatisfy { !$0.message.contains("nested") && !$0.message.contains("PCRE2") })
    }

    @Test func g2MatchesAHandComputedValue() {
        // a=10 of 100 vs b=10 of 1000: G2 = 2 * sum O ln(O/E).
        let value = Suggestions.g2(a: 10, b: 10, n1: 100, n2: 1000)
        let n = 1100.0, k = 20.0
        let cells: [(Double, Double)] = [(10, 100 * k / n), (10, 1000 * k / n), (90, 100 * (n - k) / n), (990, 1000 * (n - k) / n)]
        let expected = 2 * cells.reduce(0) { $0 + $1.0 * log($1.0 / $1.1) }
        #expect(abs(value - expected) < 1e-9)
        #expect(Suggestions.g2(a: 1, b: 10, n1: 10, n2: 100) < 1e-9)
    }

    @Test func ngramsSkipStopWordsAndNumbers() {
        let tokens = Suggestions.tokenize(Array("The CTG wasn't escalated at 14.30.".utf8))
        #expect(tokens == ["the", "ctg", "wasn't", "escalated", "at", "14", "30"])
        let grams = Suggestions.ngrams(["the", "ctg", "at", "14"])
        #expect(grams.contains("the ctg"))
        #expect(!grams.contains("the"))
        #expect(!grams.contains("at 14"))
    }

    @Test func explainGroupsFindingsBySentence() throws {
        let pipeline = try Self.pipeline()
        let analysis = pipeline.analyze(Self.document("u1", "Findings\nThe CTG was not escalated. There was no poor handover.\n"))
        let explanation = Explanation([analysis])
        let sentences = explanation.reports[0].sentences
        #expect(sentences.map(\.number) == [1, 2])
        #expect(sentences[1].findings[0].verdict == "negated")
        #expect(sentences[1].findings[0].modifiers.map(\.rule) == ["neg.no"])
        #expect(explanation.reports[0].factors == ["escalation_delay"])
        let coloured = explanation.text(style: ANSIStyle(enabled: true))
        #expect(coloured.contains("\u{1B}[1;4;33mnot escalated\u{1B}[0m"))
        #expect(!explanation.text().contains("\u{1B}"))
    }

    @Test func concordanceSortsAndAligns() throws {
        let pipeline = try Self.pipeline()
        let corpus = WorkbenchCorpus(documents: [Self.document("b", "Findings\nA poor handover.\n"),
                                                 Self.document("a", "Findings\nIt was a very poor handover indeed.\n")],
                                     inputs: [], diagnostics: [])
        let concordance = try Concordance.search(corpus: corpus, pipeline: pipeline, query: "handover", threads: 2)
        #expect(concordance.lines.map(\.report) == ["a", "b"])
        #expect(concordance.text(window: 10) == "a:1  hand.poor  was a very  poor handover  indeed.\nb:1  hand.poor           A  poor handover  .\n")
    }

    @Test func diffSharesSegmentationWhenSectionRulesMatch() throws {
        let base = try Self.pipeline()
        let headYAML = Self.lexiconYAML.replacingOccurrences(of: "\\bpoor\\s+handover\\b", with: "\\b(?:poor|rushed)\\s+handover\\b")
        let head = Pipeline(lexicon: try LexiconLoader().load(sources: [("head.yaml", headYAML)]))
        let corpus = WorkbenchCorpus(documents: [Self.document("a", "Findings\nA rushed handover.\n"), Self.document("b", "Findings\nFine.\n")],
                                     inputs: [], diagnostics: [])
        let diff = try LexiconDiff.compute(corpus: corpus, base: ("base", base), head: ("head", head), threads: 2)
        #expect(!diff.resegmented)
        #expect(diff.changes.map(\.id) == ["a"])
        #expect(diff.changes[0].gained.map(\.factor) == ["handover"])
        #expect(diff.factors.map(\.factor) == ["handover"])
    }
}
