import ArgumentParser
import Foundation
import SiftKit

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read SI reports from files and folders, tag them and write the summary.",
        discussion: "Writes summary.md, summary.json, summary.html, factor_counts.csv and findings.csv (as chosen by --format) atomically into --out.")

    @OptionGroup var lexiconOptions: LexiconOptions

    @OptionGroup var inputOptions: InputOptions

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String = "sift-report"

    @Option(name: .long, parsing: .upToNextOption, help: "Output formats: md, json, csv, html (default: all).")
    var format: [OutputFormat] = OutputFormat.allCases

    @Option(name: .long, help: "Worker threads (default: one per core).")
    var threads: Int = 0

    @Option(name: .long, help: "Evidence sentences per factor in the summary.")
    var evidence: Int = 3

    @Flag(name: .long, help: "Mark the summary for sharing beyond the unit: suppress small counts (see --suppress-below), leave out per-report details, findings.csv and monthly run charts.")
    var share = false

    @Option(name: .long, help: "With --share, counts from 1 to N-1 are shown as \"1-(N-1)\" and their percentages suppressed.")
    var suppressBelow: Int = 8

    @Option(name: .long, help: "Baseline period FROM..TO (YYYY-MM-DD..YYYY-MM-DD), compared with --follow-up.")
    var baseline: String?

    @Option(name: .long, help: "Follow-up period FROM..TO (YYYY-MM-DD..YYYY-MM-DD), compared with --baseline.")
    var followUp: String?

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Argument(help: "Report files or folders (.txt, .md, .xml, .docx, .csv).")
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder") }
        if threads < 0 { throw ValidationError("--threads must be 0 (one per core) or more") }
        if evidence < 0 { throw ValidationError("--evidence must be 0 or more") }
        if suppressBelow < 2 { throw ValidationError("--suppress-below must be 2 or more") }
        if (baseline == nil) != (followUp == nil) { throw ValidationError("give both --baseline and --follow-up, or neither") }
        for (name, value) in [("--baseline", baseline), ("--follow-up", followUp)] {
            if let value, DatePeriod(parsing: value) == nil {
                throw ValidationError("\(name) must be FROM..TO with dates YYYY-MM-DD and FROM not after TO (got '\(value)')")
            }
        }
    }

    @Option(name: .long, help: ArgumentHelp("Write a partial result (for sharding) into this folder instead of a summary; combine partial results with `sift merge`.", valueName: "folder"))
    var partial: String?

    @OptionGroup var privacy: PrivacyOptions

    /// The options that change what the summary says, in a fixed form: recorded in the summary as the
    /// command that produced it, and compared across shards.
    var summaryOptions: [String] {
        var options: [String] = []
        if let lexicon = lexiconOptions.lexicon { options += ["--lexicon", lexicon] }
        if evidence != 3 { options += ["--evidence", String(evidence)] }
        if share { options += ["--share", "--suppress-below", String(suppressBelow)] }
        if let baseline, let followUp { options += ["--baseline", baseline, "--follow-up", followUp] }
        options += inputOptions.recorded + privacy.recorded
        return options
    }

    func run() throws {
        let lexicon = try lexiconOptions.load()
        privacy.warnIfOff()
        let pipeline = Pipeline(lexicon: lexicon, registry: IngestRegistry(options: try inputOptions.ingestOptions()), threads: threads,
                                prefilter: true, redactor: try privacy.redactor())
        let progress = RunProgress(enabled: !quiet && RunProgress.standardErrorIsTerminal)
        let work = partial ?? (out as NSString).appendingPathComponent(".sift-work-\(getpid())")
        // Ctrl-C or SIGTERM: remove Sift's temporary files, keep the previous summary, exit 130 / 143.
        Interrupt.install(outputDirectory: partial ?? out)
        defer { if partial == nil { try? FileManager.default.removeItem(atPath: work) } }
        var state: SummaryState
        do {
            state = try ShardedRun.writePartial(pipeline: pipeline, paths: paths, evidencePerFactor: evidence,
                                                commandOptions: summaryOptions, progress: progress, writeState: partial != nil, to: work)
        } catch {
            Terminal.error("sift: cannot write to \(work): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        var written = "partial result written to \(work)"
        if partial == nil {
            let writer = SummaryWriter(lexicon: lexicon, options: summaryOptions(for: state), formats: Set(format.map(\.summaryFormat)))
            do {
                let records = (work as NSString).appendingPathComponent(ShardedRun.recordsFile)
                state = try Interrupt.withoutInterruption { try writer.write(states: [state], recordFiles: [records], to: out) }
            } catch let error as RecordFileError {
                Terminal.error("sift: cannot read the run's own records: \(error)")
                throw ExitCode(2)
            } catch {
                Terminal.error("sift: cannot write output to \(out): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            written = "summary written to \(out)/\(writer.fileNames.first ?? "")"
        }
        if !RunReport.finish(state: state, quiet: quiet, written: written) { throw ExitCode(1) }
    }

    func summaryOptions(for state: SummaryState) -> SummaryOptions {
        SummaryOptions(command: ["run"] + state.commandOptions + state.paths, evidencePerFactor: evidence,
                       disclosure: Disclosure(share: share, threshold: suppressBelow),
                       baseline: baseline.flatMap(DatePeriod.init(parsing:)), followUp: followUp.flatMap(DatePeriod.init(parsing:)))
    }
}

/// What `run` and `merge` print at the end, and the exit code.
enum RunReport {
    /// Prints the diagnostics and the one-line account; false when any input failed.
    static func finish(state: SummaryState, quiet: Bool, written: String) -> Bool {
        for diagnostic in state.diagnostics where diagnostic.severity == .error || !quiet {
            Terminal.error(diagnostic.description)
        }
        let processed = state.inputs.filter { $0.status == .processed }.count
        let skipped = state.inputs.count - processed
        if state.inputs.isEmpty {
            // Said even with --quiet: an empty summary of the wrong folder looks like a clean result.
            Terminal.error("sift: warning: no files found in \(state.paths.joined(separator: ", ")); the summary counts 0 reports")
        }
        if !quiet {
            Terminal.error("sift: \(state.reports) reports from \(processed) files, \(skipped) skipped; \(written)")
        }
        return skipped == 0 && !state.diagnostics.contains(where: { $0.severity == .error })
    }
}

/// Redaction of identifiers in shown text: on unless `--no-redact`.
struct PrivacyOptions: ParsableArguments {
    @Flag(name: .long, help: "Show report text unredacted (local use only; identifiers such as NHS numbers and names will appear in the output).")
    var noRedact = false

    @Option(name: .long, help: ArgumentHelp("PCRE2 pattern for local hospital numbers to redact.", valueName: "regex"))
    var hospitalNumberPattern: String?

    func validate() throws {
        if let hospitalNumberPattern {
            do { _ = try Redactor(hospitalNumberPattern: hospitalNumberPattern) } catch {
                throw ValidationError("--hospital-number-pattern: \(error)")
            }
        }
    }

    func redactor() throws -> Redactor? {
        if noRedact { return nil }
        return try Redactor(hospitalNumberPattern: hospitalNumberPattern ?? Redactor.defaultHospitalNumberPattern)
    }

    func warnIfOff() {
        if noRedact { Terminal.error("sift: warning: --no-redact: evidence will show patient and staff identifiers; do not share this output") }
    }

    var recorded: [String] {
        (noRedact ? ["--no-redact"] : []) + (hospitalNumberPattern.map { ["--hospital-number-pattern", $0] } ?? [])
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case md, json, csv, html
    var summaryFormat: SummaryFormat { SummaryFormat(rawValue: rawValue)! }
}

/// How inputs other than plain text and Sift XML are read: CSV columns and presets, an XML mapping.
struct InputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "CSV columns, e.g. id=Ref,unit=Site,date=Date,text=Narrative,text=Actions (each text column is a section).",
        valueName: "key=Column,..."))
    var columns: String?

    @Option(name: .long, help: ArgumentHelp("CSV preset instead of detecting one from the header: nrls, lfpse, steis, datix.", valueName: "name"))
    var csvPreset: String?

    @Option(name: .long, help: ArgumentHelp("YAML file of XPath expressions for XML that is not in the Sift schema.", valueName: "file"))
    var xmlMapping: String?

    func validate() throws {
        if let columns {
            do { _ = try CSVColumnMapping.parse(columns) } catch { throw ValidationError("--columns: \(error.description)") }
        }
        if let csvPreset, CSVPreset.named(csvPreset) == nil {
            throw ValidationError("--csv-preset: unknown preset '\(csvPreset)' (known: \(CSVPreset.all.map(\.name).joined(separator: ", ")))")
        }
    }

    var recorded: [String] {
        (columns.map { ["--columns", $0] } ?? []) + (csvPreset.map { ["--csv-preset", $0] } ?? []) + (xmlMapping.map { ["--xml-mapping", $0] } ?? [])
    }

    /// The ingest options; an invalid XML mapping file is fatal (exit 2) with its line.
    func ingestOptions() throws -> IngestOptions {
        var options = IngestOptions()
        options.csvColumns = try columns.map { try CSVColumnMapping.parse($0) }
        options.csvPreset = csvPreset.flatMap(CSVPreset.named)
        if let xmlMapping {
            do {
                options.xmlMapping = try XMLMapping.load(path: xmlMapping)
            } catch {
                Terminal.error(error.description)
                throw ExitCode(2)
            }
        }
        return options
    }
}
