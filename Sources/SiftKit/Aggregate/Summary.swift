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

/// The aggregate view of a run: per report, per factor, per unit. Built from values only, so it can be
/// rebuilt from any set of report analyses.
public struct RunSummary: Sendable {
    public var lexiconName: String
    public var lexiconVersion: String
    public var inputs: [InputRecord]
    public var reports: [ReportAnalysis]
    public var diagnostics: [Diagnostic]
    public var factorCounts: [FactorCount]
    public var unitCounts: [UnitCount]
    /// Earliest and latest report date (as written, YYYY-MM-DD sorts correctly).
    public var dateRange: (first: String, last: String)?

    public init(result: RunResult, lexicon: Lexicon) {
        lexiconName = lexicon.name
        lexiconVersion = lexicon.version
        inputs = result.inputs
        reports = result.reports.sorted { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
        diagnostics = result.diagnostics
        var counts: [String: FactorCount] = [:]
        for id in Taxonomy.factorIDs { counts[id] = FactorCount(factor: id, reports: 0, mentions: 0, discounted: [:]) }
        var units: [String: UnitCount] = [:]
        for report in reports {
            for factor in report.factors { counts[factor]?.reports += 1 }
            for finding in report.findings {
                if finding.isCounted {
                    counts[finding.factor]?.mentions += 1
                } else {
                    counts[finding.factor]?.discounted[finding.verdict.rawValue, default: 0] += 1
                }
            }
            let unit = report.document.unit ?? "(unit not stated)"
            units[unit, default: UnitCount(unit: unit, reports: 0, factors: [:])].reports += 1
            for factor in report.factors { units[unit]?.factors[factor, default: 0] += 1 }
        }
        factorCounts = Taxonomy.factorIDs.compactMap { counts[$0] }
        unitCounts = units.values.sorted { $0.unit < $1.unit }
        let dates = reports.compactMap { $0.document.date }.filter { !$0.isEmpty }.sorted()
        if let first = dates.first, let last = dates.last { dateRange = (first, last) }
    }

    /// Factor counts sorted by reports (descending), then taxonomy order.
    public var rankedFactors: [FactorCount] {
        let order = Dictionary(uniqueKeysWithValues: Taxonomy.factorIDs.enumerated().map { ($1, $0) })
        return factorCounts.sorted { ($0.reports, order[$1.factor]!) > ($1.reports, order[$0.factor]!) }
    }

    public var processedCount: Int { inputs.filter { $0.status == .processed }.count }
    public var skippedInputs: [InputRecord] { inputs.filter { $0.status == .skipped } }
}
