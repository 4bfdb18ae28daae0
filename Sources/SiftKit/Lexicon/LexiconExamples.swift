import SiftPCRE2

/// A rule example that did not behave as written.
public struct ExampleFailure: Sendable, Hashable, CustomStringConvertible {
    public var ruleID: String
    public var location: SourceLocation
    public var expectedMatch: Bool
    public var text: String
    public var description: String {
        "\(location): rule \(ruleID): " + (expectedMatch ? "does not match its example" : "matches its no_match example") + ": \"\(text)\""
    }
}

/// Runs every rule's `match` / `no_match` examples against its pattern, on normalised text as the tagger sees it.
public enum LexiconExamples {
    public static func run(_ lexicon: Lexicon) -> (passed: Int, failures: [ExampleFailure]) {
        let matchData = MatchData()
        var passed = 0
        var failures: [ExampleFailure] = []
        func check(_ id: String, _ pattern: Pattern, _ examples: [RuleExample], expect: Bool) {
            for example in examples {
                let normalized = NormalizedText(example.text.utf8, range: TextRange(0, example.text.utf8.count))
                let matched = normalized.bytes.withUnsafeBufferPointer { (try? pattern.firstMatch(in: $0, using: matchData)) != nil }
                if matched == expect {
                    passed += 1
                } else {
                    failures.append(ExampleFailure(ruleID: id, location: example.location, expectedMatch: expect, text: example.text))
                }
            }
        }
        for rule in lexicon.targets {
            check(rule.id, rule.pattern, rule.matchExamples, expect: true)
            check(rule.id, rule.pattern, rule.noMatchExamples, expect: false)
        }
        for rule in lexicon.contextRules {
            check(rule.id, rule.trigger, rule.matchExamples, expect: true)
            check(rule.id, rule.trigger, rule.noMatchExamples, expect: false)
        }
        return (passed, failures)
    }
}
