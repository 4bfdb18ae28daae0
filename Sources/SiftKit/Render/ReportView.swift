import Foundation

/// One report as `sift tag` shows it: sections, then each finding with span, rule and modifiers.
public enum ReportView {
    public static func text(_ analysis: ReportAnalysis) -> String {
        var out = "report \(analysis.id) (\(analysis.document.source))\n"
        for (key, value) in analysis.document.metadata where key != "id" { out += "  \(key): \(value)\n" }
        out += "\nsections:\n"
        for (index, section) in analysis.sections.enumerated() {
            let title = section.title.isEmpty ? "(before the first heading)" : section.title
            out += "  [\(index)] \(section.category) (\(section.role.rawValue)) \"\(title)\" bytes \(section.bodyRange.start)-\(section.bodyRange.end)\n"
        }
        out += "\nfindings (\(analysis.findings.count)):\n"
        for finding in analysis.findings {
            out += "  \(finding.verdict.rawValue.uppercased()) \(finding.factor) [\(finding.ruleID)] \(finding.section) bytes \(finding.span.start)-\(finding.span.end) \"\(finding.matchedText)\"\n"
            for modifier in finding.modifiers {
                out += "      \(modifier.category.rawValue) by \(modifier.ruleID): \"\(modifier.trigger)\"\n"
            }
            out += "      sentence \(finding.sentenceIndex + 1): \(finding.sentence.split(whereSeparator: \.isNewline).joined(separator: " "))\n"
        }
        out += "\nfactors: \(analysis.factors.isEmpty ? "none" : analysis.factors.joined(separator: ", "))\n\n"
        return out
    }

    struct JSONReport: Encodable {
        var id: String
        var source: String
        var metadata: [String: String]
        var sections: [Section]
        var sentences: Int
        var findings: [JSONRenderer.FindingInfo]
        var factors: [String]
    }

    public static func json(_ analyses: [ReportAnalysis]) throws -> String {
        try JSONRenderer.encode(analyses.map { analysis in
            JSONReport(id: analysis.id, source: analysis.document.source,
                       metadata: Dictionary(analysis.document.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                       sections: analysis.sections, sentences: analysis.sentenceCount,
                       findings: analysis.findings.map(JSONRenderer.findingInfo), factors: analysis.factors)
        })
    }
}
