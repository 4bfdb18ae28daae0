import Foundation

/// Reports that share a unit, a date and a factor set, counted. Every count in a summary is a sum over
/// groups, so a summary needs memory for the variety of reports, not their number, and two partial
/// summaries merge by adding their groups. The factor set is a bit mask (bit i: `Taxonomy.factorIDs[i]`):
/// a large run has about as many groups as reports, and an array of ids in each cost more than the rest.
public struct ReportGroup: Sendable, Hashable, Codable {
    public var unit: String
    /// The report date as written (YYYY-MM-DD when usable), empty when none.
    public var date: String
    /// Counted factors: bit i is `Taxonomy.factorIDs[i]`.
    public var mask: UInt32
    public var count: Int

    public init(unit: String, date: String, factors: [String], count: Int) {
        self.init(unit: unit, date: date, mask: ReportGroup.mask(factors), count: count)
    }

    init(unit: String, date: String, mask: UInt32, count: Int) {
        self.unit = unit
        self.date = date
        self.mask = mask
        self.count = count
    }

    /// Counted factors, in taxonomy order.
    public var factors: [String] {
        Taxonomy.factorIDs.indices.filter { mask & (1 << UInt32($0)) != 0 }.map { Taxonomy.factorIDs[$0] }
    }

    /// The bit of each taxonomy id.
    private static let bits: [String: UInt32] = Dictionary(uniqueKeysWithValues: Taxonomy.factorIDs.enumerated().map { ($1, 1 << UInt32($0)) })

    /// The mask of `ids` (ids outside the taxonomy have no bit).
    static func mask(_ ids: some Sequence<String>) -> UInt32 {
        ids.reduce(0) { $0 | (bits[$1] ?? 0) }
    }

    /// True when the group has `id`, or for ``RunSummary/targetBehaviourSeries``, either target-behaviour id.
    func has(_ id: String) -> Bool {
        id == RunSummary.targetBehaviourSeries ? hasAny(ReportGroup.targetBehaviour) : mask & (ReportGroup.bits[id] ?? 0) != 0
    }

    /// True when the group has any factor of `mask`.
    func hasAny(_ mask: UInt32) -> Bool { self.mask & mask != 0 }

    static let targetBehaviour = ReportGroup.mask(Taxonomy.targetBehaviourIDs)

    var usableDate: String? { DatePeriod.isDate(date) ? date : nil }

    /// Sorted by unit, date, then factor ids in taxonomy order compared as lists (which is how the joined
    /// lists compared: "," sorts before every character of an id).
    static func precedes(_ a: ReportGroup, _ b: ReportGroup) -> Bool {
        if a.unit != b.unit { return a.unit < b.unit }
        if a.date != b.date { return a.date < b.date }
        var x = a.mask, y = b.mask
        while x != 0 || y != 0 {
            guard x != 0 else { return true }   // a's list is a prefix of b's
            guard y != 0 else { return false }
            let i = x.trailingZeroBitCount, j = y.trailingZeroBitCount
            if i != j { return Taxonomy.factorIDs[i] < Taxonomy.factorIDs[j] }
            x &= x - 1
            y &= y - 1
        }
        return false
    }

    enum CodingKeys: String, CodingKey { case unit, date, factors, count }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(unit: try container.decode(String.self, forKey: .unit), date: try container.decode(String.self, forKey: .date),
                  factors: try container.decode([String].self, forKey: .factors), count: try container.decode(Int.self, forKey: .count))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(unit, forKey: .unit)
        try container.encode(date, forKey: .date)
        try container.encode(factors, forKey: .factors)
        try container.encode(count, forKey: .count)
    }
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
    /// Each unit name once: the group keys share these strings instead of holding a copy per report.
    private var unitNames = Set<String>()
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
            groupCounts[GroupKey(unit: group.unit, date: group.date, mask: group.mask), default: 0] += group.count
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
        groupCounts.map { key, count in ReportGroup(unit: key.unit, date: key.date, mask: key.mask, count: count) }.sorted(by: ReportGroup.precedes)
    }

    static func unit(of document: Document) -> String {
        let unit = document.unit?.trimmingCharacters(in: .whitespaces) ?? ""
        return unit.isEmpty ? "(unit not stated)" : unit
    }

    /// Adds one analysed report.
    public mutating func add(_ report: ReportAnalysis, key: ReportKey) {
        reports += 1
        let mask = ReportGroup.mask(report.factors)
        let date = (report.document.date ?? "").trimmingCharacters(in: .whitespaces)
        var unit = SummaryState.unit(of: report.document)
        if let known = unitNames.firstIndex(of: unit) { unit = unitNames[known] } else { unitNames.insert(unit) }
        groupCounts[GroupKey(unit: unit, date: date, mask: mask), default: 0] += 1
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
    ///
    /// Lists already in order are left alone: sorting writes to them, and a state whose arrays are shared
    /// with a caller's copy (a run's state handed to the summary writer) would then be copied whole.
    public mutating func normalise() {
        let precedes = { (a: InputRecord, b: InputRecord) in a.file.utf8.lexicographicallyPrecedes(b.file.utf8) }
        if zip(inputs, inputs.dropFirst()).contains(where: { precedes($1, $0) }) { inputs.sort(by: precedes) }
        if !diagnostics.isEmpty {
            // Position of each input file named by a diagnostic (the first, as the inputs are sorted).
            let named = Set(diagnostics.map(\.file))
            var order: [String: Int] = [:]
            for (index, input) in inputs.enumerated() where named.contains(input.file) && order[input.file] == nil { order[input.file] = index }
            let sorted = diagnostics.enumerated().sorted { a, b in
                let fa = order[a.element.file] ?? Int.max, fb = order[b.element.file] ?? Int.max
                return (fa, a.offset) < (fb, b.offset)
            }.map(\.element)
            if sorted != diagnostics { diagnostics = sorted }
        }
        for factor in evidence.keys where zip(evidence[factor]!, evidence[factor]!.dropFirst()).contains(where: { ($1.key, $1.sentenceIndex) < ($0.key, $0.sentenceIndex) }) {
            evidence[factor]!.sort { ($0.key, $0.sentenceIndex) < ($1.key, $1.sentenceIndex) }
        }
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
