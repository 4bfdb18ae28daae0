import CSV
import Foundation

/// One row per finding (counted or not), RFC 4180, UTF-8, for spreadsheets and R/pandas.
public struct CSVRenderer {
    public static let header = ["report_id", "unit", "date", "factor", "counted", "verdict", "rule_id", "section", "sentence_index",
                                "start", "end", "matched_text", "modifiers", "sentence"]

    public init() {}

    public func render(_ summary: RunSummary) throws -> String {
        var rows: [[String]] = []
        for report in summary.reports {
            for finding in report.findings {
                rows.append([
                    report.id, report.document.unit ?? "", report.document.date ?? "", finding.factor, finding.isCounted ? "yes" : "no",
                    finding.verdict.rawValue, finding.ruleID, finding.section, String(finding.sentenceIndex),
                    String(finding.span.start), String(finding.span.end), CSVRenderer.flatten(finding.matchedText),
                    finding.modifiers.map { "\($0.category.rawValue):\($0.ruleID)" }.joined(separator: ";"),
                    CSVRenderer.flatten(finding.sentence),
                ])
            }
        }
        return try CSVRenderer.write(header: CSVRenderer.header, rows: rows)
    }

    /// Sentences can span lines; a CSV cell is easier to use on one.
    static func flatten(_ text: String) -> String {
        text.split(whereSeparator: { $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// Writes a table with CSV.swift, CRLF-free, every row newline-terminated.
    static func write(header: [String], rows: [[String]]) throws -> String {
        let csv = try CSVWriter(stream: .toMemory())
        try csv.write(row: header)
        for row in rows { try csv.write(row: row) }
        csv.stream.close()
        let data = csv.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
