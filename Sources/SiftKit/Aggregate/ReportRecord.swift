import Foundation

/// The per-report details a summary shows (appendix, `reports` in JSON, `findings.csv`), kept on disk as
/// JSON Lines in report order while a run goes on, so that memory does not grow with the corpus.
public struct ReportRecord: Sendable, Codable, Hashable {
    public var key: ReportKey
    public var id: String
    public var source: String
    public var unit: String?
    public var date: String?
    /// Metadata pairs in the order written (already redacted).
    public var metadata: [[String]]
    public var factors: [String]
    public var sections: [Section]
    public var findings: [Finding]

    public init(_ analysis: ReportAnalysis, key: ReportKey) {
        self.key = key
        id = analysis.id
        source = analysis.document.source
        unit = analysis.document.unit
        date = analysis.document.date
        metadata = analysis.document.metadata.map { [$0.key, $0.value] }
        factors = analysis.factors
        sections = analysis.sections
        findings = analysis.findings
    }

    /// The metadata value for `key`, if any.
    public func meta(_ key: String) -> String? { metadata.first { $0.first == key }?.last }
}

/// The fields of a record that the duplicate-id pass needs; decoding only these skips the findings.
struct ReportRecordHeader: Decodable, Sendable {
    var key: ReportKey
    var id: String
    var source: String
}

/// Writes report records as JSON Lines, one per line, in the order given. Records are encoded in batches
/// on every core (encoding was the largest serial cost of a run); the order of lines is the order given.
final class ReportRecordWriter {
    private let file: OutputStreamFile
    private var pending: [ReportRecord] = []
    static let batchSize = 256

    init(path: String) throws {
        file = try OutputStreamFile(path: path)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    func write(_ record: ReportRecord) throws {
        pending.append(record)
        if pending.count >= ReportRecordWriter.batchSize { try encodePending() }
    }

    private func encodePending() throws {
        guard !pending.isEmpty else { return }
        let lines = ConcurrentMap.chunked(pending) { records -> Result<[Data], any Error> in
            let encoder = ReportRecordWriter.encoder()
            return Result { try records.map { try encoder.encode($0) } }
        }
        pending.removeAll(keepingCapacity: true)
        for chunk in lines {
            for line in try chunk.get() {
                try file.write(data: line)
                try file.write(bytes: [0x0A])
            }
        }
    }

    func close() throws {
        try encodePending()
        try file.close()
    }
}

/// Reads report records back. Lines are decoded in batches on every core, then handed out in file order.
final class ReportRecordReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    /// Where the search for the next newline resumes (everything before it has none).
    private var searched = 0
    private var eof = false
    let path: String
    private var line = 0
    /// Records decoded ahead, and how many of them were handed out.
    private var ready: [ReportRecord] = []
    private var handedOut = 0

    init(path: String) throws {
        self.path = path
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    }

    /// The next record, or nil at the end.
    func next() throws -> ReportRecord? {
        if handedOut == ready.count {
            ready = try nextBatch(ReportRecord.self)
            handedOut = 0
            if ready.isEmpty { return nil }
        }
        handedOut += 1
        return ready[handedOut - 1]
    }

    /// Up to `size` next lines decoded as `type` (in parallel), in file order; empty at the end.
    func nextBatch<T: Decodable & Sendable>(_ type: T.Type, size: Int = 256) throws -> [T] {
        var lines: [(data: Data, line: Int)] = []
        while lines.count < size, let next = try nextLine() { lines.append(next) }
        let path = self.path
        let decoded = ConcurrentMap.chunked(lines) { chunk -> [Result<T, CocoaError>] in
            let decoder = JSONDecoder()
            return chunk.map { entry in
                if let value = try? decoder.decode(T.self, from: entry.data) { return .success(value) }
                return .failure(CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path,
                                                                            NSLocalizedDescriptionKey: "\(path):\(entry.line): not a Sift report record"]))
            }
        }
        return try decoded.flatMap { try $0.map { try $0.get() } }
    }

    /// The next non-empty line and its number, or nil at the end.
    private func nextLine() throws -> (data: Data, line: Int)? {
        while true {
            if let newline = buffer[max(position, searched)...].firstIndex(of: 0x0A) {
                let lineData = buffer[position..<newline]
                position = newline + 1
                searched = position
                line += 1
                if lineData.isEmpty { continue }
                return (Data(lineData), line)
            }
            if eof {
                guard position < buffer.count else { return nil }
                buffer.append(0x0A)
                continue
            }
            // Drop what has been read, then read on; the rest of the buffer has no newline.
            buffer.removeSubrange(0..<position)
            position = 0
            searched = buffer.count
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { eof = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    deinit { try? handle.close() }
}

/// Merges several record streams, each in key order, into one stream in key order.
final class ReportRecordMerger {
    private var readers: [ReportRecordReader]
    private var heads: [ReportRecord?]

    init(paths: [String]) throws {
        readers = try paths.map { try ReportRecordReader(path: $0) }
        heads = try readers.map { try $0.next() }
    }

    func next() throws -> ReportRecord? {
        var best: Int? = nil
        for (index, head) in heads.enumerated() {
            guard let head else { continue }
            if let b = best, let current = heads[b], !(head.key < current.key) { continue }
            best = index
        }
        guard let best, let record = heads[best] else { return nil }
        heads[best] = try readers[best].next()
        return record
    }
}
