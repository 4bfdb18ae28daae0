import Foundation

/// The per-report details a summary shows (appendix, `reports` in JSON, `findings.csv`), kept on disk in
/// report order while a run goes on (``RecordFormat``), so that memory does not grow with the corpus.
public struct ReportRecord: Sendable, Hashable {
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

    init(key: ReportKey, id: String, source: String, unit: String?, date: String?, metadata: [[String]], factors: [String],
         sections: [Section], findings: [Finding]) {
        self.key = key
        self.id = id
        self.source = source
        self.unit = unit
        self.date = date
        self.metadata = metadata
        self.factors = factors
        self.sections = sections
        self.findings = findings
    }

    /// The metadata value for `key`, if any.
    public func meta(_ key: String) -> String? { metadata.first { $0.first == key }?.last }
}

/// The fields of a record that the duplicate-id pass needs: the header of each record, read without the rest.
struct ReportRecordHeader: Sendable, Hashable {
    var key: ReportKey
    var id: String
    var source: String
}

/// A report record file that cannot be read: not a record file, another format version, cut short, or corrupt.
/// The message names the file and, for a record, its number (from 1) and the byte offset where it starts.
public struct RecordFileError: Error, CustomStringConvertible, LocalizedError {
    public var path: String
    /// The record the problem is in (numbered from 1), if any.
    public var record: Int?
    /// Where that record (or the problem) starts in the file.
    public var offset: Int?
    public var problem: String

    public var description: String {
        var location = path
        if let record { location += ": record \(record)" }
        if let offset { location += record == nil ? ": byte \(offset)" : " at byte \(offset)" }
        return "\(location): \(problem)"
    }
    public var errorDescription: String? { description }
}

/// Writes report records in the binary record format (``RecordFormat``), in the order given. Records are
/// encoded in batches on every core; the order of records is the order given.
final class ReportRecordWriter {
    private let file: OutputStreamFile
    private var pending: [ReportRecord] = []
    private var written = 0
    static let batchSize = 256

    init(path: String) throws {
        file = try OutputStreamFile(path: path)
        try file.write(bytes: RecordFormat.fileHeader)
    }

    func write(_ record: ReportRecord) throws {
        pending.append(record)
        if pending.count >= ReportRecordWriter.batchSize { try encodePending() }
    }

    private func encodePending() throws {
        guard !pending.isEmpty else { return }
        let chunks = ConcurrentMap.chunked(pending) { records -> [UInt8] in
            var frames = RecordEncoder(), scratch = RecordEncoder()
            for record in records { frames.frame(record, scratch: &scratch) }
            return frames.bytes
        }
        written += pending.count
        pending.removeAll(keepingCapacity: true)
        for chunk in chunks { try file.write(bytes: chunk) }
    }

    /// Writes what is pending and the end marker, and closes the file.
    func close() throws {
        try encodePending()
        var end = RecordEncoder()
        end.count(0)
        end.count(written)
        try file.write(bytes: end.bytes)
        try file.close()
    }
}

/// Reads report records back, in file order: whole records (decoded in batches on every core), or only
/// their headers, skipping the rest of each record undecoded. Every read is checked against the data
/// there is; a file that is cut short, of another format or version, or corrupt throws a
/// ``RecordFileError`` naming the file and the record.
final class ReportRecordReader {
    let path: String
    private let handle: FileHandle
    private let fileSize: Int
    /// File bytes from `bufferOffset`; `position` is the next unread one.
    private var buffer: [UInt8] = []
    private var bufferOffset = 0
    private var position = 0
    private var atEOF = false
    /// Records framed so far, and whether the end marker has been read.
    private var records = 0
    private var finished = false
    /// Records decoded ahead, and how many of them were handed out.
    private var ready: [ReportRecord] = []
    private var handedOut = 0

    /// Where one record's payload is (in `buffer`, or in a batch's storage), its checksum and its place in the file.
    struct Frame: Sendable {
        var start: Int
        var length: Int
        var checksum: UInt32
        var number: Int
        var offset: Int
    }

    init(path: String) throws {
        self.path = path
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        fileSize = Int(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        let magic = RecordFormat.magic
        guard try fill(magic.count), buffer[0..<magic.count].elementsEqual(magic) else {
            throw RecordFileError(path: path, problem: "not a Sift report record file (it does not start with the record file marker)")
        }
        position = magic.count
        guard let version = try readVarint(number: nil, "the format version") else {
            throw RecordFileError(path: path, offset: position, problem: "the file is cut short in its header")
        }
        guard version == RecordFormat.version else {
            throw RecordFileError(path: path, problem: "report records in format version \(version); this Sift reads version "
                                  + "\(RecordFormat.version) (records are read by the Sift version that wrote them: run the shards again)")
        }
    }

    deinit { try? handle.close() }

    /// The next record, or nil at the end.
    func next() throws -> ReportRecord? {
        if handedOut == ready.count {
            ready = try nextBatch()
            handedOut = 0
            if ready.isEmpty { return nil }
        }
        handedOut += 1
        return ready[handedOut - 1]
    }

    /// Up to `size` next records (decoded in parallel), in file order; empty at the end.
    func nextBatch(size: Int = 256) throws -> [ReportRecord] {
        var storage: [UInt8] = []
        var frames: [Frame] = []
        while frames.count < size, var frame = try nextFrame() {
            storage.append(contentsOf: buffer[frame.start..<frame.start + frame.length])
            frame.start = storage.count - frame.length
            frames.append(frame)
        }
        guard !frames.isEmpty else { return [] }
        let path = self.path, payloads = storage
        let decoded = ConcurrentMap.chunked(frames) { chunk -> Result<[ReportRecord], any Error> in
            payloads.withUnsafeBufferPointer { bytes in
                Result { try chunk.map { try ReportRecordReader.decode($0, in: bytes, path: path) } }
            }
        }
        return try decoded.flatMap { try $0.get() }
    }

    /// The header of the next record, or nil at the end; the rest of the record is skipped undecoded and
    /// its checksum unchecked (a full read checks it).
    func nextHeader() throws -> ReportRecordHeader? {
        guard let frame = try nextFrame() else { return nil }
        return try buffer.withUnsafeBufferPointer { bytes in
            var decoder = RecordDecoder(bytes, from: frame.start, to: frame.start + frame.length)
            do { return try decoder.header() } catch let corruption as RecordCorruption {
                throw RecordFileError(path: path, record: frame.number, offset: frame.offset, problem: "corrupt: \(corruption.problem)")
            }
        }
    }

    static func decode(_ frame: Frame, in bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> ReportRecord {
        let end = frame.start + frame.length
        guard CRC32.checksum(UnsafeBufferPointer(rebasing: bytes[frame.start..<end])) == frame.checksum else {
            throw RecordFileError(path: path, record: frame.number, offset: frame.offset, problem: "corrupt: its checksum does not match")
        }
        var decoder = RecordDecoder(bytes, from: frame.start, to: end)
        do { return try decoder.record() } catch let corruption as RecordCorruption {
            throw RecordFileError(path: path, record: frame.number, offset: frame.offset, problem: "corrupt: \(corruption.problem)")
        }
    }

    /// The next record's frame, its payload in `buffer` until the next read; nil after the end marker.
    private func nextFrame() throws -> Frame? {
        guard !finished else { return nil }
        let offset = bufferOffset + position, number = records + 1
        guard let length = try readVarint(number: number, "the record length") else {
            throw RecordFileError(path: path, record: number, offset: offset,
                                  problem: "the file ends after record \(records) without the end marker: it was cut short")
        }
        if length == 0 { try readEnd(offset: offset); return nil }
        let left = fileSize - (bufferOffset + position) - 4
        guard length <= UInt64(max(0, left)), try fill(4 + Int(length)) else {
            throw RecordFileError(path: path, record: number, offset: offset,
                                  problem: "the record's length (\(length) bytes) runs past the end of the file (\(max(0, left)) bytes left): "
                                  + "the file was cut short or the length is corrupt")
        }
        var checksum: UInt32 = 0
        for index in 0..<4 { checksum |= UInt32(buffer[position + index]) << UInt32(8 * index) }
        records = number
        let frame = Frame(start: position + 4, length: Int(length), checksum: checksum, number: number, offset: offset)
        position += 4 + Int(length)
        return frame
    }

    /// The end marker after the length 0 at `offset`: the count of records, then nothing.
    private func readEnd(offset: Int) throws {
        guard let count = try readVarint(number: nil, "the record count") else {
            throw RecordFileError(path: path, offset: offset, problem: "the file is cut short in its end marker")
        }
        guard count == UInt64(records) else {
            throw RecordFileError(path: path, offset: offset,
                                  problem: "corrupt: the end marker counts \(count) records, but \(records) were read")
        }
        if try fill(1) {
            throw RecordFileError(path: path, offset: bufferOffset + position, problem: "corrupt: bytes follow the end marker")
        }
        finished = true
    }

    /// A varint at `position`, advancing past it; nil when the file ends first.
    private func readVarint(number: Int?, _ what: String) throws -> UInt64? {
        _ = try fill(10)
        return try buffer.withUnsafeBufferPointer { bytes in
            var decoder = RecordDecoder(bytes, from: position)
            do {
                guard let value = try decoder.varintIfComplete() else { return nil }
                position = decoder.index
                return value
            } catch let corruption as RecordCorruption {
                throw RecordFileError(path: path, record: number, offset: bufferOffset + position, problem: "corrupt: \(what): \(corruption.problem)")
            }
        }
    }

    /// Makes `count` bytes from `position` available in `buffer`, reading on; false when the file ends first.
    private func fill(_ count: Int) throws -> Bool {
        if buffer.count - position >= count { return true }
        if position > 0 {
            buffer.removeSubrange(0..<position)
            bufferOffset += position
            position = 0
        }
        while buffer.count < count && !atEOF {
            let chunk = try handle.read(upToCount: max(1 << 20, count - buffer.count)) ?? Data()
            if chunk.isEmpty { atEOF = true } else { buffer.append(contentsOf: chunk) }
        }
        return buffer.count >= count
    }
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
