import Foundation
import SiftPCRE2

/// `sift kwic`: keyword in context over normalised sentences, one line per match, aligned on the match.
public struct Concordance: Sendable, Encodable {
    public struct Line: Sendable, Encodable, Hashable {
        public var report: String
        /// 1-based sentence number in the report.
        public var sentence: Int
        /// The target rule, when searching by factor.
        public var rule: String?
        /// UTF-8 byte offsets of the match in the report text.
        public var start: Int
        public var end: Int
        /// Normalised sentence text before the match, the match, and after it (untrimmed).
        public var left: String
        public var match: String
        public var right: String
    }
    public var lines: [Line]
    public var reports: Int

    /// Searches every sentence of `corpus` (segmented with `pipeline`'s section rules) with `patterns`;
    /// `rule` names each pattern in the output (nil for a free regex). Lines sorted by report, sentence, offset, rule.
    public static func search(corpus: WorkbenchCorpus, pipeline: Pipeline, patterns: [(rule: String?, pattern: Pattern)],
                              threads: Int = 0) -> Concordance {
        let perReport = corpus.map(threads: threads) { document, matchData -> [Line] in
            let segmented = pipeline.segment(document, matchData: matchData)
            var lines: [Line] = []
            let utf8 = document.text.utf8
            for (index, sentence) in segmented.sentences.enumerated() {
                let normalized = NormalizedText(utf8, range: sentence.range)
                normalized.bytes.withUnsafeBufferPointer { subject in
                    for (rule, pattern) in patterns {
                        guard let ranges = try? pattern.allMatches(in: subject, using: matchData) else { continue }
                        for range in ranges where !range.isEmpty {
                            let span = normalized.originalRange(range)
                            lines.append(Line(report: document.id, sentence: index + 1, rule: rule, start: span.start, end: span.end,
                                              left: String(decoding: subject[0..<range.lowerBound], as: UTF8.self),
                                              match: String(decoding: subject[range], as: UTF8.self),
                                              right: String(decoding: subject[range.upperBound...], as: UTF8.self)))
                        }
                    }
                }
            }
            // Redact what is shown; the offsets still point into the original report.
            if let redactor = pipeline.redactor, !lines.isEmpty {
                let names = redactor.knownNames(in: document.text)
                for index in lines.indices {
                    lines[index].left = redactor.redact(lines[index].left, knownNames: names)
                    lines[index].match = redactor.redact(lines[index].match, knownNames: names)
                    lines[index].right = redactor.redact(lines[index].right, knownNames: names)
                }
            }
            return lines
        }
        let lines = perReport.flatMap { $0 }.sorted {
            if $0.report != $1.report { return WB.byteLess($0.report, $1.report) }
            return ($0.sentence, $0.start, $0.end, $0.rule ?? "") < ($1.sentence, $1.start, $1.end, $1.rule ?? "")
        }
        return Concordance(lines: lines, reports: Set(lines.map(\.report)).count)
    }

    /// A query that is neither a factor id nor a pattern PCRE2 compiles.
    public struct QueryError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Searches for `query`: a factor id (all its target rules in `pipeline`'s lexicon) or a PCRE2 regex (case-insensitive).
    public static func search(corpus: WorkbenchCorpus, pipeline: Pipeline, query: String, threads: Int = 0) throws(QueryError) -> Concordance {
        var patterns: [(rule: String?, pattern: Pattern)] = []
        if Taxonomy.factorSet.contains(query) {
            patterns = pipeline.lexicon.targets.filter { $0.factor == query }.map { ($0.id, $0.pattern) }
            if patterns.isEmpty { throw QueryError(message: "the lexicon has no target rule for \(query)") }
        } else {
            do {
                patterns = [(nil, try Pattern(query, options: [.caseless]))]
            } catch {
                let prefix = String(decoding: Array(query.utf8).prefix(error.offset), as: UTF8.self)
                throw QueryError(message: "invalid pattern: \(error.message) at pattern offset \(error.offset)\n    \(query)\n    "
                                 + String(repeating: " ", count: prefix.count) + "^")
            }
        }
        return search(corpus: corpus, pipeline: pipeline, patterns: patterns, threads: threads)
    }

    /// One line per match: `report:sentence`, the rule (by factor), the left context right-aligned in `window`
    /// characters, the match, then `window` characters of right context.
    public func text(window: Int = 40, style: ANSIStyle = .plain) -> String {
        let idWidth = lines.map { "\($0.report):\($0.sentence)".count }.max() ?? 0
        let ruleWidth = lines.compactMap { $0.rule?.count }.max() ?? 0
        var out = ""
        for line in lines {
            // The match sits at a fixed column, two spaces either side of it.
            var left = String(line.left.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
            left = String(left.suffix(window))
            if left.count < window { left = String(repeating: " ", count: window - left.count) + left }
            let right = String(line.right.drop { $0 == " " }.prefix(window))
            var text = WB.pad("\(line.report):\(line.sentence)", idWidth) + "  "
            if let rule = line.rule { text += WB.pad(rule, ruleWidth) + "  " }
            text += left + "  " + style.highlight(line.match) + "  " + right
            while text.hasSuffix(" ") { text.removeLast() }
            out += text + "\n"
        }
        return out
    }

    public func json() throws -> String { try WB.json(self) }
}
