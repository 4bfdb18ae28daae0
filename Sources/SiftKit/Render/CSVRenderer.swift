import Foundation

/// One row per finding (counted or not), RFC 4180, UTF-8, for spreadsheets and R/pandas.
public struct CSVRenderer: Sendable {
    public static let header = ["report_id", "unit", "date", "factor", "counted", "verdict", "rule_id", "section", "sentence_index",
                                "start", "end", "matched_text", "modifiers", "sentence"]

    public init() {}

    /// The header line of `findings.csv`.
    public func header() throws -> String { try CSVRenderer.write(header: CSVRenderer.header, rows: [], trailingNewline: false) }

    /// The `findings.csv` rows of one report.
    public func rows(_ report: ReportRecord) throws -> String {
        let rows = cells(report)
        return rows.isEmpty ? "" : try CSVRenderer.write(header: nil, rows: rows, trailingNewline: false)
    }

    /// The cells of one report's `findings.csv` rows.
    public func cells(_ report: ReportRecord) -> [[String]] {
        report.findings.map { finding in
            [
                report.id, report.unit ?? "", report.date ?? "", finding.factor, finding.isCounted ? "yes" : "no",
                finding.verdict.rawValue, finding.ruleID, finding.section, String(finding.sentenceIndex),
                String(finding.span.start), String(finding.span.end), CSVRenderer.flatten(finding.matchedText),
                finding.modifiers.map { "\($0.category.rawValue):\($0.ruleID)" }.joined(separator: ";"),
                CSVRenderer.flatten(finding.sentence),
            ]
        }
    }

    public static let factorCountsHeader = ["factor", "role", "unit", "period_type", "period", "period_from", "period_to",
                                            "reports_with_factor", "reports", "percent", "suppressed"]

    /// `factor_counts.csv`: tidy (long) counts, one row per factor x unit x period. `unit` is a unit's name or
    /// `(all units)`; `period_type` is `all`, `baseline`, `follow_up` (with --baseline / --follow-up) or `month`
    /// (YYYY-MM, months with reports only; monthly rows are left out with --share). `reports` is the
    /// denominator (reports of that unit in that period); `percent` is 100 x reports_with_factor / reports,
    /// one decimal. With --share, counts from 1 to threshold - 1 are written as the range ("1-7"),
    /// `percent` is empty and `suppressed` is `yes`.
    public func renderFactorCounts(_ summary: RunSummary) throws -> String {
        let d = summary.disclosure
        let roles = Dictionary(uniqueKeysWithValues: summary.definitions.map { ($0.id, $0.role.rawValue) })
        let units = summary.unitCounts.map(\.unit)
        var periods: [(type: String, name: String, from: String, to: String, includes: (ReportGroup) -> Bool)] = [
            ("all", "all", summary.dateRange?.first ?? "", summary.dateRange?.last ?? "", { _ in true }),
        ]
        func date(_ report: ReportGroup) -> String? { report.usableDate }
        if let baseline = summary.options.baseline, let followUp = summary.options.followUp {
            periods.append(("baseline", "baseline", baseline.from, baseline.to, { date($0).map(baseline.contains) ?? false }))
            periods.append(("follow_up", "follow_up", followUp.from, followUp.to, { date($0).map(followUp.contains) ?? false }))
        }
        // Each month's groups (as indices: a copy of the groups themselves was megabytes at scale), gathered
        // in one pass (filtering every group once per month cost a pass per month).
        let groups = summary.groups
        var byMonth: [String: [Int32]] = [:]
        if !d.share {
            for (index, group) in groups.enumerated() {
                if let day = date(group) { byMonth[String(day.prefix(7)), default: []].append(Int32(index)) }
            }
            for month in byMonth.keys.sorted() {
                periods.append(("month", month, month + "-01", month + "-31", { date($0).map { $0.hasPrefix(month) } ?? false }))
            }
        }
        var rows: [[String]] = []
        for period in periods {
            let inPeriod = period.type == "month" ? byMonth[period.name] ?? []
                : groups.indices.filter { period.includes(groups[$0]) }.map { Int32($0) }
            var byUnit: [String: [Int32]] = [:]
            for index in inPeriod { byUnit[groups[Int(index)].unit, default: []].append(index) }
            for unit in [nil] + units.map(Optional.some) {
                let members = unit.map { byUnit[$0] ?? [] } ?? inPeriod
                // Reports, and reports per factor from the groups' masks, in one pass: bit i is Taxonomy.factorIDs[i].
                var total = 0
                var perFactor = [Int](repeating: 0, count: Taxonomy.factorIDs.count)
                for index in members {
                    let report = groups[Int(index)]
                    total += report.count
                    var mask = report.mask
                    while mask != 0 {
                        perFactor[mask.trailingZeroBitCount] += report.count
                        mask &= mask - 1
                    }
                }
                if total == 0 && unit != nil { continue }
                for (index, id) in Taxonomy.factorIDs.enumerated() {
                    let n = perFactor[index]
                    let suppressed = d.isSuppressed(n)
                    let percent = suppressed || total == 0 ? "" : SummaryText.decimal(Double(n) * 100 / Double(total), places: 1)
                    rows.append([id, roles[id] ?? "", unit ?? "(all units)", period.type, period.name, period.from, period.to,
                                 d.display(n), String(total), percent, suppressed ? "yes" : "no"])
                }
            }
        }
        return try CSVRenderer.write(header: CSVRenderer.factorCountsHeader, rows: rows)
    }

    /// Sentences can span lines; a CSV cell is easier to use on one.
    static func flatten(_ text: String) -> String { Quote.flatten(text) }

    /// Writes a table as RFC 4180 text, every row newline-terminated.
    static func write(header: [String]?, rows: [[String]], trailingNewline: Bool = true) throws -> String {
        var out: [UInt8] = []
        if let header { CSVFile.append(header, to: &out) }
        for row in rows { CSVFile.append(row, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A CSV file written row by row through a buffer. RFC 4180: fields with a comma, quote, CR or LF are
/// quoted and their quotes doubled; rows end with LF. (CSV.swift, which reads CSV exports here, writes
/// one character per system call, which made writing findings.csv the slowest part of a run.)
final class CSVFile {
    private let file: OutputStreamFile
    private var buffer: [UInt8] = []

    init(path: String) throws {
        file = try OutputStreamFile(path: path)
    }

    func write(_ row: [String]) throws {
        CSVFile.append(row, to: &buffer)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try file.write(bytes: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try file.close()
    }

    static func append(_ row: [String], to out: inout [UInt8]) {
        for (index, field) in row.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let bytes = field.utf8
            if bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                out.append(0x22)
                for byte in bytes {
                    if byte == 0x22 { out.append(0x22) }
                    out.append(byte)
                }
                out.append(0x22)
            } else {
                out.append(contentsOf: bytes)
            }
        }
        out.append(0x0A)
    }
}
