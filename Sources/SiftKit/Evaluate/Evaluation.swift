import Foundation

/// Gold labels: report id to factor set, read from JSON Lines.
public struct GoldStandard: Sendable {
    public var labels: [String: Set<String>]
    /// Ids in file order.
    public var ids: [String]

    /// Reads `{"id": ..., "factors": [...]}` lines. Unknown factor ids, duplicate ids and malformed
    /// lines are errors naming the file and line.
    public static func load(path: String) throws -> GoldStandard {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EvaluationError(message: "\(path): cannot read gold file")
        }
        var labels: [String: Set<String>] = [:]
        var ids: [String] = []
        var problems: [String] = []
        for (index, line) in String(decoding: data, as: UTF8.self).linesWithLengths().map(\.line).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
                  let id = object["id"] as? String, let factors = object["factors"] as? [String] else {
                problems.append("\(path):\(index + 1): not a JSON object with \"id\" and \"factors\"")
                continue
            }
            for factor in factors where !Taxonomy.factorSet.contains(factor) {
                problems.append("\(path):\(index + 1): unknown factor id '\(factor)' for report \(id)")
            }
            if labels[id] != nil { problems.append("\(path):\(index + 1): duplicate report id '\(id)'") }
            labels[id] = Set(factors.filter(Taxonomy.factorSet.contains))
            ids.append(id)
        }
        if !problems.isEmpty { throw EvaluationError(message: problems.joined(separator: "\n")) }
        return GoldStandard(labels: labels, ids: ids)
    }
}

public struct EvaluationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Precision, recall and F1 from counts; 0 where undefined, as is usual for micro/macro tables.
public struct Scores: Sendable, Hashable, Codable {
    public var tp: Int
    public var fp: Int
    public var fn: Int
    public var precision: Double
    public var recall: Double
    public var f1: Double

    public init(tp: Int, fp: Int, fn: Int) {
        self.tp = tp
        self.fp = fp
        self.fn = fn
        precision = tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp)
        recall = tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn)
        f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }
    /// Gold positives.
    public var support: Int { tp + fn }
}

/// A disagreement between Sift and gold for one report and factor.
public struct Mismatch: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case falsePositive = "fp", falseNegative = "fn" }
    public var kind: Kind
    public var reportID: String
    public var factor: String
    /// For false positives: the counted evidence (rule id and sentence).
    public var evidence: [Evidence]
    /// For false negatives: findings of that factor that were discounted, with their verdicts.
    public var discounted: [Evidence]

    public struct Evidence: Sendable, Hashable, Codable {
        public var rule: String
        public var verdict: String
        public var sentence: String
    }
}

/// Document-level evaluation of a run against gold labels.
public struct Evaluation: Sendable {
    public var documents: Int
    public var factors: [String: Scores]
    public var micro: Scores
    /// Macro average over factors with gold support or predictions.
    public var macro: (precision: Double, recall: Double, f1: Double)
    public var mismatches: [Mismatch]

    /// Compares `reports` with `gold`. Reports missing from gold and gold ids with no report are errors.
    public static func evaluate(reports: [ReportAnalysis], gold: GoldStandard) throws -> Evaluation {
        let reportIDs = Set(reports.map(\.id))
        let missing = gold.ids.filter { !reportIDs.contains($0) }
        let extra = reports.map(\.id).filter { gold.labels[$0] == nil }
        var problems: [String] = []
        if !missing.isEmpty { problems.append("gold ids with no report in the inputs: \(missing.sorted().joined(separator: ", "))") }
        if !extra.isEmpty { problems.append("reports with no gold labels: \(extra.sorted().joined(separator: ", "))") }
        if !problems.isEmpty { throw EvaluationError(message: problems.joined(separator: "\n")) }

        var counts: [String: (tp: Int, fp: Int, fn: Int)] = [:]
        var mismatches: [Mismatch] = []
        for report in reports.sorted(by: { $0.id < $1.id }) {
            let predicted = Set(report.factors)
            let expected = gold.labels[report.id] ?? []
            for factor in Taxonomy.factorIDs {
                let p = predicted.contains(factor), g = expected.contains(factor)
                switch (p, g) {
                case (true, true): counts[factor, default: (0, 0, 0)].tp += 1
                case (true, false):
                    counts[factor, default: (0, 0, 0)].fp += 1
                    let evidence = report.findings.filter { $0.factor == factor && $0.isCounted }
                        .map { Mismatch.Evidence(rule: $0.ruleID, verdict: $0.verdict.rawValue, sentence: $0.sentence) }
                    mismatches.append(Mismatch(kind: .falsePositive, reportID: report.id, factor: factor, evidence: evidence, discounted: []))
                case (false, true):
                    counts[factor, default: (0, 0, 0)].fn += 1
                    let discounted = report.findings.filter { $0.factor == factor }
                        .map { Mismatch.Evidence(rule: $0.ruleID, verdict: $0.verdict.rawValue, sentence: $0.sentence) }
                    mismatches.append(Mismatch(kind: .falseNegative, reportID: report.id, factor: factor, evidence: [], discounted: discounted))
                case (false, false): break
                }
            }
        }
        var factors: [String: Scores] = [:]
        var totals = (tp: 0, fp: 0, fn: 0)
        for factor in Taxonomy.factorIDs {
            let c = counts[factor] ?? (0, 0, 0)
            factors[factor] = Scores(tp: c.tp, fp: c.fp, fn: c.fn)
            totals.tp += c.tp; totals.fp += c.fp; totals.fn += c.fn
        }
        let active = factors.values.filter { $0.tp + $0.fp + $0.fn > 0 }
        let n = Double(max(active.count, 1))
        let macro = (active.map(\.precision).reduce(0, +) / n, active.map(\.recall).reduce(0, +) / n, active.map(\.f1).reduce(0, +) / n)
        return Evaluation(documents: reports.count, factors: factors, micro: Scores(tp: totals.tp, fp: totals.fp, fn: totals.fn),
                          macro: macro, mismatches: mismatches)
    }

    /// Factors whose F1 is below `threshold` among those with gold support of at least `minimumSupport`.
    public func factorsBelow(_ threshold: Double, minimumSupport: Int) -> [String] {
        Taxonomy.factorIDs.filter { id in
            guard let s = factors[id], s.support >= minimumSupport else { return false }
            return s.f1 < threshold
        }
    }
}
