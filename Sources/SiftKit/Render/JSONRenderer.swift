import Foundation

/// The JSON summary, schema `sift.summary` version 1 (documented in README.md). Keys are sorted and
/// the output is byte-identical for identical inputs.
public struct JSONRenderer {
    public static let schema = "sift.summary"
    public static let schemaVersion = 1

    public init() {}

    struct Output: Encodable {
        var schema: String
        var schema_version: Int
        var sift_version: String
        var lexicon: LexiconInfo
        var overview: Overview
        var factors: [FactorCount]
        var units: [UnitCount]
        var reports: [Report]
        var inputs: [InputRecord]
        var diagnostics: [Diagnostic]
    }
    struct LexiconInfo: Encodable { var name: String; var version: String }
    struct Overview: Encodable {
        var inputs: Int
        var reports: Int
        var skipped: Int
        var date_first: String?
        var date_last: String?
        var units: Int
    }
    struct Report: Encodable {
        var id: String
        var source: String
        var unit: String?
        var date: String?
        var metadata: [String: String]
        var factors: [String]
        var sections: [SectionInfo]
        var findings: [FindingInfo]
    }
    struct SectionInfo: Encodable { var title: String; var category: String; var role: String }
    struct FindingInfo: Encodable {
        var factor: String
        var rule: String
        var section: String
        var sentence_index: Int
        var sentence: String
        var start: Int
        var end: Int
        var text: String
        var verdict: String
        var modifiers: [ModifierInfo]
    }
    struct ModifierInfo: Encodable { var category: String; var rule: String; var trigger: String }

    public func render(_ summary: RunSummary) throws -> String {
        let output = Output(
            schema: JSONRenderer.schema, schema_version: JSONRenderer.schemaVersion, sift_version: Sift.version,
            lexicon: LexiconInfo(name: summary.lexiconName, version: summary.lexiconVersion),
            overview: Overview(inputs: summary.inputs.count, reports: summary.reports.count, skipped: summary.skippedInputs.count,
                               date_first: summary.dateRange?.first, date_last: summary.dateRange?.last, units: summary.unitCounts.count),
            factors: summary.factorCounts, units: summary.unitCounts,
            reports: summary.reports.map { report in
                Report(id: report.id, source: report.document.source, unit: report.document.unit, date: report.document.date,
                       metadata: Dictionary(report.document.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }),
                       factors: report.factors,
                       sections: report.sections.map { SectionInfo(title: $0.title, category: $0.category, role: $0.role.rawValue) },
                       findings: report.findings.map(JSONRenderer.findingInfo))
            },
            inputs: summary.inputs, diagnostics: summary.diagnostics)
        return try JSONRenderer.encode(output)
    }

    static func findingInfo(_ finding: Finding) -> FindingInfo {
        FindingInfo(factor: finding.factor, rule: finding.ruleID, section: finding.section, sentence_index: finding.sentenceIndex,
                    sentence: finding.sentence, start: finding.span.start, end: finding.span.end, text: finding.matchedText,
                    verdict: finding.verdict.rawValue,
                    modifiers: finding.modifiers.map { ModifierInfo(category: $0.category.rawValue, rule: $0.ruleID, trigger: $0.trigger) })
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

/// Version information for outputs.
public enum Sift {
    public static let version = "0.1.0"
}
