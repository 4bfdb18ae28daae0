import Dispatch
import Foundation
import SiftPCRE2

/// Measures Sift on a corpus: lexicon load and JIT compile, each stage on one thread, the whole run on
/// every core, peak memory, and grep / ripgrep over the same files with the lexicon's target patterns.
public struct Benchmark {
    public struct Options: Sendable {
        public var corpus: String
        public var lexiconPath: String
        /// Workers for the end-to-end run; 0 means one per core.
        public var threads: Int
        /// Run grep and ripgrep for comparison.
        public var compareTools: Bool
        /// A tool still running after this many seconds is stopped and reported as timed out.
        public var toolTimeout: Double
        /// Stages to measure: any of `lexicon`, `e2e`, `stages`, `tools`.
        public var parts: Set<String>
        /// Progress lines on standard error.
        public var log: (@Sendable (String) -> Void)?

        public init(corpus: String, lexiconPath: String, threads: Int = 0, compareTools: Bool = true, toolTimeout: Double = 600,
                    parts: Set<String> = Benchmark.allParts, log: (@Sendable (String) -> Void)? = nil) {
            self.corpus = corpus
            self.lexiconPath = lexiconPath
            self.threads = threads
            self.compareTools = compareTools
            self.toolTimeout = toolTimeout
            self.parts = parts
            self.log = log
        }
    }

    public static let allParts: Set<String> = ["lexicon", "e2e", "stages", "tools"]

    public struct LexiconTiming: Sendable, Codable {
        public var path: String
        public var targets: Int
        public var contextRules: Int
        public var sectionRules: Int
        /// `LexiconLoader.load` (read YAML, validate, compile and JIT-compile every pattern): first call, and best of the repeats.
        public var loadFirstSeconds: Double
        public var loadBestSeconds: Double
        /// Compiling every pattern again with JIT, and without (PCRE2 interpreter only); JIT = the difference.
        public var compileWithJITSeconds: Double
        public var compileWithoutJITSeconds: Double
        public var jitSeconds: Double
        /// Patterns the JIT accepted.
        public var jitCompiled: Int
        /// Building the tagger's literal prefilter from the extracted literals (index and Aho-Corasick
        /// automaton) on one thread, best of the repeats. The loader does this alongside the JIT, so it is
        /// part of the load time already.
        public var prefilterSeconds: Double
        /// Making a tagger from the loaded lexicon, best of the repeats; load + this is the time before the
        /// first report can be tagged.
        public var taggerSeconds: Double
        /// Distinct literals the prefilter scans for, and the automaton's states.
        public var prefilterLiterals: Int
        public var prefilterStates: Int
        /// Rules the prefilter can skip (they have at least one clause of required literals), of all target and context rules.
        public var prefilteredRules: Int
    }

    public struct StageTiming: Sendable, Codable {
        public var stage: String
        public var threads: Int
        public var seconds: Double
        /// CPU time of the measuring thread: the figure to use when other work shares the machine.
        public var cpuSeconds: Double
        /// Corpus bytes on disk per CPU second (per core).
        public var cpuMBPerSecond: Double
        /// Corpus bytes on disk per second (10^6 bytes).
        public var mbPerSecond: Double
        /// Report text bytes per second (text after ingest: XML markup and CSV quoting removed).
        public var textMBPerSecond: Double
        public var reportsPerSecond: Double
    }

    public struct EndToEnd: Sendable, Codable {
        public var threads: Int
        /// `Pipeline.run` (walk, ingest, segment, tag, in parallel).
        public var runSeconds: Double
        /// `RunSummary` over the result.
        public var summarySeconds: Double
        public var seconds: Double
        /// CPU time of the whole process (every thread) during the run and summary.
        public var cpuSeconds: Double
        public var mbPerSecond: Double
        public var reportsPerSecond: Double
        /// Peak resident memory during the run (VmHWM after a reset, MiB).
        public var peakRSSMiB: Double?
        public var reports: Int
        public var countedFindings: Int
        public var errors: Int
    }

    public struct ToolRun: Sendable, Codable {
        public var tool: String
        public var command: String
        public var available: Bool
        public var patternsUsed: Int
        public var patternsSkipped: Int
        public var seconds: Double?
        /// CPU time (user + system) of the tool process.
        public var cpuSeconds: Double?
        /// Sum of the per-file counts of matching lines.
        public var matchingLines: Int?
        /// Sift's tag-stage time (one thread) over this tool's time: above 1, Sift is slower.
        public var siftTagRatio: Double?
        /// Sift's tag-stage CPU time over the tool's CPU time.
        public var siftTagCPURatio: Double?
        public var note: String?
    }

    public struct Report: Sendable, Codable {
        public var siftVersion: String
        public var build: String
        public var date: String
        public var cores: Int
        public var corpus: String
        public var files: Int
        public var reports: Int
        public var bytes: Int
        public var textBytes: Int
        public var lexicon: LexiconTiming?
        public var stages: [StageTiming]
        public var endToEnd: EndToEnd?
        /// Peak resident memory of the whole benchmark process (VmHWM, MiB).
        public var peakRSSMiB: Double?
        public var tools: [ToolRun]
    }

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// The corpus folder could not be read, or holds nothing to measure.
    public struct CorpusError: Error, CustomStringConvertible {
        public var description: String
    }

    public func run(build: String) throws -> Report {
        let log = options.log ?? { _ in }
        // A corpus that is not there measured nothing and printed "nan" throughputs, with exit status 0.
        guard FileManager.default.fileExists(atPath: options.corpus) else {
            throw CorpusError(description: "\(options.corpus): no such file or folder")
        }
        let (files, problems) = InputWalker().files(for: [options.corpus])
        if let problem = problems.first { throw CorpusError(description: problem.description) }
        if files.isEmpty && !options.parts.subtracting(["lexicon"]).isEmpty {
            throw CorpusError(description: "\(options.corpus): no report files to measure")
        }
        let bytes = files.reduce(0) { $0 + Benchmark.fileSize($1) }
        log("corpus: \(files.count) files, \(String(format: "%.1f", Double(bytes) / 1e6)) MB")

        // Lexicon: load (YAML + validation + compile + JIT), then compile every pattern with and without JIT.
        var loadTimes: [Double] = []
        var lexicon: Lexicon? = nil
        for _ in 0..<(options.parts.contains("lexicon") ? 3 : 1) {
            let start = Benchmark.now()
            lexicon = try LexiconLoader().load(path: options.lexiconPath)
            loadTimes.append(Benchmark.now() - start)
        }
        let lex = lexicon!
        var lexiconTiming: LexiconTiming? = nil
        if options.parts.contains("lexicon") {
            let sources = lex.targets.map { ($0.pattern.source, $0.pattern.options) } + lex.contextRules.map { ($0.trigger.source, $0.trigger.options) }
                + lex.sectionRules.map { ($0.pattern.source, $0.pattern.options) }
            func compileAll(_ extra: Pattern.Options) -> (Double, Int) {
                var best = Double.infinity
                var jitted = 0
                for _ in 0..<3 {
                    let start = Benchmark.now()
                    var compiled: [Pattern] = []
                    compiled.reserveCapacity(sources.count)
                    for (source, options) in sources { if let p = try? Pattern(source, options: options.subtracting(.deferJIT).union(extra)) { compiled.append(p) } }
                    best = min(best, Benchmark.now() - start)
                    jitted = compiled.filter(\.isJITCompiled).count
                }
                return (best, jitted)
            }
            var prefilterBest = Double.infinity, taggerBest = Double.infinity
            var tagger: Tagger? = nil
            for _ in 0..<3 {
                if let known = lex.prefilter {
                    let start = Benchmark.now()
                    Benchmark.blackHole(PrefilterIndex(sources: known.sources, targetCount: known.targetCount, alternatives: known.alternatives).literalIDs.count)
                    prefilterBest = min(prefilterBest, Benchmark.now() - start)
                }
                let start = Benchmark.now()
                tagger = Tagger(lexicon: lex)
                taggerBest = min(taggerBest, Benchmark.now() - start)
            }
            let prefilter = tagger!.prefilterShape
            let (withJIT, jitted) = compileAll([])
            let (withoutJIT, _) = compileAll(.noJIT)
            lexiconTiming = LexiconTiming(path: options.lexiconPath, targets: lex.targets.count, contextRules: lex.contextRules.count,
                                          sectionRules: lex.sectionRules.count, loadFirstSeconds: loadTimes[0], loadBestSeconds: loadTimes.min()!,
                                          compileWithJITSeconds: withJIT, compileWithoutJITSeconds: withoutJIT,
                                          jitSeconds: max(0, withJIT - withoutJIT), jitCompiled: jitted, prefilterSeconds: prefilterBest, taggerSeconds: taggerBest,
                                          prefilterLiterals: prefilter.literals, prefilterStates: prefilter.states, prefilteredRules: prefilter.rules)
            log(String(format: "lexicon: load %.1f ms (first %.1f ms); compile %.1f ms with JIT, %.1f ms without; prefilter %.1f ms",
                       loadTimes.min()! * 1e3, loadTimes[0] * 1e3, withJIT * 1e3, withoutJIT * 1e3, prefilterBest * 1e3))
        }

        var reports = 0
        var textBytes = 0
        var stages: [StageTiming] = []
        var endToEnd: EndToEnd? = nil

        // End to end on every core first, so that its peak memory is not the single-thread stages'.
        if options.parts.contains("e2e") {
            let pipeline = Pipeline(lexicon: lex, threads: options.threads)
            Benchmark.resetPeakRSS()
            let cpuStart = Benchmark.processCPU()
            let start = Benchmark.now()
            let result = pipeline.run(paths: [options.corpus])
            let ran = Benchmark.now()
            let summary = RunSummary(result: result, lexicon: lex, options: SummaryOptions(command: ["benchmark"]))
            let done = Benchmark.now()
            let cpu = Benchmark.processCPU() - cpuStart
            let peak = Benchmark.peakRSSMiB()
            let seconds = done - start
            reports = result.reports.count
            let counted = result.reports.reduce(0) { $0 + $1.findings.filter(\.isCounted).count }
            endToEnd = EndToEnd(threads: ConcurrentMap.workers(options.threads), runSeconds: ran - start, summarySeconds: done - ran, seconds: seconds, cpuSeconds: cpu,
                                mbPerSecond: Double(bytes) / 1e6 / seconds, reportsPerSecond: Double(result.reports.count) / seconds,
                                peakRSSMiB: peak, reports: result.reports.count, countedFindings: counted,
                                errors: result.diagnostics.filter { $0.severity == .error }.count)
            log(String(format: "end to end (%d threads): %.2f s (%.2f CPU s), %.1f MB/s, %.0f reports/s, peak RSS %.0f MiB",
                       endToEnd!.threads, seconds, cpu, endToEnd!.mbPerSecond, endToEnd!.reportsPerSecond, peak ?? -1))
            // Aggregation alone, on one thread, over the same analyses (again, so it is not measured cold).
            let aggregateStart = Benchmark.now()
            let aggregateCPUStart = Benchmark.threadCPU()
            _ = RunSummary(result: result, lexicon: lex, options: SummaryOptions(command: ["benchmark"]))
            let aggregateSeconds = Benchmark.now() - aggregateStart
            let aggregateCPU = Benchmark.threadCPU() - aggregateCPUStart
            _ = summary
            stages.append(StageTiming(stage: "aggregate", threads: 1, seconds: aggregateSeconds, cpuSeconds: aggregateCPU,
                                      cpuMBPerSecond: Double(bytes) / 1e6 / aggregateCPU, mbPerSecond: Double(bytes) / 1e6 / aggregateSeconds,
                                      textMBPerSecond: 0, reportsPerSecond: Double(reports) / aggregateSeconds))
        }

        // Each stage on one thread, over the same documents, a chunk of files at a time (bounded memory).
        if options.parts.contains("stages") {
            let pipeline = Pipeline(lexicon: lex, threads: 1)
            let registry = IngestRegistry()
            let matchData = MatchData()
            var ingestTime = 0.0, segmentTime = 0.0, tagTime = 0.0, analyzeTime = 0.0
            var ingestCPU = 0.0, segmentCPU = 0.0, tagCPU = 0.0, analyzeCPU = 0.0
            var stageReports = 0
            var chunk: [String] = []
            var chunkBytes = 0
            func flush() {
                guard !chunk.isEmpty else { return }
                var t = Benchmark.now()
                var c = Benchmark.threadCPU()
                var documents: [Document] = []
                for file in chunk { documents += registry.ingest(path: file).documents }
                ingestTime += Benchmark.now() - t
                ingestCPU += Benchmark.threadCPU() - c
                stageReports += documents.count
                textBytes += documents.reduce(0) { $0 + $1.text.utf8.count }
                t = Benchmark.now()
                c = Benchmark.threadCPU()
                let segmented = documents.map { pipeline.segment($0, matchData: matchData) }
                segmentTime += Benchmark.now() - t
                segmentCPU += Benchmark.threadCPU() - c
                t = Benchmark.now()
                c = Benchmark.threadCPU()
                var found = 0
                for document in segmented { found &+= pipeline.tagger.tag(document, matchData: matchData).findings.count }
                tagTime += Benchmark.now() - t
                tagCPU += Benchmark.threadCPU() - c
                t = Benchmark.now()
                c = Benchmark.threadCPU()
                for document in documents { found &+= pipeline.analyze(document, matchData: matchData).findings.count }
                analyzeTime += Benchmark.now() - t
                analyzeCPU += Benchmark.threadCPU() - c
                Benchmark.blackHole(found)
                chunk.removeAll()
                chunkBytes = 0
            }
            for file in files {
                chunk.append(file)
                chunkBytes += Benchmark.fileSize(file)
                if chunkBytes >= 16 << 20 { flush() }
            }
            flush()
            reports = max(reports, stageReports)
            let text = Double(textBytes) / 1e6
            for (name, seconds, cpu) in [("ingest", ingestTime, ingestCPU), ("segment", segmentTime, segmentCPU), ("tag", tagTime, tagCPU),
                                         ("analyze", analyzeTime, analyzeCPU)] {
                stages.append(StageTiming(stage: name, threads: 1, seconds: seconds, cpuSeconds: cpu, cpuMBPerSecond: Double(bytes) / 1e6 / cpu, mbPerSecond: Double(bytes) / 1e6 / seconds,
                                          textMBPerSecond: text / seconds, reportsPerSecond: Double(stageReports) / seconds))
                log(String(format: "%@ (1 thread): %.2f s, %.1f MB/s (%.1f MB/s of text), %.0f reports/s; %.2f CPU s, %.1f MB per CPU s", name, seconds,
                           Double(bytes) / 1e6 / seconds, text / seconds, Double(stageReports) / seconds, cpu, Double(bytes) / 1e6 / cpu))
            }
            let order = ["ingest", "segment", "tag", "analyze", "aggregate"]
            stages.sort { order.firstIndex(of: $0.stage)! < order.firstIndex(of: $1.stage)! }
        }

        var tools: [ToolRun] = []
        if options.parts.contains("tools") && options.compareTools {
            let tag = stages.first { $0.stage == "tag" }
            tools = ToolComparison(lexicon: lex, corpus: options.corpus, timeout: options.toolTimeout, threads: ConcurrentMap.workers(options.threads),
                                   log: log).run(siftTagSeconds: tag?.seconds, siftTagCPUSeconds: tag?.cpuSeconds)
        }

        return Report(siftVersion: Sift.version, build: build, date: ISO8601DateFormatter().string(from: Date()),
                      cores: ConcurrentMap.workers(0), corpus: options.corpus, files: files.count, reports: reports, bytes: bytes,
                      textBytes: textBytes, lexicon: lexiconTiming, stages: stages, endToEnd: endToEnd,
                      peakRSSMiB: Benchmark.peakRSSMiB(resetFirst: false), tools: tools)
    }

    // MARK: - Measuring

    /// Monotonic seconds.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// CPU seconds of the calling thread.
    static func threadCPU() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// CPU seconds (user + system) of this process, or of its reaped children.
    static func processCPU(children: Bool = false) -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(children ? RUSAGE_CHILDREN : RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Peak resident set size of this process (VmHWM in /proc/self/status), MiB; nil where there is no /proc.
    public static func peakRSSMiB(resetFirst: Bool = false) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.dropFirst(6).filter(\.isNumber)
            return Double(String(digits)).map { $0 / 1024 }
        }
        return nil
    }

    /// Resets the peak to the current resident size (Linux: write 5 to /proc/self/clear_refs); ignored elsewhere.
    static func resetPeakRSS() {
        if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            handle.write(Data("5".utf8))
            try? handle.close()
        }
    }

    /// Keeps a value alive so that the optimiser cannot drop the work that made it.
    @inline(never) static func blackHole(_ value: Int) {
        if value == Int.min { print("") }
    }
}
