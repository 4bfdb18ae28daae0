import Foundation

/// Runs as shards: each shard writes a partial result (summary state and report records) that
/// ``SummaryWriter`` merges. A single run is written the same way, as one shard, so that a merged summary
/// is byte-identical to a single run over all the inputs.
public enum ShardedRun {
    public static let stateFile = "state.json"
    public static let recordsFile = "reports.bin"

    /// Runs `pipeline` over `paths` and writes the partial result into `directory` (created if needed).
    /// Memory stays bounded: reports go to disk as they are analysed.
    @discardableResult
    public static func writePartial(pipeline: Pipeline, paths: [String], excluding: Set<String> = [], evidencePerFactor: Int,
                                    commandOptions: [String], progress: RunProgress? = nil, writeState: Bool = true,
                                    to directory: String) throws -> SummaryState {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var state = SummaryState(lexicon: pipeline.lexicon, evidencePerFactor: evidencePerFactor)
        state.commandOptions = commandOptions
        state.paths = paths
        let recordsPath = (directory as NSString).appendingPathComponent(recordsFile)
        let writer = try ReportRecordWriter(path: recordsPath)
        var writeError: Error?
        pipeline.stream(paths: paths, excluding: excluding, progress: progress, onInput: { record, diagnostics in
            state.inputs.append(record)
            state.diagnostics += diagnostics
        }, onReport: { key, analysis in
            state.add(analysis, key: key)
            guard writeError == nil else { return }
            do { try writer.write(ReportRecord(analysis, key: key)) } catch { writeError = error }
        })
        try writer.close()
        if let writeError { throw writeError }
        state.normalise()
        // A single run hands the state straight to the summary writer: encoding it (tens of MB of JSON for
        // hundreds of thousands of reports, several times that inside the encoder) was the run's peak memory.
        guard writeState else { return state }
        try encodeState(state, to: (directory as NSString).appendingPathComponent(stateFile))
        return state
    }

    /// Writes `state` as JSONEncoder would (sorted keys, compact, slashes unescaped), byte for byte, but with
    /// its long lists (groups, inputs, diagnostics, paths) encoded an element at a time, on every core, and
    /// written as they go: the encoder's tree of the whole state was a shard's peak memory (a partial run
    /// of 40,000 reports peaked at 104 MB against 71 MB for the same run without a partial result).
    /// Written to a temporary name and renamed, so a reader never sees half a file.
    static func encodeState(_ state: SummaryState, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        let temporary = path + ".partial-\(getpid())"
        let file = try OutputStreamFile(path: temporary)
        do {
            func list<T: Encodable & Sendable>(_ items: [T]) throws {
                try file.write("[")
                var first = true
                for start in stride(from: 0, to: items.count, by: 4096) {
                    let texts = ConcurrentMap.chunked(Array(items[start..<min(start + 4096, items.count)])) { chunk in
                        Result { () throws -> [String] in
                            let encoder = JSONEncoder()
                            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                            return try chunk.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
                        }
                    }
                    for chunk in texts {
                        for text in try chunk.get() {
                            try file.write(first ? text : "," + text)
                            first = false
                        }
                    }
                }
                try file.write("]")
            }
            // The keys in sorted order, as `.sortedKeys` writes them (see SummaryState.CodingKeys).
            try file.write("{\"command_options\":" + json(state.commandOptions))
            try file.write(",\"diagnostics\":"); try list(state.diagnostics)
            try file.write(",\"discounted\":" + json(state.discounted))
            try file.write(",\"evidence\":" + json(state.evidence))
            try file.write(",\"evidence_per_factor\":" + json(state.evidencePerFactor))
            try file.write(",\"format\":" + json(state.format))
            try file.write(",\"groups\":"); try list(state.groups)
            try file.write(",\"inputs\":"); try list(state.inputs)
            try file.write(",\"lexicon_name\":" + json(state.lexiconName))
            try file.write(",\"lexicon_version\":" + json(state.lexiconVersion))
            try file.write(",\"mentions\":" + json(state.mentions))
            try file.write(",\"paths\":"); try list(state.paths)
            try file.write(",\"reports\":" + json(state.reports) + "}")
            try file.close()
            if rename(temporary, path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Reads a partial result written by ``writePartial``.
    public static func readPartial(_ directory: String) throws -> (state: SummaryState, records: String) {
        let statePath = (directory as NSString).appendingPathComponent(stateFile)
        let records = (directory as NSString).appendingPathComponent(recordsFile)
        guard let data = FileManager.default.contents(atPath: statePath), FileManager.default.fileExists(atPath: records) else {
            throw PartialError(message: "\(directory): not a Sift partial result (no \(stateFile) and \(recordsFile))")
        }
        do {
            return (try JSONDecoder().decode(SummaryState.self, from: data), records)
        } catch {
            throw PartialError(message: "\(statePath): cannot read the partial result: \(error)")
        }
    }
}

/// A partial result that cannot be read or merged.
public struct PartialError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
