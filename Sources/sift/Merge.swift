import ArgumentParser
import Foundation
import SiftKit

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine partial results of `sift run --partial` into one summary.",
        discussion: """
        The summary is byte-identical to the one a single `sift run` over all the shards' inputs gives (inputs in the \
        order of the shards given here). Every shard must have been run with the same lexicon and the same summary \
        options (--evidence, --share, --baseline/--follow-up, input options, --no-redact); they are read from the shards.
        Exit codes: 0 every input processed; 1 some input failed; 2 a partial result cannot be read or the shards disagree.
        """)

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String = "sift-report"

    @Option(name: .long, parsing: .upToNextOption, help: "Output formats: md, json, csv, html (default: all).")
    var format: [OutputFormat] = OutputFormat.allCases

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Argument(help: "Partial result folders written by `sift run --partial`.")
    var parts: [String]

    func validate() throws {
        if parts.isEmpty { throw ValidationError("give at least one partial result folder") }
    }

    func run() throws {
        var shards: [(state: SummaryState, records: String)] = []
        do {
            shards = try parts.map { try ShardedRun.readPartial($0) }
        } catch {
            Terminal.error("sift: \(error)")
            throw ExitCode(2)
        }
        let first = shards[0].state
        for (part, shard) in zip(parts, shards).dropFirst() {
            if shard.state.commandOptions != first.commandOptions || shard.state.lexiconName != first.lexiconName
                || shard.state.lexiconVersion != first.lexiconVersion {
                Terminal.error("sift: \(part) was run with different options or lexicon (\(shard.state.commandOptions.joined(separator: " "))) than \(parts[0]) (\(first.commandOptions.joined(separator: " ")))")
                throw ExitCode(2)
            }
        }
        // The shards' own summary options, parsed as `sift run` parsed them.
        let recorded: Run
        do {
            recorded = try Run.parse(first.commandOptions + ["(inputs)"])
        } catch {
            Terminal.error("sift: cannot read the shards' options: \(error)")
            throw ExitCode(2)
        }
        let lexicon = try recorded.lexiconOptions.load()
        if lexicon.name != first.lexiconName || lexicon.version != first.lexiconVersion {
            Terminal.error("sift: the shards were tagged with lexicon \(first.lexiconName) \(first.lexiconVersion), but \(lexicon.name) \(lexicon.version) is loaded")
            throw ExitCode(2)
        }
        var merged = first
        for shard in shards.dropFirst() { merged.merge(shard.state) }
        let writer = SummaryWriter(lexicon: lexicon, options: recorded.summaryOptions(for: merged), formats: Set(format.map(\.summaryFormat)))
        let state: SummaryState
        do {
            Interrupt.install(outputDirectory: out)
            state = try Interrupt.withoutInterruption { try writer.write(states: shards.map(\.state), recordFiles: shards.map(\.records), to: out) }
        } catch let error as RecordFileError {
            // A shard's records file is damaged: say which and where, not that the output could not be written.
            Terminal.error("sift: cannot read partial result: \(error)")
            throw ExitCode(2)
        } catch {
            Terminal.error("sift: cannot write output to \(out): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        if !RunReport.finish(state: state, quiet: quiet, written: "merged \(parts.count) partial results; summary written to \(out)/\(writer.fileNames.first ?? "")") {
            throw ExitCode(1)
        }
    }
}
