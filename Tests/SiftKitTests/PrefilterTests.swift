import Foundation
import Testing
@testable import SiftKit
import SiftPCRE2

@Suite struct PrefilterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [
        (#"\bwas\s+not\s+escalated\b"#, [["escalated"], ["not"], ["was"]]),
        (#"\b(?:registrar|consultant)\s+(?:did\s+not|failed\s+to)\s+attend"#,
         [["consultant", "registrar"], ["attend"], ["did", "failed"], ["not", "to"]]),
        (#"\bCTG\b"#, [["ctg"]]),
        (#"pre-?eclamp\w*"#, [["pre-eclamp", "preeclamp"]]),
        (#"hand(?:ed)?\s*over"#, [["hand"], ["over"]]),
        (#"(?:a|b)+c"#, nil),
        (#".*"#, nil),
        (#"\w+\s+\w+"#, nil),
        (#"(?i)abc"#, nil),
        (#"(?:x\s+)?escalat"#, [["escalat"]]),
        (#"(?:no|never)?\s*escalat"#, [["escalat"]]),
    ] as [(String, [[String]]?)])
    func requiredLiterals(_ pattern: String, _ expected: [[String]]?) {
        // Patterns without a top-level "|": one alternative, whose clauses are these.
        #expect(RequiredLiterals.extractAlternatives(pattern) == expected.map { [$0] }, "\(pattern)")
    }

    @Test(arguments: [
        (#"\bfar\s+from\s+theatre|\bovercrowd\w*|no\s+(?:beds?|cots?)\s+available"#,
         [[["theatre"], ["from"], ["far"]], [["overcrowd"]], [["available"], ["bed", "cot"], ["no"]]]),
        (#"\bescalat\w*"#, [[["escalat"]]]),
        (#"(?:late|delayed)\s+(?:escalation|referral)|not\s+escalated"#,
         [[["escalation", "referral"], ["delayed", "late"]], [["escalated"], ["not"]]]),
        (#"\bescalat\w*|\w+\s+\w+"#, nil),
    ] as [(String, [[[String]]]?)])
    func requiredLiteralsPerAlternative(_ pattern: String, _ expected: [[[String]]]?) {
        #expect(RequiredLiterals.extractAlternatives(pattern) == expected, "\(pattern)")
    }

    @Test func everyMatchExampleSatisfiesAnAlternative() throws {
        // What the tagger relies on: each match example of every default rule holds every clause of at
        // least one of the rule's alternatives.
        let lexicon = try LexiconLoader().load(path: PrefilterTests.root.appendingPathComponent("Lexicons/default").path)
        let rules = lexicon.targets.map { ($0.id, $0.pattern, $0.matchExamples) } + lexicon.contextRules.map { ($0.id, $0.trigger, $0.matchExamples) }
        var checked = 0
        var split = 0
        for (id, pattern, examples) in rules {
            guard let alternatives = RequiredLiterals.extractAlternatives(pattern.source) else { continue }
            if alternatives.count > 1 { split += 1 }
            for example in examples {
                let normalized = NormalizedText(example.text.utf8, range: TextRange(0, example.text.utf8.count)).string.lowercased()
                let holds = alternatives.contains { clauses in clauses.allSatisfy { clause in clause.contains { normalized.contains($0) } } }
                #expect(holds, "\(id): no alternative's literals in \(example.text)")
                checked += 1
            }
        }
        #expect(checked > 1000)
        #expect(split > 100)
    }

    @Test func scannerFindsOverlappingLiterals() {
        let scanner = LiteralScanner(["he", "she", "hers", "his", "ctg"])
        var found = Array(repeating: false, count: 5)
        Array("USHERS and the CTG".utf8).withUnsafeBufferPointer { scanner.scan($0, into: &found) }
        #expect(found == [true, true, true, false, true])
    }

    @Test func largeAutomatonUsesWideEntriesAndFindsTheSame() {
        // More than 65,536 states takes the 32-bit table; literals found must be exactly those a plain
        // search finds, on both table widths.
        var generator = SplitMix64(seed: 42)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        func word(_ length: Int) -> String { String((0..<length).map { _ in letters[Int(generator.next() % 26)] }) }
        for (count, wide) in [(300, false), (9000, true)] {
            let literals = Array(Set((0..<count).map { _ in word(10) })).sorted()
            let scanner = LiteralScanner(literals)
            #expect((scanner.stateCount > 1 << 16) == wide)
            let planted = stride(from: 0, to: literals.count, by: max(1, literals.count / 20)).map { literals[$0] }
            let text = (planted.map { "\(word(3)) \($0.uppercased())" } + [word(40)]).joined(separator: " ")
            var found = Array(repeating: false, count: literals.count)
            var hits: [Int32] = []
            Array(text.utf8).withUnsafeBufferPointer { scanner.scan($0, into: &found, hits: &hits) }
            let lowered = text.lowercased()
            let expected = literals.indices.filter { lowered.contains(literals[$0]) }
            #expect(found.indices.filter { found[$0] } == expected)
            #expect(hits.map(Int.init).sorted() == expected)
            #expect(expected.count >= planted.count)
        }
    }

    @Test func findingsAreIdenticalWithAndWithoutPrefilter() throws {
        let lexicon = try LexiconLoader().load(path: PrefilterTests.root.appendingPathComponent("Lexicons/default").path)
        let paths = ["Corpora/gold", "Corpora/sample"].map { PrefilterTests.root.appendingPathComponent($0).path }
        let with = Pipeline(lexicon: lexicon, prefilter: true).run(paths: paths)
        let without = Pipeline(lexicon: lexicon, prefilter: false).run(paths: paths)
        #expect(with.reports.count >= 79)
        #expect(with.reports.map(\.findings) == without.reports.map(\.findings))
        #expect(with.reports.flatMap(\.findings).count > 300)
    }

    @Test func loaderWorksOutTheLiteralsOfTheRulesItLoads() throws {
        // The loader extracts the literals alongside the JIT; they must be what the tagger would extract.
        let lexicon = try LexiconLoader().load(path: PrefilterTests.root.appendingPathComponent("Lexicons/default").path)
        let known = try #require(lexicon.prefilterLiterals)
        let sources = Tagger.slotSources(targets: lexicon.targets, contextRules: lexicon.contextRules)
        #expect(known.sources == sources)
        #expect(known.alternatives.count == lexicon.targets.count + lexicon.contextRules.count)
        for (index, source) in sources.enumerated() {
            #expect(known.alternatives[index] == RequiredLiterals.extractAlternatives(source), "slot \(index)")
        }
    }

    @Test func literalsOfOtherRulesAreNotUsed() throws {
        // A lexicon whose rules changed after loading must not be prefiltered with the old rules' literals:
        // the new rule's word is not among them, and its finding must still be made.
        var lexicon = try LexiconLoader().load(path: PrefilterTests.root.appendingPathComponent("Lexicons/default").path)
        let index = try #require(lexicon.targets.firstIndex { $0.factor == "workload_staffing" })
        lexicon.targets[index].pattern = try Pattern(#"\bzebracrossing\b"#, options: [.caseless])
        let document = Document(id: "r1", source: "r1.txt", format: .text, text: "Findings\nThe zebracrossing was busy.\n")
        let pipeline = Pipeline(lexicon: lexicon, prefilter: true)
        let findings = pipeline.analyze(document).findings
        #expect(findings.contains { $0.ruleID == lexicon.targets[index].id && $0.matchedText == "zebracrossing" })
    }

    @Test func aLaterAlternativeRunsWhenAnEarlierOnesFirstClauseAloneHolds() throws {
        // Alternative 1 needs "alphaword" and "betaword", alternative 2 "gammaword" and "deltaword"; the
        // sentence has alphaword (alternative 1's first clause) but not betaword, and all of alternative 2.
        // A rule without literals, placed before it, must still run first (lexicon order decides ties).
        var lexicon = try LexiconLoader().load(path: PrefilterTests.root.appendingPathComponent("Lexicons/default").path)
        let first = try #require(lexicon.targets.firstIndex { $0.factor == "workload_staffing" })
        let second = try #require(lexicon.targets.indices.first { $0 > first && lexicon.targets[$0].factor == "workload_staffing" })
        lexicon.targets[first].pattern = try Pattern(#"\b[a-z]{9}\s+[a-z]{9}\b"#, options: [.caseless])
        #expect(RequiredLiterals.extractAlternatives(lexicon.targets[first].pattern.source) == nil, "no literals: runs on every sentence")
        lexicon.targets[second].pattern = try Pattern(#"\b(?:alphaword\s+\w+\s+betaword|gammaword\s+deltaword)\b"#, options: [.caseless])
        let text = "Findings\nThe alphaword came before the gammaword deltaword today.\n"
        let document = Document(id: "r2", source: "r2.txt", format: .text, text: text)
        for prefilter in [true, false] {
            let findings = Pipeline(lexicon: lexicon, prefilter: prefilter).analyze(document).findings.filter { $0.factor == "workload_staffing" }
            // The literal-free rule claims "gammaword deltaword" first; the second rule then adds nothing.
            #expect(findings.map(\.ruleID) == [lexicon.targets[first].id], "prefilter \(prefilter)")
            #expect(findings.map(\.matchedText) == ["gammaword deltaword"], "prefilter \(prefilter)")
        }
        lexicon.targets[first].pattern = try Pattern(#"\bnever-present-zzz\b"#, options: [.caseless])
        let findings = Pipeline(lexicon: lexicon, prefilter: true).analyze(document).findings.filter { $0.factor == "workload_staffing" }
        #expect(findings.map(\.ruleID) == [lexicon.targets[second].id])
        #expect(findings.map(\.matchedText) == ["gammaword deltaword"])
    }
}
