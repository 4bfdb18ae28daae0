import Foundation
import SiftPCRE2

/// What a redaction removed; the replacement token names it (`[NHS-NUMBER]`).
public enum IdentifierKind: String, Sendable, CaseIterable, Hashable, Codable {
    case nhsNumber = "NHS-NUMBER"
    case chiNumber = "CHI-NUMBER"
    case hospitalNumber = "HOSPITAL-NUMBER"
    case date = "DATE"
    case time = "TIME"
    case postcode = "POSTCODE"
    case phone = "PHONE"
    case email = "EMAIL"
    case name = "NAME"

    /// The replacement token.
    public var token: String { "[\(rawValue)]" }
}

/// One identifier found in a text: UTF-8 byte range and kind.
public struct Redaction: Sendable, Hashable {
    public var range: Range<Int>
    public var kind: IdentifierKind
}

/// Finds patient and staff identifiers in report text and replaces them with tokens that say what was
/// removed. Report offsets are never changed: redaction applies to the text shown to users (evidence
/// sentences, matched text), while spans keep pointing into the original report.
///
/// Covers NHS numbers (10 digits, spaced or hyphenated, Modulus 11 valid, or any 10-digit run near
/// "NHS"), CHI numbers (near "CHI", or a valid DDMMYY start with a valid check digit near it), dates in
/// common formats, clock times, UK postcodes, phone numbers, e-mail addresses, hospital numbers (a
/// configurable pattern) and names after titles, professional titles and relationship words, including
/// a surname that recurs alone later in the same report.
public struct Redactor: Sendable {
    /// A pattern for local hospital numbers (case-sensitive PCRE2); the default covers "MRN 1234567",
    /// "hospital number: AB123456" and one letter followed by 6-8 digits ("K1234567").
    public static let defaultHospitalNumberPattern =
        #"\b(?:MRN|[Hh]ospital\s+(?:[Nn]o\.?|[Nn]umber)|[Uu]nit\s+(?:[Nn]o\.?|[Nn]umber)|[Cc]ase\s+[Nn]umber)\s*[:#.]?\s*[A-Z]{0,3}\d{5,10}\b|\b[A-Z]{1,2}\d{6,8}\b"#

    private let digitRuns: Pattern
    private let hospitalNumber: Pattern
    private let dates: [Pattern]
    private let times: [Pattern]
    private let postcode: Pattern
    private let phone: Pattern
    private let email: Pattern
    private let titledName: Pattern
    private let nhsContext: Pattern
    private let chiContext: Pattern
    /// True for the default hospital-number pattern, which cannot match without a digit (a local pattern
    /// given with --hospital-number-pattern always runs).
    private let hospitalNumberNeedsDigit: Bool

    /// Builds the redactor. Throws when `hospitalNumberPattern` does not compile.
    public init(hospitalNumberPattern: String = Redactor.defaultHospitalNumberPattern) throws {
        // 10 digits as 3-3-4 with spaces or hyphens, or a plain run of 10 (not part of a longer number).
        digitRuns = try Pattern(#"(?<![\d])(?:\d{3}[ \-]\d{3}[ \-]\d{4}|\d{10})(?![\d])"#, options: [])
        hospitalNumber = try Pattern(hospitalNumberPattern, options: [])
        hospitalNumberNeedsDigit = hospitalNumberPattern == Redactor.defaultHospitalNumberPattern
        let month = "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
        dates = [
            // 21/06/2018, 21-06-18, 21.06.2018, 2018-06-21
            try Pattern(#"(?<![\d./-])(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?![\d/])"#, options: []),
            // 21st June 2018, 21 Jun 18, 21st of June, Monday 21 June
            try Pattern(#"\b\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+\#(month)\b\.?(?:,?\s+\d{4}|\s+\d{2}\b)?"#, options: [.caseless]),
            // June 21, 2018 / June 21st
            try Pattern(#"\b\#(month)\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?"#, options: [.caseless]),
            // June 2018
            try Pattern(#"\b\#(month)\s+\d{4}\b"#, options: [.caseless]),
        ]
        times = [
            // 14.30, 02:15, 14:30:05, 9.30am, 9:30 pm, 1430hrs, 0344 hrs, 14h30
            try Pattern(#"(?<![\d.:])(?:(?:[01]\d|2[0-3])[.:h][0-5]\d(?::[0-5]\d)?|(?:[0-9]|1[0-2])[.:][0-5]\d\s?(?:am|pm|a\.m\.|p\.m\.))(?![\d.:]\d)(?:\s?(?:hrs|hours|h)\b)?"#, options: [.caseless]),
            try Pattern(#"(?<![\d.:])(?:[01]\d|2[0-3])[0-5]\d\s?(?:hrs|hours|h)\b"#, options: [.caseless]),
            try Pattern(#"\b(?:[1-9]|1[0-2])\s?(?:am|pm)\b"#, options: [.caseless]),
        ]
        postcode = try Pattern(#"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b"#, options: [])
        phone = try Pattern(#"(?<![\d])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s\-]?\d{3,4}[\s\-]?\d{3,4}(?![\d])"#, options: [])
        email = try Pattern(#"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b"#, options: [])
        // Title or role word, then one to three capitalised name words. The title itself is kept.
        let titles = #"(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof(?:essor)?|Sister|Sr|Nurse|Matron|Midwife|midwife|Baby|baby|Master|Dame|Sir|Lady|Lord|Rev(?:erend)?|Registrar|registrar|Consultant|consultant|Dr\.|Mr\.|Mrs\.|Ms\.|Prof\.)"#
        let relations = #"(?:partner|husband|wife|mother|father|son|daughter|brother|grandmother|grandfather|aunt|uncle|fianc[eé]e?|boyfriend|girlfriend|spouse|parent|Mum|Dad|mum|dad|called|named|known\s+as)"#
        let nameWord = #"(?:Ma?c[A-Z][a-z]+|[A-Z]'[A-Z][a-z]+|[A-Z][a-z]+(?:[\-'][A-Z][a-z]+)?|[A-Z]\.?)"#
        titledName = try Pattern(#"\b(?:\#(titles)|\#(relations)),?\s+(\#(nameWord)(?:\s+\#(nameWord)){0,2})"#, options: [])
        nhsContext = try Pattern(#"\bNHS\b|\bN\.H\.S\b|\bNHS\s*(?:no|number|#)"#, options: [.caseless])
        chiContext = try Pattern(#"\bCHI\b"#, options: [])
    }

    /// Words that look like names after a title but are not ("the Midwife Led Unit", "Consultant Obstetrician").
    static let notNames: Set<String> = [
        "Led", "Unit", "Ward", "Team", "In", "On", "At", "The", "And", "Of", "For", "To", "With", "Obstetrician", "Obstetrics",
        "Midwife", "Midwives", "Midwifery", "Anaesthetist", "Paediatrician", "Neonatologist", "Registrar", "Consultant", "Sister",
        "Coordinator", "Co", "Ordinator", "Practitioner", "Sonographer", "Nurse", "Matron", "Manager", "Lead", "Labour", "Delivery",
        "Suite", "Triage", "Community", "Hospital", "Trust", "NHS", "Care", "Support", "Worker", "Student", "Band", "On-call",
        "Doctor", "Doctors", "Staff", "Surgeon", "Fellow", "Trainee", "Specialist", "Senior", "Junior", "Duty", "Theatre", "Day",
        "Night", "Maternity", "Services", "Service", "Clinic", "Centre", "Center", "Department", "Emergency", "A", "I", "It", "He",
        "She", "They", "This", "That", "Was", "Were", "Had", "Has", "Who", "When", "Then", "Baby", "Mother", "Father", "Partner",
        "SHO", "ST", "CTG", "FBS", "Head", "Director", "Governance", "Safety", "Investigation", "Report", "Panel", "General",
        "Dr", "Mr", "Mrs", "Ms", "Miss", "Prof", "Professor", "Acute", "Neonatal", "Fetal", "Medicine", "Intensive", "High", "Dependency", "Early", "Pregnancy", "Assessment",
    ]

    /// Names learnt from a whole report (after titles and relationship words), so that a surname that
    /// recurs alone elsewhere in the report is redacted too. Compute once per report.
    public func knownNames(in report: String) -> Set<String> {
        var surnames = Set<String>()
        _ = titledNames(in: Array(report.utf8), surnames: &surnames)
        return surnames
    }

    /// The identifiers in `text`, left to right, overlaps resolved (longest first).
    ///
    /// - Parameter knownNames: names learnt from the whole report (``knownNames(in:)``); names found in
    ///   `text` itself are always used.
    public func identifiers(in text: String, knownNames: Set<String> = []) -> [Redaction] {
        let bytes = Array(text.utf8)
        let matchData = MatchData()
        var found: [Redaction] = []
        // Every number, date, time, postcode and phone pattern needs a digit, an e-mail address an "@": most
        // evidence sentences have neither, and skip those patterns (they were most of the redaction time).
        let hasDigit = bytes.contains { $0 >= 0x30 && $0 <= 0x39 }
        let hasAt = bytes.contains(0x40)
        bytes.withUnsafeBufferPointer { subject in
            // `bytes` come from a String: valid UTF-8, so PCRE2 need not check them again for every pattern.
            func all(_ pattern: Pattern) -> [Range<Int>] { (try? pattern.allMatches(in: subject, using: matchData, subjectIsValidUTF8: true)) ?? [] }
            if hasAt { for range in all(email) { found.append(Redaction(range: range, kind: .email)) } }
            if hasDigit || !hospitalNumberNeedsDigit {
                for range in all(hospitalNumber) { found.append(Redaction(range: range, kind: .hospitalNumber)) }
            }
            guard hasDigit else { return }
            let nhsNear = all(nhsContext)
            let chiNear = all(chiContext)
            for range in all(digitRuns) {
                let digits = bytes[range].filter { $0 >= 0x30 && $0 <= 0x39 }.map { Int($0 - 0x30) }
                let nearNHS = nhsNear.contains { Redactor.distance($0, range) <= 40 }
                let nearCHI = chiNear.contains { Redactor.distance($0, range) <= 40 }
                if nearCHI {
                    found.append(Redaction(range: range, kind: .chiNumber))
                } else if nearNHS || Redactor.passesModulus11(digits) {
                    found.append(Redaction(range: range, kind: .nhsNumber))
                }
            }
            for pattern in dates { for range in all(pattern) { found.append(Redaction(range: range, kind: .date)) } }
            for pattern in times { for range in all(pattern) { found.append(Redaction(range: range, kind: .time)) } }
            for range in all(postcode) { found.append(Redaction(range: range, kind: .postcode)) }
            for range in all(phone) where bytes[range].filter({ $0 >= 0x30 && $0 <= 0x39 }).count >= 10 {
                found.append(Redaction(range: range, kind: .phone))
            }
        }
        var surnames = knownNames
        found += titledNames(in: bytes, surnames: &surnames)
        found += recurringNames(in: text, surnames: surnames)
        return Redactor.resolveOverlaps(found)
    }

    /// `text` with every identifier replaced by its token.
    public func redact(_ text: String, knownNames: Set<String> = []) -> String {
        let redactions = identifiers(in: text, knownNames: knownNames)
        guard !redactions.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var position = 0
        for redaction in redactions {
            out += bytes[position..<redaction.range.lowerBound]
            out += Array(redaction.kind.token.utf8)
            position = redaction.range.upperBound
        }
        out += bytes[position...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Names after titles and relationship words; the surnames (and first names of two-word names) are
    /// added to `surnames`.
    private func titledNames(in source: [UInt8], surnames: inout Set<String>) -> [Redaction] {
        let matchData = MatchData()
        var result: [Redaction] = []
        source.withUnsafeBufferPointer { subject in
            var position = 0
            while position <= subject.count, let whole = try? titledName.firstMatch(in: subject, from: position, using: matchData, subjectIsValidUTF8: true) {
                // Resume just after the title word, so "registrar Dr Lee" still finds "Dr Lee".
                position = whole.lowerBound + 1
                let text = String(decoding: source[whole], as: UTF8.self)
                let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
                guard words.count >= 2 else { continue }
                var nameWords = Array(words.dropFirst())
                if words.first == "known" { nameWords = Array(words.dropFirst(2)) }
                // Stop at the first word that is not a name ("Midwife Led Unit").
                var kept: [String] = []
                for word in nameWords {
                    let bare = word.trimmingCharacters(in: CharacterSet(charactersIn: ".'"))
                    if Redactor.notNames.contains(bare) || bare.isEmpty { break }
                    kept.append(word)
                }
                guard !kept.isEmpty else { continue }
                let nameText = kept.joined(separator: " ")
                guard let found = text.range(of: nameText, range: text.index(after: text.startIndex)..<text.endIndex) else { continue }
                let offset = text.utf8.distance(from: text.utf8.startIndex, to: found.lowerBound)
                let start = whole.lowerBound + offset
                result.append(Redaction(range: start..<(start + nameText.utf8.count), kind: .name))
                if let last = kept.last?.trimmingCharacters(in: CharacterSet(charactersIn: ".'")), last.count >= 3 { surnames.insert(last) }
                if kept.count >= 2, let first = kept.first, first.count >= 3 { surnames.insert(first) }
            }
        }
        return result
    }

    /// A learnt name recurring alone ("Smith said ..."): whole capitalised words only.
    private func recurringNames(in text: String, surnames: Set<String>) -> [Redaction] {
        guard !surnames.isEmpty else { return [] }
        var result: [Redaction] = []
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index].isUppercase else { index = text.index(after: index); continue }
            let before = index > text.startIndex ? text[text.index(before: index)] : " "
            var end = index
            while end < text.endIndex, text[end].isLetter || text[end] == "-" || text[end] == "'" { end = text.index(after: end) }
            let word = String(text[index..<end])
            if !(before.isLetter || before.isNumber), surnames.contains(word) {
                let start = text.utf8.distance(from: text.utf8.startIndex, to: index)
                result.append(Redaction(range: start..<(start + word.utf8.count), kind: .name))
            }
            index = end > index ? end : text.index(after: index)
        }
        return result
    }

    static func distance(_ a: Range<Int>, _ b: Range<Int>) -> Int {
        if a.overlaps(b) { return 0 }
        return a.upperBound <= b.lowerBound ? b.lowerBound - a.upperBound : a.lowerBound - b.upperBound
    }

    /// NHS and CHI numbers end in a Modulus 11 check digit: weights 10..2 on the first nine digits,
    /// check = 11 - (sum mod 11), 11 -> 0, 10 -> invalid.
    public static func passesModulus11(_ digits: [Int]) -> Bool {
        guard digits.count == 10 else { return false }
        var sum = 0
        for (index, digit) in digits.prefix(9).enumerated() { sum += digit * (10 - index) }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        if check == 10 { return false }
        return check == digits[9]
    }

    /// Keeps one of overlapping redactions: validated identifiers first, then the longest, then the
    /// earlier kind in `IdentifierKind` order.
    static func resolveOverlaps(_ redactions: [Redaction]) -> [Redaction] {
        let order = Dictionary(uniqueKeysWithValues: IdentifierKind.allCases.enumerated().map { ($1, $0) })
        // Validated numbers and addresses first (a phone pattern must not swallow an NHS number), then longest.
        func strength(_ kind: IdentifierKind) -> Int {
            switch kind {
            case .nhsNumber, .chiNumber, .email, .hospitalNumber: 1
            default: 0
            }
        }
        let sorted = redactions.sorted {
            (strength($0.kind), $0.range.count, -order[$0.kind]!, -$0.range.lowerBound)
                > (strength($1.kind), $1.range.count, -order[$1.kind]!, -$1.range.lowerBound)
        }
        var kept: [Redaction] = []
        for redaction in sorted where !kept.contains(where: { $0.range.overlaps(redaction.range) }) {
            kept.append(redaction)
        }
        return kept.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }
}
