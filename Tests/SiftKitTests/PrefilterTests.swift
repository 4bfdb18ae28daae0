import Foundation
import Testing
@testable import SiftKit

@Suite struct PrefilterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [
        (#"\bwas\s+not\s+escalated\b"#, ["escalated"]),
        (#"\b(?:registrar|consultant)\s+(?:did\s+not|failed\s+to)\s+attend"#, ["consultant", "registrar"]),
        (#"\bCTG\b"#, ["ctg"]),
        (#"pre-?eclamp\w*"#, ["pre-eclamp", "preeclamp"]),
        (#"hand(?:ed)?\s*over"#, ["over"]),
        (#"(?:a|b)+c"#, nil),
        (#".*"#, nil),
        (#"\w+\s+\w+"#, nil),
        (#"(?i)abc"#, nil),
    ] as [(String, [String]?)])
    func requiredLiterals(_ pattern: String, _ expected: [String]?) {
        let found = RequiredLiterals.extract(pattern).map { Array($0).sorted() }
        #expect(found == expected, "\(pattern)")
    }

    @Test func requiredLiteralIsInEveryMatch() throws {
        // For every default target rule with a requirement, its own match examples contain a literal.
        let lexicon = try LexiconLoader().load(path: PrefilterTests.root.appendingPathComponent("Lexicons/default").path)
        var checked = 0
        for rule in lexicon.targets {
            guard let required = RequiredLiterals.extract(rule.pattern.source) else { continue }
            for example in rule.matchExamples {
                let normalized = NormalizedText(example.text.utf8, range: TextRange(0, example.text.utf8.count)).string.lowercased()
                #expect(required.contains { normalized.contains($0) }, "\(rule.id): \(required.sorted()) not in \(example.text)")
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test func scannerFindsOverlappingLiterals() {
        let scanner = LiteralScanner(["he", "she", "hers", "his", "ctg"])
        var found = Array(repeating: false, count: 5)
        Array("USHERS and the CTG".utf8).withUnsafeBufferPointer { scanner.scan($0, into: &found) }
        #expect(found == [true, true, true, false, true])
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
}
