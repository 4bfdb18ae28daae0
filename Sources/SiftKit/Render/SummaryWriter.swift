import Foundation

/// The summary files a run can write.
public enum SummaryFormat: String, Sendable, CaseIterable, Hashable {
    case md, json, csv, html
}

/// Writes the summary files of a run, or of shards merged, from summary states and report records on
/// disk. A single run is the merge of one shard, so a merged summary is byte-identical to a single run
/// over the same inputs. Files are written to temporary names in the output folder and renamed into
/// place only when all are complete, so an interrupted run leaves no partial output.
///
/// - Complexity: two passes over the records (one to find duplicate ids, one to write), in O(records)
///   time and O(distinct ids + one record) memory.
public struct SummaryWriter {
    public var formats: Set<SummaryFormat>
    public var options: SummaryOptions
    public let lexicon: Lexicon

    public init(lexicon: Lexicon, options: SummaryOptions, formats: Set<SummaryFormat> = Set(SummaryFormat.allCases)) {
        self.lexicon = lexicon
        self.options = options
        self.formats = formats
    }

    /// The files written, in order, for `formats`.
    public var fileNames: [String] {
        var names: [String] = []
        if formats.contains(.md) { names.append("summary.md") }
        if formats.contains(.json) { names.append("summary.json") }
        if formats.contains(.html) { names.append("summary.html") }
        if formats.contains(.csv) {
            names.append("factor_counts.csv")
            if !options.disclosure.share { names.append("findings.csv") }
        }
        return names
    }

    /// Merges `states`, renames duplicate report ids (`id~2`, in report order, with an error each), builds
    /// the summary and writes the files into `directory`. Returns the final state.
    @discardableResult
    public func write(states: [SummaryState], recordFiles: [String], to directory: String) throws -> SummaryState {
        Memory.trim()
        guard var state = states.first else { throw CocoaError(.fileReadNoSuchFile) }
        for other in states.dropFirst() { state.merge(other) }
        state.normalise()

        // Pass 1: duplicate ids, renamed in report order exactly as a single run would. Each shard's records
        // are in key order, so the shards' headers are merged in key order as they are read: nothing but
        // the ids is kept.
        let renames = try SummaryWriter.duplicateIDs(in: recordFiles, diagnostics: &state.diagnostics)
        if !renames.isEmpty {
            for factor in state.evidence.keys {
                for index in state.evidence[factor]!.indices {
                    if let renamed = renames[state.evidence[factor]![index].key] { state.evidence[factor]![index].quote.report = renamed }
                }
            }
            state.normalise()
        }
        let summary = RunSummary(state: state, lexicon: lexicon, options: options)
        Memory.trim()

        // Pass 2: every file at once, to temporary names.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = TemporaryFiles(directory: directory)
        defer { temporary.removeAll() }
        var markdown: OutputStreamFile?
        var json: OutputStreamFile?
        var findings: CSVFile?
        let md = MarkdownRenderer(evidencePerFactor: options.evidencePerFactor)
        let jsonRenderer = JSONRenderer()
        let csv = CSVRenderer()
        var jsonPieces: ArraySlice<JSONRenderer.Piece> = []
        // Writes the summary.json pieces up to the reports array (or to the end), the long lists an element at a time.
        func writeJSONPieces() throws {
            guard let file = json else { return }
            while let piece = jsonPieces.popFirst() {
                switch piece {
                case .text(let text): try file.write(text)
                case .reports: return
                case .inputs: try writeElements(summary.inputs, to: file)
                case .diagnostics: try writeElements(summary.diagnostics, to: file)
                }
            }
        }
        func writeElements<T: Encodable & Sendable>(_ list: [T], to file: OutputStreamFile) throws {
            var first = true
            for start in stride(from: 0, to: list.count, by: 4096) {
                let texts = ConcurrentMap.chunked(Array(list[start..<min(start + 4096, list.count)])) { items in
                    Result { try items.map { try jsonRenderer.element($0) } }
                }
                for chunk in texts {
                    for text in try chunk.get() {
                        try file.write((first ? "" : ",\n") + text)
                        first = false
                    }
                }
            }
        }
        if formats.contains(.md) {
            markdown = try temporary.create("summary.md")
            try markdown!.write(md.render(summary, lexicon: lexicon) + md.appendixHeading(summary))
        }
        if formats.contains(.json) {
            json = try temporary.create("summary.json")
            jsonPieces = try jsonRenderer.pieces(summary)[...]
            try writeJSONPieces()
        }
        if formats.contains(.html) {
            let html = try temporary.create("summary.html")
            try html.write(HTMLRenderer().render(summary))
            try html.close()
        }
        if formats.contains(.csv) {
            let counts = try temporary.create("factor_counts.csv")
            try counts.write(csv.renderFactorCounts(summary))
            try counts.close()
            if !summary.disclosure.share {
                findings = try temporary.reserve("findings.csv")
                try findings!.write(CSVRenderer.header)
            }
        }
        if !summary.disclosure.share && (markdown != nil || json != nil || findings != nil) {
            let merger = try ReportRecordMerger(paths: recordFiles)
            var first = true
            // Records in batches: each batch is rendered on every core, then written in order.
            var batch: [ReportRecord] = []
            let wantMarkdown = markdown != nil, wantJSON = json != nil, wantCSV = findings != nil
            func writeBatch() throws {
                let rendered = ConcurrentMap.chunked(batch) { records -> [(md: String, json: String, rows: [[String]])] in
                    records.map { record in
                        (wantMarkdown ? md.report(record, summary) : "", wantJSON ? jsonRenderer.report(record) : "",
                         wantCSV ? csv.cells(record) : [])
                    }
                }
                batch.removeAll(keepingCapacity: true)
                for chunk in rendered {
                    for (mdText, jsonText, rows) in chunk {
                        try markdown?.write(mdText)
                        try json?.write((first ? "" : ",\n") + jsonText)
                        if let findings { for row in rows { try findings.write(row) } }
                        first = false
                    }
                }
            }
            while var record = try merger.next() {
                if let renamed = renames[record.key] {
                    record.id = renamed
                    for index in record.findings.indices { record.findings[index].reportID = renamed }
                }
                batch.append(record)
                if batch.count >= 256 { try writeBatch() }
            }
            try writeBatch()
        }
        try markdown?.write(md.tail(summary))
        try writeJSONPieces()
        for file in [markdown, json] { try file?.close() }
        try findings?.close()
        try temporary.commit()
        return state
    }

    /// Pass 1: the new id of every report whose id was taken by an earlier report (in key order), with a
    /// diagnostic each. Its own function, so that the table of every id is freed before pass 2.
    static func duplicateIDs(in recordFiles: [String], diagnostics: inout [Diagnostic]) throws -> [ReportKey: String] {
        var renames: [ReportKey: String] = [:]
        let readers = try recordFiles.map { try ReportRecordReader(path: $0) }
        var heads = try readers.map { try $0.nextHeader() }
        var ids = ReportIDs()
        while true {
            var best: Int? = nil
            for (index, head) in heads.enumerated() {
                guard let head else { continue }
                if let b = best, let current = heads[b], !(head.key < current.key) { continue }
                best = index
            }
            guard let best, let record = heads[best] else { break }
            heads[best] = try readers[best].nextHeader()
            if let next = heads[best], next.key < record.key {
                throw RecordFileError(path: recordFiles[best], record: nil, offset: nil,
                                      problem: "reports out of order (\(next.key.source) #\(next.key.index) after \(record.key.source) #\(record.key.index)); not written by sift run")
            }
            let (id, duplicate) = ids.claim(record.id, source: record.source)
            if let duplicate {
                renames[record.key] = id
                diagnostics.append(duplicate)
            }
        }
        return renames
    }
}

/// A file being written through a buffer.
final class OutputStreamFile {
    let handle: FileHandle
    private var buffer = Data()

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func write(bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
    }

    func write(data: Data) throws {
        buffer.append(data)
        if buffer.count >= 1 << 20 { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
    }

    func close() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll()
        try handle.close()
    }
}

/// Temporary files beside their final names; `commit` renames them all into place, otherwise they are removed.
final class TemporaryFiles {
    let directory: String
    private var pending: [(temporary: String, final: String)] = []
    private var committed = false

    init(directory: String) {
        self.directory = directory
    }

    /// A hidden name that marks the file as Sift's and unfinished: `.name.sift-partial-PID`.
    static func temporaryName(for name: String) -> String { ".\(name).sift-partial-\(getpid())" }

    func create(_ name: String) throws -> OutputStreamFile {
        try OutputStreamFile(path: path(for: name))
    }

    /// A CSV file at the temporary name for `name`.
    func reserve(_ name: String) throws -> CSVFile {
        try CSVFile(path: path(for: name))
    }

    private func path(for name: String) -> String {
        let temporary = (directory as NSString).appendingPathComponent(TemporaryFiles.temporaryName(for: name))
        pending.append((temporary, (directory as NSString).appendingPathComponent(name)))
        return temporary
    }

    func commit() throws {
        for file in pending {
            if rename(file.temporary, file.final) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.final])
            }
        }
        committed = true
    }

    func removeAll() {
        guard !committed else { return }
        for file in pending { unlink(file.temporary) }
    }
}

/// Hands memory the allocator holds but no longer uses back to the system (glibc's malloc_trim, looked up
/// at run time; a no-op elsewhere).
enum Memory {
    private typealias Trim = @convention(c) (Int) -> Int32
    nonisolated(unsafe) private static let trimFunction: Trim? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
    }()

    static func trim() { _ = trimFunction?(0) }
}
