import ArgumentParser
import Foundation
import SiftKit

struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure lexicon load, each stage's throughput, the end-to-end run, peak memory, and grep / ripgrep on the same files.",
        discussion: """
        Give --count N to generate a corpus of N invented reports in a temporary folder (removed afterwards), or --corpus DIR \
        to measure an existing folder. Measure with a release build (swift build -c release); a debug build says so. \
        See docs/BENCHMARK.md for what each figure means.
        """)

    @Option(name: .long, help: "Generate this many reports (default 10000 when --corpus is not given).")
    var count: Int?

    @Option(name: .long, help: "Measure the reports in this folder instead of generating them.")
    var corpus: String?

    @Option(name: .long, help: "Seed for the generated corpus.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Worker threads for the end-to-end run (default: one per core).")
    var threads: Int = 0

    @Option(name: .long, help: "Lexicon YAML file or folder (default: $SIFT_LEXICON, else Lexicons/default).")
    var lexicon: String?

    @Option(name: .long, parsing: .upToNextOption, help: "What to measure: lexicon, e2e, stages, tools (default: all).")
    var only: [String] = []

    @Flag(name: .long, help: "Leave grep and ripgrep out.")
    var noTools = false

    @Option(name: .long, help: "Seconds after which a grep or ripgrep run is stopped.")
    var toolTimeout: Double = 600

    @Flag(name: .long, help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        if count != nil && corpus != nil { throw ValidationError("give --count or --corpus, not both") }
        if let count, count < 1 { throw ValidationError("--count must be 1 or more") }
        if threads < 0 { throw ValidationError("--threads must be 0 (one per core) or more") }
        for part in only where !SiftKit.Benchmark.allParts.contains(part) {
            throw ValidationError("--only: unknown part '\(part)' (known: \(SiftKit.Benchmark.allParts.sorted().joined(separator: ", ")))")
        }
    }

    func run() throws {
        #if DEBUG
        let build = "debug"
        Terminal.error("sift: warning: this is a debug build; figures are not representative (build with: swift build -c release)")
        #else
        let build = "release"
        #endif
        let lexiconPath = lexicon ?? LexiconLocator.defaultPath()
        var folder = corpus
        var generated: String? = nil
        if folder == nil {
            let n = count ?? 10_000
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sift-bench-corpus-\(getpid())").path
            let started = Date()
            do {
                let manifest = try CorpusGenerator(seed: seed).write(count: n, to: path)
                Terminal.error(String(format: "sift: generated %d reports (%.1f MB, seed %llu) in %@ in %.1f s", n, Double(manifest.bytes) / 1e6,
                                      seed, path, Date().timeIntervalSince(started)))
            } catch {
                Terminal.error("sift: cannot generate the corpus in \(path): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            folder = path
            generated = path
        }
        defer { if let generated { try? FileManager.default.removeItem(atPath: generated) } }
        let options = SiftKit.Benchmark.Options(
            corpus: folder!, lexiconPath: lexiconPath, threads: threads, compareTools: !noTools, toolTimeout: toolTimeout,
            parts: only.isEmpty ? SiftKit.Benchmark.allParts : Set(only), log: { Terminal.error("sift: " + $0) })
        let report: SiftKit.Benchmark.Report
        do {
            report = try SiftKit.Benchmark(options: options).run(build: build)
        } catch let error as LexiconLoadError {
            Terminal.error(error.description)
            throw ExitCode(2)
        } catch let error as SiftKit.Benchmark.CorpusError {
            Terminal.error("sift: cannot benchmark: \(error)")
            throw ExitCode(2)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Terminal.out(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
        } else {
            Terminal.out(BenchmarkText.render(report))
        }
    }
}

/// The benchmark figures as a plain-text table.
enum BenchmarkText {
    static func render(_ r: SiftKit.Benchmark.Report) -> String {
        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        var out = "Sift \(r.siftVersion) benchmark (\(r.build) build), \(r.date), \(r.cores) cores\n"
        out += "corpus: \(r.corpus): \(r.files) files, \(r.reports) reports, \(f(Double(r.bytes) / 1e6)) MB on disk, \(f(Double(r.textBytes) / 1e6)) MB of report text\n"
        if let l = r.lexicon {
            out += "\nlexicon \(l.path): \(l.targets) target, \(l.contextRules) context, \(l.sectionRules) section rules\n"
            out += "  load (YAML, validation, compile, JIT): \(f(l.loadBestSeconds * 1e3)) ms best of 3, \(f(l.loadFirstSeconds * 1e3)) ms first\n"
            out += "  compile every pattern: \(f(l.compileWithJITSeconds * 1e3)) ms with JIT, \(f(l.compileWithoutJITSeconds * 1e3)) ms without; JIT \(f(l.jitSeconds * 1e3)) ms (\(l.jitCompiled) patterns JIT-compiled)\n"
            out += "  prefilter: \(f(l.prefilterSeconds * 1e3)) ms to build on one core (during the load, alongside the JIT); \(l.prefilterLiterals) literals, \(l.prefilterStates) automaton states; \(l.prefilteredRules) rules can be skipped\n"
            out += "  ready to tag (load + making a tagger): \(f((l.loadBestSeconds + l.taggerSeconds) * 1e3)) ms\n"
        }
        if !r.stages.isEmpty {
            out += "\nstage       threads   seconds    MB/s   text MB/s   reports/s   CPU s   MB per CPU s\n"
            for s in r.stages {
                let name = s.stage.padding(toLength: 10, withPad: " ", startingAt: 0)
                out += "\(name)  \(String(s.threads).leftPad(7))  \(f(s.seconds, 2).leftPad(8))  \(f(s.mbPerSecond).leftPad(6))  \((s.textMBPerSecond > 0 ? f(s.textMBPerSecond) : "-").leftPad(10))  \(f(s.reportsPerSecond, 0).leftPad(10))  \(f(s.cpuSeconds, 2).leftPad(6))  \(f(s.cpuMBPerSecond).leftPad(13))\n"
            }
        }
        if let e = r.endToEnd {
            out += "\nend to end (Pipeline.run + RunSummary), \(e.threads) threads: \(f(e.seconds, 2)) s (run \(f(e.runSeconds, 2)) s, summary \(f(e.summarySeconds, 2)) s; \(f(e.cpuSeconds, 2)) CPU s), "
            out += "\(f(e.mbPerSecond)) MB/s, \(f(e.reportsPerSecond, 0)) reports/s; \(e.reports) reports, \(e.countedFindings) counted findings, \(e.errors) errors\n"
            if let peak = e.peakRSSMiB { out += "peak RSS during the run: \(f(peak, 0)) MiB\n" }
        }
        if let peak = r.peakRSSMiB { out += "peak RSS of the benchmark process: \(f(peak, 0)) MiB\n" }
        if !r.tools.isEmpty {
            out += "\ntool         patterns (skipped)   seconds   matching lines   Sift tag time / tool time   (CPU time ratio)\n"
            for t in r.tools {
                let name = t.tool.padding(toLength: 11, withPad: " ", startingAt: 0)
                let seconds = t.seconds.map { f($0, 2) } ?? "-"
                let lines = t.matchingLines.map(String.init) ?? "-"
                let ratio = t.siftTagRatio.map { f($0, 2) + "x" } ?? "-"
                let cpuRatio = t.siftTagCPURatio.map { f($0, 2) + "x" } ?? "-"
                out += "\(name)  \("\(t.patternsUsed) (\(t.patternsSkipped))".leftPad(17))  \(seconds.leftPad(8))  \(lines.leftPad(15))  \(ratio.leftPad(26))  \(cpuRatio.leftPad(16))"
                if t.seconds == nil, let note = t.note { out += "  \(note)" }
                out += "\n"
            }
            for t in r.tools where t.seconds != nil { if !t.command.isEmpty { out += "  \(t.tool): \(t.command)\n" } }
        }
        return out
    }
}

private extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
