import ArgumentParser
import Foundation
import SiftKit

struct GenerateCorpus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-corpus",
        abstract: "Write a deterministic corpus of invented SI reports (text, Sift XML, Datix-style CSV) for benchmarks.",
        discussion: """
        The same --seed and --count give byte-identical files. Reports are spread over the formats in turn; text and XML \
        reports are one file each (1,000 per folder), CSV reports are rows of csv/datix-NNNN.csv (10,000 rows per file). \
        About 3 KB per report. A hidden .sift-corpus.json lists what was written.
        """)

    @Option(name: .long, help: "Number of reports.")
    var count: Int

    @Option(name: .long, help: "Seed (the same seed gives the same corpus).")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Output folder (created if needed).")
    var out: String

    @Option(name: .long, help: "Formats, comma-separated: txt, xml, csv.")
    var formats: String = "txt,xml,csv"

    func validate() throws {
        if count < 0 { throw ValidationError("--count must be 0 or more") }
        if CorpusFormat.list(formats) == nil { throw ValidationError("--formats: expected a comma-separated list of txt, xml, csv") }
    }

    func run() throws {
        let generator = CorpusGenerator(seed: seed, formats: CorpusFormat.list(formats)!)
        let started = Date()
        let manifest: CorpusManifest
        do {
            manifest = try generator.write(count: count, to: out)
        } catch {
            Terminal.error("sift: cannot write the corpus to \(out): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        let perFormat = manifest.formats.map { "\(manifest.reports[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        Terminal.error(String(format: "sift: %d reports (%@) in %d files, %.1f MB, written to %@ in %.1f s",
                              manifest.count, perFormat, manifest.files.count, Double(manifest.bytes) / 1e6, out, Date().timeIntervalSince(started)))
    }
}
