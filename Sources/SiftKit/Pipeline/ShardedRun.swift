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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(state).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(stateFile)), options: .atomic)
        return state
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
