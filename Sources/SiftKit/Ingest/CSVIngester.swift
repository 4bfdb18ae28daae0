import CSV
import Foundation

/// Which columns of a CSV export hold the report id, unit, date and free text.
public struct CSVColumnMapping: Sendable, Equatable {
    public var id: String?
    public var unit: String?
    public var date: String?
    /// Free-text columns, each a declared section titled by its header, in this order.
    public var text: [String]

    public init(id: String? = nil, unit: String? = nil, date: String? = nil, text: [String] = []) {
        self.id = id
        self.unit = unit
        self.date = date
        self.text = text
    }

    /// Parses `id=Ref,unit=Site,date=Date,text=Narrative,text=Actions`. A comma not followed by a known
    /// key belongs to the column name (`text=Actions, if any`).
    public static func parse(_ specification: String) throws(CSVMappingError) -> CSVColumnMapping {
        let keys = ["id", "unit", "date", "text"]
        var pairs: [(String, String)] = []
        for piece in specification.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            if let equals = trimmed.firstIndex(of: "="), keys.contains(trimmed[..<equals].lowercased()) {
                pairs.append((trimmed[..<equals].lowercased(), String(trimmed[trimmed.index(after: equals)...]).trimmingCharacters(in: .whitespaces)))
            } else if !pairs.isEmpty {
                pairs[pairs.count - 1].1 += "," + piece
            } else {
                throw CSVMappingError("'\(trimmed)' is not key=Column (keys: id, unit, date, text)")
            }
        }
        var mapping = CSVColumnMapping()
        for (key, column) in pairs {
            guard !column.isEmpty else { throw CSVMappingError("\(key)= names no column") }
            switch key {
            case "id": mapping.id = column
            case "unit": mapping.unit = column
            case "date": mapping.date = column
            default: mapping.text.append(column)
            }
        }
        return mapping
    }
}

public struct CSVMappingError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A known export layout, detected from the header row.
public struct CSVPreset: Sendable, Equatable {
    public var name: String
    public var columns: CSVColumnMapping
    /// Several rows per event (one per patient) that become one report: consecutive rows with the same id
    /// are merged and identical text is kept once.
    public var groupsRowsByID: Bool

    /// NRLS national extract.
    public static let nrls = CSVPreset(name: "nrls", columns: CSVColumnMapping(
        id: "RP01 Unique Incident ID", unit: "RP07 NHS Organisation Code", date: "Date of Incident",
        text: ["IN07 Description of what happened", "IN10 Actions Preventing Reoccurrence", "IN11 Apparent Causes"]), groupsRowsByID: false)
    /// Learn from Patient Safety Events: one row per patient, grouped by Reference.
    public static let lfpse = CSVPreset(name: "lfpse", columns: CSVColumnMapping(
        id: "Reference", unit: "Occurred Organisation Code", date: "T005 - Event Date",
        text: ["F001 - Describe what happened", "AC001 - What was done immediately to reduce harm caused by the event?",
               "OT003 - What was the clinical outcome for the patient?"]), groupsRowsByID: true)
    /// Strategic Executive Information System (StEIS).
    public static let steis = CSVPreset(name: "steis", columns: CSVColumnMapping(
        id: "Log No", unit: nil, date: "Date of Incident", text: ["Description of what happened:", "Key Findings", "Case Summary"]),
                                        groupsRowsByID: false)
    /// Datix-style local risk-management export.
    public static let datix = CSVPreset(name: "datix", columns: CSVColumnMapping(
        id: "inc_ourref", unit: "inc_unit", date: "inc_dincident", text: ["inc_notes", "inc_actiontaken", "inc_root_causes", "inc_inv_lessons"]),
                                        groupsRowsByID: false)

    public static let all: [CSVPreset] = [nrls, lfpse, steis, datix]

    public static func named(_ name: String) -> CSVPreset? { all.first { $0.name == name.lowercased() } }

    /// The preset whose id column is in `header` and which finds the most of its free-text columns there.
    static func detect(_ header: [String]) -> CSVPreset? {
        let present = Set(header.map(CSVIngester.key))
        let scored = all.map { preset in (preset, preset.columns.text.filter { present.contains(CSVIngester.key($0)) }.count) }
            .filter { $0.1 > 0 && $0.0.columns.id.map { present.contains(CSVIngester.key($0)) } == true }
        return scored.max { $0.1 < $1.1 }?.0
    }
}

/// Reads CSV exports (RFC 4180: quoted cells with commas and line breaks, CRLF, UTF-8 BOM), one report
/// per row, streaming: each row is handed over as soon as it is read, so a 100,000-row export is read in
/// bounded memory. Each free-text column becomes a declared section titled by its header.
public struct CSVIngester: StreamingIngester {
    public let extensions = ["csv"]
    public var columns: CSVColumnMapping?
    public var preset: CSVPreset?
    /// Longest cell accepted; a longer one (a runaway quote, say) skips its row.
    public var maximumCellLength = 1 << 20

    public init(columns: CSVColumnMapping? = nil, preset: CSVPreset? = nil) {
        self.columns = columns
        self.preset = preset
    }

    public func ingest(bytes: [UInt8], source: String) -> IngestResult {
        var result = IngestResult(documents: [], diagnostics: [])
        read(InputStream(data: Data(bytes)), source: source) { event in
            switch event {
            case .document(let document): result.documents.append(document)
            case .diagnostic(let diagnostic): result.diagnostics.append(diagnostic)
            }
        }
        return result
    }

    public func ingest(path: String, emit: (IngestEvent) -> Void) {
        guard let stream = InputStream(fileAtPath: path) else {
            return emit(.diagnostic(Diagnostic(.error, file: path, code: "unreadable", "skipped: cannot read file")))
        }
        read(stream, source: path, emit: emit)
    }

    /// Header names compared without case, surrounding space or doubled spaces.
    static func key(_ header: String) -> String {
        header.replacingOccurrences(of: "\u{FEFF}", with: "").lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    func read(_ underlying: InputStream, source: String, emit: (IngestEvent) -> Void) {
        let stream = CheckedInputStream(underlying)
        let reader = CSVRecords(stream)
        let headerRow: [String]
        do {
            headerRow = try reader.readHeader()
        } catch {
            let message = stream.isUTF16 ? "skipped: CSV is UTF-16; save it as UTF-8 (CSV UTF-8 in Excel)"
                : stream.bytesRead == 0 || (error as? CSVError).map { if case .cannotReadHeaderRow = $0 { true } else { false } } == true
                ? "skipped: empty CSV file (no header row)" : "skipped: cannot read CSV: \(error)"
            return emit(.diagnostic(Diagnostic(.error, file: source, line: 1, code: stream.isUTF16 ? "utf16" : "empty-csv", message)))
        }
        if stream.isUTF16 {
            return emit(.diagnostic(Diagnostic(.error, file: source, line: 1, code: "utf16",
                                               "skipped: CSV is UTF-16; save it as UTF-8 (CSV UTF-8 in Excel)")))
        }
        let header = headerRow.map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        var lineAfterHeader = 1 + CSVIngester.lineBreaks(in: header)

        // Columns: a forced preset, else the detected one; --columns overrides the fields it names.
        let chosen = preset ?? CSVPreset.detect(header)
        var mapping = chosen?.columns ?? CSVColumnMapping()
        if let columns {
            if let id = columns.id { mapping.id = id }
            if let unit = columns.unit { mapping.unit = unit }
            if let date = columns.date { mapping.date = date }
            if !columns.text.isEmpty { mapping.text = columns.text }
        }
        let keys = header.map(CSVIngester.key)
        func index(_ name: String?) -> Int? { name.flatMap { keys.firstIndex(of: CSVIngester.key($0)) } }
        var missing: [String] = []
        for name in [mapping.id, mapping.unit, mapping.date].compactMap({ $0 }) + mapping.text where index(name) == nil { missing.append(name) }
        let textColumns = mapping.text.compactMap { index($0) }
        guard !textColumns.isEmpty else {
            let shown = header.prefix(12).map { "'\($0)'" }.joined(separator: ", ")
            let why = preset != nil || columns != nil ? "none of the free-text columns \(mapping.text.map { "'\($0)'" }.joined(separator: ", ")) is in the header"
                : "header matches no preset (nrls, lfpse, steis, datix)"
            return emit(.diagnostic(Diagnostic(.error, file: source, line: 1, code: "csv-columns",
                                               "skipped: \(why); header: \(shown); use --columns id=...,text=... or --csv-preset")))
        }
        if !missing.isEmpty && (preset != nil || columns != nil) {
            emit(.diagnostic(Diagnostic(.warning, file: source, line: 1, code: "csv-columns",
                                        "columns not in the header, left out: \(missing.map { "'\($0)'" }.joined(separator: ", "))")))
        }
        let layout = Layout(idColumn: index(mapping.id), unitColumn: index(mapping.unit), dateColumn: index(mapping.date),
                            textColumns: textColumns, header: header, preset: chosen?.name,
                            groups: (chosen?.groupsRowsByID ?? false) && (columns?.id == nil || columns?.id == chosen?.columns.id))
        let stem = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        var builder = ReportBuilder(layout: layout, source: source, stem: stem)

        // One row of look-ahead: the last row is only known to be broken (unterminated quote) at the end.
        var pending: (row: [String], number: Int, line: Int)?
        var rowNumber = 1
        func handle(_ row: [String], number: Int, line: Int, lastLine: Int) {
            if row.count == 1 && row[0].isEmpty { return }  // blank line
            if row.count != header.count {
                emit(.diagnostic(Diagnostic(.error, file: source, line: line, code: "csv-field-count",
                                            "row \(number): \(row.count) fields, the header has \(header.count); row skipped")))
                return
            }
            if let long = row.firstIndex(where: { $0.utf8.count > maximumCellLength }) {
                emit(.diagnostic(Diagnostic(.error, file: source, line: line, code: "csv-cell-too-long",
                                            "row \(number): cell '\(header[long])' is over \(maximumCellLength) bytes; row skipped")))
                return
            }
            for stray in stream.strayQuoteLines where stray >= line && stray <= lastLine {
                emit(.diagnostic(Diagnostic(.warning, file: source, line: stray, code: "csv-stray-quote",
                                            "row \(number): a quote inside a quoted cell is not doubled; the cell may be cut short")))
            }
            builder.add(row, number: number, line: line, emit: emit)
        }
        while let row = reader.next() {
            rowNumber += 1
            let line = lineAfterHeader + 1
            lineAfterHeader += 1 + CSVIngester.lineBreaks(in: row)
            if let previous = pending { handle(previous.row, number: previous.number, line: previous.line, lastLine: line - 1) }
            pending = (row, rowNumber, line)
        }
        if let last = pending {
            if let quoteLine = stream.unterminatedQuoteLine {
                emit(.diagnostic(Diagnostic(.error, file: source, line: quoteLine, code: "csv-unterminated-quote",
                                            "row \(last.number) (from line \(last.line)): quote opened on line \(quoteLine) is never closed; the rest of the file was read as one cell; row skipped")))
            } else {
                handle(last.row, number: last.number, line: last.line, lastLine: lineAfterHeader)
            }
        }
        builder.finish(emit: emit)
        if let invalid = stream.invalidUTF8Line {
            emit(.diagnostic(Diagnostic(.warning, file: source, line: invalid, code: "invalid-utf8",
                                        "invalid UTF-8 (first on line \(invalid)); replaced with U+FFFD")))
        }
        if let error = reader.error {
            emit(.diagnostic(Diagnostic(.error, file: source, line: lineAfterHeader, code: "unreadable",
                                        "reading stopped after row \(rowNumber): \(error)")))
        }
    }

    /// Line breaks inside the cells of one record (a quoted cell may hold several lines).
    static func lineBreaks(in row: [String]) -> Int {
        var count = 0
        for cell in row {
            var previousCR = false
            for byte in cell.utf8 {
                if byte == 0x0A { if !previousCR { count += 1 } } else if byte == 0x0D { count += 1 }
                previousCR = byte == 0x0D
            }
        }
        return count
    }

    struct Layout {
        var idColumn: Int?
        var unitColumn: Int?
        var dateColumn: Int?
        var textColumns: [Int]
        var header: [String]
        var preset: String?
        var groups: Bool
    }

    /// Turns rows into reports; with grouping, consecutive rows with one id become one report.
    struct ReportBuilder {
        let layout: Layout
        let source: String
        let stem: String
        struct Group {
            var id: String
            var firstRow: Int
            var lastRow: Int
            var line: Int
            var unit: String?
            var date: String?
            var texts: [[String]]
        }
        var current: Group?
        var finishedIDs: [String: Int] = [:]

        init(layout: Layout, source: String, stem: String) {
            self.layout = layout
            self.source = source
            self.stem = stem
        }

        mutating func add(_ row: [String], number: Int, line: Int, emit: (IngestEvent) -> Void) {
            func cell(_ index: Int?) -> String? {
                guard let index else { return nil }
                let value = row[index].trimmingWhitespaceAndNewlines()
                return value.isEmpty ? nil : value
            }
            let id = cell(layout.idColumn) ?? "\(stem)-row\(number)"
            if layout.idColumn != nil && cell(layout.idColumn) == nil {
                emit(.diagnostic(Diagnostic(.warning, file: source, line: line, code: "csv-missing-id",
                                            "row \(number): no id in '\(layout.header[layout.idColumn!])'; reported as \(id)")))
            }
            var date: String?
            if let raw = cell(layout.dateColumn) {
                date = IncidentDate.normalize(raw)
                if date == nil {
                    emit(.diagnostic(Diagnostic(.warning, file: source, line: line, code: "unparseable-date",
                                                "row \(number): date '\(raw)' not understood (expected DD/MM/YYYY, DD-MM-YYYY or YYYY-MM-DD); left out")))
                }
            }
            let texts = layout.textColumns.map { cell($0).map { [$0] } ?? [] }
            if layout.groups, var group = current, group.id == id {
                group.lastRow = number
                for (index, values) in texts.enumerated() {
                    for value in values where !group.texts[index].contains(value) { group.texts[index].append(value) }
                }
                group.unit = group.unit ?? cell(layout.unitColumn)
                group.date = group.date ?? date
                current = group
                return
            }
            finish(emit: emit)
            if layout.groups, let earlier = finishedIDs[id] {
                emit(.diagnostic(Diagnostic(.warning, file: source, line: line, code: "csv-group-split",
                                            "row \(number): rows of '\(id)' are not together (earlier at row \(earlier)); sort the export by \(layout.header[layout.idColumn!])")))
            }
            current = Group(id: id, firstRow: number, lastRow: number, line: line, unit: cell(layout.unitColumn), date: date, texts: texts)
        }

        mutating func finish(emit: (IngestEvent) -> Void) {
            guard let group = current else { return }
            current = nil
            if layout.groups { finishedIDs[group.id] = group.firstRow }
            var metadata: [(key: String, value: String)] = [("id", group.id)]
            if let unit = group.unit { metadata.append(("unit", unit)) }
            if let date = group.date { metadata.append(("date", date)) }
            metadata.append(("row", group.firstRow == group.lastRow ? "\(group.firstRow)" : "\(group.firstRow)-\(group.lastRow)"))
            if let preset = layout.preset { metadata.append(("csv_preset", preset)) }
            var text = ""
            var declared: [DeclaredSection] = []
            for (index, values) in group.texts.enumerated() where !values.isEmpty {
                let title = layout.header[layout.textColumns[index]].trimmingWhitespace()
                let joined = values.joined(separator: "\n\n")
                // Most cells hold no CR at all: then there is nothing to replace.
                let body = joined.utf8.contains(0x0D) ? joined.replacingOccurrences(of: "\r\n", with: "\n") : joined
                DocumentText.appendSection(title: title, body: body, to: &text, declared: &declared)
            }
            emit(.document(Document(id: group.id, source: source, format: .csv, metadata: metadata, text: text, declaredSections: declared)))
        }
    }
}

/// Lays out declared sections: title, blank line, body, blank line.
enum DocumentText {
    static func appendSection(title: String, body: String, to text: inout String, declared: inout [DeclaredSection]) {
        let titleStart = text.utf8.count
        text += title
        let titleEnd = text.utf8.count
        if !title.isEmpty { text += "\n\n" }
        let bodyStart = text.utf8.count
        text += body
        let bodyEnd = text.utf8.count
        text += "\n\n"
        declared.append(DeclaredSection(title: title, titleRange: TextRange(titleStart, titleEnd), bodyRange: TextRange(bodyStart, bodyEnd)))
    }
}

/// Rows of a CSV file for CSV.swift, read a run of whole records at a time: the checked stream hands over
/// the complete records it holds (about 64 KiB), and each run is parsed from a String. CSV.swift reads a
/// String several times faster than a stream, which it decodes a byte at a time through three iterators;
/// the rows are the same, because a run ends where CSV.swift would end a row (a line break outside quotes).
final class CSVRecords {
    private let stream: CheckedInputStream
    private var reader: CSVReader?
    /// Why reading stopped early, if it did.
    private(set) var error: Error?

    init(_ stream: CheckedInputStream) {
        self.stream = stream
    }

    /// Opens the stream and reads the header row, failing as `CSVReader(stream:hasHeaderRow: true)` does.
    func readHeader() throws -> [String] {
        if stream.streamStatus == .notOpen { stream.open() }
        guard stream.streamStatus == .open else { throw CSVError.cannotOpenFile }
        guard let records = stream.nextRecords() else {
            throw stream.readFailed ? CSVError.cannotReadFile : CSVError.cannotReadHeaderRow
        }
        let first = try CSVReader(string: records, hasHeaderRow: true)
        reader = first
        return first.headerRow ?? []
    }

    /// The next row, nil at the end of the file (or where reading failed: see ``error``).
    func next() -> [String]? {
        while true {
            if let row = reader?.next() { return row }
            guard let records = stream.nextRecords() else {
                if stream.readFailed && error == nil {
                    error = stream.streamError.map { CSVError.streamErrorHasOccurred(error: $0) } ?? CSVError.cannotReadFile
                }
                return nil
            }
            reader = try? CSVReader(string: records)
        }
    }
}

/// Wraps the file's stream for CSV.swift: replaces invalid UTF-8 with U+FFFD (so one bad byte does not
/// stop the reader), notices UTF-16, and follows the quoting as CSV.swift does to find a quote that is
/// never closed (CSV.swift silently reads to the end of the file) and undoubled quotes inside quoted cells.
final class CheckedInputStream: InputStream {
    private let base: InputStream
    private var status: Stream.Status = .notOpen
    private var output: [UInt8] = []
    private var outputPosition = 0
    private var carry: [UInt8] = []
    private var baseEnded = false
    private(set) var bytesRead = 0
    private(set) var isUTF16 = false
    private(set) var invalidUTF8Line: Int?
    private(set) var strayQuoteLines: [Int] = []
    // Quote tracking (mirrors CSVReader.readField without trimming).
    private enum State { case fieldStart, unquoted, quoted, afterQuote }
    private var state = State.fieldStart
    private var line = 1
    private var previousCR = false
    private var quoteLine = 0
    /// Output not yet handed over by ``nextRecords()``, and how many of its bytes are whole records.
    private var pending: [UInt8] = []
    private var pendingRecords = 0
    /// End of the last whole record in the latest output (a line break outside quotes), if any.
    private var lastRecordEnd: Int?
    /// True once reading the underlying stream failed.
    private(set) var readFailed = false
    private var outputSeen = false

    init(_ base: InputStream) {
        self.base = base
        super.init(data: Data())
    }

    /// Line where an unclosed quote opened, once the whole input has been read.
    var unterminatedQuoteLine: Int? { baseEnded && state == .quoted ? quoteLine : nil }

    override func open() {
        base.open()
        status = base.streamStatus == .open ? .open : .error
    }
    override func close() {
        base.close()
        status = .closed
    }
    override var streamStatus: Stream.Status { status }
    override var streamError: Error? { base.streamError }
    override var hasBytesAvailable: Bool {
        while outputPosition >= output.count && !baseEnded {
            if !refill() { return false }
        }
        return outputPosition < output.count
    }
    /// The next run of whole records as text (UTF-8, repaired, without a BOM), or nil at the end of the input.
    /// The rest of the input goes with the last run, complete or not (an unclosed quote, no final line break), and
    /// so does what was read before a failure (``readFailed``).
    func nextRecords() -> String? {
        while pendingRecords == 0 {
            if baseEnded || readFailed {
                guard !pending.isEmpty else { return nil }
                pendingRecords = pending.count
                break
            }
            if !refill() {
                readFailed = true
                continue
            }
            var start = outputPosition
            // As CSV.swift's reader: a UTF-8 byte order mark at the start of the first output is not text.
            if !outputSeen, !output.isEmpty {
                outputSeen = true
                if !isUTF16, output.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
            }
            if let end = lastRecordEnd { pendingRecords = pending.count + max(0, end - start) }
            pending += output[min(start, output.count)...]
            outputPosition = output.count
        }
        let text = String(decoding: pending[..<pendingRecords], as: UTF8.self)
        pending.removeSubrange(..<pendingRecords)
        pendingRecords = 0
        return text
    }

    override func getBuffer(_ buffer: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, length len: UnsafeMutablePointer<Int>) -> Bool { false }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength len: Int) -> Int {
        while outputPosition >= output.count {
            if baseEnded { return 0 }
            if !refill() { return -1 }
        }
        let count = min(len, output.count - outputPosition)
        output.withUnsafeBufferPointer { source in
            buffer.update(from: source.baseAddress! + outputPosition, count: count)
        }
        outputPosition += count
        return count
    }

    private func refill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let count = base.read(&chunk, maxLength: chunk.count)
        if count < 0 { status = .error; return false }
        var bytes = carry
        carry = []
        if count == 0 {
            baseEnded = true
        } else {
            bytes += chunk[..<count]
            if bytesRead == 0, bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
                isUTF16 = true
            }
            bytesRead += count
            // Keep an incomplete UTF-8 sequence at the end for the next chunk.
            var cut = bytes.count
            var back = 0
            while back < 3, cut - back - 1 >= 0, bytes[cut - back - 1] & 0xC0 == 0x80 { back += 1 }
            let leadIndex = cut - back - 1
            if leadIndex >= 0 {
                let lead = bytes[leadIndex]
                let needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                if needed > back + 1 && lead >= 0xC0 { cut = leadIndex }
            }
            carry = Array(bytes[cut...])
            bytes.removeSubrange(cut...)
        }
        if String(validating: bytes, as: UTF8.self) == nil && !isUTF16 {
            if invalidUTF8Line == nil { invalidUTF8Line = firstInvalidLine(bytes) }
            bytes = Array(String(decoding: bytes, as: UTF8.self).utf8)
        }
        track(startOfInput && bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...])
        startOfInput = false
        output = bytes
        outputPosition = 0
        return true
    }

    private func firstInvalidLine(_ bytes: [UInt8]) -> Int {
        let offset = TextDecoder.firstInvalidUTF8Offset(bytes[...]) ?? 0
        var result = line
        var previousCR = self.previousCR
        for byte in bytes[..<offset] {
            if byte == 0x0A { if !previousCR { result += 1 } } else if byte == 0x0D { result += 1 }
            previousCR = byte == 0x0D
        }
        return result
    }

    private var startOfInput = true

    private func track(_ bytes: ArraySlice<UInt8>) {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
        lastRecordEnd = nil
        for index in bytes.indices {
            let byte = bytes[index]
            let isBreak = byte == 0x0A || byte == 0x0D
            // A line break outside quotes ends a record (CRLF once, after its LF).
            if isBreak, state != .quoted, byte == 0x0A || (index + 1 < bytes.endIndex && bytes[index + 1] != 0x0A) {
                lastRecordEnd = index + 1
            }
            switch state {
            case .fieldStart:
                if byte == quote { state = .quoted; quoteLine = line } else if byte != comma && !isBreak { state = .unquoted }
            case .unquoted:
                if byte == comma || isBreak { state = .fieldStart }
            case .quoted:
                if byte == quote { state = .afterQuote }
            case .afterQuote:
                if byte == quote { state = .quoted } else if byte == comma || isBreak { state = .fieldStart } else {
                    state = .quoted
                    if strayQuoteLines.count < 100 { strayQuoteLines.append(line) }
                }
            }
            if byte == 0x0A { if !previousCR { line += 1 } } else if byte == 0x0D { line += 1 }
            previousCR = byte == 0x0D
        }
    }
}
