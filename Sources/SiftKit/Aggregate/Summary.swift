import Foundation

/// Counts for one factor across a run.
public struct FactorCount: Sendable, Hashable, Codable {
    public var factor: String
    /// Reports where the factor counts.
    public var reports: Int
    /// Counted findings (mentions) across those reports.
    public var mentions: Int
    /// Findings that did not count, by verdict (negated, hypothetical, ...).
    public var discounted: [String: Int]
}

/// Counts for one unit.
public struct UnitCount: Sendable, Hashable, Codable {
    public var unit: String
    public var reports: Int
    /// Reports per factor id (only factors with at least one report).
    public var factors: [String: Int]
}

/// A closed range of dates, `FROM..TO` with both ends YYYY-MM-DD and included.
public struct DatePeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    public var from: String
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    /// Parses `YYYY-MM-DD..YYYY-MM-DD`; nil when malformed or when FROM is after TO.
    public init?(parsing text: String) {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, DatePeriod.isDate(parts[0]), DatePeriod.isDate(parts[1]), parts[0] <= parts[1] else { return nil }
        from = parts[0]
        to = parts[1]
    }

    public func contains(_ date: String) -> Bool { date >= from && date <= to }
    public func overlaps(_ other: DatePeriod) -> Bool { from <= other.to && other.from <= to }
    public var description: String { "\(from) to \(to)" }

    /// True for a well-formed YYYY-MM-DD date (month 01-12, day 01-31).
    public static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        for index in [0, 1, 2, 3, 5, 6, 8, 9] where !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { return false }
        let month = Int(text.dropFirst(5).prefix(2))!, day = Int(text.suffix(2))!
        return (1...12).contains(month) && (1...31).contains(day)
    }
}

/// Small-number suppression for outputs shared beyond the unit.
public struct Disclosure: Sendable, Hashable, Codable {
    /// The output is marked for sharing beyond the unit; suppression applies only then.
    public var share: Bool
    /// Counts from 1 to `threshold - 1` are shown as a range.
    public var threshold: Int

    public init(share: Bool = false, threshold: Int = 8) {
        self.share = share
        self.threshold = threshold
    }

    public func isSuppressed(_ count: Int) -> Bool { share && count > 0 && count < threshold }
    /// "1-7" when suppressed, else the number.
    public func display(_ count: Int) -> String { isSuppressed(count) ? range : String(count) }
    public var range: String { threshold > 2 ? "1-\(threshold - 1)" : "1" }
}

/// What the summary should show and how: set by `sift run`'s options.
public struct SummaryOptions: Sendable {
    /// The command line that produced the summary, as given (argv without the program path).
    public var command: [String]
    /// Evidence sentences per factor.
    public var evidencePerFactor: Int
    public var disclosure: Disclosure
    public var baseline: DatePeriod?
    public var followUp: DatePeriod?
    /// Factors found in fewer reports than this are listed under "what the reports cannot show".
    public var lowEvidenceBelow: Int
    /// Barriers (by reports, descending) that get a run chart besides the target behaviour.
    public var chartedBarriers: Int

    public init(command: [String] = [], evidencePerFactor: Int = 3, disclosure: Disclosure = Disclosure(),
                baseline: DatePeriod? = nil, followUp: DatePeriod? = nil, lowEvidenceBelow: Int = 2, chartedBarriers: Int = 3) {
        self.command = command
        self.evidencePerFactor = evidencePerFactor
        self.disclosure = disclosure
        self.baseline = baseline
        self.followUp = followUp
        self.lowEvidenceBelow = lowEvidenceBelow
        self.chartedBarriers = chartedBarriers
    }
}

/// The aggregate view of a run: per report, per factor, per unit, and the diagnostic sections built on
/// them (target behaviour, Pareto, COM-B, periods, run charts, evidence, gaps). Built from values only,
/// so it can be rebuilt from any set of report analyses.
public struct RunSummary: Sendable {
    /// The id used for "either target-behaviour id" in co-occurrence, periods and run charts.
    public static let targetBehaviourSeries = "target_behaviour"

    public var lexiconName: String
    public var lexiconVersion: String
    public var options: SummaryOptions
    public var inputs: [InputRecord]
    /// Reports summarised.
    public var reportCount: Int
    /// The reports as groups of equal unit, date and factor set (see ``ReportGroup``).
    public var groups: [ReportGroup]
    public var diagnostics: [Diagnostic]
    public var factorCounts: [FactorCount]
    public var unitCounts: [UnitCount]
    /// Earliest and latest report date (as written, YYYY-MM-DD sorts correctly).
    public var dateRange: (first: String, last: String)?
    /// Factor definitions (label, role, TDF, COM-B) in taxonomy order; ids without a definition get a bare one.
    public var definitions: [FactorDefinition]
    /// COM-B component to intervention functions, from the lexicon.
    public var interventionFunctions: [(component: String, functions: [String])]

    public var targetBehaviour: TargetBehaviour
    public var pareto: Pareto
    public var comb: [CombGroup]
    public var tdf: [TDFGroup]
    public var interventions: [InterventionEvidence]
    public var periods: PeriodComparison?
    public var overTime: OverTime
    public var evidence: [FactorEvidence]
    public var gaps: [FactorCount]

    /// A summary of reports held in memory (tests, small batches).
    public init(result: RunResult, lexicon: Lexicon, options: SummaryOptions = SummaryOptions()) {
        var state = SummaryState(lexicon: lexicon, evidencePerFactor: options.evidencePerFactor)
        var indices: [String: Int] = [:]
        for report in result.reports {
            let index = indices[report.document.source, default: 0]
            indices[report.document.source] = index + 1
            state.add(report, key: ReportKey(source: report.document.source, index: index))
        }
        state.inputs = result.inputs
        state.diagnostics = result.diagnostics
        state.normalise()
        self.init(state: state, lexicon: lexicon, options: options)
    }

    /// The summary of a run (or of merged shards) from its state.
    public init(state: SummaryState, lexicon: Lexicon, options: SummaryOptions = SummaryOptions()) {
        lexiconName = state.lexiconName
        lexiconVersion = state.lexiconVersion
        self.options = options
        inputs = state.inputs
        reportCount = state.reports
        let groups = state.groups
        self.groups = groups
        diagnostics = state.diagnostics
        definitions = Taxonomy.factorIDs.map { id in
            lexicon.factor(id) ?? FactorDefinition(id: id, label: id, role: Taxonomy.targetBehaviourIDs.contains(id) ? .targetBehaviour : .barrier,
                                                   definition: "", ycff: [], londonProtocol: [], tdf: [], comb: [])
        }
        interventionFunctions = lexicon.interventionFunctions
        var counts: [String: FactorCount] = [:]
        for id in Taxonomy.factorIDs {
            counts[id] = FactorCount(factor: id, reports: 0, mentions: state.mentions[id] ?? 0, discounted: state.discounted[id] ?? [:])
        }
        var units: [String: UnitCount] = [:]
        for group in groups {
            let factors = group.factors
            for factor in factors { counts[factor]?.reports += group.count }
            units[group.unit, default: UnitCount(unit: group.unit, reports: 0, factors: [:])].reports += group.count
            for factor in factors { units[group.unit]?.factors[factor, default: 0] += group.count }
        }
        factorCounts = Taxonomy.factorIDs.compactMap { counts[$0] }
        unitCounts = units.values.sorted { Array($0.unit.utf8).lexicographicallyPrecedes(Array($1.unit.utf8)) }
        let dates = groups.compactMap(\.usableDate).sorted()
        if let first = dates.first, let last = dates.last { dateRange = (first, last) }

        let roles = Dictionary(uniqueKeysWithValues: definitions.map { ($0.id, $0.role) })
        targetBehaviour = TargetBehaviour(groups: groups, roles: roles)
        pareto = Pareto(counts: factorCounts, roles: roles, reports: reportCount)
        (comb, tdf, interventions) = RunSummary.behaviourGroups(groups: groups, definitions: definitions, functions: lexicon.interventionFunctions)
        if let baseline = options.baseline, let followUp = options.followUp {
            periods = PeriodComparison(groups: groups, baseline: baseline, followUp: followUp, roles: roles)
        } else {
            periods = nil
        }
        let chartedBarriers = pareto.rows.filter { $0.reports > 0 }.prefix(options.chartedBarriers).map(\.factor)
        overTime = OverTime(groups: groups, series: [RunSummary.targetBehaviourSeries] + chartedBarriers)
        evidence = factorCounts.filter { $0.reports > 0 }.map { count in
            FactorEvidence(factor: count.factor, reports: count.reports, quotes: state.quotes(for: count.factor, limit: options.evidencePerFactor))
        }
        gaps = factorCounts.filter { $0.reports < options.lowEvidenceBelow && roles[$0.factor] != .context }
    }

    static func unit(of report: ReportAnalysis) -> String { SummaryState.unit(of: report.document) }

    /// Factor counts sorted by reports (descending), then taxonomy order.
    public var rankedFactors: [FactorCount] {
        let order = Dictionary(uniqueKeysWithValues: Taxonomy.factorIDs.enumerated().map { ($1, $0) })
        return factorCounts.sorted { ($0.reports, order[$1.factor]!) > ($1.reports, order[$0.factor]!) }
    }

    public var processedCount: Int { inputs.filter { $0.status == .processed }.count }
    public var skippedInputs: [InputRecord] { inputs.filter { $0.status == .skipped } }
    public var disclosure: Disclosure { options.disclosure }

    public func definition(_ id: String) -> FactorDefinition? { definitions.first { $0.id == id } }
    public func label(_ id: String) -> String {
        id == RunSummary.targetBehaviourSeries ? "Target behaviour: escalation delayed or not responded to" : (definition(id)?.label ?? id)
    }
    public func count(_ id: String) -> Int { factorCounts.first { $0.factor == id }?.reports ?? 0 }
    public func ids(role: FactorDefinition.Role) -> [String] { definitions.filter { $0.role == role }.map(\.id) }

    /// The command line as a shell would accept it (arguments with spaces or quotes are single-quoted).
    public var commandLine: String {
        (["sift"] + options.command).map { argument in
            let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0)
            }
            return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    static func behaviourGroups(groups: [ReportGroup], definitions: [FactorDefinition],
                                functions: [(component: String, functions: [String])]) -> ([CombGroup], [TDFGroup], [InterventionEvidence]) {
        let barriers = definitions.filter { $0.role == .barrier }
        var components = functions.map(\.component)
        for definition in barriers { for component in definition.comb where !components.contains(component) { components.append(component) } }
        func reportsWithAny(_ factors: [String]) -> Int {
            let mask = ReportGroup.mask(factors)
            return groups.reports { $0.hasAny(mask) }
        }
        let comb = components.enumerated().map { index, component -> (Int, CombGroup) in
            let factors = barriers.filter { $0.comb.contains(component) }.map(\.id)
            return (index, CombGroup(component: component, factors: factors, reports: reportsWithAny(factors),
                                     functions: functions.first { $0.component == component }?.functions ?? []))
        }.sorted { ($1.1.reports, $0.0) < ($0.1.reports, $1.0) }.map(\.1)
        var domains: [String] = []
        for definition in barriers { for domain in definition.tdf where !domains.contains(domain) { domains.append(domain) } }
        let tdf = domains.enumerated().map { index, domain -> (Int, TDFGroup) in
            let members = barriers.filter { $0.tdf.contains(domain) }
            var comps: [String] = []
            for member in members { for component in member.comb where !comps.contains(component) { comps.append(component) } }
            return (index, TDFGroup(domain: domain, factors: members.map(\.id), components: comps, reports: reportsWithAny(members.map(\.id))))
        }.sorted { ($1.1.reports, $0.0) < ($0.1.reports, $1.0) }.map(\.1)
        var names: [String] = []
        for entry in functions { for function in entry.functions where !names.contains(function) { names.append(function) } }
        let interventions = names.enumerated().map { index, function -> (Int, InterventionEvidence) in
            let comps = functions.filter { $0.functions.contains(function) }.map(\.component)
            let factors = barriers.filter { !Set($0.comb).isDisjoint(with: comps) }.map(\.id)
            return (index, InterventionEvidence(function: function, components: comps, factors: factors, reports: reportsWithAny(factors)))
        }.sorted { ($1.1.reports, $0.0) < ($0.1.reports, $1.0) }.map(\.1)
        return (comb, tdf, interventions)
    }

}

/// Reports showing the target behaviour (either escalation id) and the factors that co-occur with it.
public struct TargetBehaviour: Sendable, Hashable, Codable {
    public var delay: Int
    public var response: Int
    public var both: Int
    /// Reports with either target-behaviour id: the denominator of the co-occurrence percentages.
    public var either: Int
    public var totalReports: Int
    /// Barriers, then context, in taxonomy order, sorted by `withTarget` descending.
    public var rows: [CoOccurrence]

    public struct CoOccurrence: Sendable, Hashable, Codable {
        public var factor: String
        public var role: String
        public var withTarget: Int
        public var withDelay: Int
        public var withResponse: Int
        /// Reports with this factor and no target behaviour.
        public var withoutTarget: Int
    }

    init(groups reports: [ReportGroup], roles: [String: FactorDefinition.Role]) {
        let ids = Taxonomy.targetBehaviourIDs
        let target = reports.filter { $0.hasAny(ReportGroup.mask(ids)) }
        delay = reports.reports { $0.has(ids[0]) }
        response = reports.reports { $0.has(ids[1]) }
        both = reports.reports { $0.has(ids[0]) && $0.has(ids[1]) }
        either = target.reports()
        totalReports = reports.reports()
        let order = Dictionary(uniqueKeysWithValues: Taxonomy.factorIDs.enumerated().map { ($1, $0) })
        rows = Taxonomy.factorIDs.filter { roles[$0] != .targetBehaviour }.map { id in
            CoOccurrence(factor: id, role: roles[id]?.rawValue ?? "barrier",
                         withTarget: target.reports { $0.has(id) },
                         withDelay: reports.reports { $0.has(id) && $0.has(ids[0]) },
                         withResponse: reports.reports { $0.has(id) && $0.has(ids[1]) },
                         withoutTarget: reports.reports { $0.has(id) } - target.reports { $0.has(id) })
        }.sorted { a, b in
            let ac = a.role == "context" ? 1 : 0, bc = b.role == "context" ? 1 : 0
            return (ac, -a.withTarget, order[a.factor]!) < (bc, -b.withTarget, order[b.factor]!)
        }
    }
}

/// The Pareto of barriers: reports per barrier, descending, with cumulative share of all barrier tallies.
public struct Pareto: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var factor: String
        public var reports: Int
        /// Reports with this barrier / all reports.
        public var shareOfReports: Double?
        /// Cumulative barrier tallies up to and including this row / all barrier tallies.
        public var cumulativeShare: Double?
        /// Inside the "vital few": the rows up to the first one whose cumulative share reaches 80%.
        public var vitalFew: Bool
    }
    public static let line = 0.8
    /// Barriers only, descending by reports, then taxonomy order; zero counts included.
    public var rows: [Row]
    /// Sum of reports over barriers (a report with three barriers counts three times).
    public var tallies: Int
    public var reports: Int

    init(counts: [FactorCount], roles: [String: FactorDefinition.Role], reports: Int) {
        let order = Dictionary(uniqueKeysWithValues: Taxonomy.factorIDs.enumerated().map { ($1, $0) })
        let barriers = counts.filter { roles[$0.factor] == .barrier }
            .sorted { ($1.reports, order[$0.factor]!) < ($0.reports, order[$1.factor]!) }
        let tallies = barriers.reduce(0) { $0 + $1.reports }
        self.tallies = tallies
        self.reports = reports
        var cumulative = 0
        var reached = false
        rows = barriers.map { count in
            cumulative += count.reports
            let share = tallies > 0 ? Double(cumulative) / Double(tallies) : nil
            let row = Row(factor: count.factor, reports: count.reports,
                          shareOfReports: reports > 0 ? Double(count.reports) / Double(reports) : nil,
                          cumulativeShare: share, vitalFew: !reached && count.reports > 0)
            if let share, share >= Pareto.line - 1e-12 { reached = true }
            return row
        }
    }
}

/// Barriers grouped by one COM-B component, with the Behaviour Change Wheel's candidate functions.
public struct CombGroup: Sendable, Hashable, Codable {
    public var component: String
    public var factors: [String]
    /// Reports with at least one of these barriers: the evidence behind this component.
    public var reports: Int
    public var functions: [String]
}

/// Barriers grouped by TDF domain.
public struct TDFGroup: Sendable, Hashable, Codable {
    public var domain: String
    public var factors: [String]
    public var components: [String]
    public var reports: Int
}

/// One intervention function and the evidence behind it: reports with a barrier in a component it serves.
public struct InterventionEvidence: Sendable, Hashable, Codable {
    public var function: String
    public var components: [String]
    public var factors: [String]
    public var reports: Int
}

/// Each factor's proportion of reports in a baseline and a follow-up period.
public struct PeriodComparison: Sendable, Hashable, Codable {
    public var baseline: DatePeriod
    public var followUp: DatePeriod
    public var baselineReports: Int
    public var followUpReports: Int
    /// Reports with no usable date (left out of both periods).
    public var undated: Int
    public var rows: [Row]

    public struct Row: Sendable, Hashable, Codable {
        public var factor: String
        public var baselineCount: Int
        public var followUpCount: Int
        public var baselineShare: Double?
        public var followUpShare: Double?
        public var baselineInterval: Statistics.Interval?
        public var followUpInterval: Statistics.Interval?
        /// Follow-up minus baseline.
        public var difference: Double?
        /// Newcombe hybrid score 95% interval of the difference.
        public var differenceInterval: Statistics.Interval?
        /// Fisher's exact test, two-sided.
        public var pValue: Double?
    }

    init(groups reports: [ReportGroup], baseline: DatePeriod, followUp: DatePeriod, roles: [String: FactorDefinition.Role]) {
        self.baseline = baseline
        self.followUp = followUp
        let dated = reports.filter { $0.usableDate != nil }
        undated = reports.reports() - dated.reports()
        let before = dated.filter { baseline.contains($0.date) }
        let after = dated.filter { followUp.contains($0.date) }
        baselineReports = before.reports()
        followUpReports = after.reports()
        let ids = [RunSummary.targetBehaviourSeries] + Taxonomy.factorIDs
        rows = ids.map { id in
            let x0 = before.reports { $0.has(id) }, n0 = before.reports()
            let x1 = after.reports { $0.has(id) }, n1 = after.reports()
            let p0 = n0 > 0 ? Double(x0) / Double(n0) : nil, p1 = n1 > 0 ? Double(x1) / Double(n1) : nil
            return Row(factor: id, baselineCount: x0, followUpCount: x1, baselineShare: p0, followUpShare: p1,
                       baselineInterval: Statistics.wilson(x0, n0), followUpInterval: Statistics.wilson(x1, n1),
                       difference: p0.flatMap { a in p1.map { $0 - a } },
                       differenceInterval: Statistics.newcombeDifference(x1, n1, x0, n0),
                       pValue: n0 > 0 && n1 > 0 ? Statistics.fisherExactTwoSided(x1, n1 - x1, x0, n0 - x0) : nil)
        }
    }
}

/// Monthly counts of reports showing the target behaviour and the top barriers, with run-chart and XmR analysis.
///
/// Months run from the first to the last dated report. A month with no reports is a count of 0 (plotted,
/// and listed in `emptyMonths`): counts, not proportions, are plotted, because a month with no reports has
/// no proportion.
public struct OverTime: Sendable, Hashable, Codable {
    public var months: [String]
    public var reportsPerMonth: [Int]
    public var emptyMonths: [String]
    public var undated: Int
    public var series: [Series]

    public struct Series: Sendable, Hashable, Codable {
        public var factor: String
        public var counts: [Int]
        public var runChart: RunChart?
        /// Only with at least ``XmRChart/minimumPoints`` months.
        public var xmr: XmRChart?
    }

    init(groups reports: [ReportGroup], series ids: [String]) {
        let dated = reports.filter { $0.usableDate != nil }
        undated = reports.reports() - dated.reports()
        let monthOf = { (report: ReportGroup) in String(report.date.prefix(7)) }
        let present = dated.map(monthOf).sorted()
        var months: [String] = []
        if let first = present.first, let last = present.last {
            var year = Int(first.prefix(4))!, month = Int(first.suffix(2))!
            while true {
                let label = String(format: "%04d-%02d", year, month)
                months.append(label)
                if label >= last { break }
                month += 1
                if month > 12 { month = 1; year += 1 }
            }
        }
        self.months = months
        let byMonth = Dictionary(grouping: dated, by: monthOf)
        reportsPerMonth = months.map { byMonth[$0]?.reports() ?? 0 }
        emptyMonths = months.filter { byMonth[$0] == nil }
        series = ids.map { id in
            let counts = months.map { month in (byMonth[month] ?? []).reports { $0.has(id) } }
            let values = counts.map(Double.init)
            return Series(factor: id, counts: counts, runChart: RunChart(values),
                          xmr: values.count >= XmRChart.minimumPoints ? XmRChart(values) : nil)
        }
    }
}

/// Evidence sentences for one factor.
public struct FactorEvidence: Sendable, Hashable, Codable {
    public var factor: String
    public var reports: Int
    public var quotes: [Quote]
}

/// A counted finding's sentence, with where it came from.
public struct Quote: Sendable, Hashable, Codable {
    public var report: String
    public var section: String
    public var rule: String
    public var sentence: String

    /// The text on one line: line breaks and the spaces around them become one space.
    static func flatten(_ text: String) -> String {
        // Most sentences are on one line already; skip the work for them.
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else {
            let bytes = text.utf8
            guard let first = bytes.first, let last = bytes.last else { return text }
            if first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09 { return text }
            return text.trimmingCharacters(in: .whitespaces)
        }
        return text.split(whereSeparator: { $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
