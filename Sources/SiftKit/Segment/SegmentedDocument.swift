/// A section of a report: a heading (or none, for text before the first heading) and its body.
public struct Section: Sendable, Hashable, Codable {
    /// The heading as written, without numbering; empty for the preamble.
    public var title: String
    /// Section category from the lexicon's heading rules (`findings`, `chronology`, ...), or `other`.
    public var category: String
    /// The section rule that recognised the heading, if any.
    public var ruleID: String?
    /// What a mention in this section means by default (`finding`, `recommendation`, `good_practice`, `hypothetical`).
    public var role: SectionRole
    public var headingRange: TextRange?
    public var bodyRange: TextRange
}

/// The default reading of a mention in a section.
public enum SectionRole: String, Sendable, Codable, CaseIterable, Hashable {
    case finding
    case recommendation
    case goodPractice = "good_practice"
    case hypothetical
    /// Sections such as "Factors that did not contribute": what they name did not happen or did not matter.
    case negated
}

/// A sentence: a range of the report text inside one section.
public struct Sentence: Sendable, Hashable {
    public var range: TextRange
    public var sectionIndex: Int
}

/// A report split into sections and sentences.
public struct SegmentedDocument: Sendable {
    public var document: Document
    public var sections: [Section]
    public var sentences: [Sentence]

    /// The original text of `range`.
    public func text(_ range: TextRange) -> String {
        document.text.utf8Slice(range)
    }
}

extension String {
    /// The text of UTF-8 byte range `range`, repairing a split character rather than crashing.
    func utf8Slice(_ range: TextRange) -> String {
        let view = utf8
        let clampedEnd = min(range.end, view.count)
        let clampedStart = min(range.start, clampedEnd)
        let start = view.index(view.startIndex, offsetBy: clampedStart)
        let end = view.index(view.startIndex, offsetBy: clampedEnd)
        return String(decoding: view[start..<end], as: UTF8.self)
    }
}
