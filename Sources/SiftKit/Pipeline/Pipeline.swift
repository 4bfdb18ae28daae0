import Dispatch
import Foundation
import SiftPCRE2

/// One report after every stage: sections, sentences, findings and the factors that count.
public struct ReportAnalysis: Sendable {
    public var document: Document
    public var sections: [Section]
    public var sentenceCount: Int
    public var findings: [Finding]
    /// Factor ids with at least one counted finding, in taxonomy order.
    public var factors: [String]
    public var diagnostics: [Diagnostic]

    public var id: String { document.id }
}

/// What happened to one input file.
public struct InputRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable { case processed, skipped }
    public var file: String
    public var status: Status
    /// How many reports were read from it.
    public var reports: Int
    /// Why it was skipped (first error), when it was.
    public var reason: String?
}

/// The outcome of a run: every input accounted for, every report analysed.
public struct RunResult: Sendable {
    public var inputs: [InputRecord]
    public var reports: [ReportAnalysis]
    /// Every diagnostic, in input order.
    public var diagnostics: [Diagnostic]
    /// True when any input was skipped or produced an error.
    public var hasFailures: Bool { inputs.contains { $0.status == .skipped } || diagnostics.contains { $0.severity == .error } }
}

/// The staged pipeline: ingest, segment, tag. Build once, then call from any thread.
public struct Pipeline: Sendable {
    public let lexicon: Lexicon
    public var registry: IngestRegistry
    public let sectionizer: Sectionizer
    public let splitter: SentenceSplitter
    public let tagger: Tagger
    /// Worker threads for batches; 0 means one per core.
    public var threads: Int

    /// Redacts identifiers in the text findings show (sentences, matched text, triggers, section titles,
    /// metadata other than id, unit and date); nil shows text as written (`--no-redact`).
    public var redactor: Redactor?

    public init(lexicon: Lexicon, registry: IngestRegistry = IngestRegistry(), threads: Int = 0, prefilter: Bool = true,
                redactor: Redactor? = try? Redactor()) {
        self.lexicon = lexicon
        self.registry = registry
        self.sectionizer = Sectionizer(rules: lexicon.sectionRules)
        self.splitter = SentenceSplitter()
        self.tagger = Tagger(lexicon: lexicon, prefilter: prefilter)
        self.threads = threads
        self.redactor = redactor
    }

    /// Replaces identifiers in everything of `analysis` that shows report text. Offsets are unchanged:
    /// spans still point into the original report.
    public func redacted(_ analysis: ReportAnalysis) -> ReportAnalysis {
        guard let redactor else { return analysis }
        var result = analysis
        let names = redactor.knownNames(in: analysis.document.text)
        // Sentence by sentence; when a sentence holds no identifier, neither do its matches and triggers.
        var cache: [Int: (text: String, changed: Bool)] = [:]
        for index in result.findings.indices {
            let sentenceIndex = result.findings[index].sentenceIndex
            let done: (text: String, changed: Bool)
            if let cached = cache[sentenceIndex] {
                done = cached
            } else {
                let original = result.findings[index].sentence
                let text = redactor.redact(original, knownNames: names)
                done = (text, text != original)
                cache[sentenceIndex] = done
            }
            result.findings[index].sentence = done.text
            guard done.changed else { continue }
            result.findings[index].matchedText = redactor.redact(result.findings[index].matchedText, knownNames: names)
            for m in result.findings[index].modifiers.indices {
                result.findings[index].modifiers[m].trigger = redactor.redact(result.findings[index].modifiers[m].trigger, knownNames: names)
            }
        }
        for index in result.sections.indices {
            result.sections[index].title = redactor.redact(result.sections[index].title, knownNames: names)
        }
        let kept: Set<String> = ["id", "unit", "date", "row", "csv_preset"]
        result.document.metadata = result.document.metadata.map { entry in
            kept.contains(entry.key) ? entry : (entry.key, redactor.redact(entry.value, knownNames: names))
        }
        return result
    }

    /// Splits a document into sections and sentences.
    public func segment(_ document: Document, matchData: MatchData) -> SegmentedDocument {
        let sections = sectionizer.sections(of: document, matchData: matchData)
        let bytes = Array(document.text.utf8)
        var sentences: [Sentence] = []
        for (index, section) in sections.enumerated() {
            for range in splitter.sentences(in: bytes, range: section.bodyRange) {
                sentences.append(Sentence(range: range, sectionIndex: index))
            }
        }
        return SegmentedDocument(document: document, sections: sections, sentences: sentences)
    }

    /// Segments and tags one document.
    public func analyze(_ document: Document, matchData: MatchData = MatchData()) -> ReportAnalysis {
        let segmented = segment(document, matchData: matchData)
        let (findings, diagnostics) = tagger.tag(segmented, matchData: matchData)
        let counted = Set(findings.filter(\.isCounted).map(\.factor))
        var extra = diagnostics
        if segmented.sections.allSatisfy({ $0.category == "preamble" || $0.category == "other" }) && document.declaredSections.isEmpty
            && segmented.sentences.count > 3 {
            extra.append(Diagnostic(.warning, file: document.source, code: "no-sections",
                                    "report \(document.id): no recognisable section headings; read as one section"))
        }
        if segmented.sentences.isEmpty {
            extra.append(Diagnostic(.warning, file: document.source, code: "empty-report", "report \(document.id): no text to tag"))
        }
        return redacted(ReportAnalysis(document: document, sections: segmented.sections, sentenceCount: segmented.sentences.count,
                                       findings: findings, factors: Taxonomy.factorIDs.filter(counted.contains), diagnostics: extra))
    }

    /// Reads and analyses every input under `paths` and keeps every analysis in memory: for tests, the
    /// workbench and small batches. Large runs use ``stream(paths:excluding:onInput:onReport:)``.
    public func run(paths: [String], excluding: Set<String> = []) -> RunResult {
        var inputs: [InputRecord] = []
        var reports: [ReportAnalysis] = []
        var diagnostics: [Diagnostic] = []
        var ids = ReportIDs()
        stream(paths: paths, excluding: excluding, onInput: { record, found in
            inputs.append(record)
            diagnostics += found
        }, onReport: { _, analysis in
            var analysis = analysis
            let (id, duplicate) = ids.claim(analysis.id, source: analysis.document.source)
            if let duplicate {
                diagnostics.append(duplicate)
                analysis.document.id = id
                for index in analysis.findings.indices { analysis.findings[index].reportID = id }
            }
            reports.append(analysis)
        })
        inputs.sort { Array($0.file.utf8).lexicographicallyPrecedes(Array($1.file.utf8)) }
        return RunResult(inputs: inputs, reports: reports, diagnostics: diagnostics)
    }

    /// Files larger than this (and every streaming format, such as CSV) are read a record at a time on the
    /// calling thread, with their reports analysed in parallel batches; smaller files are read and analysed
    /// whole by the workers.
    static let streamingThreshold = 8 << 20

    /// Reads and analyses every input under `paths`, handing each report to `onReport` in input order
    /// (files by byte order of their paths, then position in the file) on the calling thread, and each
    /// input's record and diagnostics to `onInput` once all its reports are handed over. Memory is bounded
    /// by a window of files and batches, not by the size of the corpus.
    ///
    /// - Complexity: O(total input size × rules), spread over ``threads`` workers.
    public func stream(paths: [String], excluding: Set<String> = [], progress: RunProgress? = nil,
                       onInput: (InputRecord, [Diagnostic]) -> Void, onReport: (ReportKey, ReportAnalysis) -> Void) {
        let (files, walkDiagnostics) = InputWalker().files(for: paths, excluding: excluding)
        for diagnostic in walkDiagnostics {
            onInput(InputRecord(file: diagnostic.file, status: .skipped, reports: 0, reason: diagnostic.message), [diagnostic])
        }
        let workers = ConcurrentMap.workers(threads)
        let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? NSNumber)?.intValue ?? 0 }
        progress?.start(totalBytes: sizes.reduce(0, +))

        func record(_ file: String, reports: Int, diagnostics: [Diagnostic]) {
            let record: InputRecord
            if reports == 0 {
                let reason = diagnostics.first { $0.severity == .error }?.message ?? "no report found"
                record = InputRecord(file: file, status: .skipped, reports: 0, reason: reason)
            } else {
                record = InputRecord(file: file, status: .processed, reports: reports, reason: nil)
            }
            onInput(record, diagnostics)
        }

        // A producer thread reads inputs and submits units of work (a small file, read and analysed whole;
        // or a batch of reports from a large or streaming file, which only it reads, in order); worker
        // threads analyse; this thread hands results over in submission order. At most `capacity` units
        // are in flight, so memory is bounded and no stage waits for another to drain.
        let pool = OrderedWorkPool<StreamUnit>(workers: workers, capacity: 4 * workers)
        let producer = Thread { [self] in
            for (fileIndex, file) in files.enumerated() {
                if sizes[fileIndex] > Pipeline.streamingThreshold || registry.streams(path: file) {
                    var batch: [Document] = []
                    var found: [Diagnostic] = []
                    // Progress is counted in bytes of the file, as the total is: each batch's report text (no
                    // more than the file has left), and the rest of the file with the last batch. Counting only
                    // the text left the bar short of 100% at the end of every CSV export.
                    var counted = 0
                    func submit(last: Bool) {
                        let documents = batch, diagnostics = found
                        let left = max(0, sizes[fileIndex] - counted)
                        let bytes = last ? left : min(left, documents.reduce(0) { $0 + $1.text.utf8.count })
                        counted += bytes
                        pool.submit {
                            let matchData = MatchData()
                            return StreamUnit(fileIndex: fileIndex, ingestDiagnostics: diagnostics,
                                              analyses: documents.map { analyze($0, matchData: matchData) },
                                              bytes: bytes, lastOfFile: last, streamed: true)
                        }
                        batch.removeAll(keepingCapacity: true)
                        found.removeAll()
                    }
                    registry.ingest(path: file) { event in
                        switch event {
                        case .document(let document):
                            batch.append(document)
                            if batch.count >= 64 { submit(last: false) }
                        case .diagnostic(let diagnostic):
                            found.append(diagnostic)
                        }
                    }
                    submit(last: true)
                } else {
                    let size = sizes[fileIndex]
                    pool.submit {
                        var diagnostics: [Diagnostic] = []
                        var analyses: [ReportAnalysis] = []
                        let matchData = MatchData()
                        registry.ingest(path: file) { event in
                            switch event {
                            case .document(let document): analyses.append(analyze(document, matchData: matchData))
                            case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
                            }
                        }
                        return StreamUnit(fileIndex: fileIndex, ingestDiagnostics: diagnostics, analyses: analyses, bytes: size,
                                          lastOfFile: true, streamed: false)
                    }
                }
            }
            pool.close()
        }
        producer.start()
        // Reports handed over so far from the current file, and its diagnostics in the order they arose.
        var count = 0
        var diagnostics: [Diagnostic] = []
        while let unit = pool.next() {
            let file = files[unit.fileIndex]
            diagnostics += unit.ingestDiagnostics
            for analysis in unit.analyses {
                onReport(ReportKey(source: file, index: count), analysis)
                count += 1
                if unit.streamed { diagnostics += analysis.diagnostics }
            }
            if !unit.streamed { diagnostics += unit.analyses.flatMap(\.diagnostics) }
            progress?.advance(reports: unit.analyses.count, bytes: unit.bytes)
            if unit.lastOfFile {
                record(file, reports: count, diagnostics: diagnostics)
                count = 0
                diagnostics = []
            }
        }
        progress?.finish()
    }
}

/// What a worker hands back: the reports of one small file, or of one batch of a large or streaming file.
struct StreamUnit: Sendable {
    var fileIndex: Int
    /// Diagnostics from reading (for a batch: those raised while it was read).
    var ingestDiagnostics: [Diagnostic]
    var analyses: [ReportAnalysis]
    /// Bytes of input it stands for, for the progress line.
    var bytes: Int
    var lastOfFile: Bool
    var streamed: Bool
}

/// Runs submitted jobs on a fixed set of worker threads and hands their results back in submission
/// order. `submit` blocks while `capacity` results are unconsumed, which bounds memory.
final class OrderedWorkPool<Result: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Queued jobs from `jobHead` on; a taken job's slot is emptied at once, so that what it captured
    /// (a batch of documents) is freed when the job ends, not when the queue is next compacted.
    private var jobs: [(Int, @Sendable () -> Result)?] = []
    private var jobHead = 0
    private var results: [Int: Result] = [:]
    private var submitted = 0
    private var consumed = 0
    private var closed = false
    private let capacity: Int

    init(workers: Int, capacity: Int) {
        self.capacity = max(1, capacity)
        for _ in 0..<max(1, workers) {
            let thread = Thread { [self] in work() }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func work() {
        while true {
            condition.lock()
            while jobHead == jobs.count && !closed { condition.wait() }
            if jobHead == jobs.count {
                condition.unlock()
                return
            }
            let (number, job) = jobs[jobHead]!
            jobs[jobHead] = nil
            jobHead += 1
            if jobHead > 1024 { jobs.removeFirst(jobHead); jobHead = 0 }
            condition.unlock()
            let result = job()
            condition.lock()
            results[number] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Queues a job; waits while `capacity` jobs are queued, running or unconsumed.
    func submit(_ job: @escaping @Sendable () -> Result) {
        condition.lock()
        while submitted - consumed >= capacity { condition.wait() }
        jobs.append((submitted, job))
        submitted += 1
        condition.broadcast()
        condition.unlock()
    }

    /// No more jobs: workers stop once the queue is empty.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next result in submission order, waiting for it; nil once closed and all results are consumed.
    func next() -> Result? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let result = results.removeValue(forKey: consumed) {
                consumed += 1
                condition.broadcast()
                return result
            }
            if closed && consumed == submitted { return nil }
            condition.wait()
        }
    }
}

/// Where a report sits in a run: its file and its position in the file. Runs, shards and merged summaries
/// all order reports by this key, so the order never depends on threads or on how inputs were sharded.
public struct ReportKey: Sendable, Hashable, Codable, Comparable {
    public var source: String
    public var index: Int
    public init(source: String, index: Int) {
        self.source = source
        self.index = index
    }
    public static func < (lhs: ReportKey, rhs: ReportKey) -> Bool {
        if lhs.source != rhs.source { return Array(lhs.source.utf8).lexicographicallyPrecedes(Array(rhs.source.utf8)) }
        return lhs.index < rhs.index
    }
}

/// Maps over an array on several threads, keeping the order of results.
enum ConcurrentMap {
    /// `threads`, or one per online core when 0 (Foundation's activeProcessorCount reads 1 in some containers).
    static func workers(_ threads: Int) -> Int {
        if threads > 0 { return threads }
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return max(1, ProcessInfo.processInfo.activeProcessorCount, online)
    }

    static func map<T: Sendable, R: Sendable>(_ items: [T], threads: Int, _ transform: @Sendable (T) -> R) -> [R] {
        let workers = ConcurrentMap.workers(threads)
        if workers <= 1 || items.count <= 1 { return items.map(transform) }
        let results = ResultSlots<R>(count: items.count)
        let next = AtomicCounter()
        DispatchQueue.concurrentPerform(iterations: min(workers, items.count)) { _ in
            while true {
                let index = next.increment()
                guard index < items.count else { break }
                results.set(index, transform(items[index]))
            }
        }
        return results.values()
    }
}

extension ConcurrentMap {
    /// Splits `items` into one contiguous chunk per core and maps each chunk on its own thread (so that
    /// per-chunk state, such as an encoder, is made once per chunk); results in the order of the chunks.
    static func chunked<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable ([T]) -> R) -> [R] {
        let workers = ConcurrentMap.workers(0)
        let size = max(16, (items.count + workers - 1) / max(1, workers))
        let chunks = stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
        return map(chunks, threads: workers, transform)
    }
}

/// Fixed slots written once each by different threads.
final class ResultSlots<R>: @unchecked Sendable {
    private var slots: [R?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: R) { lock.lock(); slots[index] = value; lock.unlock() }
    func values() -> [R] { slots.map { $0! } }
}

final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int { lock.lock(); defer { value += 1; lock.unlock() }; return value }
}
