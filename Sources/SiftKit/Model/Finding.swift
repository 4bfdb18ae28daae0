/// What a context rule (or the section) said about a finding.
public enum ContextCategory: String, Sendable, Codable, CaseIterable, Hashable {
    case negated
    case hypothetical
    case recommendation
    case goodPractice = "good_practice"
    /// The sentence states what happened; it lifts a section-level recommendation or good-practice verdict.
    case finding
}

/// The verdict on one finding: does it count towards the report's factors?
public enum Verdict: String, Sendable, Codable, CaseIterable, Hashable {
    case counted
    case negated
    case hypothetical
    case goodPractice = "good_practice"
    case recommendation
}

/// A context modifier attached to a finding, with the rule that made it.
public struct Modifier: Sendable, Hashable, Codable {
    public var category: ContextCategory
    /// The context rule id, or the section rule id for section-level verdicts.
    public var ruleID: String
    /// The trigger text (original text), or the section title for section-level verdicts.
    public var trigger: String
    /// Where the trigger is in the report text; nil for section-level verdicts.
    public var span: TextRange?

    public init(category: ContextCategory, ruleID: String, trigger: String, span: TextRange?) {
        self.category = category
        self.ruleID = ruleID
        self.trigger = trigger
        self.span = span
    }
}

/// One target-rule match in one sentence, with its context and verdict.
public struct Finding: Sendable, Hashable, Codable {
    public var reportID: String
    public var factor: String
    public var ruleID: String
    /// Index into the report's sections.
    public var sectionIndex: Int
    /// Section category (e.g. `findings`, `recommendations`, `other`).
    public var section: String
    /// Index of the sentence in the report.
    public var sentenceIndex: Int
    /// The sentence, as written (original text).
    public var sentence: String
    public var sentenceSpan: TextRange
    /// The match, UTF-8 bytes into the report text.
    public var span: TextRange
    public var matchedText: String
    public var modifiers: [Modifier]
    public var verdict: Verdict

    public var isCounted: Bool { verdict == .counted }
}
