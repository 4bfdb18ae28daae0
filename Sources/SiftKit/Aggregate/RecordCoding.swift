/// The binary form of report records on disk (`reports.bin`), written and read by hand: the records only
/// keep memory bounded during a run or between `sift run --partial` and `sift merge`, so they are always
/// read back by the Sift version that wrote them, and Foundation's JSON coders cost most of a run's CPU.
///
/// Layout (integers are LEB128 varints; signed ones zigzag-encoded first):
///
///     file    = magic(8) version(varint) frame* end
///     frame   = length(varint, > 0) crc32(4, little-endian, of payload) payload(length)
///     end     = 0x00 count(varint: number of frames)
///     payload = header body
///     header  = key.source(string) key.index(int) id(string) source(string)
///     body    = unit(opt string) date(opt string) metadata(array of array of string) factors(array of string)
///               sections(array of section) findings(array of finding)
///     string  = length(varint) UTF-8 bytes;  opt x = 0x00 | 0x01 x;  array of x = count(varint) x*
///     section = title category ruleID(opt string) role(code) headingRange(opt range) bodyRange(range)
///     finding = reportID factor ruleID sectionIndex(int) section sentenceIndex(int) sentence sentenceSpan(range)
///               span(range) matchedText modifiers(array of modifier) verdict(code)
///     modifier = category(code) ruleID trigger span(opt range)
///     range   = start(int) end(int)
///
/// The length prefix lets a reader skip a record without decoding it (the duplicate-id pass reads only the
/// header); the end marker makes a file cut short at a record boundary detectable; the checksum catches
/// corruption inside a record. Enum cases are stored as the fixed codes below, never as declaration order.
/// Change ``version`` whenever the layout changes.
enum RecordFormat {
    /// `\x89SIFTREC`: the high first byte marks the file as binary, as PNG does.
    static let magic: [UInt8] = [0x89, 0x53, 0x49, 0x46, 0x54, 0x52, 0x45, 0x43]
    static let version: UInt64 = 1

    static func code(_ role: SectionRole) -> UInt8 {
        switch role {
        case .finding: 0
        case .recommendation: 1
        case .goodPractice: 2
        case .hypothetical: 3
        case .negated: 4
        }
    }

    static func sectionRole(_ code: UInt8) -> SectionRole? {
        switch code {
        case 0: .finding
        case 1: .recommendation
        case 2: .goodPractice
        case 3: .hypothetical
        case 4: .negated
        default: nil
        }
    }

    static func code(_ category: ContextCategory) -> UInt8 {
        switch category {
        case .negated: 0
        case .hypothetical: 1
        case .recommendation: 2
        case .goodPractice: 3
        case .finding: 4
        }
    }

    static func contextCategory(_ code: UInt8) -> ContextCategory? {
        switch code {
        case 0: .negated
        case 1: .hypothetical
        case 2: .recommendation
        case 3: .goodPractice
        case 4: .finding
        default: nil
        }
    }

    static func code(_ verdict: Verdict) -> UInt8 {
        switch verdict {
        case .counted: 0
        case .negated: 1
        case .hypothetical: 2
        case .goodPractice: 3
        case .recommendation: 4
        }
    }

    static func verdict(_ code: UInt8) -> Verdict? {
        switch code {
        case 0: .counted
        case 1: .negated
        case 2: .hypothetical
        case 3: .goodPractice
        case 4: .recommendation
        default: nil
        }
    }

    /// The file's first bytes: magic and version.
    static var fileHeader: [UInt8] {
        var encoder = RecordEncoder()
        encoder.bytes = magic
        encoder.varint(version)
        return encoder.bytes
    }
}

/// CRC-32 (IEEE 802.3, as zlib and PNG), a table lookup a byte.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { (n: Int) -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return ~crc
        }
    }
}

/// Appends the binary form of records to a byte array.
struct RecordEncoder {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A signed integer, zigzag-encoded so that small negative numbers stay short.
    mutating func int(_ value: Int) {
        let wide = Int64(value)
        varint(UInt64(bitPattern: (wide << 1) ^ (wide >> 63)))
    }

    mutating func count(_ value: Int) { varint(UInt64(value)) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func string(_ value: String?) {
        guard let value else { bytes.append(0); return }
        bytes.append(1)
        string(value)
    }

    mutating func range(_ range: TextRange) {
        int(range.start)
        int(range.end)
    }

    mutating func range(_ range: TextRange?) {
        guard let range else { bytes.append(0); return }
        bytes.append(1)
        self.range(range)
    }

    mutating func strings(_ values: [String]) {
        count(values.count)
        for value in values { string(value) }
    }

    mutating func record(_ record: ReportRecord) {
        string(record.key.source)
        int(record.key.index)
        string(record.id)
        string(record.source)
        string(record.unit)
        string(record.date)
        count(record.metadata.count)
        for pair in record.metadata { strings(pair) }
        strings(record.factors)
        count(record.sections.count)
        for section in record.sections {
            string(section.title)
            string(section.category)
            string(section.ruleID)
            bytes.append(RecordFormat.code(section.role))
            range(section.headingRange)
            range(section.bodyRange)
        }
        count(record.findings.count)
        for finding in record.findings {
            string(finding.reportID)
            string(finding.factor)
            string(finding.ruleID)
            int(finding.sectionIndex)
            string(finding.section)
            int(finding.sentenceIndex)
            string(finding.sentence)
            range(finding.sentenceSpan)
            range(finding.span)
            string(finding.matchedText)
            count(finding.modifiers.count)
            for modifier in finding.modifiers {
                bytes.append(RecordFormat.code(modifier.category))
                string(modifier.ruleID)
                string(modifier.trigger)
                range(modifier.span)
            }
            bytes.append(RecordFormat.code(finding.verdict))
        }
    }

    /// Appends `record` as one frame: length, checksum, payload. `scratch` is reused between calls.
    mutating func frame(_ record: ReportRecord, scratch: inout RecordEncoder) {
        scratch.bytes.removeAll(keepingCapacity: true)
        scratch.record(record)
        count(scratch.bytes.count)
        let crc = scratch.bytes.withUnsafeBufferPointer(CRC32.checksum)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        bytes.append(contentsOf: scratch.bytes)
    }
}

/// What is wrong inside a record; the reader adds the file, record number and offset.
struct RecordCorruption: Error {
    var problem: String
}

/// Reads the binary form of a record from a byte range, checking every read against the range's end.
struct RecordDecoder {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    let end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        index = start
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - index }

    mutating func byte(_ what: @autoclosure () -> String) throws -> UInt8 {
        guard index < end else { throw RecordCorruption(problem: "\(what()) runs past the end of the record") }
        index += 1
        return bytes[index - 1]
    }

    /// Nil when the varint runs past `end`; throws when it is longer than 64 bits.
    mutating func varintIfComplete() throws -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < end {
            let byte = bytes[index]
            index += 1
            if shift == 63 && byte > 1 { throw RecordCorruption(problem: "a number is longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    mutating func varint(_ what: @autoclosure () -> String) throws -> UInt64 {
        guard let value = try varintIfComplete() else { throw RecordCorruption(problem: "\(what()) runs past the end of the record") }
        return value
    }

    mutating func int(_ what: @autoclosure () -> String) throws -> Int {
        let value = try varint(what())
        return Int(Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1))))
    }

    /// A count of things that each take at least one byte, so never more than the bytes left.
    mutating func count(_ what: @autoclosure () -> String) throws -> Int {
        let value = try varint(what())
        guard value <= UInt64(remaining) else {
            throw RecordCorruption(problem: "\(what()) claims \(value), more than the \(remaining) bytes left in the record")
        }
        return Int(value)
    }

    mutating func string(_ what: @autoclosure () -> String) throws -> String {
        let length = try count(what())
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + length]), as: UTF8.self)
        index += length
        return text
    }

    mutating func present(_ what: @autoclosure () -> String) throws -> Bool {
        switch try byte(what()) {
        case 0: return false
        case 1: return true
        case let other: throw RecordCorruption(problem: "\(what()) has presence byte \(other), not 0 or 1")
        }
    }

    mutating func optionalString(_ what: @autoclosure () -> String) throws -> String? {
        try present(what()) ? try string(what()) : nil
    }

    mutating func range(_ what: @autoclosure () -> String) throws -> TextRange {
        // Set field by field: the record holds whatever range was written, checked or not.
        var range = TextRange(0, 0)
        range.start = try int(what())
        range.end = try int(what())
        return range
    }

    mutating func optionalRange(_ what: @autoclosure () -> String) throws -> TextRange? {
        try present(what()) ? try range(what()) : nil
    }

    mutating func strings(_ what: @autoclosure () -> String) throws -> [String] {
        let count = try count(what())
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try string(what())) }
        return values
    }

    mutating func code<T>(_ what: @autoclosure () -> String, _ decode: (UInt8) -> T?) throws -> T {
        let code = try byte(what())
        guard let value = decode(code) else { throw RecordCorruption(problem: "\(what()) has unknown code \(code)") }
        return value
    }

    mutating func header() throws -> ReportRecordHeader {
        let key = ReportKey(source: try string("the key source"), index: try int("the key index"))
        return ReportRecordHeader(key: key, id: try string("the id"), source: try string("the source"))
    }

    mutating func record() throws -> ReportRecord {
        let header = try header()
        let unit = try optionalString("the unit")
        let date = try optionalString("the date")
        let metadataCount = try count("the metadata count")
        var metadata: [[String]] = []
        metadata.reserveCapacity(metadataCount)
        for _ in 0..<metadataCount { metadata.append(try strings("a metadata entry")) }
        let factors = try strings("the factors")
        let sectionCount = try count("the section count")
        var sections: [Section] = []
        sections.reserveCapacity(sectionCount)
        for _ in 0..<sectionCount {
            sections.append(Section(title: try string("a section title"), category: try string("a section category"),
                                    ruleID: try optionalString("a section rule"), role: try code("a section role", RecordFormat.sectionRole),
                                    headingRange: try optionalRange("a section heading range"), bodyRange: try range("a section body range")))
        }
        let findingCount = try count("the finding count")
        var findings: [Finding] = []
        findings.reserveCapacity(findingCount)
        for _ in 0..<findingCount {
            let reportID = try string("a finding's report id"), factor = try string("a finding's factor")
            let ruleID = try string("a finding's rule"), sectionIndex = try int("a finding's section index")
            let section = try string("a finding's section"), sentenceIndex = try int("a finding's sentence index")
            let sentence = try string("a finding's sentence"), sentenceSpan = try range("a finding's sentence span")
            let span = try range("a finding's span"), matchedText = try string("a finding's matched text")
            let modifierCount = try count("a finding's modifier count")
            var modifiers: [Modifier] = []
            modifiers.reserveCapacity(modifierCount)
            for _ in 0..<modifierCount {
                modifiers.append(Modifier(category: try code("a modifier category", RecordFormat.contextCategory),
                                          ruleID: try string("a modifier rule"), trigger: try string("a modifier trigger"),
                                          span: try optionalRange("a modifier span")))
            }
            findings.append(Finding(reportID: reportID, factor: factor, ruleID: ruleID, sectionIndex: sectionIndex, section: section,
                                    sentenceIndex: sentenceIndex, sentence: sentence, sentenceSpan: sentenceSpan, span: span,
                                    matchedText: matchedText, modifiers: modifiers, verdict: try code("a finding's verdict", RecordFormat.verdict)))
        }
        guard index == end else { throw RecordCorruption(problem: "\(end - index) bytes left over after the record") }
        return ReportRecord(key: header.key, id: header.id, source: header.source, unit: unit, date: date, metadata: metadata,
                            factors: factors, sections: sections, findings: findings)
    }
}
