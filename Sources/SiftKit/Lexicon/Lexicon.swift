import SiftPCRE2

/// The factor ids of `TAXONOMY.md`, in its order. The contract between lexicon, gold files and outputs.
public enum Taxonomy {
    public static let factorIDs: [String] = [
        "escalation_delay", "escalation_response", "hierarchy_speaking_up", "fear_incivility",
        "confidence_uncertainty", "situational_awareness", "fetal_monitoring", "risk_assessment",
        "knowledge_training", "handover", "communication", "documentation", "roles_responsibility",
        "senior_oversight", "workload_staffing", "teamwork", "guidelines", "equipment_technology",
        "environment_capacity", "interfaces_pathways", "fatigue_wellbeing", "listening_to_women",
        "safety_culture", "patient_complexity",
    ]
    public static let factorSet: Set<String> = Set(factorIDs)
    /// The ids that describe the target behaviour (escalation itself).
    public static let targetBehaviourIDs: [String] = ["escalation_delay", "escalation_response"]
}

/// Where a rule or value was written: file, line and column of its YAML node.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var description: String { "\(file):\(line):\(column)" }
}

/// A factor's definition and its framework mappings, as data.
public struct FactorDefinition: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Codable, Hashable {
        case targetBehaviour = "target_behaviour"
        case barrier
        case context
    }
    public var id: String
    public var label: String
    public var role: Role
    public var definition: String
    public var ycff: [String]
    public var londonProtocol: [String]
    public var tdf: [String]
    public var comb: [String]
}

/// An example sentence attached to a rule, with its line for error messages.
public struct RuleExample: Sendable, Hashable {
    public var text: String
    public var location: SourceLocation
}

/// A target rule: a PCRE2 pattern that expresses one factor.
public struct TargetRule: Sendable {
    public var id: String
    public var factor: String
    public var pattern: Pattern
    public var location: SourceLocation
    /// Column of the first pattern character (after a quote), for carets under pattern offsets.
    public var patternColumn: Int
    public var matchExamples: [RuleExample]
    public var noMatchExamples: [RuleExample]
    public var note: String?
}

/// Direction of a context rule's scope, as in ConText.
public enum ContextDirection: String, Sendable, Codable, CaseIterable, Hashable {
    case forward
    case backward
    case bidirectional
    /// Ends the scope of other triggers at this point.
    case terminate
    /// Matches text that looks like a trigger but is not one ("not only"); it blocks overlapping triggers.
    case pseudo
}

/// A ConText-style context rule.
public struct ContextRule: Sendable {
    public var id: String
    public var trigger: Pattern
    public var category: ContextCategory?
    public var direction: ContextDirection
    /// Maximum distance in words from the trigger; nil means to the sentence end or a terminator.
    public var scope: Int?
    public var location: SourceLocation
    public var patternColumn: Int
    public var matchExamples: [RuleExample]
    public var noMatchExamples: [RuleExample]
}

/// A heading rule: recognises a heading line and names the section category.
public struct SectionRule: Sendable {
    public var id: String
    public var category: String
    public var role: SectionRole
    /// Anchored at both ends of the cleaned heading.
    public var pattern: Pattern
    public var location: SourceLocation
    public var patternColumn: Int
}

/// A loaded, compiled, validated lexicon. Immutable and shareable across threads.
public struct Lexicon: Sendable {
    public var name: String
    public var version: String
    public var description: String
    /// Factor definitions in taxonomy order.
    public var factors: [FactorDefinition]
    public var targets: [TargetRule]
    public var contextRules: [ContextRule]
    public var sectionRules: [SectionRule]
    /// COM-B component to Behaviour Change Wheel intervention functions, as data.
    public var interventionFunctions: [(component: String, functions: [String])]
    /// The YAML files it was read from, in order.
    public var files: [String]
    /// Non-fatal problems noticed while loading (e.g. a taxonomy id with no definition).
    public var warnings: [LexiconIssue]
    /// The tagger's prefilter, built while loading (alongside the JIT). The tagger uses it only when it was
    /// built from the rules it is given; otherwise it builds its own.
    var prefilter: PrefilterIndex? = nil

    /// The factor definition for `id`.
    public func factor(_ id: String) -> FactorDefinition? {
        factors.first { $0.id == id }
    }
}

/// A problem in a lexicon file, located to the character.
public struct LexiconIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }
    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// The offending line of the file with a caret under the column, when known.
    public var snippet: String?

    public var description: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        if let snippet { text += "\n" + snippet }
        return text
    }
}

/// A lexicon that could not be loaded; every problem found is listed.
public struct LexiconLoadError: Error, Sendable, CustomStringConvertible {
    public var issues: [LexiconIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

