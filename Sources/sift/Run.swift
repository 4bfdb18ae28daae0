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

    func run() throws {
        let lexicon = try lexiconOptions.load()
        let pipeline = Pipeline(lexicon: lexicon, registry: IngestRegistry(options: try inputOptions.ingestOptions()), threads: threads)
        let result = pipeline.run(paths: paths)
        // The command as given (no program path, no timestamps) so that the summary says how it was made
        // and stays byte-identical for identical inputs.
        let options = SummaryOptions(command: Array(CommandLine.arguments.dropFirst()), evidencePerFactor: evidence,
                                     disclosure: Disclosure(share: share, threshold: suppressBelow),
                                     baseline: baseline.flatMap(DatePeriod.init(parsing:)), followUp: followUp.flatMap(DatePeriod.init(parsing:)))
        let summary = RunSummary(result: result, lexicon: lexicon, options: options)
        var files: [(name: String, contents: String)] = []
        do {
            for chosen in OutputFormat.allCases where format.contains(chosen) {
                switch chosen {
                case .md: files.append(("summary.md", MarkdownRenderer(evidencePerFactor: evidence).render(summary, lexicon: lexicon)))
                case .json: files.append(("summary.json", try JSONRenderer().render(summary)))
                case .csv:
                    files.append(("factor_counts.csv", try CSVRenderer().renderFactorCounts(summary)))
                    // Row-level findings would let a reader rebuild the suppressed counts.
                    if !share { files.append(("findings.csv", try CSVRenderer().render(summary))) }
                case .html: files.append(("summary.html", HTMLRenderer().render(summary)))
                }
            }
            try OutputWriter(directory: out).write(files)
        } catch {
            Terminal.error("sift: cannot write output to \(out): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        for diagnostic in result.diagnostics where diagnostic.severity == .error || !quiet {
            Terminal.error(diagnostic.description)
        }
        if !quiet {
            let skipped = summary.skippedInputs.count
            Terminal.error("sift: \(summary.reports.count) reports from \(summary.processedCount) files, \(skipped) skipped; summary written to \(out)/\(files.first?.name ?? "")")
        }
        if result.hasFailures { throw ExitCode(1) }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case md, json, csv, html
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
