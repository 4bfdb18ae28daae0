import Foundation
import Testing

/// The lexicon workbench (issue 4) end to end, on fixture lexicons and reports under Fixtures/workbench,
/// never on Lexicons/default (whose rules keep changing).
@Suite(.serialized)
struct WorkbenchCLITests {
    static let dir = "Tests/SiftCLITests/Fixtures/workbench"
    static let base = "\(dir)/base.yaml"
    static let head = "\(dir)/head.yaml"
    static let reports = "\(dir)/reports"
    static let gold = "\(dir)/gold.jsonl"

    @Test func explainPlainTracesEveryMatch() throws {
        let result = try CLI.run(["explain", "--lexicon", Self.base, "\(Self.reports)/r2.txt"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == """
        report r2 (\(Self.reports)/r2.txt)

        sentence 1 in findings "Findings", bytes 39-72
          There was no delay in escalation.
          - escalation_delay by rule esc.delay: "delay in escalation" bytes 52-71
              negated by rule neg.no: trigger "no" bytes 49-51
              verdict: negated

        sentence 2 in findings "Findings", bytes 73-121
          The unit was short staffed but no harm resulted.
          - workload_staffing by rule staff.short: "short staffed" bytes 86-99
              verdict: counted

        sentence 3 in findings "Findings", bytes 122-184
          If the handover had been incomplete handover risks would rise.
          - handover by rule hand.poor: "incomplete handover" bytes 147-166
              hypothetical by rule hyp.if: trigger "If" bytes 122-124
              verdict: hypothetical

        counted: workload_staffing (1)
        not counted: negated 1, hypothetical 1


        """)
        #expect(!result.stdout.contains("\u{1B}["), "piped output is plain")
    }

    @Test func explainFiltersByFactorAndShowsSectionVerdicts() throws {
        let result = try CLI.run(["explain", "--lexicon", Self.base, "--factor", "escalation_delay", "\(Self.reports)/r1.txt"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("recommendation by section rule sec.recommendations: heading \"Recommendations\""))
        #expect(result.stdout.contains("verdict: recommendation"))
        #expect(!result.stdout.contains("handover"))
        let bad = try CLI.run(["explain", "--lexicon", Self.base, "--factor", "nope", "\(Self.reports)/r1.txt"])
        #expect(bad.status == 64)
    }

    @Test func explainJSONSpansPointIntoTheReport() throws {
        let result = try CLI.run(["explain", "--json", "--lexicon", Self.base, "\(Self.reports)/r2.txt"])
        #expect(result.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(parsed["schema"] as? String == "sift.explain")
        let report = (parsed["reports"] as! [[String: Any]])[0]
        let text = try String(contentsOf: CLI.packageRoot.appendingPathComponent("\(Self.reports)/r2.txt"), encoding: .utf8)
        let bytes = Array(text.utf8)
        for sentence in report["sentences"] as! [[String: Any]] {
            for finding in sentence["findings"] as! [[String: Any]] {
                let start = finding["start"] as! Int, end = finding["end"] as! Int
                #expect(String(decoding: bytes[start..<end], as: UTF8.self) == finding["text"] as! String)
            }
        }
        #expect(report["factors"] as? [String] == ["workload_staffing"])
    }

    @Test func kwicAlignsOnTheMatch() throws {
        let regex = try CLI.run(["kwic", "--lexicon", Self.base, "--window", "20", "hand-?over", Self.reports])
        #expect(regex.status == 0, "stderr: \(regex.stderr)")
        #expect(regex.stdout == """
        r1:3    There was a rushed  handover  at [TIME].
        r2:3                If the  handover  had been incomplete
        r2:3   had been incomplete  handover  risks would rise.
        r3:1                A poor  handover  meant the plan was l

        """)
        #expect(regex.stderr.contains("4 match(es) in 3 report(s)"))
        let factor = try CLI.run(["kwic", "--lexicon", Self.head, "escalation_delay", Self.reports])
        #expect(factor.stdout == """
        r1:1  esc.not_escalated                      The abnormal CTG was  not escalated  to the registrar.
        r1:2  esc.did_not_call                                The midwife  did not call the registrar  .
        r1:4  esc.not_escalated     Staff should ensure that concerns are  not escalated  late.
        r2:4  esc.did_not_call                                The midwife  did not call the registrar  when the trace changed.

        """)
        let bad = try CLI.run(["kwic", "--lexicon", Self.base, "a(b", Self.reports])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("pattern offset 3\n    a(b\n       ^"))
    }

    @Test func coverageCountsHitsNeverFiringRulesAndFalsePositives() throws {
        let result = try CLI.run(["lexicon", "coverage", "--lexicon", Self.base, "--gold", Self.gold, Self.reports])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == """
        lexicon: wb-fixture base, 5 target rules, 2 context rules
        reports: 3, sentences: 11, findings: 8 (5 counted, 3 not counted)

        hits per target rule:
          rule                    factor              counted  not counted  reports
          esc.not_escalated       escalation_delay          1            1        1
          esc.delay               escalation_delay          1            1        2
          hand.poor               handover                  1            1        2
          staff.short             workload_staffing         2            0        2
          staff.never             workload_staffing         0            0        0

        rules that fire most:
          1. esc.delay: 2 hits in 2 report(s), 1 counted; negated 1
          2. esc.not_escalated: 2 hits in 1 report(s), 1 counted; recommendation 1
          3. hand.poor: 2 hits in 2 report(s), 1 counted; hypothetical 1
          4. staff.short: 2 hits in 2 report(s), 2 counted

        rules that never fire (1):
          staff.never (\(Self.base):24)

        context rules (findings modified):
          neg.no                  negated             1
          hyp.if                  hypothetical        1

        rules causing false positives (counted findings where gold lacks the factor):
          esc.delay (escalation_delay): 1 finding(s) in 1 report(s): r3
          staff.short (workload_staffing): 1 finding(s) in 1 report(s): r3

        """)
        let json = try CLI.run(["lexicon", "coverage", "--json", "--lexicon", Self.base, Self.reports])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(parsed["never_fire"] as? [String] == ["staff.never"])
        #expect(parsed["false_positives"] == nil)
    }

    @Test func diffListsChangesWithEvidenceAndScores() throws {
        let result = try CLI.run(["lexicon", "diff", "--base", Self.base, "--head", Self.head, "--gold", Self.gold, Self.reports])
        #expect(result.status == 1, "changes exit 1; stderr: \(result.stderr)")
        #expect(result.stdout == """
        base: \(Self.base) (wb-fixture base)
        head: \(Self.head) (wb-fixture head)
        reports: 3, changed: 3

        factor report counts (base -> head):
          escalation_delay            2 ->     2  0     (1 gained, 1 lost)
          handover                    1 ->     2  +1    (1 gained, 0 lost)

        scores against gold (base -> head):
          factor                  precision        recall           f1
          escalation_delay        0.500 -> 1.000  0.500 -> 1.000  0.500 -> 1.000 (+0.500)
          handover                1.000 -> 1.000  0.500 -> 1.000  0.667 -> 1.000 (+0.333)
          micro                   0.600 -> 0.833  0.600 -> 1.000  0.600 -> 0.909 (+0.309)

        reports:
          r1 (\(Self.reports)/r1.txt)
            + handover (gained)
                + [hand.poor] findings, sentence 3, bytes 144-159 "rushed handover": There was a rushed handover at [TIME].
            ~ escalation_delay (still counted, evidence changed)
                + [esc.did_not_call] findings, sentence 2, bytes 104-130 "did not call the registrar": The midwife did not call the registrar.
          r2 (\(Self.reports)/r2.txt)
            + escalation_delay (gained)
                + [esc.did_not_call] findings, sentence 4, bytes 197-223 "did not call the registrar": The midwife did not call the registrar when the trace changed.
          r3 (\(Self.reports)/r3.txt)
            - escalation_delay (lost)
                - [esc.delay] findings, sentence 3, bytes 119-138 "delay in escalation": There was a delay in escalation of the abnormal trace.

        """)
        let same = try CLI.run(["lexicon", "diff", "--base", Self.base, "--head", Self.base, Self.reports])
        #expect(same.status == 0)
        #expect(same.stdout.contains("changed: 0"))
        let json = try CLI.run(["lexicon", "diff", "--json", "--base", Self.base, "--head", Self.head, Self.reports])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect((parsed["changes"] as! [[String: Any]]).map { $0["id"] as! String } == ["r1", "r2", "r3"])
        let badGold = try CLI.run(["lexicon", "diff", "--base", Self.base, "--head", Self.head, "--gold", "\(Self.dir)/nope.jsonl", Self.reports])
        #expect(badGold.status == 2)
    }

    @Test func checkReportsLocatedErrorsAndWarnings() throws {
        let file = "\(Self.dir)/check-bad.yaml"
        let result = try CLI.run(["lexicon", "check", file])
        #expect(result.status == 1, "errors exit 1")
        let out = result.stdout
        // A regex that does not compile: file:line:col, the pattern line and a caret under the offset.
        #expect(out.contains("\(file):9:26: error: rule hand.broken: invalid pattern: missing closing parenthesis at pattern offset 11\n"
            + "        pattern: '\\bhand(over'\n"
            + "                             ^\n"))
        // Nested quantifier, static, with the caret under the group.
        #expect(out.contains("\(file):12:25: warning: rule hand.nested: nested quantifier '(?:\\s+\\w+)*' repeats without bound"))
        #expect(out.contains("        pattern: '\\bhandover(?:\\s+\\w+)*\\s+missed\\b'\n"
            + "                            ^\n"))
        // A pattern that matches its own no_match example.
        #expect(out.contains("\(file):16:16: error: rule hand.strict: pattern matches its no_match example \"A structured handover took place.\"\n"
            + "        no_match: ['A structured handover took place.']\n"
            + "                   ^\n"))
        #expect(out.contains("\(file):20:5: error: target rule: unknown key 'colour'"))
        #expect(out.contains("\(file):21:9: error: duplicate rule id 'hand.strict'"))
        // Dynamic probe: tight PCRE2 limits on adversarial text.
        #expect(out.contains("\(file):26:15: warning: rule hand.slow: pattern hit the PCRE2 match limit"))
        #expect(out.hasSuffix("4 error(s), 4 warning(s)\n"))
    }

    @Test func checkOfFixtureLexiconsPassesAndMissingPathIsFatal() throws {
        let ok = try CLI.run(["lexicon", "check", Self.base])
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.contains("0 error(s)"))
        let missing = try CLI.run(["lexicon", "check", "\(Self.dir)/nope.yaml"])
        #expect(missing.status == 2)
    }

    @Test func suggestRanksNgramsFromMissedReports() throws {
        let result = try CLI.run(["lexicon", "suggest", "--lexicon", Self.base, "--gold", Self.gold, "--min-count", "1", "--top", "3", Self.reports])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("handover: missed in 1 report(s): r1\n"))
        #expect(result.stdout.contains("    4.89     2/4        0/7  \"not escalated\"\n          r1:1 The abnormal CTG was not escalated to the registrar.\n"))
        #expect(!result.stdout.contains("\"the\""), "stop-word-only n-grams are skipped")
    }
}
