import Foundation
import SiftTestSupport
import SiftPCRE2
import Testing
@testable import SiftKit

/// Paths and shared fixtures for the SiftKit tests.
enum Support {
    /// The package root, found from this file's path (Tests/SiftKitTests/Support.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var defaultLexiconPath: String { packageRoot.appendingPathComponent("Lexicons/default").path }

    /// The shipped default lexicon, loaded once.
    static let defaultLexicon: Result<Lexicon, any Error> = Result { try LexiconLoader().load(path: defaultLexiconPath) }

    static func loadDefaultLexicon() throws -> Lexicon { try defaultLexicon.get() }

    /// A fresh temporary folder, removed when the test process exits (see ``TestFolders``).
    static func temporaryDirectory() throws -> URL {
        try TestFolders.make(prefix: "sift-tests-").resolvingSymlinksInPath()
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// A plain-text document whose headings are found by the sectionizer.
    static func document(_ text: String, id: String = "test") -> Document {
        Document(id: id, source: "\(id).txt", format: .text, metadata: [("id", id)], text: text)
    }
}

/// A small lexicon: a header, a few target rules, context rules in the spirit of Lexicons/default/context.yaml,
/// and three section rules.
enum MiniLexicon {
    static let yaml = #"""
        lexicon:
          name: mini
          version: 0.0.1
          description: test lexicon
        targets:
          - id: escalation_delay.delay
            factor: escalation_delay
            pattern: '\bdelay\s+in\s+escalat\w*|\bescalation\s+was\s+delayed\b'
          - id: escalation_delay.not_escalated
            factor: escalation_delay
            pattern: '\bnot\s+escalated\b'
          - id: senior_oversight.no_consultant
            factor: senior_oversight
            pattern: '\bno\s+consultant\s+(?:review|on\s+site)\b'
        context:
          - id: neg.there_was_no
            trigger: '\bthere\s+(?:was|were)\s+no\b'
            category: negated
            direction: forward
            scope: 8
          - id: neg.no
            trigger: '\b(?:no|nil)\b'
            category: negated
            direction: forward
            scope: 4
          - id: neg.not_a_factor
            trigger: '\b(?:was|were)\s+not\s+(?:a\s+)?(?:contributory\s+)?factor\b'
            category: negated
            direction: backward
            scope: 12
          - id: hyp.if
            trigger: '\b(?:if|unless)\b'
            category: hypothetical
            direction: forward
            scope: 10
          - id: hyp.had_inverted
            trigger: '^(?:had|were)\s+(?:the|she|he|they)\b'
            category: hypothetical
            direction: forward
            scope: 12
          - id: rec.modal
            trigger: '\b(?:should|must)\b'
            category: recommendation
            direction: forward
            scope: 12
          - id: gp.notable
            trigger: '\b(?:notable|good)\s+practice\b'
            category: good_practice
            direction: bidirectional
            scope: 14
          - id: fin.because
            trigger: '\b(?:because|since|due\s+to)\b'
            category: finding
            direction: bidirectional
          - id: term.contrast
            trigger: '\b(?:but|however|although)\b|;'
            direction: terminate
          - id: pseudo.not_only
            trigger: '\bno\s+(?:further|longer|doubt)\b'
            direction: pseudo
        sections:
          - id: sec.findings
            category: findings
            pattern: '(?:key\s+)?findings'
          - id: sec.recommendations
            category: recommendations
            role: recommendation
            pattern: 'recommendations?'
          - id: sec.notable_practice
            category: notable_practice
            role: good_practice
            pattern: '(?:notable|good)\s+practice'
        """#

    static let lexicon: Result<Lexicon, any Error> = Result { try LexiconLoader().load(sources: [("mini.yaml", yaml)]) }

    static func pipeline() throws -> Pipeline { Pipeline(lexicon: try lexicon.get(), threads: 1, redactor: nil) }
}

extension String {
    /// The text of UTF-8 byte range `range`.
    func bytes(_ range: TextRange) -> String {
        String(decoding: Array(utf8)[range.range], as: UTF8.self)
    }

    /// The UTF-8 byte range of the first occurrence of `needle`.
    func byteRange(of needle: String) -> TextRange? {
        guard let range = self.range(of: needle) else { return nil }
        let start = utf8.distance(from: utf8.startIndex, to: range.lowerBound)
        return TextRange(start, start + needle.utf8.count)
    }
}
