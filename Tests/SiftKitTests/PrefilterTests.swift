import Foundation
import Testing
@testable import SiftKit
import SiftPCRE2

@Suite struct PrefilterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [
        // \s+ is one space in normalised text, so words joined by it make one literal.
        (#"\bwas\s+not\s+escalated\b"#, [["was not escalated"]]),
        (#"\b(?:registrar|consultant)\s+(?:did\s+not|failed\s+to)\s+attend"#,
         [["consultant did not attend", "consultant failed to attend", "registrar did not attend", "registrar failed to attend"]]),
        (#"\bCTG\b"#, [["ctg"]]),
        (#"pre-?eclamp\w*"#, [["pre-eclamp", "preeclamp"]]),
        (#"hand(?:ed)?\s*over"#, [["hand over", "handed over", "handedover", "handover"]]),
        (#"no +escalation"#, [["no escalation"]]),
        (#"(?:registrar|consultant)\s+\w+\s+attend"#, [["consultant ", "registrar "], [" attend"]]),
        (#"no\s{1,3}escalation"#, [["no escalation"]]),
        // Two or more spaces never occur in normalised text: nothing is claimed for them.
        (#"no\s{2,}escalation"#, [["escalation"], ["no"]]),
        (#"\S+\s+escalat"#, [[" escalat"]]),
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
         [[["far from theatre"]], [["overcrowd"]], [["no bed available", "no beds available", "no cot available", "no cots available"]]]),
        (#"\bescalat\w*"#, [[["escalat"]]]),
        (#"(?:late|delayed)\s+(?:escalation|referral)|not\s+escalated"#,
         [[["delayed escalation", "delayed referral", "late escalation", "late referral"]], [["not escalated"]]]),
        (#"\bescalat\w*|\w+\s+\w+"#, nil),
    ] as [(String, [[[String]]]?)])
    func requiredLiteralsPerAlternative(_ pattern: String, _ expected: [[[String]]]?) {
        #expect(RequiredLiterals.extractAlternatives(pattern) == expected, "\(pattern)")
    }

    /// What reading \s+ as one space relies on: normalised text holds no whitespace but single spaces
    /// between other characters (no runs, none at either end, no tab, line break, vertical tab or form feed).
    @Test func normalisedTextHasOnlySingleSpaces() throws {
        var generator = SplitMix64(seed: 7)
        let pieces = ["a", "B", " ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{A0}", "\u{2003}", "\u{200B}", "\u{AD}", "\u{3000}",
                      "\u{85}", "\u{2028}", "é", "\u{1F476}", "-", "\u{2019}", "\u{0}", "\u{7F}", "."]
        var texts = (0..<2000).map { _ in (0..<Int(generator.next() % 24)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined() }
        for file in ["Corpora/hostile", "Corpora/sample"] {
            let folder = PrefilterTests.root.appendingPathComponent(file)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".txt") {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                texts.append(String(decoding: try Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self))
            }
        }
        for text in texts {
            let utf8 = text.utf8
            for range in [TextRange(0, utf8.count)] + (utf8.count > 3 ? [TextRange(1, utf8.count - 1)] : []) {
                let bytes = NormalizedText(utf8, range: range).bytes
                #expect(bytes.first != 0x20 && bytes.last != 0x20, "\(Array(text.unicodeScalars))")
                #expect(!zip(bytes, bytes.dropFirst()).contains { $0 == 0x20 && $1 == 0x20 }, "\(Array(text.unicodeScalars))")
                #expect(!bytes.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0B || $0 == 0x0C || $0 == 0x0D }, "\(Array(text.unicodeScalars))")
            }
        }
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

    /// Literals longer than the automaton's prefix: found only where the whole literal is, in any ASCII case,
    /// including several sharing one prefix, a rest that runs past the end of the text, and a near miss.
    @Test func longLiteralsAreFoundWhole() {
        #expect(LiteralScanner.prefixLength == 8)
        let literals = ["consultant did not attend", "consultant failed to attend", "consultant", "registrar did not",
                        "no escalation", "no escalation to", "not escalated"]
        let scanner = LiteralScanner(literals)
        func found(_ text: String) -> [String] {
            var found = Array(repeating: false, count: literals.count)
            var hits: [Int32] = []
            Array(text.utf8).withUnsafeBufferPointer { scanner.scan($0, into: &found, hits: &hits) }
            #expect(hits.map { literals[Int($0)] }.sorted() == literals.indices.filter { found[$0] }.map { literals[$0] }.sorted())
            return literals.indices.filter { found[$0] }.map { literals[$0] }
        }
        #expect(found("The CONSULTANT Did Not ATTEND.") == ["consultant did not attend", "consultant"])
        #expect(found("the consultant did not atten") == ["consultant"])
        #expect(found("the consultant failed to attend and the registrar did not") == ["consultant failed to attend", "consultant", "registrar did not"])
        #expect(found("there was no escalation") == ["no escalation"])
        #expect(found("no escalation to the registrar; it was not escalated") == ["no escalation", "no escalation to", "not escalated"])
        #expect(found("no escalatio") == [])
        #expect(found("registrar did") == [])
        // Against a plain search, over many random texts made of the literals' pieces.
        var generator = SplitMix64(seed: 9)
        let pieces = ["consultant", " did", " not", " attend", " failed", " to", "no", " escalat", "ion", "ed", " ", "registrar", "X"]
        for _ in 0..<500 {
            let text = (0..<Int(generator.next() % 12)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let cased = generator.next() % 2 == 0 ? text.uppercased() : text
            #expect(found(cased) == literals.filter { text.lowercased().contains($0) }, "\(cased)")
        }
    }

    @Test func largeAutomatonUsesWideEntriesAndFindsTheSame() {
        // More than 32,768 states takes the 32-bit table; literals found must be exactly those a plain
        // search finds, on both table widths.
        var generator = SplitMix64(seed: 42)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        func word(_ length: Int) -> String { String((0..<length).map { _ in letters[Int(generator.next() % 26)] }) }
        // Words longer than the automaton's prefixes, so that the rest of each literal is compared too.
        for (count, wide) in [(300, false), (14000, true)] {
            let literals = Array(Set((0..<count).map { _ in word(12) })).sorted()
            let scanner = LiteralScanner(literals)
            #expect((scanner.stateCount > 1 << 15) == wide)
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
        let known = try #require(lexicon.prefilter)
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
