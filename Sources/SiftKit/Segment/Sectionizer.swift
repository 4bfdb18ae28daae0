import Foundation
import SiftPCRE2

/// Finds sections: declared ones (XML) are classified by title; in plain text, heading lines are
/// recognised by the lexicon's section rules after numbering ("3.15", "2)", "(b)"), case, trailing
/// colons and dashes are set aside. Headings no rule knows become category `other`.
public struct Sectionizer: Sendable {
    public let rules: [SectionRule]

    public init(rules: [SectionRule]) {
        self.rules = rules
    }

    /// Sections in text order. Text before the first heading is a `preamble` section.
    public func sections(of document: Document, matchData: MatchData) -> [Section] {
        if !document.declaredSections.isEmpty {
            return document.declaredSections.map { declared in
                let (category, role, rule) = classify(declared.title, matchData: matchData) ?? ("other", .finding, nil)
                return Section(title: declared.title, category: category, ruleID: rule, role: role,
                               headingRange: declared.titleRange, bodyRange: declared.bodyRange)
            }
        }
        let bytes = Array(document.text.utf8)
        var sections: [Section] = []
        var current = Section(title: "", category: "preamble", ruleID: nil, role: .finding, headingRange: nil,
                              bodyRange: TextRange(document.bodyStart, document.bodyStart))
        var lineStart = document.bodyStart
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D { lineEnd += 1 }
            let next = lineEnd < bytes.count && bytes[lineEnd] == 0x0D && lineEnd + 1 < bytes.count && bytes[lineEnd + 1] == 0x0A ? lineEnd + 2 : lineEnd + 1
            if let heading = heading(in: document.text, range: TextRange(lineStart, lineEnd), matchData: matchData) {
                current.bodyRange.end = lineStart
                if current.bodyRange.length > 0 || current.headingRange != nil { sections.append(current) }
                current = Section(title: heading.title, category: heading.category, ruleID: heading.rule, role: heading.role,
                                  headingRange: heading.range, bodyRange: TextRange(heading.bodyStart, heading.bodyStart))
            }
            lineStart = min(next, bytes.count)
        }
        current.bodyRange.end = bytes.count
        sections.append(current)
        return sections
    }

    struct Heading {
        var title: String
        var category: String
        var role: SectionRole
        var rule: String?
        var range: TextRange
        /// Where the section body starts: the next line, or after the colon of an inline heading.
        var bodyStart: Int
    }

    /// Recognises a heading line. `range` excludes the line break.
    func heading(in text: String, range: TextRange, matchData: MatchData) -> Heading? {
        guard range.length >= 3, range.length <= 160 else { return nil }
        // A heading has few words ("Root cause: ..." has few before its colon); most lines of a report are
        // prose and end here, before any work.
        var spaces = 0
        for byte in text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: range.start)..<text.utf8.index(text.utf8.startIndex, offsetBy: range.end)] {
            if byte == UInt8(ascii: ":") { break }
            if byte == 0x20 {
                spaces += 1
                if spaces > 16 { return nil }
            }
        }
        let normalized = NormalizedText(text.utf8, range: range)
        let line = normalized.string
        guard let cleaned = Sectionizer.clean(line) else { return nil }
        if let (category, role, rule) = classify(cleaned, matchData: matchData) {
            return Heading(title: cleaned, category: category, role: role, rule: rule, range: range, bodyStart: range.end)
        }
        // "Root cause: the CTG was misread" - a known heading, then text on the same line.
        if let colon = line.firstIndex(of: ":") {
            let head = String(line[..<colon])
            if let title = Sectionizer.clean(head), title.split(separator: " ").count <= 6,
               let (category, role, rule) = classify(title, matchData: matchData) {
                let colonOffset = line.utf8.distance(from: line.utf8.startIndex, to: colon.samePosition(in: line.utf8)!)
                let bodyStart = normalized.originalRange(colonOffset..<(colonOffset + 1)).end
                return Heading(title: title, category: category, role: role, rule: rule, range: TextRange(range.start, bodyStart),
                               bodyStart: bodyStart)
            }
        }
        if Sectionizer.looksLikeUnknownHeading(cleaned, line: line) {
            return Heading(title: cleaned, category: "other", role: .finding, rule: nil, range: range, bodyStart: range.end)
        }
        return nil
    }

    /// The section category for a heading title, by the first rule that matches it whole.
    public func classify(_ title: String, matchData: MatchData) -> (String, SectionRole, String?)? {
        let cleaned = Sectionizer.clean(NormalizedText(title.utf8, range: TextRange(0, title.utf8.count)).string) ?? title
        var bytes = Array(cleaned.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            let subject = UnsafeBufferPointer(buffer)
            for rule in rules {
                if (try? rule.pattern.firstMatch(in: subject, using: matchData)) != nil {
                    return (rule.category, rule.role, rule.id)
                }
            }
            // "Findings - care and service delivery problems": try the part before a dash.
            if let dash = cleaned.range(of: " - ") {
                let head = String(cleaned[..<dash.lowerBound])
                var headBytes = Array(head.utf8)
                return headBytes.withUnsafeMutableBufferPointer { headBuffer in
                    let headSubject = UnsafeBufferPointer(headBuffer)
                    for rule in rules where (try? rule.pattern.firstMatch(in: headSubject, using: matchData)) != nil {
                        return (rule.category, rule.role, rule.id)
                    }
                    return nil
                }
            }
            return nil
        }
    }

    /// Heading numbering: "3.15", "3.", "2)", "(b)", "iv.", "Section 4", "Part B:". Compiled once (PCRE2).
    static let numbering = try! Pattern(#"^(?:(?:section|part|appendix|chapter)\s+(?:\d+(?:\.\d+)*|[A-Za-z]|[ivx]{1,4})[.:)]?|\d+(?:\.\d+)*[.)]?|\(\d+\)|\(?[a-h]\)|[A-H]\.|[ivx]{1,4}[.)])(?:\s+|$)"#,
                                       options: [.caseless])
    /// A line that starts with a clock time ("03:57 ROSC") is a chronology entry.
    static let clockTime = try! Pattern(#"^\d{1,2}[:.]?\d{2}\b"#, options: [])

    /// The UTF-8 end offset of `pattern`'s first match in `text`, if any.
    static func firstMatchEnd(_ pattern: Pattern, in text: Substring) -> Int? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            (try? pattern.firstMatch(in: UnsafeBufferPointer(buffer), using: MatchData()))?.upperBound
        }
    }

    /// `text` without leading and trailing spaces and tabs (the line is normalised already), without
    /// Foundation's per-call bridging, which cost more than the rest of heading detection.
    static func trimmed(_ text: Substring) -> Substring {
        var result = text
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }

    /// Removes markdown markers, numbering and trailing punctuation; nil when nothing is left.
    static func clean(_ line: String) -> String? {
        var text = Sectionizer.trimmed(Substring(line))
        while let first = text.first, first == "#" || first == "*" || first == "_" { text = text.dropFirst() }
        while let last = text.last, last == "*" || last == "_" { text = text.dropLast() }
        text = Sectionizer.trimmed(text)
        // Numbering: "3.15", "3.", "2)", "(b)", "iv.", "Section 4", "Part 2:"
        if let end = Sectionizer.firstMatchEnd(Sectionizer.numbering, in: text) {
            text = text.utf8.dropFirst(end).isEmpty ? "" : Substring(String(decoding: text.utf8.dropFirst(end), as: UTF8.self))
        }
        while let last = text.last, ":;.-,=".contains(last) || last == " " { text = text.dropLast() }
        while let first = text.first, "-:.".contains(first) || first == " " { text = text.dropFirst() }
        let result = String(text)
        return result.isEmpty ? nil : result
    }

    /// Short ALL-CAPS lines, and markdown headings, that no rule knows.
    static func looksLikeUnknownHeading(_ cleaned: String, line: String) -> Bool {
        if line.hasPrefix("#") { return true }
        // "03:57 ROSC" is a chronology entry, not a heading.
        if let first = line.unicodeScalars.first, CharacterSet.decimalDigits.contains(first),
           Sectionizer.firstMatchEnd(Sectionizer.clockTime, in: Substring(line)) != nil { return false }
        let words = cleaned.split(separator: " ")
        guard words.count <= 10, cleaned.count >= 4, !cleaned.hasSuffix(".") else { return false }
        let letters = cleaned.unicodeScalars.filter { $0.properties.isAlphabetic }
        guard letters.count >= 4 else { return false }
        return !letters.contains { $0.properties.isLowercase }
    }
}
