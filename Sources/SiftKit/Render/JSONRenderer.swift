import Foundation

/// The JSON summary, schema `sift.summary` version 2 (documented in README.md). Keys are sorted and
/// the output is byte-identical for identical inputs.
public struct JSONRenderer: Sendable {
    public static let schema = "sift.summary"
    public static let schemaVersion = 2

    public init() {}

    struct Output: Encodable {
        var schema: String
        var schema_version: Int
        var sift_version: String
        var command: String
        var argv: [String]
        var options: Options
        var lexicon: LexiconInfo
        var overview: Overview
        var factors: [Factor]
        var target_behaviour: Target
        var pareto: ParetoOut
        var comb: [CombOut]
        var intervention_functions: [InterventionOut]
        var tdf: [TDFOut]
        var units: [UnitOut]
        var periods: PeriodsOut?
        var over_time: OverTimeOut?
        var evidence: [FactorEvidence]
        var gaps: GapsOut
        var reports: [Report]?
        var inputs: [InputRecord]
        var diagnostics: [Diagnostic]
    }
    struct Options: Encodable {
        var evidence: Int
        var share: Bool
        var suppress_below: Int
        var suppressed_display: String?
        var baseline: DatePeriod?
        var follow_up: DatePeriod?
        var low_evidence_below: Int
    }
    struct LexiconInfo: Encodable { var name: String; var version: String }
    struct Overview: Encodable {
        var inputs: Int
        var reports: Int
        var skipped: Int
        var date_first: String?
        var date_last: String?
        var units: Int
    }
    struct Factor: Encodable {
        var factor: String
        var label: String
        var role: String
        var tdf: [String]
        var comb: [String]
        var reports: Int?
        var share_of_reports: Double?
        var mentions: Int?
        var discounted: [String: Int]?
    }
    struct Target: Encodable {
        var reports: Int
        var escalation_delay: Int?
        var escalation_response: Int?
        var both: Int?
        var either: Int?
        var cooccurrence: [Co]
    }
    struct Co: Encodable {
        var factor: String
        var role: String
        var with_target: Int?
        var share_of_target_reports: Double?
        var with_delay: Int?
        var with_response: Int?
        var without_target: Int?
    }
    struct ParetoOut: Encodable {
        var reports: Int
        var tallies: Int?
        var line: Double
        var includes_target_behaviour: Bool
        var includes_context: Bool
        var rows: [ParetoRow]
    }
    struct ParetoRow: Encodable {
        var factor: String
        var reports: Int?
        var share_of_reports: Double?
        var cumulative_share: Double?
        var vital_few: Bool
    }
    struct CombOut: Encodable { var component: String; var reports: Int?; var factors: [String]; var functions: [String] }
    struct InterventionOut: Encodable { var function: String; var reports: Int?; var components: [String]; var factors: [String] }
    struct TDFOut: Encodable { var domain: String; var reports: Int?; var components: [String]; var factors: [String] }
    struct UnitOut: Encodable {
        var unit: String
        var reports: Int
        var factors: [String: Int?]
        var shares: [String: Double?]
    }
    struct PeriodsOut: Encodable {
        var baseline: DatePeriod
        var follow_up: DatePeriod
        var baseline_reports: Int
        var follow_up_reports: Int
        var undated: Int
        var rows: [PeriodRowOut]
    }
    struct PeriodRowOut: Encodable {
        var factor: String
        var baseline_count: Int?
        var baseline_share: Double?
        var baseline_ci: Statistics.Interval?
        var follow_up_count: Int?
        var follow_up_share: Double?
        var follow_up_ci: Statistics.Interval?
        var difference: Double?
        var difference_ci: Statistics.Interval?
        var fisher_p: Double?
    }
    struct OverTimeOut: Encodable {
        var months: [String]
        var reports_per_month: [Int]
        var empty_months: [String]
        var undated: Int
        var series: [SeriesOut]
    }
    struct SeriesOut: Encodable {
        var factor: String
        var counts: [Int]
        var median: Double?
        var run_chart_signals: [SignalOut]
        var xmr: XmROut?
    }
    struct XmROut: Encodable {
        var mean: Double
        var mean_moving_range: Double
        var upper_limit: Double
        var lower_limit: Double
        var signals: [SignalOut]
    }
    struct SignalOut: Encodable { var rule: String; var first: String; var last: String }
    struct GapsOut: Encodable { var below: Int; var factors: [String]; var note: String }
    struct Report: Encodable {
        var id: String
        var source: String
        var unit: String?
        var date: String?
        var metadata: [String: String]
        var factors: [String]
        var sections: [SectionInfo]
        var findings: [FindingInfo]
    }
    struct SectionInfo: Encodable { var title: String; var category: String; var role: String }
    struct FindingInfo: Encodable {
        var factor: String
        var rule: String
        var section: String
        var sentence_index: Int
        var sentence: String
        var start: Int
        var end: Int
        var text: String
        var verdict: String
        var modifiers: [ModifierInfo]
    }
    struct ModifierInfo: Encodable { var category: String; var rule: String; var trigger: String }

    /// Proportions are rounded to 4 decimal places, p-values to 6, so that the bytes are stable.
    static func round(_ value: Double?, _ places: Double = 4) -> Double? {
        value.map { ($0 * pow(10, places)).rounded() / pow(10, places) }
    }
    static func round(_ interval: Statistics.Interval?) -> Statistics.Interval? {
        interval.map { Statistics.Interval(lower: round($0.lower)!, upper: round($0.upper)!) }
    }

    /// A piece of summary.json: text, or the place of one of the long arrays, whose elements are written
    /// one by one (each ``element(_:)`` or ``report(_:)``, joined by ",\n") so that no encoder ever holds
    /// a whole list of a large run. Written in order, the pieces are exactly ``render(_:)``, with the
    /// `reports` array added (none with `--share`).
    public enum Piece: Equatable {
        case text(String)
        case diagnostics, inputs, reports
    }

    /// The pieces of summary.json, in order.
    public func pieces(_ summary: RunSummary) throws -> [Piece] {
        // Rendered with the two lists empty: an empty array is "[\n\n  ]", a full one "[\n" + elements + "\n  ]".
        let whole = try JSONRenderer.encode(output(summary, lists: false))
        var pieces: [Piece] = []
        var text = ""
        var reportsPlaced = summary.disclosure.share
        var lines = whole.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst() {
            // Top-level keys are the lines indented by exactly two spaces; `reports` goes before the first key after it.
            if !reportsPlaced, line.hasPrefix("  \""), !line.hasPrefix("   "), let end = line.dropFirst(3).firstIndex(of: "\""),
               String(line[line.index(line.startIndex, offsetBy: 3)..<end]) > "reports" {
                pieces += [.text(text + "  \"reports\" : [\n"), .reports]
                text = "\n  ],\n"
                reportsPlaced = true
            }
            if (line == "  \"diagnostics\" : [" || line == "  \"inputs\" : ["), lines.first == "", lines.dropFirst().first?.hasPrefix("  ]") == true {
                pieces += [.text(text + line + "\n"), line.hasPrefix("  \"d") ? .diagnostics : .inputs]
                lines.removeFirst()
                text = "\n"
                continue
            }
            text += line
            if !lines.isEmpty { text += "\n" }
        }
        pieces.append(.text(text))
        return pieces
    }

    /// One element of the `inputs` or `diagnostics` array, indented for its place.
    public func element<T: Encodable>(_ value: T) throws -> String {
        let text = try JSONRenderer.encode(value)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }

    /// One report of the `reports` array, indented for its place: the text ``reportEncoded(_:)`` gives, written
    /// by hand (`JSONEncoder` took about a sixth of a run's CPU here). Keys are written in sorted order.
    public func report(_ record: ReportRecord) -> String {
        var json = PrettyJSON(prefix: 4)
        json.openObject()
        if let date = record.date { json.key("date"); json.string(date) }
        json.key("factors"); json.strings(record.factors)
        json.key("findings"); json.openArray()
        for finding in record.findings {
            json.element(); json.openObject()
            json.key("end"); json.int(finding.span.end)
            json.key("factor"); json.string(finding.factor)
            json.key("modifiers"); json.openArray()
            for modifier in finding.modifiers {
                json.element(); json.openObject()
                json.key("category"); json.string(modifier.category.rawValue)
                json.key("rule"); json.string(modifier.ruleID)
                json.key("trigger"); json.string(modifier.trigger)
                json.closeObject()
            }
            json.closeArray()
            json.key("rule"); json.string(finding.ruleID)
            json.key("section"); json.string(finding.section)
            json.key("sentence"); json.string(finding.sentence)
            json.key("sentence_index"); json.int(finding.sentenceIndex)
            json.key("start"); json.int(finding.span.start)
            json.key("text"); json.string(finding.matchedText)
            json.key("verdict"); json.string(finding.verdict.rawValue)
            json.closeObject()
        }
        json.closeArray()
        json.key("id"); json.string(record.id)
        json.key("metadata"); json.openObject()
        for (key, value) in JSONRenderer.metadata(record).sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            json.key(key); json.string(value)
        }
        json.closeObject()
        json.key("sections"); json.openArray()
        for section in record.sections {
            json.element(); json.openObject()
            json.key("category"); json.string(section.category)
            json.key("role"); json.string(section.role.rawValue)
            json.key("title"); json.string(section.title)
            json.closeObject()
        }
        json.closeArray()
        json.key("source"); json.string(record.source)
        if let unit = record.unit { json.key("unit"); json.string(unit) }
        json.closeObject()
        return json.text
    }

    /// A report's metadata as the JSON object holds it: pairs only, the first of equal keys.
    static func metadata(_ record: ReportRecord) -> [String: String] {
        Dictionary(record.metadata.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }, uniquingKeysWith: { first, _ in first })
    }

    /// ``report(_:)`` through `JSONEncoder` and ``Report``, the schema's definition: what the hand-written
    /// text is tested against.
    func reportEncoded(_ record: ReportRecord) throws -> String {
        let report = Report(id: record.id, source: record.source, unit: record.unit, date: record.date,
                            metadata: JSONRenderer.metadata(record), factors: record.factors,
                            sections: record.sections.map { SectionInfo(title: $0.title, category: $0.category, role: $0.role.rawValue) },
                            findings: record.findings.map(JSONRenderer.findingInfo))
        let text = try JSONRenderer.encode(report)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "    " + $0 }.joined(separator: "\n")
    }

    /// The summary without per-report details.
    public func render(_ summary: RunSummary) throws -> String {
        try JSONRenderer.encode(output(summary, lists: true))
    }

    /// The document; without `lists`, `inputs` and `diagnostics` are left empty (see ``pieces(_:)``).
    private func output(_ summary: RunSummary, lists: Bool) -> Output {
        let d = summary.disclosure
        func c(_ n: Int) -> Int? { d.isSuppressed(n) ? nil : n }
        func share(_ n: Int, _ whole: Int) -> Double? { d.isSuppressed(n) || whole == 0 ? nil : JSONRenderer.round(Double(n) / Double(whole)) }
        let total = summary.reportCount
        let t = summary.targetBehaviour
        let months = summary.overTime.months
        func signal(_ s: Signal) -> SignalOut { SignalOut(rule: s.rule, first: months[s.first], last: months[s.last]) }
        let output = Output(
            schema: JSONRenderer.schema, schema_version: JSONRenderer.schemaVersion, sift_version: Sift.version,
            command: summary.commandLine, argv: summary.options.command,
            options: Options(evidence: summary.options.evidencePerFactor, share: d.share, suppress_below: d.threshold,
                             suppressed_display: d.share ? d.range : nil, baseline: summary.options.baseline,
                             follow_up: summary.options.followUp, low_evidence_below: summary.options.lowEvidenceBelow),
            lexicon: LexiconInfo(name: summary.lexiconName, version: summary.lexiconVersion),
            overview: Overview(inputs: summary.inputs.count, reports: total, skipped: summary.skippedInputs.count,
                               date_first: summary.dateRange?.first, date_last: summary.dateRange?.last, units: summary.unitCounts.count),
            factors: summary.factorCounts.map { count in
                let definition = summary.definition(count.factor)
                return Factor(factor: count.factor, label: summary.label(count.factor), role: definition?.role.rawValue ?? "barrier",
                              tdf: definition?.tdf ?? [], comb: definition?.comb ?? [], reports: c(count.reports),
                              share_of_reports: share(count.reports, total), mentions: d.share ? nil : count.mentions,
                              discounted: d.share ? nil : count.discounted)
            },
            target_behaviour: Target(reports: total, escalation_delay: c(t.delay), escalation_response: c(t.response), both: c(t.both),
                                     either: c(t.either), cooccurrence: t.rows.map {
                Co(factor: $0.factor, role: $0.role, with_target: c($0.withTarget), share_of_target_reports: share($0.withTarget, t.either),
                   with_delay: c($0.withDelay), with_response: c($0.withResponse), without_target: c($0.withoutTarget))
            }),
            pareto: ParetoOut(reports: summary.pareto.reports, tallies: d.share ? nil : summary.pareto.tallies, line: Pareto.line,
                              includes_target_behaviour: false, includes_context: false, rows: summary.pareto.rows.map {
                ParetoRow(factor: $0.factor, reports: c($0.reports), share_of_reports: share($0.reports, total),
                          cumulative_share: d.share ? nil : JSONRenderer.round($0.cumulativeShare), vital_few: $0.vitalFew)
            }),
            comb: summary.comb.map { CombOut(component: $0.component, reports: c($0.reports), factors: $0.factors, functions: $0.functions) },
            intervention_functions: summary.interventions.map {
                InterventionOut(function: $0.function, reports: c($0.reports), components: $0.components, factors: $0.factors)
            },
            tdf: summary.tdf.map { TDFOut(domain: $0.domain, reports: c($0.reports), components: $0.components, factors: $0.factors) },
            units: summary.unitCounts.map { unit in
                UnitOut(unit: unit.unit, reports: unit.reports,
                        factors: Dictionary(uniqueKeysWithValues: Taxonomy.factorIDs.map { ($0, c(unit.factors[$0] ?? 0)) }),
                        shares: Dictionary(uniqueKeysWithValues: Taxonomy.factorIDs.map { ($0, share(unit.factors[$0] ?? 0, unit.reports)) }))
            },
            periods: summary.periods.map { periods in
                PeriodsOut(baseline: periods.baseline, follow_up: periods.followUp, baseline_reports: periods.baselineReports,
                           follow_up_reports: periods.followUpReports, undated: periods.undated, rows: periods.rows.map { row in
                    let b = d.isSuppressed(row.baselineCount), f = d.isSuppressed(row.followUpCount), hidden = b || f
                    return PeriodRowOut(factor: row.factor, baseline_count: c(row.baselineCount), baseline_share: b ? nil : JSONRenderer.round(row.baselineShare),
                                        baseline_ci: b ? nil : JSONRenderer.round(row.baselineInterval), follow_up_count: c(row.followUpCount),
                                        follow_up_share: f ? nil : JSONRenderer.round(row.followUpShare),
                                        follow_up_ci: f ? nil : JSONRenderer.round(row.followUpInterval),
                                        difference: hidden ? nil : JSONRenderer.round(row.difference),
                                        difference_ci: hidden ? nil : JSONRenderer.round(row.differenceInterval),
                                        fisher_p: hidden ? nil : JSONRenderer.round(row.pValue, 6))
                })
            },
            over_time: d.share ? nil : OverTimeOut(
                months: months, reports_per_month: summary.overTime.reportsPerMonth, empty_months: summary.overTime.emptyMonths,
                undated: summary.overTime.undated, series: summary.overTime.series.map { series in
                    SeriesOut(factor: series.factor, counts: series.counts, median: series.runChart?.median,
                              run_chart_signals: ((series.runChart?.shifts ?? []) + (series.runChart?.trends ?? [])).map(signal),
                              xmr: series.xmr.map { XmROut(mean: JSONRenderer.round($0.mean)!, mean_moving_range: JSONRenderer.round($0.meanMovingRange)!,
                                                           upper_limit: JSONRenderer.round($0.upperLimit)!, lower_limit: JSONRenderer.round($0.lowerLimit)!,
                                                           signals: $0.signals.map(signal)) })
                }),
            evidence: summary.evidence,
            gaps: GapsOut(below: summary.options.lowEvidenceBelow, factors: summary.gaps.map(\.factor), note: SummaryText.gapsNote),
            reports: nil,
            inputs: lists ? summary.inputs : [], diagnostics: lists ? summary.diagnostics : [])
        return output
    }

    static func findingInfo(_ finding: Finding) -> FindingInfo {
        FindingInfo(factor: finding.factor, rule: finding.ruleID, section: finding.section, sentence_index: finding.sentenceIndex,
                    sentence: finding.sentence, start: finding.span.start, end: finding.span.end, text: finding.matchedText,
                    verdict: finding.verdict.rawValue,
                    modifiers: finding.modifiers.map { ModifierInfo(category: $0.category.rawValue, rule: $0.ruleID, trigger: $0.trigger) })
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

/// Version information for outputs.
public enum Sift {
    public static let version = "0.1.0"
}
