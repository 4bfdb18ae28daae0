import Foundation

/// `sift explain`: every sentence of a report that a target rule matched, with the section, the rule,
/// the span, each context rule that modified it and the verdict, so a count can be traced to text.
public struct Explanation: Sendable, Encodable {
    public struct ModifierInfo: Sendable, Encodable, Hashable {
        public var category: String
        public var rule: String
        public var trigger: String
        /// UTF-8 byte offsets of the trigger in the report text; nil for a section-level verdict.
        public var start: Int?
        public var end: Int?
    }
    public struct FindingInfo: Sendable, Encodable, Hashable {
        public var factor: String
        public var rule: String
        public var start: Int
        public var end: Int
        public var text: String
        public var verdict: String
        public var modifiers: [ModifierInfo]
    }
    public struct SentenceInfo: Sendable, Encodable {
        /// 1-based, as `sift tag` numbers sentences.
        public var number: Int
        public var section: String
        public var section_title: String
        public var start: Int
        public var end: Int
        public var text: String
        public var findings: [FindingInfo]
    }
    public struct ReportInfo: Sendable, Encodable {
        public var id: String
        public var source: String
        public var sentences: [SentenceInfo]
        /// Counted findings per factor that counts, and all findings per verdict.
        public var counted: [String: Int]
        public var verdicts: [String: Int]
        public var factors: [String]
    }
    public var schema = "sift.explain"
    public var schema_version = 1
    public var factor: String?
    public var reports: [ReportInfo]

    /// Builds the explanation of `analyses`, keeping only findings of `factor` when given.
    public init(_ analyses: [ReportAnalysis], factor: String? = nil) {
        self.factor = factor
        reports = analyses.map { analysis in
            let findings = analysis.findings.filter { factor == nil || $0.factor == factor }
            var bySentence: [Int: [Finding]] = [:]
            for finding in findings { bySentence[finding.sentenceIndex, default: []].append(finding) }
            let sentences = bySentence.keys.sorted().map { index -> SentenceInfo in
                let group = bySentence[index]!.sorted { ($0.span, $0.factor, $0.ruleID) < ($1.span, $1.factor, $1.ruleID) }
                let first = group[0]
                let title = analysis.sections.indices.contains(first.sectionIndex) ? analysis.sections[first.sectionIndex].title : ""
                return SentenceInfo(number: index + 1, section: first.section, section_title: title, start: first.sentenceSpan.start,
                                    end: first.sentenceSpan.end, text: first.sentence, findings: group.map { f in
                    FindingInfo(factor: f.factor, rule: f.ruleID, start: f.span.start, end: f.span.end, text: f.matchedText,
                                verdict: f.verdict.rawValue, modifiers: f.modifiers.map {
                        ModifierInfo(category: $0.category.rawValue, rule: $0.ruleID, trigger: $0.trigger, start: $0.span?.start, end: $0.span?.end)
                    })
                })
            }
            var counted: [String: Int] = [:]
            var verdicts: [String: Int] = [:]
            for finding in findings {
                verdicts[finding.verdict.rawValue, default: 0] += 1
                if finding.isCounted { counted[finding.factor, default: 0] += 1 }
            }
            return ReportInfo(id: analysis.id, source: analysis.document.source, sentences: sentences, counted: counted,
                              verdicts: verdicts, factors: Taxonomy.factorIDs.filter { counted[$0] != nil })
        }
    }

    public func json() throws -> String { try WB.json(self) }

    /// The text view; `style` colours it for a terminal.
    public func text(style: ANSIStyle = .plain) -> String {
        var out = ""
        for report in reports {
            out += style.bold("report \(report.id)") + " (\(report.source))" + (factor.map { ", factor \($0)" } ?? "") + "\n"
            if report.sentences.isEmpty { out += "  no matches\n" }
            for sentence in report.sentences {
                let title = sentence.section_title.isEmpty ? "" : " \"\(WB.oneLine(sentence.section_title))\""
                out += "\n" + style.cyan("sentence \(sentence.number)") + " in \(sentence.section)\(title), bytes \(sentence.start)-\(sentence.end)\n"
                out += "  " + highlighted(sentence, style: style) + "\n"
                for finding in sentence.findings {
                    out += "  - " + style.bold(finding.factor) + " by rule \(finding.rule): \"\(WB.oneLine(finding.text))\" bytes \(finding.start)-\(finding.end)\n"
                    for modifier in finding.modifiers {
                        let category = modifier.category == "good_practice" ? "good practice" : modifier.category
                        if let start = modifier.start, let end = modifier.end {
                            out += "      \(category) by rule \(modifier.rule): trigger \"\(WB.oneLine(modifier.trigger))\" bytes \(start)-\(end)\n"
                        } else {
                            out += "      \(category) by section rule \(modifier.rule): heading \"\(WB.oneLine(modifier.trigger))\"\n"
                        }
                    }
                    let verdict = Verdict(rawValue: finding.verdict) ?? .counted
                    out += "      verdict: " + style.verdict(verdict) + "\n"
                }
            }
            let counts = report.factors.map { "\($0) (\(report.counted[$0]!))" }
            out += "\ncounted: " + (counts.isEmpty ? "none" : counts.joined(separator: ", ")) + "\n"
            let discounted = Verdict.allCases.filter { $0 != .counted && report.verdicts[$0.rawValue] != nil }
                .map { "\($0.label) \(report.verdicts[$0.rawValue]!)" }
            out += "not counted: " + (discounted.isEmpty ? "none" : discounted.joined(separator: ", ")) + "\n\n"
        }
        return out
    }

    /// The sentence on one line, its matches highlighted when colouring.
    private func highlighted(_ sentence: SentenceInfo, style: ANSIStyle) -> String {
        guard style.enabled else { return WB.oneLine(sentence.text) }
        let bytes = Array(sentence.text.utf8)
        var ranges = sentence.findings.map { max(0, $0.start - sentence.start)..<min(bytes.count, $0.end - sentence.start) }
            .filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        ranges = merged
        var out = ""
        var position = 0
        for range in ranges {
            out += String(decoding: bytes[position..<range.lowerBound], as: UTF8.self)
            out += style.highlight(String(decoding: bytes[range], as: UTF8.self))
            position = range.upperBound
        }
        out += String(decoding: bytes[position...], as: UTF8.self)
        return WB.oneLine(out)
    }
}
