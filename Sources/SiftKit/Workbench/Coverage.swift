import Foundation

/// `sift lexicon coverage`: how often each rule fires over a corpus, counted and not counted, which never fire,
/// which fire most, and (with gold labels) which rules put factors into reports whose gold lacks them.
public struct Coverage: Sendable, Encodable {
    public struct RuleHits: Sendable, Encodable {
        public var rule: String
        public var factor: String
        public var location: String
        public var counted: Int
        public var discounted: Int
        public var by_verdict: [String: Int]
        /// Reports with at least one finding of the rule.
        public var reports: Int
        public var total: Int { counted + discounted }
    }
    public struct ContextHits: Sendable, Encodable {
        public var rule: String
        public var category: String
        public var direction: String
        public var location: String
        /// Findings this rule modified.
        public var findings: Int
        public var reports: Int
    }
    public struct FalsePositives: Sendable, Encodable {
        public var rule: String
        public var factor: String
        /// Counted findings of the rule's factor in reports whose gold labels lack it.
        public var findings: Int
        public var reports: Int
        public var report_ids: [String]
    }

    public var schema = "sift.lexicon-coverage"
    public var schema_version = 1
    public var lexicon: String
    public var reports: Int
    public var sentences: Int
    public var findings: Int
    public var counted: Int
    /// Target rules in lexicon order.
    public var rules: [RuleHits]
    public var context: [ContextHits]
    /// By total hits, most first (ties by rule id).
    public var most: [String]
    public var never_fire: [String]
    public var false_positives: [FalsePositives]?

    public static func compute(corpus: WorkbenchCorpus, pipeline: Pipeline, gold: GoldStandard? = nil, threads: Int = 0) throws -> Coverage {
        let analyses = corpus.map(threads: threads) { document, matchData in pipeline.analyze(document, matchData: matchData) }
        if let gold { _ = try Evaluation.evaluate(reports: analyses, gold: gold) }  // ids must match
        let lexicon = pipeline.lexicon
        var hits: [String: (counted: Int, discounted: Int, verdicts: [String: Int], reports: Int)] = [:]
        var contextHits: [String: (findings: Int, reports: Int)] = [:]
        var fp: [String: (findings: Int, reports: [String])] = [:]
        var sentences = 0, findings = 0, counted = 0
        for analysis in analyses {
            sentences += analysis.sentenceCount
            findings += analysis.findings.count
            var rulesHere: Set<String> = [], contextHere: Set<String> = [], fpHere: Set<String> = []
            let goldFactors = gold?.labels[analysis.id]
            for finding in analysis.findings {
                var entry = hits[finding.ruleID] ?? (0, 0, [:], 0)
                if finding.isCounted { entry.counted += 1; counted += 1 } else { entry.discounted += 1 }
                entry.verdicts[finding.verdict.rawValue, default: 0] += 1
                if rulesHere.insert(finding.ruleID).inserted { entry.reports += 1 }
                hits[finding.ruleID] = entry
                for modifier in Set(finding.modifiers.filter { $0.span != nil }.map(\.ruleID)) {
                    contextHits[modifier, default: (0, 0)].findings += 1
                    if contextHere.insert(modifier).inserted { contextHits[modifier]!.reports += 1 }
                }
                if let goldFactors, finding.isCounted, !goldFactors.contains(finding.factor) {
                    fp[finding.ruleID, default: (0, [])].findings += 1
                    if fpHere.insert(finding.ruleID).inserted { fp[finding.ruleID]!.reports.append(analysis.id) }
                }
            }
        }
        let rules = lexicon.targets.map { rule in
            let h = hits[rule.id] ?? (0, 0, [:], 0)
            return RuleHits(rule: rule.id, factor: rule.factor, location: "\(rule.location.file):\(rule.location.line)",
                            counted: h.counted, discounted: h.discounted, by_verdict: h.verdicts, reports: h.reports)
        }
        let context = lexicon.contextRules.filter { $0.category != nil }.map { rule in
            let h = contextHits[rule.id] ?? (0, 0)
            return ContextHits(rule: rule.id, category: rule.category!.rawValue, direction: rule.direction.rawValue,
                               location: "\(rule.location.file):\(rule.location.line)", findings: h.findings, reports: h.reports)
        }
        let most = rules.filter { $0.total > 0 }.sorted { ($1.total, $0.rule) < ($0.total, $1.rule) }.map(\.rule)
        let never = rules.filter { $0.total == 0 }.map(\.rule)
        var falsePositives: [FalsePositives]?
        if gold != nil {
            let factorOf = Dictionary(lexicon.targets.map { ($0.id, $0.factor) }, uniquingKeysWith: { a, _ in a })
            falsePositives = fp.map { FalsePositives(rule: $0.key, factor: factorOf[$0.key] ?? "", findings: $0.value.findings,
                                                     reports: $0.value.reports.count, report_ids: $0.value.reports.sorted(by: WB.byteLess)) }
                .sorted { ($1.reports, $1.findings, $0.rule) < ($0.reports, $0.findings, $1.rule) }
        }
        return Coverage(lexicon: "\(lexicon.name) \(lexicon.version)", reports: analyses.count, sentences: sentences, findings: findings,
                        counted: counted, rules: rules, context: context, most: most, never_fire: never, false_positives: falsePositives)
    }

    public func json() throws -> String { try WB.json(self) }

    public func text(top: Int = 10) -> String {
        var out = "lexicon: \(lexicon), \(rules.count) target rules, \(context.count) context rules\n"
        out += "reports: \(reports), sentences: \(sentences), findings: \(findings) (\(counted) counted, \(findings - counted) not counted)\n"
        let ruleWidth = max(24, (rules.map(\.rule.count).max() ?? 0) + 2)
        let factorWidth = max(20, (rules.map(\.factor.count).max() ?? 0) + 2)
        out += "\nhits per target rule:\n"
        out += "  " + WB.pad("rule", ruleWidth) + WB.pad("factor", factorWidth) + "counted  not counted  reports\n"
        for rule in rules {
            out += "  " + WB.pad(rule.rule, ruleWidth) + WB.pad(rule.factor, factorWidth) + WB.padLeft("\(rule.counted)", 7)
                + WB.padLeft("\(rule.discounted)", 13) + WB.padLeft("\(rule.reports)", 9) + "\n"
        }
        let byID = Dictionary(rules.map { ($0.rule, $0) }, uniquingKeysWith: { a, _ in a })
        out += "\nrules that fire most:" + (most.isEmpty ? " none\n" : "\n")
        for (index, id) in most.prefix(top).enumerated() {
            let rule = byID[id]!
            let verdicts = Verdict.allCases.filter { $0 != .counted && rule.by_verdict[$0.rawValue] != nil }
                .map { "\($0.label) \(rule.by_verdict[$0.rawValue]!)" }
            out += "  \(index + 1). \(id): \(rule.total) hits in \(rule.reports) report(s), \(rule.counted) counted"
                + (verdicts.isEmpty ? "" : "; " + verdicts.joined(separator: ", ")) + "\n"
        }
        out += "\nrules that never fire (\(never_fire.count)):" + (never_fire.isEmpty ? " none\n" : "\n")
        for id in never_fire { out += "  \(id) (\(byID[id]!.location))\n" }
        out += "\ncontext rules (findings modified):\n"
        let contextWidth = max(24, (context.map(\.rule.count).max() ?? 0) + 2)
        for rule in context {
            out += "  " + WB.pad(rule.rule, contextWidth) + WB.pad(rule.category, 16) + WB.padLeft("\(rule.findings)", 5) + "\n"
        }
        if let false_positives {
            out += "\nrules causing false positives (counted findings where gold lacks the factor):" + (false_positives.isEmpty ? " none\n" : "\n")
            for entry in false_positives.prefix(top) {
                out += "  \(entry.rule) (\(entry.factor)): \(entry.findings) finding(s) in \(entry.reports) report(s): "
                    + entry.report_ids.prefix(5).joined(separator: ", ") + (entry.report_ids.count > 5 ? ", ..." : "") + "\n"
            }
        }
        return out
    }
}
