import Foundation

/// The HTML summary: one self-contained file (inline CSS and SVG, no script, no network), written as
/// well-formed XHTML-compatible markup so that an XML parser can check it. Colours are the Okabe-Ito
/// palette; every chart has a <title> and <desc> and its numbers are also in a table.
public struct HTMLRenderer {
    public init() {}

    /// Okabe-Ito colours.
    enum Colour {
        static let black = "#000000", orange = "#E69F00", skyBlue = "#56B4E9", green = "#009E73"
        static let blue = "#0072B2", vermillion = "#D55E00", purple = "#CC79A7", grey = "#6B6B6B"
    }

    public func render(_ summary: RunSummary) -> String {
        let d = summary.disclosure
        var out = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en-GB" xml:lang="en-GB">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <meta name="generator" content="Sift \(Sift.version)"/>
            <title>\(SummaryText.title)\(d.share ? " (for sharing)" : "")</title>
            <style>\(HTMLRenderer.css)</style>
            </head>
            <body>
            <header>
            <h1>\(SummaryText.title)</h1>
            <p class="lede">\(summary.reportCount) SI reports\(summary.dateRange.map { ", \(h($0.first)) to \(h($0.last))" } ?? ""), \(summary.unitCounts.count) unit\(summary.unitCounts.count == 1 ? "" : "s"). Lexicon \(h(summary.lexiconName)) \(h(summary.lexiconVersion)).</p>
            \(d.share ? "<p class=\"banner\">For sharing beyond the unit: counts of \(h(d.range)) are suppressed.</p>" : "")
            <nav aria-label="Sections"><ol>
            <li><a href="#overview">Overview</a></li><li><a href="#target">Target behaviour</a></li><li><a href="#pareto">Pareto of barriers</a></li>
            <li><a href="#comb">COM-B and intervention functions</a></li><li><a href="#units">Units</a></li><li><a href="#periods">Baseline and follow-up</a></li>
            <li><a href="#time">Over time</a></li><li><a href="#evidence">Evidence</a></li><li><a href="#gaps">What the reports cannot show</a></li>
            </ol></nav>
            </header>
            <main>

            """
        func label(_ id: String) -> String { "\(h(summary.label(id))) <code>\(h(id))</code>" }
        func pct(_ part: Int, _ whole: Int) -> String { h(SummaryText.percent(part, of: whole, d)) }

        // 1. Overview
        out += "<section id=\"overview\"><h2>1. Overview</h2>\n<table class=\"facts\"><caption>About this summary</caption><tbody>\n"
        out += row(["Reports processed", "\(summary.reportCount)"], header: true)
        out += row(["Inputs", "\(summary.inputs.count) (\(summary.processedCount) processed, \(summary.skippedInputs.count) skipped)"], header: true)
        out += row(["Date range", summary.dateRange.map { "\($0.first) to \($0.last)" } ?? "no dated reports"].map(h), header: true, raw: true)
        out += row(["Units", "\(summary.unitCounts.count): " + summary.unitCounts.map { h($0.unit) }.joined(separator: "; ")], header: true, raw: true)
        out += row(["Lexicon", h("\(summary.lexiconName) \(summary.lexiconVersion)")], header: true, raw: true)
        out += row(["Sift", Sift.version], header: true)
        out += row(["Command", "<code>\(h(summary.commandLine))</code>"], header: true, raw: true)
        out += "</tbody></table>\n<p>\(md(SummaryText.suppressionNote(d)))</p>\n"
        if summary.skippedInputs.isEmpty {
            out += "<p>No input was skipped.</p>\n"
        } else {
            out += "<table><caption>Inputs skipped, with the reason</caption><thead><tr><th scope=\"col\">Input</th><th scope=\"col\">Reason</th></tr></thead><tbody>\n"
            for input in summary.skippedInputs { out += "<tr><td><code>\(h(input.file))</code></td><td>\(h(input.reason ?? ""))</td></tr>\n" }
            out += "</tbody></table>\n"
        }
        out += "</section>\n"

        // 2. Target behaviour
        let t = summary.targetBehaviour
        out += "<section id=\"target\"><h2>2. Target behaviour and co-occurring barriers</h2>\n<p>\(md(SummaryText.targetIntro))</p>\n"
        out += "<table class=\"num\"><caption>Reports with the target behaviour (n = \(t.totalReports) reports)</caption><thead><tr><th scope=\"col\">Target behaviour</th><th scope=\"col\">Reports</th><th scope=\"col\">% of reports</th></tr></thead><tbody>\n"
        for (name, n) in [(label("escalation_delay"), t.delay), (label("escalation_response"), t.response), ("Both", t.both), ("<strong>Either (the target behaviour)</strong>", t.either)] {
            out += "<tr><th scope=\"row\">\(name)</th><td>\(h(d.display(n)))</td><td>\(pct(n, t.totalReports))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        out += "<table class=\"num long\"><caption>Barriers and context in the \(h(d.display(t.either))) reports with the target behaviour</caption><thead><tr><th scope=\"col\">Factor</th><th scope=\"col\">With target behaviour</th><th scope=\"col\">% of escalation reports</th><th scope=\"col\">With delay</th><th scope=\"col\">With response</th><th scope=\"col\">Without target behaviour</th></tr></thead><tbody>\n"
        for item in t.rows {
            let share = t.either > 0 && !d.isSuppressed(item.withTarget) ? Double(item.withTarget) / Double(t.either) : nil
            out += "<tr\(item.role == "context" ? " class=\"context\"" : "")><th scope=\"row\">\(label(item.factor))</th><td>\(h(d.display(item.withTarget)))</td><td>\(bar(share, text: pct(item.withTarget, t.either)))</td><td>\(h(d.display(item.withDelay)))</td><td>\(h(d.display(item.withResponse)))</td><td>\(h(d.display(item.withoutTarget)))</td></tr>\n"
        }
        out += "</tbody></table>\n</section>\n"

        // 3. Pareto
        let p = summary.pareto
        out += "<section id=\"pareto\"><h2>3. Pareto of barriers</h2>\n<p>\(md(SummaryText.paretoIntro))</p>\n"
        out += paretoChart(summary)
        out += "<table class=\"num long\"><caption>Pareto of barriers (n = \(p.reports) reports\(d.share ? "" : ", \(p.tallies) barrier tallies"))</caption><thead><tr><th scope=\"col\">Vital few</th><th scope=\"col\">Barrier</th><th scope=\"col\">Reports</th><th scope=\"col\">% of reports</th><th scope=\"col\">Cumulative %</th></tr></thead><tbody>\n"
        for item in p.rows {
            let suppressed = d.isSuppressed(item.reports)
            out += "<tr><td>\(item.vitalFew ? "<span aria-label=\"in the vital few\">●</span>" : "")</td><th scope=\"row\">\(label(item.factor))</th><td>\(h(d.display(item.reports)))</td><td>\(suppressed ? "*" : h(SummaryText.percent(item.shareOfReports)))</td><td>\(d.share ? "*" : h(SummaryText.percent(item.cumulativeShare)))</td></tr>\n"
        }
        out += "</tbody></table>\n<p>Context, not a barrier: \(label("patient_complexity")) in \(h(d.display(summary.count("patient_complexity")))) reports (\(pct(summary.count("patient_complexity"), summary.reportCount))).</p>\n</section>\n"

        // 4. COM-B
        out += "<section id=\"comb\"><h2>4. COM-B and intervention functions</h2>\n<p>\(md(SummaryText.combIntro))</p>\n"
        out += "<table><caption>COM-B components ranked by evidence, with candidate intervention functions</caption><thead><tr><th scope=\"col\">COM-B component</th><th scope=\"col\">Evidence (reports)</th><th scope=\"col\">Barriers (reports)</th><th scope=\"col\">Candidate intervention functions</th></tr></thead><tbody>\n"
        for group in summary.comb {
            let factors = group.factors.map { "\(h(summary.label($0))) (\(h(d.display(summary.count($0)))))" }.joined(separator: ", ")
            out += "<tr><th scope=\"row\">\(h(group.component))</th><td class=\"n\">\(h(d.display(group.reports)))</td><td>\(factors.isEmpty ? "none" : factors)</td><td>\(group.functions.isEmpty ? "none in the lexicon" : h(group.functions.joined(separator: ", ")))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        out += "<table><caption>Intervention functions ranked by the reports behind them</caption><thead><tr><th scope=\"col\">Intervention function</th><th scope=\"col\">Evidence (reports)</th><th scope=\"col\">Through COM-B components</th></tr></thead><tbody>\n"
        let maxReports = max(summary.reportCount, 1)
        for item in summary.interventions {
            let share = d.isSuppressed(item.reports) ? nil : Double(item.reports) / Double(maxReports)
            out += "<tr><th scope=\"row\">\(h(item.function))</th><td>\(bar(share, text: h(d.display(item.reports))))</td><td>\(h(item.components.joined(separator: ", ")))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        out += "<table class=\"long\"><caption>Barriers by TDF domain</caption><thead><tr><th scope=\"col\">TDF domain</th><th scope=\"col\">Evidence (reports)</th><th scope=\"col\">COM-B</th><th scope=\"col\">Barriers</th></tr></thead><tbody>\n"
        for group in summary.tdf {
            out += "<tr><th scope=\"row\">\(h(group.domain))</th><td class=\"n\">\(h(d.display(group.reports)))</td><td>\(h(group.components.joined(separator: ", ")))</td><td>\(group.factors.map { h(summary.label($0)) }.joined(separator: ", "))</td></tr>\n"
        }
        out += "</tbody></table>\n</section>\n"

        // 5. Units
        out += "<section id=\"units\"><h2>5. Units</h2>\n<p>\(md(SummaryText.unitsIntro)) Darker cells are a larger share of the unit's reports\(d.share ? "; suppressed cells are grey" : "").</p>\n"
        out += "<table class=\"heat long\"><caption>Factors by unit: reports (% of the unit's reports)</caption><thead><tr><th scope=\"col\">Factor</th>"
        for unit in summary.unitCounts { out += "<th scope=\"col\">\(h(unit.unit))<br/><span class=\"small\">n = \(unit.reports)</span></th>" }
        out += "</tr></thead><tbody>\n"
        for id in Taxonomy.factorIDs {
            out += "<tr><th scope=\"row\">\(h(summary.label(id)))</th>"
            for unit in summary.unitCounts {
                let n = unit.factors[id] ?? 0
                if n == 0 {
                    out += "<td class=\"zero\">0</td>"
                } else if d.isSuppressed(n) {
                    out += "<td class=\"suppressed\">\(h(d.range))</td>"
                } else {
                    let share = Double(n) / Double(max(unit.reports, 1))
                    let alpha = 0.12 + 0.78 * share
                    out += "<td style=\"background-color: rgba(0, 114, 178, \(SummaryText.decimal(alpha))); color: \(alpha > 0.5 ? "#ffffff" : "#000000")\">\(n) (\(h(SummaryText.percent(share))))</td>"
                }
            }
            out += "</tr>\n"
        }
        out += "</tbody></table>\n</section>\n"

        // 6. Periods
        out += "<section id=\"periods\"><h2>6. Baseline and follow-up</h2>\n"
        if let periods = summary.periods {
            out += "<p>Baseline \(h(periods.baseline.description)) (n = \(periods.baselineReports) reports); follow-up \(h(periods.followUp.description)) (n = \(periods.followUpReports) reports)."
            if periods.undated > 0 { out += " \(periods.undated) report(s) without a date are in neither period." }
            if periods.baseline.overlaps(periods.followUp) { out += " <strong>The two periods overlap: a report in both is counted in both.</strong>" }
            out += "</p>\n<p>\(md(SummaryText.periodsCaveat))</p>\n"
            out += "<table class=\"num long\"><caption>Share of reports with each factor, baseline and follow-up</caption><thead><tr><th scope=\"col\">Factor</th><th scope=\"col\">Baseline</th><th scope=\"col\">95% CI</th><th scope=\"col\">Follow-up</th><th scope=\"col\">95% CI</th><th scope=\"col\">Difference (points)</th><th scope=\"col\">95% CI</th><th scope=\"col\">Fisher p</th></tr></thead><tbody>\n"
            for item in periods.rows {
                let b = d.isSuppressed(item.baselineCount), f = d.isSuppressed(item.followUpCount), hidden = b || f
                let name = item.factor == RunSummary.targetBehaviourSeries ? "<strong>Target behaviour (either id)</strong>" : h(summary.label(item.factor))
                out += "<tr><th scope=\"row\">\(name)</th><td>\(h(d.display(item.baselineCount)))/\(periods.baselineReports) (\(b ? "*" : h(SummaryText.percent(item.baselineShare))))</td><td>\(b ? "*" : h(SummaryText.interval(item.baselineInterval)))</td><td>\(h(d.display(item.followUpCount)))/\(periods.followUpReports) (\(f ? "*" : h(SummaryText.percent(item.followUpShare))))</td><td>\(f ? "*" : h(SummaryText.interval(item.followUpInterval)))</td><td>\(hidden ? "*" : h(SummaryText.points(item.difference)))</td><td>\(hidden ? "*" : h(SummaryText.pointsInterval(item.differenceInterval)))</td><td>\(hidden ? "*" : h(SummaryText.pValue(item.pValue)))</td></tr>\n"
            }
            out += "</tbody></table>\n"
        } else {
            out += "<p>No periods compared: run with <code>--baseline FROM..TO --follow-up FROM..TO</code> (YYYY-MM-DD) to compare each factor's share of reports before and after a change.</p>\n"
        }
        out += "</section>\n"

        // 7. Over time
        let o = summary.overTime
        out += "<section id=\"time\"><h2>7. Over time</h2>\n"
        if d.share {
            out += "<p>Not included when the summary is marked for sharing: monthly counts are small numbers.</p>\n"
        } else if o.months.isEmpty {
            out += "<p>No dated reports: no run chart.</p>\n"
        } else {
            out += "<p>\(md(SummaryText.overTimeIntro(o)))</p>\n<p class=\"rules\">\(md(SummaryText.runChartRules))</p>\n"
            for series in o.series {
                out += runChart(series, summary: summary)
            }
            if let target = o.series.first, let xmr = target.xmr {
                out += "<p class=\"rules\">\(md(SummaryText.xmrRules))</p>\n"
                out += xmrChart(xmr, name: summary.label(target.factor), months: o.months)
            } else {
                out += "<p>No XmR chart: it needs at least \(XmRChart.minimumPoints) months and there are \(o.months.count).</p>\n"
            }
        }
        out += "</section>\n"

        // 8. Evidence
        out += "<section id=\"evidence\"><h2>8. Evidence</h2>\n<p>Up to \(summary.options.evidencePerFactor) sentences per factor, one per report first, with report id, section and the rule that matched. Quotes are report text: review them before the summary leaves the unit.</p>\n"
        for item in summary.evidence {
            out += "<div class=\"evidence\"><h3>\(h(summary.label(item.factor))) <code>\(h(item.factor))</code>: \(h(d.display(item.reports))) report\(item.reports == 1 ? "" : "s")</h3>\n<ul>\n"
            for quote in item.quotes {
                out += "<li><blockquote>\(h(quote.sentence))</blockquote><p class=\"cite\">\(h(quote.report)), \(h(quote.section)); rule <code>\(h(quote.rule))</code></p></li>\n"
            }
            out += "</ul></div>\n"
        }
        out += "</section>\n"

        // 9. Gaps
        out += "<section id=\"gaps\"><h2>9. What the reports cannot show</h2>\n"
        if summary.gaps.isEmpty {
            out += "<p>Every barrier was found in at least \(summary.options.lowEvidenceBelow) reports.</p>\n"
        } else {
            out += "<ul>\n" + summary.gaps.map { "<li>\(label($0.factor)): \(h(SummaryText.lowLabel($0)))</li>\n" }.joined() + "</ul>\n"
        }
        out += "<p class=\"note\">\(md(SummaryText.gapsNote))</p>\n</section>\n"

        if !summary.diagnostics.isEmpty {
            out += "<section id=\"diagnostics\"><h2>Diagnostics</h2>\n<ul class=\"diagnostics\">\n"
            for diagnostic in summary.diagnostics { out += "<li><code>\(h(diagnostic.description))</code></li>\n" }
            out += "</ul>\n</section>\n"
        }
        out += "</main>\n<footer><p>Made by Sift \(Sift.version) with lexicon \(h(summary.lexiconName)) \(h(summary.lexiconVersion)). Every count can be traced to sentences in summary.json and findings.csv.</p></footer>\n</body>\n</html>\n"
        return out
    }

    // MARK: charts

    func paretoChart(_ summary: RunSummary) -> String {
        let d = summary.disclosure, rows = summary.pareto.rows
        let labelWidth = 250.0, barWidth = 330.0, rowHeight = 19.0, top = 24.0
        let width = labelWidth + barWidth + 110, height = top + rowHeight * Double(rows.count) + 30
        let maxValue = Double(max(rows.map(\.reports).max() ?? 1, d.share ? d.threshold - 1 : 1, 1))
        var svg = "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-labelledby=\"pareto-title pareto-desc\">\n"
        svg += "<title id=\"pareto-title\">Pareto of barriers: reports per barrier, most frequent first</title>\n"
        let top3 = rows.prefix(3).map { "\(summary.label($0.factor)) \(d.display($0.reports))" }.joined(separator: ", ")
        svg += "<desc id=\"pareto-desc\">Horizontal bars, one per barrier, length proportional to the number of reports (n = \(summary.pareto.reports)). Most frequent: \(h(top3)). Dark bars are the vital few up to 80% of barrier tallies; the dashed line marks where 80% is reached.</desc>\n"
        svg += "<text x=\"\(Int(labelWidth))\" y=\"14\" class=\"axis\">Reports (bar) · cumulative % of tallies (right)</text>\n"
        var lineDrawn = false
        for (index, item) in rows.enumerated() {
            let y = top + rowHeight * Double(index)
            let suppressed = d.isSuppressed(item.reports)
            let length = barWidth * Double(suppressed ? d.threshold - 1 : item.reports) / maxValue
            svg += "<text x=\"\(Int(labelWidth - 6))\" y=\"\(f(y + 13))\" text-anchor=\"end\" class=\"label\">\(h(summary.label(item.factor)))</text>"
            if suppressed {
                svg += "<rect x=\"\(Int(labelWidth))\" y=\"\(f(y + 3))\" width=\"\(f(length))\" height=\"13\" fill=\"none\" stroke=\"\(Colour.grey)\" stroke-dasharray=\"3 2\"/>"
            } else if item.reports > 0 {
                svg += "<rect x=\"\(Int(labelWidth))\" y=\"\(f(y + 3))\" width=\"\(f(length))\" height=\"13\" fill=\"\(item.vitalFew ? Colour.blue : Colour.skyBlue)\"/>"
            }
            svg += "<text x=\"\(f(labelWidth + length + 4))\" y=\"\(f(y + 13))\" class=\"value\">\(h(d.display(item.reports)))</text>"
            if !d.share { svg += "<text x=\"\(Int(width - 4))\" y=\"\(f(y + 13))\" text-anchor=\"end\" class=\"value\">\(h(SummaryText.percent(item.cumulativeShare)))</text>" }
            svg += "\n"
            if !lineDrawn && item.vitalFew && (index + 1 == rows.count || !rows[index + 1].vitalFew) {
                lineDrawn = true
                let ly = y + rowHeight + 0.5
                svg += "<line x1=\"0\" x2=\"\(Int(width))\" y1=\"\(f(ly))\" y2=\"\(f(ly))\" stroke=\"\(Colour.vermillion)\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>"
                svg += "<text x=\"\(Int(labelWidth + barWidth))\" y=\"\(f(ly - 4))\" text-anchor=\"end\" class=\"marker\">80% of barrier tallies reached</text>\n"
            }
        }
        svg += "</svg><figcaption>Pareto of barriers. Dark blue: the vital few; dashed line: 80% of barrier tallies reached.\(d.share ? " Dashed outline: suppressed count (\(h(d.range)))." : "")</figcaption></figure>\n"
        return svg
    }

    struct Plot {
        let width = 680.0, height = 210.0, left = 40.0, right = 12.0, top = 12.0, bottom = 34.0
        let count: Int
        let maxValue: Double
        let minValue: Double
        func x(_ index: Int) -> Double { left + (count > 1 ? (width - left - right) * Double(index) / Double(count - 1) : (width - left - right) / 2) }
        func y(_ value: Double) -> Double { top + (height - top - bottom) * (1 - (value - minValue) / max(maxValue - minValue, 1e-9)) }
    }

    func axes(_ plot: Plot, months: [String]) -> String {
        var svg = "<line x1=\"\(f(plot.left))\" x2=\"\(f(plot.left))\" y1=\"\(f(plot.top))\" y2=\"\(f(plot.height - plot.bottom))\" stroke=\"#000000\"/>"
        svg += "<line x1=\"\(f(plot.left))\" x2=\"\(f(plot.width - plot.right))\" y1=\"\(f(plot.y(max(plot.minValue, 0))))\" y2=\"\(f(plot.y(max(plot.minValue, 0))))\" stroke=\"#000000\"/>\n"
        let span = plot.maxValue - plot.minValue
        let step = max(1, Int((span / 4).rounded(.up)))
        var tick = Int(plot.minValue.rounded(.up))
        while Double(tick) <= plot.maxValue + 1e-9 {
            svg += "<text x=\"\(f(plot.left - 5))\" y=\"\(f(plot.y(Double(tick)) + 4))\" text-anchor=\"end\" class=\"axis\">\(tick)</text>"
            tick += step
        }
        let every = max(1, Int((Double(months.count) / 8).rounded(.up)))
        for (index, month) in months.enumerated() where index % every == 0 {
            svg += "<text x=\"\(f(plot.x(index)))\" y=\"\(f(plot.height - plot.bottom + 15))\" text-anchor=\"middle\" class=\"axis\">\(h(month))</text>"
        }
        svg += "<text x=\"\(f(plot.width / 2))\" y=\"\(f(plot.height - 3))\" text-anchor=\"middle\" class=\"axis\">Month of report</text>\n"
        return svg
    }

    func runChart(_ series: OverTime.Series, summary: RunSummary) -> String {
        let months = summary.overTime.months, empty = Set(summary.overTime.emptyMonths)
        guard let chart = series.runChart else { return "" }
        let name = summary.label(series.factor)
        let id = "run-\(series.factor)"
        let plot = Plot(count: months.count, maxValue: Double(max(series.counts.max() ?? 1, 1)), minValue: 0)
        let shiftPoints = Set(chart.shifts.flatMap { Array($0.first...$0.last) }.filter { chart.values[$0] != chart.median })
        let trendPoints = Set(chart.trends.flatMap { Array($0.first...$0.last) })
        let signalText = SummaryText.runChartSignals(chart, months: months)
        var svg = "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(plot.width)) \(Int(plot.height))\" width=\"100%\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">\n"
        svg += "<title id=\"\(id)-title\">Run chart: \(h(name)), reports per month</title>\n"
        svg += "<desc id=\"\(id)-desc\">Monthly count of reports with \(h(name)) from \(h(months.first!)) to \(h(months.last!)) (\(months.count) months, total \(series.counts.reduce(0, +))). Median \(SummaryText.decimal(chart.median, places: 1)). Signals: \(h(signalText)).</desc>\n"
        svg += axes(plot, months: months)
        svg += "<line x1=\"\(f(plot.left))\" x2=\"\(f(plot.width - plot.right))\" y1=\"\(f(plot.y(chart.median)))\" y2=\"\(f(plot.y(chart.median)))\" stroke=\"\(Colour.orange)\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>"
        svg += "<text x=\"\(f(plot.width - plot.right))\" y=\"\(f(plot.y(chart.median) - 4))\" text-anchor=\"end\" class=\"marker\">median \(SummaryText.decimal(chart.median, places: 1))</text>\n"
        let points = series.counts.enumerated().map { "\(f(plot.x($0.offset))),\(f(plot.y(Double($0.element))))" }.joined(separator: " ")
        svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(Colour.blue)\" stroke-width=\"1.5\"/>\n"
        for (index, value) in series.counts.enumerated() {
            let colour = shiftPoints.contains(index) ? Colour.vermillion : (trendPoints.contains(index) ? Colour.green : Colour.blue)
            let hollow = empty.contains(months[index])
            svg += "<circle cx=\"\(f(plot.x(index)))\" cy=\"\(f(plot.y(Double(value))))\" r=\"\(shiftPoints.contains(index) || trendPoints.contains(index) ? 4.5 : 3)\" fill=\"\(hollow ? "#ffffff" : colour)\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
        }
        svg += "\n</svg><figcaption><strong>\(h(name))</strong>: reports per month; dashed orange line the median. Rules applied: shift (6+ points one side of the median, red points) and trend (5+ points up or down, green points). Hollow points: months with no reports. Signals: \(h(signalText)).</figcaption></figure>\n"
        return svg
    }

    func xmrChart(_ xmr: XmRChart, name: String, months: [String]) -> String {
        let minValue = min(0, xmr.lowerLimit), maxValue = max(xmr.values.max() ?? 1, xmr.upperLimit, 1)
        let plot = Plot(count: months.count, maxValue: maxValue, minValue: minValue)
        let flagged = Set(xmr.signals.flatMap { Array($0.first...$0.last) })
        let signals = xmr.signals.map { SummaryText.signalText($0, months: months) }
        var svg = "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(plot.width)) \(Int(plot.height))\" width=\"100%\" role=\"img\" aria-labelledby=\"xmr-title xmr-desc\">\n"
        svg += "<title id=\"xmr-title\">XmR chart: \(h(name)), reports per month</title>\n"
        svg += "<desc id=\"xmr-desc\">Individuals chart of monthly counts, \(months.count) months. Mean \(SummaryText.decimal(xmr.mean)), mean moving range \(SummaryText.decimal(xmr.meanMovingRange)), upper process limit \(SummaryText.decimal(xmr.upperLimit)), lower process limit \(SummaryText.decimal(xmr.lowerLimit)). Signals: \(h(signals.isEmpty ? "none" : signals.joined(separator: "; "))).</desc>\n"
        svg += axes(plot, months: months)
        for (value, text, dash) in [(xmr.upperLimit, "upper limit \(SummaryText.decimal(xmr.upperLimit))", "4 3"), (xmr.lowerLimit, "lower limit \(SummaryText.decimal(xmr.lowerLimit))", "4 3"), (xmr.mean, "mean \(SummaryText.decimal(xmr.mean))", "")] {
            svg += "<line x1=\"\(f(plot.left))\" x2=\"\(f(plot.width - plot.right))\" y1=\"\(f(plot.y(value)))\" y2=\"\(f(plot.y(value)))\" stroke=\"\(dash.isEmpty ? Colour.black : Colour.grey)\" stroke-width=\"1.2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
            svg += "<text x=\"\(f(plot.width - plot.right))\" y=\"\(f(plot.y(value) - 4))\" text-anchor=\"end\" class=\"marker\">\(text)</text>\n"
        }
        let points = xmr.values.enumerated().map { "\(f(plot.x($0.offset))),\(f(plot.y($0.element)))" }.joined(separator: " ")
        svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(Colour.blue)\" stroke-width=\"1.5\"/>\n"
        for (index, value) in xmr.values.enumerated() {
            let colour = flagged.contains(index) ? Colour.orange : Colour.blue
            svg += "<circle cx=\"\(f(plot.x(index)))\" cy=\"\(f(plot.y(value)))\" r=\"\(flagged.contains(index) ? 4.5 : 3)\" fill=\"\(colour)\"/>"
        }
        svg += "\n</svg><figcaption><strong>XmR: \(h(name))</strong>. Rules applied (Making Data Count): point outside the limits; 7 in a row one side of the mean; 6 in a row up or down; two of three beyond 2 sigma. Orange points: signals. Signals: \(h(signals.isEmpty ? "none" : signals.joined(separator: "; "))).</figcaption></figure>\n"
        return svg
    }

    // MARK: helpers

    func row(_ cells: [String], header: Bool, raw: Bool = false) -> String {
        let values = raw ? cells : cells.map(h)
        return "<tr>" + values.enumerated().map { $0.offset == 0 && header ? "<th scope=\"row\">\($0.element)</th>" : "<td>\($0.element)</td>" }.joined() + "</tr>\n"
    }

    /// A cell with a small inline bar behind the text (the text carries the value; the bar is decoration).
    func bar(_ share: Double?, text: String) -> String {
        guard let share else { return text }
        return "<span class=\"bar\"><span class=\"fill\" style=\"width: \(SummaryText.decimal(share * 100, places: 1))%\"></span></span> \(text)"
    }

    func f(_ value: Double) -> String { SummaryText.decimal(value, places: 1) }

    /// Escapes text for element content and attribute values.
    func h(_ text: String) -> String { HTMLRenderer.escape(text) }

    public static func escape(_ text: String) -> String {
        if !needsEscaping(text) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default:
                // Characters XML 1.0 does not allow are dropped rather than breaking the document.
                let v = scalar.value
                if v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000 {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// Whether `escape` would change the text: a markup character, a control character other than tab,
    /// line feed and carriage return, or U+FFFE or U+FFFF (UTF-8 EF BF BE and EF BF BF).
    static func needsEscaping(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for index in bytes.indices {
                switch bytes[index] {
                case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"): return true
                case 0x9, 0xA, 0xD: continue
                case 0..<0x20: return true
                case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE: return true
                default: continue
                }
            }
            return false
        }
    }

    /// Escapes the shared wording and turns its `code` spans into <code>.
    func md(_ text: String) -> String {
        let parts = h(text).components(separatedBy: "`")
        return parts.enumerated().map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : $0.element }.joined()
    }

    static let css = """

        :root { --blue: #0072B2; --sky: #56B4E9; --orange: #E69F00; --vermillion: #D55E00; --grey: #6B6B6B; }
        * { box-sizing: border-box; }
        body { font-family: "Segoe UI", Arial, "Liberation Sans", sans-serif; font-size: 15px; line-height: 1.45; color: #111111; background: #ffffff; margin: 0; }
        header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1.25rem; }
        header { border-bottom: 3px solid var(--blue); padding-top: 1rem; padding-bottom: 0.5rem; }
        h1 { font-size: 1.7rem; margin: 0.2rem 0; color: #003d60; }
        h2 { font-size: 1.3rem; margin: 2rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 1px solid #cccccc; color: #003d60; }
        h3 { font-size: 1.02rem; margin: 1rem 0 0.3rem; }
        .lede { font-size: 1.05rem; margin: 0.3rem 0; }
        .banner { background: #fff3d6; border-left: 5px solid var(--orange); padding: 0.4rem 0.7rem; font-weight: bold; }
        nav ol { display: flex; flex-wrap: wrap; gap: 0.2rem 1.2rem; padding-left: 1.2rem; margin: 0.4rem 0; font-size: 0.9rem; }
        a { color: #005a8c; }
        code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.82em; background: #f2f4f6; padding: 0 0.2em; border-radius: 2px; overflow-wrap: anywhere; }
        table { border-collapse: collapse; margin: 0.6rem 0 1rem; width: 100%; font-size: 0.88rem; }
        caption { text-align: left; font-weight: bold; padding: 0.3rem 0; caption-side: top; }
        th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.45rem; vertical-align: top; text-align: left; }
        thead th { background: #e8eef3; }
        tbody th { font-weight: normal; }
        table.num td, td.n { text-align: right; white-space: nowrap; }
        table.facts { width: auto; min-width: 60%; }
        table.facts th { width: 11rem; font-weight: bold; background: #f5f7f9; }
        tr.context th, tr.context td { color: #444444; background: #f7f7f7; font-style: italic; }
        .bar { display: inline-block; width: 4rem; height: 0.65rem; background: #e6eef4; vertical-align: middle; margin-right: 0.3rem; }
        .bar .fill { display: block; height: 100%; background: var(--blue); }
        table.heat td { text-align: center; white-space: nowrap; min-width: 5rem; }
        table.heat td.zero { color: #8a8a8a; }
        table.heat td.suppressed { background: #e4e4e4; color: #222222; }
        .small { font-weight: normal; font-size: 0.85em; }
        figure { margin: 0.8rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }
        figcaption { font-size: 0.85rem; color: #333333; margin-top: 0.2rem; }
        svg { display: block; max-width: 100%; height: auto; font-family: inherit; }
        svg .label { font-size: 12px; fill: #111111; }
        svg .value { font-size: 11px; fill: #111111; }
        svg .axis { font-size: 11px; fill: #333333; }
        svg .marker { font-size: 11px; fill: #111111; font-weight: bold; }
        .rules { font-size: 0.88rem; background: #f5f7f9; padding: 0.4rem 0.6rem; border-left: 4px solid var(--sky); }
        .note { background: #fff3d6; border-left: 5px solid var(--orange); padding: 0.5rem 0.7rem; }
        .evidence ul { list-style: none; padding-left: 0; margin: 0; }
        .evidence li { margin: 0 0 0.5rem; break-inside: avoid; page-break-inside: avoid; }
        blockquote { margin: 0; padding: 0.2rem 0.6rem; border-left: 3px solid var(--sky); background: #fafbfc; }
        .cite { margin: 0.1rem 0 0 0.8rem; font-size: 0.82rem; color: #444444; }
        .diagnostics { font-size: 0.82rem; }
        footer { margin-top: 2rem; padding-top: 0.5rem; padding-bottom: 1.5rem; border-top: 1px solid #cccccc; font-size: 0.82rem; color: #444444; }
        @page { size: A4; margin: 14mm 12mm 16mm; }
        @media print {
          body { font-size: 10pt; }
          header, main, footer { max-width: none; padding: 0; }
          nav { display: none; }
          a { color: inherit; text-decoration: none; }
          h2 { break-after: avoid; page-break-after: avoid; margin-top: 1.2rem; }
          h3 { break-after: avoid; page-break-after: avoid; }
          table, figure, .rules, .note { break-inside: avoid; page-break-inside: avoid; }
          table.long { break-inside: auto; page-break-inside: auto; }
          thead { display: table-header-group; }
          tr { break-inside: avoid; page-break-inside: avoid; }
          table.heat td, table.heat th, .bar, .bar .fill, .banner, .note, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }

        """
}
