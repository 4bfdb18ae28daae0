import Foundation
import SiftPCRE2

/// `sift lexicon diff`: one corpus, two lexicons. Each report is read and segmented once (twice only when the
/// lexicons' section rules differ) and tagged with both; the diff lists which reports gain or lose which factors,
/// the counted findings behind each change, per-factor report counts and, with gold labels, the change in scores.
public struct LexiconDiff: Sendable, Encodable {
    public struct LexiconInfo: Sendable, Encodable { public var path: String; public var name: String; public var version: String }
    public struct FindingRef: Sendable, Encodable, Hashable {
        public var rule: String
        public var section: String
        /// 1-based sentence number in the report.
        public var sentence: Int
        public var start: Int
        public var end: Int
        public var text: String
        public var sentence_text: String
    }
    public struct FactorChange: Sendable, Encodable {
        public var factor: String
        public var added: [FindingRef]
        public var removed: [FindingRef]
    }
    public struct ReportChange: Sendable, Encodable {
        public var id: String
        public var source: String
        public var gained: [FactorChange]
        public var lost: [FactorChange]
        /// Factors counted by both lexicons whose counted findings differ.
        public var evidence_changed: [FactorChange]
    }
    public struct FactorCount: Sendable, Encodable {
        public var factor: String
        public var base: Int
        public var head: Int
        public var delta: Int
        /// Reports that gain / lose the factor (delta = gained - lost).
        public var gained: Int
        public var lost: Int
    }
    public struct ScoreChange: Sendable, Encodable { public var factor: String; public var base: Scores; public var head: Scores }
    public struct GoldChange: Sendable, Encodable { public var factors: [ScoreChange]; public var micro: ScoreChange }

    public var schema = "sift.lexicon-diff"
    public var schema_version = 1
    public var base: LexiconInfo
    public var head: LexiconInfo
    public var reports: Int
    /// True when the section rules differ, so each report was segmented once per lexicon.
    public var resegmented: Bool
    /// Reports counted per factor by each lexicon, taxonomy order, factors with any report.
    public var factors: [FactorCount]
    /// Reports whose counted factors or counted findings differ, in report id order.
    public var changes: [ReportChange]
    public var gold: GoldChange?

    public var hasChanges: Bool { !changes.isEmpty }

    /// Tags `corpus` with both pipelines (in parallel over reports) and compares. Throws ``EvaluationError`` when
    /// `gold` does not match the corpus.
    public static func compute(corpus: WorkbenchCorpus, base: (path: String, pipeline: Pipeline), head: (path: String, pipeline: Pipeline),
                               gold: GoldStandard? = nil, threads: Int = 0) throws -> LexiconDiff {
        let shared = base.pipeline.lexicon.hasSameSectionRules(as: head.pipeline.lexicon)
        let pairs = corpus.map(threads: threads) { document, matchData -> (ReportAnalysis, ReportAnalysis) in
            let segmented = base.pipeline.segment(document, matchData: matchData)
            let headSegmented = shared ? segmented : head.pipeline.segment(document, matchData: matchData)
            return (base.pipeline.analyze(segmented: segmented, matchData: matchData),
                    head.pipeline.analyze(segmented: headSegmented, matchData: matchData))
        }
        var baseCounts: [String: Int] = [:], headCounts: [String: Int] = [:]
        var changes: [ReportChange] = []
        for (old, new) in pairs {
            for factor in old.factors { baseCounts[factor, default: 0] += 1 }
            for factor in new.factors { headCounts[factor, default: 0] += 1 }
            func counted(_ analysis: ReportAnalysis) -> [String: [FindingRef]] {
                var result: [String: [FindingRef]] = [:]
                for finding in analysis.findings where finding.isCounted {
                    result[finding.factor, default: []].append(FindingRef(
                        rule: finding.ruleID, section: finding.section, sentence: finding.sentenceIndex + 1, start: finding.span.start,
                        end: finding.span.end, text: finding.matchedText, sentence_text: WB.oneLine(finding.sentence)))
                }
                return result
            }
            let before = counted(old), after = counted(new)
            var change = ReportChange(id: old.id, source: old.document.source, gained: [], lost: [], evidence_changed: [])
            for factor in Taxonomy.factorIDs {
                let a = before[factor] ?? [], b = after[factor] ?? []
                let setA = Set(a), setB = Set(b)
                if setA == setB { continue }
                let item = FactorChange(factor: factor, added: b.filter { !setA.contains($0) }, removed: a.filter { !setB.contains($0) })
                if a.isEmpty { change.gained.append(item) } else if b.isEmpty { change.lost.append(item) } else { change.evidence_changed.append(item) }
            }
            if !change.gained.isEmpty || !change.lost.isEmpty || !change.evidence_changed.isEmpty { changes.append(change) }
        }
        changes.sort { WB.byteLess($0.id, $1.id) }
        let factors = Taxonomy.factorIDs.compactMap { id -> FactorCount? in
            let a = baseCounts[id] ?? 0, b = headCounts[id] ?? 0
            let gained = changes.filter { $0.gained.contains { $0.factor == id } }.count
            let lost = changes.filter { $0.lost.contains { $0.factor == id } }.count
            return a == 0 && b == 0 ? nil : FactorCount(factor: id, base: a, head: b, delta: b - a, gained: gained, lost: lost)
        }
        var goldChange: GoldChange?
        if let gold {
            let before = try Evaluation.evaluate(reports: pairs.map(\.0), gold: gold)
            let after = try Evaluation.evaluate(reports: pairs.map(\.1), gold: gold)
            let changed = Taxonomy.factorIDs.compactMap { id -> ScoreChange? in
                let a = before.factors[id]!, b = after.factors[id]!
                return a == b ? nil : ScoreChange(factor: id, base: a, head: b)
            }
            goldChange = GoldChange(factors: changed, micro: ScoreChange(factor: "micro", base: before.micro, head: after.micro))
        }
        func info(_ side: (path: String, pipeline: Pipeline)) -> LexiconInfo {
            LexiconInfo(path: side.path, name: side.pipeline.lexicon.name, version: side.pipeline.lexicon.version)
        }
        return LexiconDiff(base: info(base), head: info(head), reports: pairs.count, resegmented: !shared, factors: factors,
                           changes: changes, gold: goldChange)
    }

    public func json() throws -> String { try WB.json(self) }

    public func text(style: ANSIStyle = .plain) -> String {
        var out = "base: \(base.path) (\(base.name) \(base.version))\n"
        out += "head: \(head.path) (\(head.name) \(head.version))\n"
        out += "reports: \(reports), changed: \(changes.count)" + (resegmented ? " (section rules differ: segmented with each lexicon)" : "") + "\n"
        let moved = factors.filter { $0.gained + $0.lost > 0 }
        out += "\nfactor report counts (base -> head):" + (moved.isEmpty ? " no change\n" : "\n")
        let width = max(24, (moved.map(\.factor.count).max() ?? 0) + 2)
        for count in moved {
            let delta = WB.signed(count.delta)
            out += "  " + WB.pad(count.factor, width) + WB.padLeft("\(count.base)", 5) + " -> " + WB.padLeft("\(count.head)", 5) + "  "
                + WB.pad(count.delta > 0 ? style.green(delta) : count.delta < 0 ? style.red(delta) : delta, 4)
                + "  (\(count.gained) gained, \(count.lost) lost)\n"
        }
        if let gold {
            out += "\nscores against gold (base -> head):\n"
            out += "  " + WB.pad("factor", width) + "precision        recall           f1\n"
            for change in gold.factors + [gold.micro] {
                func cell(_ a: Double, _ b: Double) -> String { WB.f3(a) + " -> " + WB.f3(b) + "  " }
                out += "  " + WB.pad(change.factor, width) + cell(change.base.precision, change.head.precision)
                    + cell(change.base.recall, change.head.recall) + WB.f3(change.base.f1) + " -> " + WB.f3(change.head.f1)
                    + " (" + WB.signed3(change.head.f1 - change.base.f1) + ")\n"
            }
        }
        if !changes.isEmpty { out += "\nreports:\n" }
        for change in changes {
            out += "  " + style.bold(change.id) + " (\(change.source))\n"
            func list(_ items: [FactorChange], _ mark: String, _ label: String) {
                for item in items {
                    out += "    \(mark) \(item.factor)\(label)\n"
                    for ref in item.added { out += "        " + style.green("+") + " " + describe(ref) + "\n" }
                    for ref in item.removed { out += "        " + style.red("-") + " " + describe(ref) + "\n" }
                }
            }
            list(change.gained, style.green("+"), " (gained)")
            list(change.lost, style.red("-"), " (lost)")
            list(change.evidence_changed, style.yellow("~"), " (still counted, evidence changed)")
        }
        return out
    }

    func describe(_ ref: FindingRef) -> String {
        "[\(ref.rule)] \(ref.section), sentence \(ref.sentence), bytes \(ref.start)-\(ref.end) \"\(WB.oneLine(ref.text))\": \(ref.sentence_text)"
    }
}
