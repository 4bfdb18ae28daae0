import Foundation
/// The Markdown summary: overview, factor counts, units, every report's factors with evidence, and
/// every input that was skipped.
public struct MarkdownRenderer {
    /// Evidence sentences shown per factor per report.
    public var evidencePerFactor: Int

    public init(evidencePerFactor: Int = 3) {
        self.evidencePerFactor = evidencePerFactor
    }

    public func render(_ summary: RunSummary, lexicon: Lexicon) -> String {
        var out = "# Sift diagnostic summary\n\n"
        out += "## Overview\n\n"
        out += "| | |\n|---|---|\n"
        out += "| Inputs | \(summary.inputs.count) |\n"
        out += "| Reports processed | \(summary.reports.count) |\n"
        out += "| Inputs skipped | \(summary.skippedInputs.count) |\n"
        if let range = summary.dateRange { out += "| Date range | \(range.first) to \(range.last) |\n" }
        out += "| Units | \(summary.unitCounts.count) |\n"
        out += "| Lexicon | \(summary.lexiconName) \(summary.lexiconVersion) |\n"
        out += "| Sift | \(Sift.version) |\n\n"

        out += "## Contributory factors\n\n"
        out += "Reports in which each factor was found, most frequent first. Mentions that were negated, hypothetical, praised as good practice or only recommended are not counted.\n\n"
        out += "| Factor | Reports | % of reports | Mentions | Not counted |\n|---|---:|---:|---:|---:|\n"
        let total = max(summary.reports.count, 1)
        for count in summary.rankedFactors {
            let label = lexicon.factor(count.factor)?.label ?? count.factor
            let discounted = count.discounted.values.reduce(0, +)
            out += "| \(escape(label)) (`\(count.factor)`) | \(count.reports) | \(percent(count.reports, total)) | \(count.mentions) | \(discounted) |\n"
        }
        out += "\n## Units\n\n| Unit | Reports | Factors found (reports) |\n|---|---:|---|\n"
        for unit in summary.unitCounts {
            let factors = Taxonomy.factorIDs.compactMap { id in unit.factors[id].map { "\(id) (\($0))" } }.joined(separator: ", ")
            out += "| \(escape(unit.unit)) | \(unit.reports) | \(factors.isEmpty ? "none" : factors) |\n"
        }

        out += "\n## Reports\n"
        for report in summary.reports {
            out += "\n### \(escape(report.id))\n\n"
            var facts: [String] = []
            if let unit = report.document.unit { facts.append("Unit: \(escape(unit))") }
            if let date = report.document.date { facts.append("Date: \(escape(date))") }
            if let type = report.document.meta("incident_type") { facts.append("Incident: \(escape(type))") }
            facts.append("Source: `\(report.document.source)`")
            out += facts.joined(separator: " · ") + "\n\n"
            if report.factors.isEmpty {
                out += "No contributory factors found.\n"
            }
            for factor in report.factors {
                let label = lexicon.factor(factor)?.label ?? factor
                out += "- **\(escape(label))** (`\(factor)`)\n"
                let evidence = report.findings.filter { $0.factor == factor && $0.isCounted }
                var shown = Set<Int>()
                for finding in evidence where shown.count < evidencePerFactor && shown.insert(finding.sentenceIndex).inserted {
                    out += "  - \(finding.section): \"\(escape(flatten(finding.sentence)))\" (rule `\(finding.ruleID)`)\n"
                }
            }
            let discounted = report.findings.filter { !$0.isCounted }
            if !discounted.isEmpty {
                let byVerdict = Dictionary(grouping: discounted, by: \.verdict.rawValue)
                let text = byVerdict.keys.sorted().map { verdict in
                    "\(verdict): " + Array(Set(byVerdict[verdict]!.map(\.factor))).sorted().joined(separator: ", ")
                }.joined(separator: "; ")
                out += "\nMentions not counted: \(text).\n"
            }
        }

        out += "\n## Inputs\n\n"
        let skipped = summary.skippedInputs
        out += "\(summary.processedCount) processed, \(skipped.count) skipped.\n"
        if !skipped.isEmpty {
            out += "\n| Skipped input | Reason |\n|---|---|\n"
            for input in skipped { out += "| `\(input.file)` | \(escape(input.reason ?? "")) |\n" }
        }
        let problems = summary.diagnostics
        if !problems.isEmpty {
            out += "\n### Diagnostics\n\n"
            for diagnostic in problems { out += "- `\(escape(diagnostic.description))`\n" }
        }
        return out
    }

    func percent(_ part: Int, _ whole: Int) -> String {
        let value = Double(part) * 100 / Double(whole)
        return String(Int((value * 10).rounded()) / 10) + "." + String(Int((value * 10).rounded()) % 10) + "%"
    }

    func flatten(_ text: String) -> String {
        text.split(whereSeparator: { $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "|": result += "\\|"
            case "*", "_", "`", "<", ">", "[", "]": result += "\\" + String(character)
            default: result.append(character)
            }
        }
        return result
    }
}
