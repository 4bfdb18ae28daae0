import Foundation

/// Reports that share a unit, a date and a factor set, counted. Every count in a summary is a sum over
/// groups, so a summary needs memory for the variety of reports, not their number, and two partial
/// summaries merge by adding their groups.
public struct ReportGroup: Sendable, Hashable, Codable {
    public var unit: String
    /// The report date as written (YYYY-MM-DD when usable), empty when none.
    public var date: String
    /// Counted factors, in taxonomy order.
    public var factors: [String]
    public var count: Int

    /// True when the group has `id`, or for ``RunSummary/targetBehaviourSeries``, either target-behaviour id.
    func has(_ id: String) -> Bool {
        id == RunSummary.targetBehaviourSeries ? factors.contains { Taxonomy.targetBehaviourIDs.contains($0) } : factors.contains(id)
    }
    var usableDate: String? { DatePeriod.isDate(date) ? date : nil }
}

extension Array where Element == ReportGroup {
    /// Reports in the groups that satisfy `predicate`.
    func reports(where predicate: (ReportGroup) -> Bool = { _ in true }) -> Int {
        reduce(0) { predicate($1) ? $0 + $1.count : $0 }
    }
}

/// One evidence candidate: a counted finding's sentence and where it sits in the run.
public struct EvidenceCandidate: Sendable, Hashable, Codable {
    public var key: ReportKey
    public var sentenceIndex: Int
    public var quote: Quote
}

/// Everything a summary is built from except the per-report details: mergeable across shards.
public struct SummaryState: Sendable, Codable {
    public static let formatVersion = 1
    public var format = SummaryState.formatVersion
    public var lexiconName: String
    public var lexiconVersion: String
    public var reports = 0
    /// Report groups keyed by unit, date and factor set.
    private var groupCounts: [GroupKey: Int] = [:]
    public var mentions: [String: Int] = [:]
    public var discounted: [String: [String: Int]] = [:]
    /// Per factor: the candidates from the first reports (by ``ReportKey``) that have it, at most
    /// `evidencePerFactor` reports and `evidencePerFactor` sentences each.
    public var evidence: [String: [EvidenceCandidate]] = [:]
    public var evidencePerFactor: Int
    public var inputs: [InputRecord] = []
    public var diagnostics: [Diagnostic] = []
    /// The options of the `sift run` that made this state (those that change the summary), and its input paths:
    /// shards must agree on the options, and a merged summary names the single run it equals.
    public var commandOptions: [String] = []
    public var paths: [String] = []

    struct GroupKey: Hashable {
        var unit: String
        var date: String
        var mask: UInt32
    }

    enum CodingKeys: String, CodingKey {
        case format, lexiconName = "lexicon_name", lexiconVersion = "lexicon_version", reports, groups, mentions, discounted, evidence
        case evidencePerFactor = "evidence_per_factor", inputs, diagnostics, commandOptions = "command_options", paths
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(lexiconName, forKey: .lexiconName)
        try container.encode(lexiconVersion, forKey: .lexiconVersion)
        try container.encode(reports, forKey: .reports)
        try container.encode(groups, forKey: .groups)
        try container.encode(mentions, forKey: .mentions)
        try container.encode(discounted, forKey: .discounted)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(evidencePerFactor, forKey: .evidencePerFactor)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(diagnostics, forKey: .diagnostics)
        try container.encode(commandOptions, forKey: .commandOptions)
        try container.encode(paths, forKey: .paths)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Int.self, forKey: .format)
        guard format == SummaryState.formatVersion else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: container,
                                                   debugDescription: "partial format \(format), this Sift reads \(SummaryState.formatVersion)")
        }
        lexiconName = try container.decode(String.self, forKey: .lexiconName)
        lexiconVersion = try container.decode(String.self, forKey: .lexiconVersion)
        reports = try container.decode(Int.self, forKey: .reports)
        for group in try container.decode([ReportGroup].self, forKey: .groups) {
            var mask: UInt32 = 0
            for (bit, id) in Taxonomy.factorIDs.enumerated() where group.factors.contains(id) { mask |= 1 << UInt32(bit) }
            groupCounts[GroupKey(unit: group.unit, date: group.date, mask: mask), default: 0] += group.count
        }
        mentions = try container.decode([String: Int].self, forKey: .mentions)
        discounted = try container.decode([String: [String: Int]].self, forKey: .discounted)
        evidence = try container.decode([String: [EvidenceCandidate]].self, forKey: .evidence)
        evidencePerFactor = try container.decode(Int.self, forKey: .evidencePerFactor)
        inputs = try container.decode([InputRecord].self, forKey: .inputs)
        diagnostics = try container.decode([Diagnostic].self, forKey: .diagnostics)
        commandOptions = try container.decode([String].self, forKey: .commandOptions)
        paths = try container.decode([String].self, forKey: .paths)
    }

    public init(lexicon: Lexicon, evidencePerFactor: Int) {
        lexiconName = lexicon.name
        lexiconVersion = lexicon.version
        self.evidencePerFactor = evidencePerFactor
    }

    /// The groups, in a fixed order.
    public var groups: [ReportGroup] {
        groupCounts.map { key, count in
            ReportGroup(unit: key.unit, date: key.date,
                        factors: Taxonomy.factorIDs.enumerated().filter { key.mask & (1 << UInt32($0.offset)) != 0 }.map(\.element),
                        count: count)
        }.sorted { ($0.unit, $0.date, $0.factors.joined(separator: ",")) < ($1.unit, $1.date, $1.factors.joined(separator: ",")) }
    }

    static func unit(of document: Document) -> String {
        let unit = document.unit?.trimmingCharacters(in: .whitespaces) ?? ""
        return unit.isEmpty ? "(unit not stated)" : unit
    }

    /// Adds one analysed report.
    public mutating func add(_ report: ReportAnalysis, key: ReportKey) {
        reports += 1
        var mask: UInt32 = 0
        for (bit, id) in Taxonomy.factorIDs.enumerated() where report.factors.contains(id) { mask |= 1 << UInt32(bit) }
        let date = (report.document.date ?? "").trimmingCharacters(in: .whitespaces)
        groupCounts[GroupKey(unit: SummaryState.unit(of: report.document), date: date, mask: mask), default: 0] += 1
        for finding in report.findings {
            if finding.isCounted {
                mentions[finding.factor, default: 0] += 1
            } else {
                discounted[finding.factor, default: [:]][finding.verdict.rawValue, default: 0] += 1
            }
        }
        for factor in report.factors {
            var list = evidence[factor] ?? []
            let reportsHeld = Set(list.map(\.key))
            // Keep the first reports only; a later report replaces nothing (keys arrive in order in a run,
            // and merge() trims by key).
            guard reportsHeld.count < evidencePerFactor || reportsHeld.contains(key) else { continue }
            var seenSentences = Set<Int>()
            for finding in report.findings where finding.factor == factor && finding.isCounted {
                guard seenSentences.insert(finding.sentenceIndex).inserted, seenSentences.count <= evidencePerFactor else { continue }
                list.append(EvidenceCandidate(key: key, sentenceIndex: finding.sentenceIndex,
                                              quote: Quote(report: report.id, section: finding.section, rule: finding.ruleID,
                                                           sentence: Quote.flatten(finding.sentence))))
            }
            evidence[factor] = list
        }
    }

    /// Adds another partial state (a shard) to this one.
    public mutating func merge(_ other: SummaryState) {
        reports += other.reports
        for (key, count) in other.groupCounts { groupCounts[key, default: 0] += count }
        for (factor, n) in other.mentions { mentions[factor, default: 0] += n }
        for (factor, verdicts) in other.discounted {
            for (verdict, n) in verdicts { discounted[factor, default: [:]][verdict, default: 0] += n }
        }
        for (factor, list) in other.evidence {
            let all = (evidence[factor] ?? []) + list
            let firstReports = Set(Array(Set(all.map(\.key))).sorted().prefix(evidencePerFactor))
            evidence[factor] = all.filter { firstReports.contains($0.key) }.sorted { ($0.key, $0.sentenceIndex) < ($1.key, $1.sentenceIndex) }
        }
        inputs += other.inputs
        diagnostics += other.diagnostics
        paths += other.paths
    }

    /// Inputs in byte order of their paths, diagnostics in input order then as found.
    public mutating func normalise() {
        inputs.sort { Array($0.file.utf8).lexicographicallyPrecedes(Array($1.file.utf8)) }
        let order = Dictionary(inputs.enumerated().map { ($1.file, $0) }, uniquingKeysWith: { a, _ in a })
        diagnostics = diagnostics.enumerated().sorted { a, b in
            let fa = order[a.element.file] ?? Int.max, fb = order[b.element.file] ?? Int.max
            return (fa, a.offset) < (fb, b.offset)
        }.map(\.element)
        for factor in evidence.keys { evidence[factor]!.sort { ($0.key, $0.sentenceIndex) < ($1.key, $1.sentenceIndex) } }
    }

    /// Evidence quotes for `factor`: one sentence per report first (to show the spread), then more.
    func quotes(for factor: String, limit: Int) -> [Quote] {
        let list = (evidence[factor] ?? []).sorted { ($0.key, $0.sentenceIndex) < ($1.key, $1.sentenceIndex) }
        var chosen: [Quote] = []
        var used = Set<Int>()
        var reportsQuoted = Set<ReportKey>()
        for (index, candidate) in list.enumerated() where chosen.count < limit && !reportsQuoted.contains(candidate.key) {
            reportsQuoted.insert(candidate.key)
            used.insert(index)
            chosen.append(candidate.quote)
        }
        for (index, candidate) in list.enumerated() where chosen.count < limit && !used.contains(index) {
            chosen.append(candidate.quote)
        }
        return chosen
    }
}
