import Foundation

/// The Markdown summary: the same sections as the HTML summary, with tables instead of charts, then every
/// report with its factors (left out with `--share`) and every input that was skipped.
public struct MarkdownRenderer: Sendable {
    /// Evidence sentences shown per factor per report in the appendix.
    public var evidencePerFactor: Int

    public init(evidencePerFactor: Int = 3) {
        self.evidencePerFactor = evidencePerFactor
    }

    public func render(_ summary: RunSummary, lexicon: Lexicon? = nil) -> String {
        let d = summary.disclosure
        func label(_ id: String) -> String { "\(escape(summary.label(id))) (`\(id)`)" }
        var out = "# \(SummaryText.title)\n\n"
        if d.share { out += "**For sharing beyond the unit: small numbers suppressed.**\n\n" }

        out += "## 1. Overview\n\n| | |\n|---|---|\n"
        out += "| Reports processed | \(summary.reportCount) |\n"
        out += "| Inputs | \(summary.inputs.count) (\(summary.processedCount) processed, \(summary.skippedInputs.count) skipped) |\n"
        out += "| Date range | \(summary.dateRange.map { "\($0.first) to \($0.last)" } ?? "no dated reports") |\n"
        out += "| Units | \(summary.unitCounts.count): \(summary.unitCounts.map { escape($0.unit) }.joined(separator: "; ")) |\n"
        out += "| Lexicon | \(escape(summary.lexiconName)) \(escape(summary.lexiconVersion)) |\n"
        out += "| Sift | \(Sift.version) |\n"
        out += "| Command | `\(summary.commandLine.replacingOccurrences(of: "|", with: "\\|"))` |\n\n"
        out += SummaryText.suppressionNote(d) + "\n\n"
        let skipped = summary.skippedInputs
        if skipped.isEmpty {
            out += "No input was skipped.\n\n"
        } else {
            out += "| Skipped input | Reason |\n|---|---|\n"
            for input in skipped { out += "| `\(input.file)` | \(escape(input.reason ?? "")) |\n" }
            out += "\n"
        }

        let t = summary.targetBehaviour
        out += "## 2. Target behaviour and co-occurring barriers\n\n"
        out += SummaryText.targetIntro + "\n\n"
        out += "| Target behaviour | Reports | % of reports |\n|---|---:|---:|\n"
        out += "| \(label("escalation_delay")) | \(d.display(t.delay)) | \(SummaryText.percent(t.delay, of: t.totalReports, d)) |\n"
        out += "| \(label("escalation_response")) | \(d.display(t.response)) | \(SummaryText.percent(t.response, of: t.totalReports, d)) |\n"
        out += "| Both | \(d.display(t.both)) | \(SummaryText.percent(t.both, of: t.totalReports, d)) |\n"
        out += "| Either (the target behaviour) | \(d.display(t.either)) | \(SummaryText.percent(t.either, of: t.totalReports, d)) |\n\n"
        out += "Barriers and context in the \(d.display(t.either)) reports with the target behaviour:\n\n"
        out += "| Factor | Role | With target behaviour | % of escalation reports | With delay | With response | Without target behaviour |\n|---|---|---:|---:|---:|---:|---:|\n"
        for row in t.rows {
            out += "| \(label(row.factor)) | \(row.role) | \(d.display(row.withTarget)) | \(SummaryText.percent(row.withTarget, of: t.either, d)) | \(d.display(row.withDelay)) | \(d.display(row.withResponse)) | \(d.display(row.withoutTarget)) |\n"
        }

        let p = summary.pareto
        out += "\n## 3. Pareto of barriers\n\n" + SummaryText.paretoIntro + "\n\n"
        out += "n = \(p.reports) reports; \(d.share ? "barrier tallies suppressed with --share" : "\(p.tallies) barrier tallies").\n\n"
        out += "| | Barrier | Reports | % of reports | Cumulative % |\n|---|---|---:|---:|---:|\n"
        for row in p.rows {
            let suppressed = d.isSuppressed(row.reports)
            out += "| \(row.vitalFew ? "●" : "") | \(label(row.factor)) | \(d.display(row.reports)) | \(suppressed ? SummaryText.suppressedPercent : SummaryText.percent(row.shareOfReports)) | \(d.share ? SummaryText.suppressedPercent : SummaryText.percent(row.cumulativeShare)) |\n"
        }
        out += "\nContext (not a barrier): \(label("patient_complexity")) in \(d.display(summary.count("patient_complexity"))) reports (\(SummaryText.percent(summary.count("patient_complexity"), of: summary.reportCount, d))).\n"

        out += "\n## 4. COM-B and intervention functions\n\n" + SummaryText.combIntro + "\n\n"
        out += "| COM-B component | Evidence (reports) | Barriers (reports) | Candidate intervention functions |\n|---|---:|---|---|\n"
        for group in summary.comb {
            let factors = group.factors.map { "`\($0)` (\(d.display(summary.count($0))))" }.joined(separator: ", ")
            out += "| \(escape(group.component)) | \(d.display(group.reports)) | \(factors.isEmpty ? "none" : factors) | \(group.functions.isEmpty ? "none in the lexicon" : group.functions.joined(separator: ", ")) |\n"
        }
        out += "\n| Intervention function | Evidence (reports) | COM-B components |\n|---|---:|---|\n"
        for item in summary.interventions {
            out += "| \(escape(item.function)) | \(d.display(item.reports)) | \(item.components.joined(separator: ", ")) |\n"
        }
        out += "\n| TDF domain | Evidence (reports) | COM-B | Barriers |\n|---|---:|---|---|\n"
        for group in summary.tdf {
            out += "| \(escape(group.domain)) | \(d.display(group.reports)) | \(group.components.joined(separator: ", ")) | \(group.factors.map { "`\($0)`" }.joined(separator: ", ")) |\n"
        }

        out += "\n## 5. Units\n\n" + SummaryText.unitsIntro + "\n\n"
        out += "| Factor | " + summary.unitCounts.map { "\(escape($0.unit)) (n = \($0.reports))" }.joined(separator: " | ") + " |\n"
        out += "|---|" + String(repeating: "---:|", count: summary.unitCounts.count) + "\n"
        for id in Taxonomy.factorIDs {
            out += "| `\(id)` | " + summary.unitCounts.map { unit in
                let n = unit.factors[id] ?? 0
                return n == 0 ? "0" : "\(d.display(n)) (\(SummaryText.percent(n, of: unit.reports, d)))"
            }.joined(separator: " | ") + " |\n"
        }

        out += "\n## 6. Baseline and follow-up\n\n"
        if let periods = summary.periods {
            out += "Baseline \(periods.baseline) (n = \(periods.baselineReports) reports); follow-up \(periods.followUp) (n = \(periods.followUpReports) reports)."
            if periods.undated > 0 { out += " \(periods.undated) report(s) without a date are in neither period." }
            if periods.baseline.overlaps(periods.followUp) { out += " **The two periods overlap: a report in both is counted in both.**" }
            out += "\n\n" + SummaryText.periodsCaveat + "\n\n"
            out += "| Factor | Baseline | Baseline 95% CI | Follow-up | Follow-up 95% CI | Difference (points) | 95% CI | Fisher p |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
            for row in periods.rows {
                let hidden = d.isSuppressed(row.baselineCount) || d.isSuppressed(row.followUpCount)
                let base = "\(d.display(row.baselineCount))/\(periods.baselineReports) (\(d.isSuppressed(row.baselineCount) ? SummaryText.suppressedPercent : SummaryText.percent(row.baselineShare)))"
                let follow = "\(d.display(row.followUpCount))/\(periods.followUpReports) (\(d.isSuppressed(row.followUpCount) ? SummaryText.suppressedPercent : SummaryText.percent(row.followUpShare)))"
                let star = SummaryText.suppressedPercent
                out += "| \(row.factor == RunSummary.targetBehaviourSeries ? "**target behaviour (either id)**" : "`\(row.factor)`") | \(base) | \(d.isSuppressed(row.baselineCount) ? star : SummaryText.interval(row.baselineInterval)) | \(follow) | \(d.isSuppressed(row.followUpCount) ? star : SummaryText.interval(row.followUpInterval)) | \(hidden ? star : SummaryText.points(row.difference)) | \(hidden ? star : SummaryText.pointsInterval(row.differenceInterval)) | \(hidden ? star : SummaryText.pValue(row.pValue)) |\n"
            }
        } else {
            out += "No periods compared: run with `--baseline FROM..TO --follow-up FROM..TO` (YYYY-MM-DD) to compare each factor's share of reports before and after a change.\n"
        }

        out += "\n## 7. Over time\n\n"
        let o = summary.overTime
        if d.share {
            out += "Not included when the summary is marked for sharing: monthly counts are small numbers.\n"
        } else if o.months.isEmpty {
            out += "No dated reports: no run chart.\n"
        } else {
            out += SummaryText.overTimeIntro(o) + "\n\n" + SummaryText.runChartRules + "\n\n"
            out += "| Month | Reports | " + o.series.map { $0.factor == RunSummary.targetBehaviourSeries ? "Target behaviour" : "`\($0.factor)`" }.joined(separator: " | ") + " |\n"
            out += "|---|---:|" + String(repeating: "---:|", count: o.series.count) + "\n"
            for (index, month) in o.months.enumerated() {
                out += "| \(month) | \(o.reportsPerMonth[index]) | " + o.series.map { String($0.counts[index]) }.joined(separator: " | ") + " |\n"
            }
            out += "\n| Series | Median | Run-chart signals | XmR (mean; limits) | XmR signals |\n|---|---:|---|---|---|\n"
            for series in o.series {
                let name = series.factor == RunSummary.targetBehaviourSeries ? "Target behaviour" : "`\(series.factor)`"
                let chart = series.runChart
                let xmr = series.xmr.map { "\(SummaryText.decimal($0.mean)); \(SummaryText.decimal($0.lowerLimit)) to \(SummaryText.decimal($0.upperLimit))" } ?? "fewer than 20 months"
                let xmrSignals = series.xmr.map { $0.signals.map { SummaryText.signalText($0, months: o.months) } } ?? []
                out += "| \(name) | \(chart.map { SummaryText.decimal($0.median, places: 1) } ?? "-") | \(SummaryText.runChartSignals(chart, months: o.months)) | \(xmr) | \(series.xmr == nil ? "-" : (xmrSignals.isEmpty ? "none" : xmrSignals.joined(separator: "; "))) |\n"
            }
            out += "\n" + SummaryText.xmrRules + "\n"
        }

        out += "\n## 8. Evidence\n\n"
        out += "Up to \(summary.options.evidencePerFactor) sentences per factor, one per report first, with report id, section and rule.\n"
        for item in summary.evidence {
            out += "\n### \(escape(summary.label(item.factor))) (`\(item.factor)`): \(d.display(item.reports)) reports\n\n"
            for quote in item.quotes {
                out += "- \(escape(quote.report)), \(escape(quote.section)): \"\(escape(quote.sentence))\" (rule `\(quote.rule)`)\n"
            }
        }

        out += "\n## 9. What the reports cannot show\n\n"
        if summary.gaps.isEmpty {
            out += "Every barrier was found in at least \(summary.options.lowEvidenceBelow) reports.\n\n"
        } else {
            for gap in summary.gaps { out += "- \(label(gap.factor)): \(SummaryText.lowLabel(gap))\n" }
            out += "\n"
        }
        out += SummaryText.gapsNote + "\n"

        return out
    }

    /// The heading of the per-report appendix (empty with `--share`, which leaves the appendix out).
    public func appendixHeading(_ summary: RunSummary) -> String {
        summary.disclosure.share ? "" : "\n## Appendix: reports\n"
    }

    /// One report's appendix entry: its factors with evidence, and the mentions not counted.
    public func report(_ report: ReportRecord, _ summary: RunSummary) -> String {
        var out = "\n### \(escape(report.id))\n\n"
        var facts: [String] = []
        if let unit = report.unit { facts.append("Unit: \(escape(unit))") }
        if let date = report.date { facts.append("Date: \(escape(date))") }
        if let type = report.meta("incident_type") { facts.append("Incident: \(escape(type))") }
        facts.append("Source: `\(report.source)`")
        out += facts.joined(separator: " · ") + "\n\n"
        if report.factors.isEmpty { out += "No contributory factors found.\n" }
        for factor in report.factors {
            out += "- **\(escape(summary.label(factor)))** (`\(factor)`)\n"
            var shown = Set<Int>()
            for finding in report.findings where finding.factor == factor && finding.isCounted
                && shown.count < evidencePerFactor && shown.insert(finding.sentenceIndex).inserted {
                out += "  - \(finding.section): \"\(escape(Quote.flatten(finding.sentence)))\" (rule `\(finding.ruleID)`)\n"
            }
        }
        let discounted = report.findings.filter { !$0.isCounted }
        if !discounted.isEmpty {
            let byVerdict = Dictionary(grouping: discounted, by: \.verdict.rawValue)
            let text = byVerdict.keys.sorted().map { verdict in
                "\(verdict): " + Array(Set(byVerdict[verdict]!.map(\.factor))).sorted().joined(separator: ", ")
            }.joined(separator: "; ")
            out += "\nMentions not counted: \(escape(text)).\n"
        }
        return out
    }

    /// Everything after the appendix: inputs and diagnostics.
    public func tail(_ summary: RunSummary) -> String {
        let skipped = summary.skippedInputs
        var out = ""
        out += "\n## Inputs\n\n"
        out += "\(summary.processedCount) processed, \(skipped.count) skipped.\n"
        if !summary.diagnostics.isEmpty {
            out += "\n### Diagnostics\n\n"
            for diagnostic in summary.diagnostics { out += "- `\(diagnostic.description.replacingOccurrences(of: "`", with: "'"))`\n" }
        }
        return out
    }

    func escape(_ text: String) -> String {
        // Most text has nothing to escape: say so from its bytes without walking its characters.
        if !text.utf8.contains(where: { MarkdownRenderer.special[Int($0)] }) { return text }
        var result = ""
        for character in text {
            switch character {
            case "|": result += "\\|"
            case "*", "_", "`", "<", ">", "[", "]": result += "\\" + String(character)
            case "\n", "\r": result += " "
            default: result.append(character)
            }
        }
        return result
    }

    /// The ASCII bytes `escape` changes; no other byte can start or be part of a character it changes.
    static let special: [Bool] = (0..<256).map { "|*_`<>[]\n\r".utf8.contains(UInt8($0)) }
}
