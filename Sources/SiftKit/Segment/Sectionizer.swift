import Foundation
import SiftPCRE2

/// Finds sections: declared ones (XML) are classified by title; in plain text, heading lines are
/// recognised by the lexicon's section rules after numbering ("3.15", "2)", "(b)"), case, trailing
/// colons and dashes are set aside. Headings no rule knows become category `other`.
public struct Sectionizer: Sendable {
    public let rules: [SectionRule]

    public init(rules: [SectionRule]) {
        self.rules = rules
        self.patterns = rules.map(\.pattern)
    }

    /// The rules' patterns, in rule order (read per line without copying the rules).
    private let patterns: [Pattern]
    /// Whether lines that are ASCII once normalised take the byte path; tests turn it off to compare it with
    /// the general path.
    var asciiFastPath = true

    /// Sections in text order. Text before the first heading is a `preamble` section.
    public func sections(of document: Document, matchData: MatchData) -> [Section] {
        if !document.declaredSections.isEmpty {
            return document.declaredSections.map { declared in
                let (category, role, rule) = classify(declared.title, matchData: matchData) ?? ("other", .finding, nil)
                return Section(title: declared.title, category: category, ruleID: rule, role: role,
                               headingRange: declared.titleRange, bodyRange: declared.bodyRange)
            }
        }
        let text = document.text
        if let found = text.utf8.withContiguousStorageIfAvailable({ lineSections(text, $0, bodyStart: document.bodyStart, matchData: matchData) }) {
            return found
        }
        return Array(text.utf8).withUnsafeBufferPointer { lineSections(text, $0, bodyStart: document.bodyStart, matchData: matchData) }
    }

    /// Sections of plain text found from its heading lines; `bytes` is `text`'s UTF-8.
    private func lineSections(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>, bodyStart: Int, matchData: MatchData) -> [Section] {
        var sections: [Section] = []
        var current = Section(title: "", category: "preamble", ruleID: nil, role: .finding, headingRange: nil,
                              bodyRange: TextRange(bodyStart, bodyStart))
        var lineStart = bodyStart
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D { lineEnd += 1 }
            let next = lineEnd < bytes.count && bytes[lineEnd] == 0x0D && lineEnd + 1 < bytes.count && bytes[lineEnd + 1] == 0x0A ? lineEnd + 2 : lineEnd + 1
            if let heading = heading(in: text, bytes, range: TextRange(lineStart, lineEnd), matchData: matchData) {
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

    /// Recognises a heading line of `text`. `range` excludes the line break.
    func heading(in text: String, range: TextRange, matchData: MatchData) -> Heading? {
        if let found = text.utf8.withContiguousStorageIfAvailable({ heading(in: text, $0, range: range, matchData: matchData) }) {
            return found
        }
        return Array(text.utf8).withUnsafeBufferPointer { heading(in: text, $0, range: range, matchData: matchData) }
    }

    /// Recognises a heading line of `text`, whose UTF-8 is `bytes`. `range` excludes the line break.
    private func heading(in text: String, _ bytes: UnsafeBufferPointer<UInt8>, range: TextRange, matchData: MatchData) -> Heading? {
        guard range.length >= 3, range.length <= 160 else { return nil }
        // A heading has few words ("Root cause: ..." has few before its colon); most lines of a report are
        // prose and end here, before any work.
        var spaces = 0
        for index in range.start..<range.end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") { break }
            if byte == 0x20 {
                spaces += 1
                if spaces > 16 { return nil }
            }
        }
        guard NormalizedText.isScalarAligned(bytes, range) else {
            // Only a body start inside a character can do this: the scalar path repairs it.
            return unicodeHeading(normalized: NormalizedText(text.utf8, range: range), range: range, matchData: matchData)
        }
        let normalized = NormalizedText(validUTF8: bytes, range: range)
        if asciiFastPath, normalized.bytes.allSatisfy({ $0 < 0x80 }) {
            return normalized.bytes.withUnsafeBufferPointer { asciiHeading(line: $0, normalized: normalized, range: range, matchData: matchData) }
        }
        return unicodeHeading(normalized: normalized, range: range, matchData: matchData)
    }

    /// ``heading(in:range:matchData:)`` for a line that is ASCII once normalised (nearly every line): the same
    /// steps as for any text, on bytes. In ASCII, characters are bytes, and a cleaned title is its own
    /// normalised form (no control characters, no leading, trailing or doubled spaces), so `classify`'s
    /// normalisation can be skipped.
    private func asciiHeading(line: UnsafeBufferPointer<UInt8>, normalized: NormalizedText, range: TextRange,
                              matchData: MatchData) -> Heading? {
        guard let cleaned = Sectionizer.cleanASCII(line, 0..<line.count, matchData: matchData) else { return nil }
        let title = { (range: Range<Int>) in String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self) }
        if let (category, role, rule) = classifyCleanedASCII(line, cleaned, matchData: matchData) {
            return Heading(title: title(cleaned), category: category, role: role, rule: rule, range: range, bodyStart: range.end)
        }
        // "Root cause: the CTG was misread" - a known heading, then text on the same line.
        if let colon = line.firstIndex(of: UInt8(ascii: ":")),
           let head = Sectionizer.cleanASCII(line, 0..<colon, matchData: matchData), Sectionizer.asciiWordCount(line, head) <= 6,
           let (category, role, rule) = classifyCleanedASCII(line, head, matchData: matchData) {
            let bodyStart = normalized.originalRange(colon..<(colon + 1)).end
            return Heading(title: title(head), category: category, role: role, rule: rule, range: TextRange(range.start, bodyStart),
                           bodyStart: bodyStart)
        }
        if Sectionizer.looksLikeUnknownASCIIHeading(line, cleaned: cleaned, matchData: matchData) {
            return Heading(title: title(cleaned), category: "other", role: .finding, rule: nil, range: range, bodyStart: range.end)
        }
        return nil
    }

    /// ``heading(in:range:matchData:)`` for a line with non-ASCII characters, on Strings.
    private func unicodeHeading(normalized: NormalizedText, range: TextRange, matchData: MatchData) -> Heading? {
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

    /// ``classify(_:matchData:)`` of `line[title]`, a title cleaned from an ASCII normalised line.
    private func classifyCleanedASCII(_ line: UnsafeBufferPointer<UInt8>, _ title: Range<Int>,
                                      matchData: MatchData) -> (String, SectionRole, String?)? {
        classifyASCII(line, Sectionizer.cleanASCII(line, title, matchData: matchData) ?? title, matchData: matchData)
    }

    /// The rule for `line[cleaned]`, a cleaned ASCII title: the first that matches it whole, else the first
    /// that matches the part before " - ".
    private func classifyASCII(_ line: UnsafeBufferPointer<UInt8>, _ cleaned: Range<Int>,
                               matchData: MatchData) -> (String, SectionRole, String?)? {
        if let index = firstMatchingRule(UnsafeBufferPointer(rebasing: line[cleaned]), matchData: matchData) {
            return (rules[index].category, rules[index].role, rules[index].id)
        }
        // "Findings - care and service delivery problems": try the part before a dash.
        var dash = cleaned.lowerBound
        while dash + 3 <= cleaned.upperBound {
            if line[dash] == 0x20, line[dash + 1] == UInt8(ascii: "-"), line[dash + 2] == 0x20 {
                guard let index = firstMatchingRule(UnsafeBufferPointer(rebasing: line[cleaned.lowerBound..<dash]), matchData: matchData)
                else { return nil }
                return (rules[index].category, rules[index].role, rules[index].id)
            }
            dash += 1
        }
        return nil
    }

    /// The index of the first rule whose pattern matches `subject`.
    private func firstMatchingRule(_ subject: UnsafeBufferPointer<UInt8>, matchData: MatchData) -> Int? {
        patterns.firstIndex { (try? $0.firstMatch(in: subject, using: matchData, subjectIsValidUTF8: true)) != nil }
    }

    /// The section category for a heading title, by the first rule that matches it whole.
    public func classify(_ title: String, matchData: MatchData) -> (String, SectionRole, String?)? {
        // Titles that are ASCII once normalised (declared sections of every XML and CSV report): on bytes.
        let normalized = NormalizedText(title.utf8, range: TextRange(0, title.utf8.count))
        if asciiFastPath, normalized.bytes.allSatisfy({ $0 < 0x80 }) {
            let found: (String, SectionRole, String?)?? = normalized.bytes.withUnsafeBufferPointer { line in
                // Nothing left once cleaned: the general path below matches the title as given.
                guard let cleaned = Sectionizer.cleanASCII(line, 0..<line.count, matchData: matchData) else { return .none }
                return .some(classifyASCII(line, cleaned, matchData: matchData))
            }
            if let found { return found }
        }
        let cleaned = Sectionizer.clean(normalized.string) ?? title
        var bytes = Array(cleaned.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            let subject = UnsafeBufferPointer(buffer)
            for rule in rules {
                if (try? rule.pattern.firstMatch(in: subject, using: matchData, subjectIsValidUTF8: true)) != nil {
                    return (rule.category, rule.role, rule.id)
                }
            }
            // "Findings - care and service delivery problems": try the part before a dash.
            if let dash = cleaned.range(of: " - ") {
                let head = String(cleaned[..<dash.lowerBound])
                var headBytes = Array(head.utf8)
                return headBytes.withUnsafeMutableBufferPointer { headBuffer in
                    let headSubject = UnsafeBufferPointer(headBuffer)
                    for rule in rules where (try? rule.pattern.firstMatch(in: headSubject, using: matchData, subjectIsValidUTF8: true)) != nil {
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
            (try? pattern.firstMatch(in: UnsafeBufferPointer(buffer), using: MatchData(), subjectIsValidUTF8: true))?.upperBound
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

    /// ``clean(_:)`` of `line[range]`, for ASCII text: the cleaned part of the range, nil when nothing is left.
    static func cleanASCII(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, matchData: MatchData) -> Range<Int>? {
        var start = range.lowerBound, end = range.upperBound
        func trim() {
            while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
            while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        }
        trim()
        while start < end, line[start] == UInt8(ascii: "#") || line[start] == UInt8(ascii: "*") || line[start] == UInt8(ascii: "_") { start += 1 }
        while end > start, line[end - 1] == UInt8(ascii: "*") || line[end - 1] == UInt8(ascii: "_") { end -= 1 }
        trim()
        // Numbering: "3.15", "3.", "2)", "(b)", "iv.", "Section 4", "Part 2:"
        if let numberingEnd = (try? numbering.firstMatch(in: UnsafeBufferPointer(rebasing: line[start..<end]), using: matchData, subjectIsValidUTF8: true))?.upperBound {
            start += numberingEnd
        }
        while end > start, isTrailingPunctuation(line[end - 1]) { end -= 1 }
        while start < end, isLeadingPunctuation(line[start]) { start += 1 }
        return start < end ? start..<end : nil
    }

    /// The characters ``clean(_:)`` removes after a title: `:;.-,=` and space.
    private static func isTrailingPunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ","), UInt8(ascii: "="), 0x20: true
        default: false
        }
    }

    /// The characters ``clean(_:)`` removes before a title: `-:.` and space.
    private static func isLeadingPunctuation(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".") || byte == 0x20
    }

    /// `line[range].split(separator: " ").count` for ASCII text.
    static func asciiWordCount(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var count = 0
        var previous: UInt8 = 0x20
        for index in range {
            if line[index] != 0x20, previous == 0x20 { count += 1 }
            previous = line[index]
        }
        return count
    }

    /// ``looksLikeUnknownHeading(_:line:)`` for an ASCII normalised line and its cleaned part.
    static func looksLikeUnknownASCIIHeading(_ line: UnsafeBufferPointer<UInt8>, cleaned: Range<Int>, matchData: MatchData) -> Bool {
        guard let first = line.first else { return false }
        if first == UInt8(ascii: "#") { return true }
        // "03:57 ROSC" is a chronology entry, not a heading.
        if first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"), (try? clockTime.firstMatch(in: line, using: matchData, subjectIsValidUTF8: true)) != nil { return false }
        guard asciiWordCount(line, cleaned) <= 10, cleaned.count >= 4, line[cleaned.upperBound - 1] != UInt8(ascii: ".") else { return false }
        var letters = 0
        for index in cleaned {
            let byte = line[index]
            if byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") { return false }
            if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { letters += 1 }
        }
        return letters >= 4
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
