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
    /// Ids of the reports read from it.
    public var reportIDs: [String]
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

    public init(lexicon: Lexicon, registry: IngestRegistry = IngestRegistry(), threads: Int = 0, prefilter: Bool = true) {
        self.lexicon = lexicon
        self.registry = registry
        self.sectionizer = Sectionizer(rules: lexicon.sectionRules)
        self.splitter = SentenceSplitter()
        self.tagger = Tagger(lexicon: lexicon, prefilter: prefilter)
        self.threads = threads
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
        return ReportAnalysis(document: document, sections: segmented.sections, sentenceCount: segmented.sentences.count,
                              findings: findings, factors: Taxonomy.factorIDs.filter(counted.contains), diagnostics: extra)
    }

    /// Reads and analyses every input under `paths`; `excluding` names files to leave out (a gold file, say).
    ///
    /// - Complexity: O(total input size × rules), spread over ``threads`` workers; results keep input order.
    public func run(paths: [String], excluding: Set<String> = []) -> RunResult {
        let (files, walkDiagnostics) = InputWalker().files(for: paths, excluding: excluding)
        // Reports are analysed as the ingester hands them over (a CSV export streams row by row), in batches
        // spread over the workers, so a file's reports are never all held unanalysed.
        let perFile = ConcurrentMap.map(files, threads: threads) { file -> ([Diagnostic], [ReportAnalysis]) in
            var diagnostics: [Diagnostic] = []
            var analyses: [ReportAnalysis] = []
            var batch: [Document] = []
            let matchData = MatchData()
            func flush() {
                if batch.count >= 16 && threads != 1 {
                    analyses += ConcurrentMap.map(batch, threads: threads) { analyze($0) }
                } else {
                    analyses += batch.map { analyze($0, matchData: matchData) }
                }
                batch.removeAll(keepingCapacity: true)
            }
            registry.ingest(path: file) { event in
                switch event {
                case .document(let document):
                    batch.append(document)
                    if batch.count >= 256 { flush() }
                case .diagnostic(let diagnostic):
                    diagnostics.append(diagnostic)
                }
            }
            flush()
            return (diagnostics, analyses)
        }
        var inputs: [InputRecord] = walkDiagnostics.map {
            InputRecord(file: $0.file, status: .skipped, reportIDs: [], reason: $0.message)
        }
        var diagnostics = walkDiagnostics
        var reports: [ReportAnalysis] = []
        var seen: [String: String] = [:]
        for (file, (ingestDiagnostics, analyses)) in zip(files, perFile) {
            diagnostics += ingestDiagnostics
            var ids: [String] = []
            for var analysis in analyses {
                if let first = seen[analysis.id] {
                    var n = 2
                    while seen["\(analysis.id)~\(n)"] != nil { n += 1 }
                    let renamed = "\(analysis.id)~\(n)"
                    diagnostics.append(Diagnostic(.error, file: file, code: "duplicate-id",
                                                  "report id '\(analysis.id)' already used by \(first); this one is reported as '\(renamed)'"))
                    analysis.document.id = renamed
                    for index in analysis.findings.indices { analysis.findings[index].reportID = renamed }
                }
                seen[analysis.id] = file
                ids.append(analysis.id)
                diagnostics += analysis.diagnostics
                reports.append(analysis)
            }
            if analyses.isEmpty {
                let reason = ingestDiagnostics.first { $0.severity == .error }?.message ?? "no report found"
                inputs.append(InputRecord(file: file, status: .skipped, reportIDs: [], reason: reason))
            } else {
                inputs.append(InputRecord(file: file, status: .processed, reportIDs: ids, reason: nil))
            }
        }
        inputs.sort { Array($0.file.utf8).lexicographicallyPrecedes(Array($1.file.utf8)) }
        return RunResult(inputs: inputs, reports: reports, diagnostics: diagnostics)
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
