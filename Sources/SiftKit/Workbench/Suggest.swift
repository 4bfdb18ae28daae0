import Foundation

/// `sift lexicon suggest`: for each factor with false negatives, word n-grams (1-3) over-represented in the
/// sentences of the reports where it was missed, against the sentences of every other report, scored with
/// Dunning's log-likelihood G2, each with example sentences, for a person to turn into rules.
public struct Suggestions: Sendable, Encodable {
    public struct Example: Sendable, Encodable, Hashable {
        public var report: String
        public var sentence: Int
        public var text: String
    }
    public struct Candidate: Sendable, Encodable {
        public var ngram: String
        public var g2: Double
        /// Sentences containing the n-gram in missed reports / all sentences of missed reports.
        public var missed: Int
        public var missed_sentences: Int
        /// The same elsewhere in the corpus.
        public var elsewhere: Int
        public var elsewhere_sentences: Int
        public var examples: [Example]
    }
    public struct FactorSuggestions: Sendable, Encodable {
        public var factor: String
        public var missed_reports: [String]
        public var candidates: [Candidate]
    }
    public var schema = "sift.lexicon-suggest"
    public var schema_version = 1
    public var factors: [FactorSuggestions]

    struct SentenceTokens: Sendable {
        var text: String
        var tokens: [String]
    }

    /// Throws ``EvaluationError`` when `gold` does not match the corpus.
    public static func compute(corpus: WorkbenchCorpus, pipeline: Pipeline, gold: GoldStandard, top: Int = 10, minimumCount: Int = 2,
                               threads: Int = 0) throws -> Suggestions {
        let perReport = corpus.map(threads: threads) { document, matchData -> (ReportAnalysis, [SentenceTokens]) in
            let segmented = pipeline.segment(document, matchData: matchData)
            let analysis = pipeline.analyze(segmented: segmented, matchData: matchData)
            let names = pipeline.redactor?.knownNames(in: document.text) ?? []
            let sentences = segmented.sentences.map { sentence -> SentenceTokens in
                let normalized = NormalizedText(document.text.utf8, range: sentence.range)
                // Example sentences are shown to people: redacted, like all evidence.
                let text = WB.oneLine(segmented.text(sentence.range))
                return SentenceTokens(text: pipeline.redactor?.redact(text, knownNames: names) ?? text, tokens: tokenize(normalized.bytes))
            }
            return (analysis, sentences)
        }
        let evaluation = try Evaluation.evaluate(reports: perReport.map(\.0), gold: gold)
        var missedBy: [String: Set<String>] = [:]
        for mismatch in evaluation.mismatches where mismatch.kind == .falseNegative {
            missedBy[mismatch.factor, default: []].insert(mismatch.reportID)
        }
        // Sentence frequency of every n-gram over the whole corpus.
        let chunks = stride(from: 0, to: perReport.count, by: 64).map { $0..<min($0 + 64, perReport.count) }
        let partial = ConcurrentMap.map(chunks, threads: WorkbenchCorpus.workers(threads)) { chunk -> [String: Int] in
            var counts: [String: Int] = [:]
            for index in chunk { for sentence in perReport[index].1 { for gram in ngrams(sentence.tokens) { counts[gram, default: 0] += 1 } } }
            return counts
        }
        var global: [String: Int] = [:]
        for counts in partial { global.merge(counts, uniquingKeysWith: +) }
        let totalSentences = perReport.reduce(0) { $0 + $1.1.count }

        var factors: [FactorSuggestions] = []
        for factor in Taxonomy.factorIDs {
            guard let missed = missedBy[factor], !missed.isEmpty else { continue }
            var counts: [String: Int] = [:]
            var examples: [String: [Example]] = [:]
            var n1 = 0
            for (analysis, sentences) in perReport where missed.contains(analysis.id) {
                n1 += sentences.count
                for (index, sentence) in sentences.enumerated() {
                    for gram in ngrams(sentence.tokens) {
                        counts[gram, default: 0] += 1
                        if examples[gram, default: []].count < 3 {
                            examples[gram, default: []].append(Example(report: analysis.id, sentence: index + 1, text: sentence.text))
                        }
                    }
                }
            }
            let n2 = totalSentences - n1
            var candidates: [Candidate] = []
            for (gram, a) in counts where a >= minimumCount {
                let b = (global[gram] ?? a) - a
                // Over-represented only: a / n1 > b / n2.
                guard n2 == 0 || Double(a) * Double(n2) > Double(b) * Double(n1) else { continue }
                candidates.append(Candidate(ngram: gram, g2: g2(a: a, b: b, n1: n1, n2: n2), missed: a, missed_sentences: n1,
                                            elsewhere: b, elsewhere_sentences: n2, examples: examples[gram] ?? []))
            }
            candidates.sort {
                if $0.g2 != $1.g2 { return $0.g2 > $1.g2 }
                if $0.missed != $1.missed { return $0.missed > $1.missed }
                return $0.ngram < $1.ngram
            }
            factors.append(FactorSuggestions(factor: factor, missed_reports: missed.sorted(by: WB.byteLess),
                                             candidates: Array(candidates.prefix(top))))
        }
        return Suggestions(factors: factors)
    }

    /// Dunning's log-likelihood for a 2x2 table: `a` of `n1` sentences in the target set, `b` of `n2` elsewhere.
    public static func g2(a: Int, b: Int, n1: Int, n2: Int) -> Double {
        let n = Double(n1 + n2)
        guard n > 0 else { return 0 }
        let observed = [Double(a), Double(b), Double(n1 - a), Double(n2 - b)]
        let k = Double(a + b), rest = n - k
        let expected = [Double(n1) * k / n, Double(n2) * k / n, Double(n1) * rest / n, Double(n2) * rest / n]
        var sum = 0.0
        for (o, e) in zip(observed, expected) where o > 0 && e > 0 { sum += o * log(o / e) }
        return 2 * sum
    }

    /// Lower-case words of a normalised sentence: letters, digits, and inner apostrophes and hyphens.
    static func tokenize(_ bytes: [UInt8]) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        func flush() {
            while let last = current.last, last == UInt8(ascii: "-") || last == UInt8(ascii: "'") { current.removeLast() }
            if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): current.append(byte + 32)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...0xFF: current.append(byte)
            case UInt8(ascii: "-"), UInt8(ascii: "'"): if !current.isEmpty { current.append(byte) }
            default: flush()
            }
        }
        flush()
        return tokens
    }

    /// Distinct 1- to 3-grams of a sentence, skipping those made only of stop words or numbers.
    static func ngrams(_ tokens: [String]) -> Set<String> {
        var result: Set<String> = []
        for size in 1...3 where tokens.count >= size {
            for start in 0...(tokens.count - size) {
                let words = tokens[start..<start + size]
                if words.allSatisfy({ stopWords.contains($0) || $0.allSatisfy(\.isNumber) }) { continue }
                result.insert(words.joined(separator: " "))
            }
        }
        return result
    }

    static let stopWords: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing",
        "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
        "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "may", "me", "might", "more",
        "most", "must", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out",
        "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves",
        "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "upon", "very", "was",
        "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "within", "would", "you",
        "your", "yours", "s", "t", "mrs", "ms", "mr", "dr",
    ]

    public func json() throws -> String { try WB.json(self) }

    public func text() -> String {
        if factors.isEmpty { return "no false negatives: nothing to suggest\n" }
        var out = ""
        for factor in factors {
            let reports = factor.missed_reports
            out += "\(factor.factor): missed in \(reports.count) report(s): " + reports.prefix(8).joined(separator: ", ")
                + (reports.count > 8 ? ", ..." : "") + "\n"
            if factor.candidates.isEmpty { out += "  no over-represented n-gram\n\n"; continue }
            out += "      G2  missed  elsewhere  n-gram\n"
            for candidate in factor.candidates {
                out += "  " + WB.padLeft(String(format: "%.2f", candidate.g2), 6) + "  " + WB.padLeft("\(candidate.missed)/\(candidate.missed_sentences)", 6)
                    + "  " + WB.padLeft("\(candidate.elsewhere)/\(candidate.elsewhere_sentences)", 9) + "  \"\(candidate.ngram)\"\n"
                for example in candidate.examples { out += "          \(example.report):\(example.sentence) \(example.text)\n" }
            }
            out += "\n"
        }
        return out
    }
}
