import ArgumentParser
import Foundation
import SiftKit

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read SI reports from files and folders, tag them and write the summary.",
        discussion: "Writes summary.md, summary.json and findings.csv (as chosen by --format) atomically into --out.")

    @OptionGroup var lexiconOptions: LexiconOptions

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String = "sift-report"

    @Option(name: .long, parsing: .upToNextOption, help: "Output formats: md, json, csv (default: all).")
    var format: [OutputFormat] = OutputFormat.allCases

    @Option(name: .long, help: "Worker threads (default: one per core).")
    var threads: Int = 0

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Argument(help: "Report files or folders (.txt, .md, .xml).")
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder") }
        if threads < 0 { throw ValidationError("--threads must be 0 (one per core) or more") }
    }

    func run() throws {
        let lexicon = try lexiconOptions.load()
        let pipeline = Pipeline(lexicon: lexicon, threads: threads)
        let result = pipeline.run(paths: paths)
        let summary = RunSummary(result: result, lexicon: lexicon)
        var files: [(name: String, contents: String)] = []
        do {
            for chosen in OutputFormat.allCases where format.contains(chosen) {
                switch chosen {
                case .md: files.append(("summary.md", MarkdownRenderer().render(summary, lexicon: lexicon)))
                case .json: files.append(("summary.json", try JSONRenderer().render(summary)))
                case .csv: files.append(("findings.csv", try CSVRenderer().render(summary)))
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
    case md, json, csv
}
