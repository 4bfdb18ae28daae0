import Foundation
import SiftPCRE2

/// A corpus read once for the workbench commands: every input ingested a single time, report ids made
/// unique as ``Pipeline/run(paths:excluding:)`` does (`id~2`), then mapped in parallel in input order.
public struct WorkbenchCorpus: Sendable {
    public var documents: [Document]
    public var inputs: [InputRecord]
    public var diagnostics: [Diagnostic]

    /// True when any input was skipped or produced an error.
    public var hasFailures: Bool { inputs.contains { $0.status == .skipped } || diagnostics.contains { $0.severity == .error } }

    /// Reads every input under `paths` (in parallel), leaving out `excluding` (a gold file, say).
    public static func read(paths: [String], excluding: Set<String> = [], registry: IngestRegistry = IngestRegistry(),
                            threads: Int = 0) -> WorkbenchCorpus {
        let (files, walkDiagnostics) = InputWalker().files(for: paths, excluding: excluding)
        let ingested = ConcurrentMap.map(files, threads: workers(threads)) { registry.ingest(path: $0) }
        var inputs = walkDiagnostics.map { InputRecord(file: $0.file, status: .skipped, reports: 0, reason: $0.message) }
        var diagnostics = walkDiagnostics
        var documents: [Document] = []
        var reportIDs = ReportIDs()
        for (file, result) in zip(files, ingested) {
            diagnostics += result.diagnostics
            var ids: [String] = []
            for var document in result.documents {
                let (id, duplicate) = reportIDs.claim(document.id, source: file)
                if let duplicate {
                    diagnostics.append(duplicate)
                    document.id = id
                }
                ids.append(document.id)
                documents.append(document)
            }
            if result.documents.isEmpty {
                let reason = result.diagnostics.first { $0.severity == .error }?.message ?? "no report found"
                inputs.append(InputRecord(file: file, status: .skipped, reports: 0, reason: reason))
            } else {
                inputs.append(InputRecord(file: file, status: .processed, reports: ids.count, reason: nil))
            }
        }
        inputs.sort { Array($0.file.utf8).lexicographicallyPrecedes(Array($1.file.utf8)) }
        return WorkbenchCorpus(documents: documents, inputs: inputs, diagnostics: diagnostics)
    }

    /// Worker count for `threads` (0: one per online core). `ProcessInfo.activeProcessorCount` can report 1
    /// in a container that has more cores online, which left `--threads 0` single-threaded.
    public static func workers(_ threads: Int) -> Int { ConcurrentMap.workers(threads) }

    /// Applies `transform` to every document on `threads` workers (0: one per core), keeping document order.
    /// Each call gets a ``MatchData`` of its own.
    public func map<R: Sendable>(threads: Int = 0, _ transform: @Sendable (Document, MatchData) -> R) -> [R] {
        ConcurrentMap.map(documents, threads: WorkbenchCorpus.workers(threads)) { transform($0, MatchData()) }
    }
}

extension Pipeline {
    /// ``analyze(_:matchData:)`` for a document already segmented (by this or an equivalent lexicon's section rules).
    public func analyze(segmented: SegmentedDocument, matchData: MatchData) -> ReportAnalysis {
        let (findings, diagnostics) = tagger.tag(segmented, matchData: matchData)
        let counted = Set(findings.filter(\.isCounted).map(\.factor))
        return redacted(ReportAnalysis(document: segmented.document, sections: segmented.sections, sentenceCount: segmented.sentences.count,
                                       findings: findings, factors: Taxonomy.factorIDs.filter(counted.contains), diagnostics: diagnostics))
    }
}

extension Lexicon {
    /// True when `other` recognises the same headings the same way, so a segmentation can be shared.
    public func hasSameSectionRules(as other: Lexicon) -> Bool {
        sectionRules.count == other.sectionRules.count
            && zip(sectionRules, other.sectionRules).allSatisfy {
                $0.id == $1.id && $0.category == $1.category && $0.role == $1.role && $0.pattern.source == $1.pattern.source
            }
    }
}

/// Small text helpers shared by the workbench renderers.
enum WB {
    /// A sentence on one line (line breaks as spaces).
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
    static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
    static func f3(_ value: Double) -> String { String(format: "%.3f", value) }
    static func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : "\(value)" }
    static func signed3(_ value: Double) -> String {
        let text = String(format: "%+.3f", value)
        return text == "-0.000" ? "+0.000" : text
    }
    /// Byte order, as the input walker sorts.
    static func byteLess(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

/// ANSI styling, off unless asked for (the CLI turns it on for a terminal without NO_COLOR).
public struct ANSIStyle: Sendable {
    public var enabled: Bool
    public init(enabled: Bool) { self.enabled = enabled }
    public static let plain = ANSIStyle(enabled: false)

    func wrap(_ text: String, _ code: String) -> String { enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ t: String) -> String { wrap(t, "1") }
    func dim(_ t: String) -> String { wrap(t, "2") }
    func cyan(_ t: String) -> String { wrap(t, "36") }
    func green(_ t: String) -> String { wrap(t, "32") }
    func red(_ t: String) -> String { wrap(t, "31") }
    func yellow(_ t: String) -> String { wrap(t, "33") }
    func magenta(_ t: String) -> String { wrap(t, "35") }
    func blue(_ t: String) -> String { wrap(t, "34") }
    func highlight(_ t: String) -> String { wrap(t, "1;4;33") }

    func verdict(_ verdict: Verdict) -> String {
        let name = verdict.label
        switch verdict {
        case .counted: return wrap(name, "1;32")
        case .negated: return red(name)
        case .hypothetical: return yellow(name)
        case .recommendation: return magenta(name)
        case .goodPractice: return blue(name)
        }
    }
}

extension Verdict {
    /// How people say it: counted, negated, hypothetical, recommendation, good practice.
    public var label: String { self == .goodPractice ? "good practice" : rawValue }
}
