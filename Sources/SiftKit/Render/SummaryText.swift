import Foundation

/// Number formats and fixed wording shared by the Markdown, HTML and CSV renderers, so that every
/// format says the same thing in the same words.
enum SummaryText {
    static let title = "Sift diagnostic summary"

    /// "25.0%", or "-" when there is no value.
    static func percent(_ value: Double?) -> String {
        guard let value else { return "-" }
        let tenths = Int((value * 1000).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)%"
    }

    /// A percentage of `part` out of `whole`, suppressed when `part` is.
    static func percent(_ part: Int, of whole: Int, _ disclosure: Disclosure) -> String {
        if disclosure.isSuppressed(part) { return suppressedPercent }
        return whole > 0 ? percent(Double(part) / Double(whole)) : "-"
    }

    static let suppressedPercent = "*"

    /// Percentage points with sign: "+12.5", "-3.0".
    static func points(_ value: Double?) -> String {
        guard let value else { return "-" }
        let tenths = Int((value * 1000).rounded())
        return (tenths > 0 ? "+" : tenths < 0 ? "-" : "") + "\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    static func interval(_ interval: Statistics.Interval?) -> String {
        guard let interval else { return "-" }
        return "\(percent(interval.lower)) to \(percent(interval.upper))"
    }

    static func pointsInterval(_ interval: Statistics.Interval?) -> String {
        guard let interval else { return "-" }
        return "\(points(interval.lower)) to \(points(interval.upper))"
    }

    /// "p = 0.035", "p < 0.001", "p = 1.000".
    static func pValue(_ p: Double?) -> String {
        guard let p else { return "-" }
        if p < 0.001 { return "p < 0.001" }
        return "p = " + String(format: "%.3f", p)
    }

    static func decimal(_ value: Double, places: Int = 2) -> String { String(format: "%.\(places)f", value) }

    static let targetIntro = "The target behaviour is escalation: `escalation_delay` (concern not escalated or escalated late) and `escalation_response` (escalation made but not responded to). The table shows, for each barrier, how many of the reports with the target behaviour also describe it. Co-occurrence in a report is not evidence that the barrier caused the escalation failure."

    static let paretoIntro = "Barriers only, most frequent first; every barrier is listed, including those found in no report. The target behaviour ids are counted separately above and `patient_complexity` is context, so neither is in the Pareto. % of reports uses all reports processed as denominator and adds up to more than 100% because a report can describe several barriers; cumulative % is of all barrier tallies (the sum of the Reports column). Rows marked ● are the vital few: the barriers up to the one where the cumulative share first reaches 80%."

    static let combIntro = "Barriers grouped by COM-B component and TDF domain using the lexicon's factor mappings, with the Behaviour Change Wheel's candidate intervention functions for each component (Michie et al. 2011), taken from the lexicon's `intervention_functions`. Components and functions are ranked by the evidence behind them: the number of reports that describe at least one barrier mapped to them. A barrier mapped to two components counts for both. These are candidates for the multidisciplinary team to consider, not recommendations; `patient_complexity` is context and maps to no intervention function."

    static let unitsIntro = "Each cell is the number of a unit's reports that describe the factor, and that number as a % of the unit's reports."

    static func suppressionNote(_ disclosure: Disclosure) -> String {
        disclosure.share
            ? "Marked for sharing beyond the unit (`--share`): counts from \(disclosure.range.replacingOccurrences(of: "-", with: " to ")) are shown as \"\(disclosure.range)\" and percentages derived from them as \"\(suppressedPercent)\" (threshold `--suppress-below \(disclosure.threshold)`). Per-report details, findings.csv and run charts of monthly counts are left out."
            : "Not marked for sharing: small numbers are shown as they are. Use `--share` (with `--suppress-below N`, default 8) before this summary leaves the unit."
    }

    static let periodsCaveat = "Each proportion is the share of the period's reports that describe the factor, with its Wilson 95% interval. The difference is follow-up minus baseline in percentage points with its Newcombe 95% interval, and p is Fisher's exact test (two-sided). A difference is a description of these reports, not proof that practice changed: SI reports are few and selected by harm, so intervals are wide with small n, and an interval that includes 0 is compatible with no difference."

    static func overTimeIntro(_ overTime: OverTime) -> String {
        var text = "Monthly counts of reports (by report date) from \(overTime.months.first ?? "-") to \(overTime.months.last ?? "-"). Counts, not proportions, are plotted: a month with no reports has no proportion, so it is plotted as 0 reports and marked as a month with no reports (hollow point)."
        if !overTime.emptyMonths.isEmpty { text += " Months with no reports: \(overTime.emptyMonths.count) of \(overTime.months.count)." }
        if overTime.undated > 0 { text += " \(overTime.undated) report(s) without a date are left out." }
        return text
    }

    static let runChartRules = "Run-chart rules (Perla, Provost & Murray 2011): shift, 6 or more consecutive points all above or all below the median (points on the median neither break nor count); trend, 5 or more consecutive points all going up or all going down (equal successive values count once). When the median equals the smallest (or largest) value, as with rare events where most months are 0, the shift rule is not applied: points can only sit on the median or on one side of it."

    static let xmrRules = "XmR chart (NHS England Making Data Count): centre line the mean, process limits at mean ± 2.66 × mean moving range. Rules: a point outside the limits; a run of 7 or more points above or below the mean; 6 or more consecutive points increasing or decreasing; two out of three points beyond 2 sigma (sigma = mean moving range / 1.128) on the same side. Drawn only with 20 or more months. A negative lower limit means a low count cannot signal."

    /// The signals of a run chart in words, saying when the shift rule was not applied.
    static func runChartSignals(_ chart: RunChart?, months: [String]) -> String {
        guard let chart else { return "none" }
        var parts = (chart.shifts + chart.trends).map { signalText($0, months: months) }
        if parts.isEmpty { parts = ["none"] }
        if !chart.shiftRuleApplies { parts.append("shift rule not applied (median equals the smallest or largest value)") }
        return parts.joined(separator: "; ")
    }

    static func signalText(_ signal: Signal, months: [String]) -> String {
        let names = ["shift": "shift", "trend": "trend", "outside_limits": "point outside the limits", "two_of_three": "two of three beyond 2 sigma"]
        let span = signal.first == signal.last ? months[signal.first] : "\(months[signal.first]) to \(months[signal.last])"
        return "\(names[signal.rule] ?? signal.rule) (\(span))"
    }

    static let gapsNote = "A factor with zero or very few reports is not evidenced in SI reports; that is not evidence of absence. Workload, culture and hierarchy are under-reported in incident reports, which describe what happened more readily than why staff did not speak up; triangulate with focus groups, observation and staff surveys before deciding which barriers to target."

    static func lowLabel(_ count: FactorCount) -> String {
        count.reports == 0 ? "not evidenced in SI reports (0 reports)" : "not evidenced in SI reports beyond \(count.reports) report"
    }
}
