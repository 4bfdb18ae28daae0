import Foundation

/// Text, JSON and JUnit XML views of an ``Evaluation``.
public enum EvaluationRenderer {
    static func f(_ value: Double) -> String { String(format: "%.3f", value) }

    /// A table per factor, the averages, and every mismatch with its evidence.
    public static func text(_ evaluation: Evaluation, showMismatches: Bool = true) -> String {
        var out = "documents: \(evaluation.documents)\n\n"
        out += "factor                       tp   fp   fn  precision  recall     f1\n"
        for id in Taxonomy.factorIDs {
            let s = evaluation.factors[id]!
            out += id.padding(toLength: 26, withPad: " ", startingAt: 0)
            out += " " + pad(s.tp, 4) + " " + pad(s.fp, 4) + " " + pad(s.fn, 4) + " " + pad(f(s.precision), 10) + " " + pad(f(s.recall), 7)
                + " " + pad(f(s.f1), 6) + "\n"
        }
        let m = evaluation.micro
        out += "\nmicro  precision \(f(m.precision))  recall \(f(m.recall))  f1 \(f(m.f1))\n"
        out += "macro  precision \(f(evaluation.macro.precision))  recall \(f(evaluation.macro.recall))  f1 \(f(evaluation.macro.f1))\n"
        if showMismatches && !evaluation.mismatches.isEmpty {
            out += "\nmismatches:\n"
            for mismatch in evaluation.mismatches {
                out += "  \(mismatch.kind.rawValue.uppercased()) \(mismatch.reportID) \(mismatch.factor)\n"
                for evidence in mismatch.evidence.prefix(3) {
                    out += "      [\(evidence.rule)] \(oneLine(evidence.sentence))\n"
                }
                for evidence in mismatch.discounted.prefix(3) {
                    out += "      (\(evidence.verdict), \(evidence.rule)) \(oneLine(evidence.sentence))\n"
                }
            }
        }
        return out
    }

    static func pad(_ value: CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
        return flat.count > 220 ? String(flat.prefix(217)) + "..." : flat
    }

    struct JSONOutput: Encodable {
        struct Average: Encodable { var precision: Double; var recall: Double; var f1: Double }
        var schema = "sift.evaluation"
        var schema_version = 1
        var documents: Int
        var micro: Average
        var macro: Average
        var factors: [String: Scores]
        var mismatches: [Mismatch]
    }

    /// `{"documents", "micro", "macro", "factors": {id: {tp, fp, fn, precision, recall, f1}}, "mismatches"}`.
    public static func json(_ evaluation: Evaluation) throws -> String {
        let m = evaluation.micro
        let output = JSONOutput(documents: evaluation.documents,
                                micro: .init(precision: round(m.precision), recall: round(m.recall), f1: round(m.f1)),
                                macro: .init(precision: round(evaluation.macro.precision), recall: round(evaluation.macro.recall), f1: round(evaluation.macro.f1)),
                                factors: evaluation.factors.mapValues { s in
                                    var r = s
                                    r.precision = round(s.precision); r.recall = round(s.recall); r.f1 = round(s.f1)
                                    return r
                                },
                                mismatches: evaluation.mismatches)
        return try JSONRenderer.encode(output)
    }

    /// Rounds to 6 decimals so JSON output is stable across platforms.
    static func round(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }

    /// One test case per factor (failing when F1 is under `minFactorF1` with support >= `minSupport`),
    /// plus one for the micro F1 threshold.
    public static func junit(_ evaluation: Evaluation, minMicroF1: Double?, minFactorF1: Double?, minSupport: Int) -> String {
        var cases: [String] = []
        var failures = 0
        if let threshold = minMicroF1 {
            let ok = evaluation.micro.f1 >= threshold
            if !ok { failures += 1 }
            cases.append(testCase("micro_f1", ok ? nil : "micro F1 \(f(evaluation.micro.f1)) below \(f(threshold))"))
        }
        for id in Taxonomy.factorIDs {
            let s = evaluation.factors[id]!
            var failure: String?
            if let threshold = minFactorF1, s.support >= minSupport, s.f1 < threshold {
                failure = "F1 \(f(s.f1)) below \(f(threshold)) (tp \(s.tp), fp \(s.fp), fn \(s.fn))"
                failures += 1
            }
            cases.append(testCase(id, failure))
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuite name=\"sift.evaluate\" tests=\"\(cases.count)\" failures=\"\(failures)\">\n"
        out += cases.joined()
        out += "</testsuite>\n"
        return out
    }

    static func testCase(_ name: String, _ failure: String?) -> String {
        guard let failure else { return "  <testcase classname=\"sift.evaluate\" name=\"\(name)\"/>\n" }
        return "  <testcase classname=\"sift.evaluate\" name=\"\(name)\">\n    <failure message=\"\(xmlEscape(failure))\"/>\n  </testcase>\n"
    }

    static func xmlEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
