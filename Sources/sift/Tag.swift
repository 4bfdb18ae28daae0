import ArgumentParser
import Foundation
import SiftKit

struct Tag: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one report's sections, findings, spans and context modifiers.")

    @OptionGroup var lexiconOptions: LexiconOptions

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var privacy: PrivacyOptions

    @Argument(help: "A report file (.txt, .md or .xml).")
    var file: String

    func run() throws {
        let lexicon = try lexiconOptions.load()
        privacy.warnIfOff()
        let pipeline = Pipeline(lexicon: lexicon, threads: 1, redactor: try privacy.redactor())
        let ingested = pipeline.registry.ingest(path: file)
        for diagnostic in ingested.diagnostics { Terminal.error(diagnostic.description) }
        guard !ingested.documents.isEmpty else { throw ExitCode(1) }
        let analyses = ingested.documents.map { pipeline.analyze($0) }
        if json {
            Terminal.out(try ReportView.json(analyses))
        } else {
            for analysis in analyses { Terminal.out(ReportView.text(analysis)) }
        }
        for analysis in analyses { for diagnostic in analysis.diagnostics { Terminal.error(diagnostic.description) } }
        if ingested.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}
