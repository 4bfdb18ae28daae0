/// Splits section bodies into sentences, tuned for clinical text: abbreviations ("Dr.", "approx.",
/// "e.g."), times ("14.30") and decimals do not end a sentence; bullets, numbered items, chronology
/// lines and lines without final punctuation each stand alone; a line that continues in lower case
/// (a wrapped line from a PDF) is joined to the one before.
public struct SentenceSplitter: Sendable {
    /// Words (lower case, without the dot) after which a full stop does not end a sentence.
    public var abbreviations: Set<String>
    /// Longest sentence, in UTF-8 bytes: a longer run of text without a sentence end (a pasted table, a file
    /// with no punctuation, a hostile 50 MB line) is cut at the last space before the limit, so that the work
    /// per sentence (tagging compares the matches within a sentence pairwise) stays bounded.
    public var maximumSentenceLength: Int

    public init(abbreviations: Set<String> = SentenceSplitter.defaultAbbreviations, maximumSentenceLength: Int = 2048) {
        self.abbreviations = abbreviations
        self.maximumSentenceLength = max(64, maximumSentenceLength)
    }

    public static let defaultAbbreviations: Set<String> = [
        "dr", "mr", "mrs", "ms", "miss", "prof", "sr", "approx", "e.g", "i.e", "eg", "ie", "vs", "viz", "cf", "no", "nos",
        "st", "fig", "al", "inc", "ltd", "dept", "ref", "para", "paras", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "reg", "sect", "vol", "p", "pp",
    ]

    /// Sentence ranges within `range` of `bytes` (UTF-8 of the report text).
    public func sentences(in bytes: [UInt8], range: TextRange) -> [TextRange] {
        bytes.withUnsafeBufferPointer { sentences(in: $0, range: range) }
    }

    /// Sentence ranges within `range` of `bytes` (UTF-8 of the report text), read in place.
    public func sentences(in bytes: UnsafeBufferPointer<UInt8>, range: TextRange) -> [TextRange] {
        precondition(range.start >= 0 && range.end <= bytes.count, "range outside the text")
        var result: [TextRange] = []
        var blockStart: Int? = nil
        var blockEnd = range.start
        var previousLineEnd: UInt8? = nil
        var lineStart = range.start
        while lineStart < range.end {
            var lineEnd = lineStart
            while lineEnd < range.end, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D { lineEnd += 1 }
            var next = lineEnd + 1
            if lineEnd < range.end, bytes[lineEnd] == 0x0D, next < range.end, bytes[next] == 0x0A { next += 1 }
            let (contentStart, contentEnd) = trim(bytes, lineStart, lineEnd)
            if contentStart >= contentEnd {
                // Blank line ends the block.
                if let start = blockStart { split(bytes, TextRange(start, blockEnd), into: &result) }
                blockStart = nil
                previousLineEnd = nil
            } else {
                let markerEnd = listMarkerEnd(bytes, contentStart, contentEnd)
                let startsItem = markerEnd != nil || startsWithTime(bytes, contentStart, contentEnd)
                let continues = blockStart != nil && !startsItem && previousLineEnd.map { !isTerminal($0) } == true
                    && isContinuation(bytes[contentStart])
                if !continues {
                    if let start = blockStart { split(bytes, TextRange(start, blockEnd), into: &result) }
                    let (start, _) = trim(bytes, markerEnd ?? contentStart, contentEnd)
                    blockStart = start < contentEnd ? start : nil
                }
                blockEnd = contentEnd
                previousLineEnd = bytes[contentEnd - 1]
            }
            lineStart = next
        }
        if let start = blockStart { split(bytes, TextRange(start, blockEnd), into: &result) }
        return result
    }

    private func trim(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
        var s = start, e = end
        while s < e, isSpace(bytes, s) { s += spaceWidth(bytes, s) }
        while e > s, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09 || bytes[e - 1] == 0x0D { e -= 1 }
        return (s, e)
    }

    private func isSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool { spaceWidth(bytes, i) > 0 }

    /// Width of a space-like character at `i` (ASCII space/tab, U+00A0, U+2000-U+200A, U+202F), else 0.
    private func spaceWidth(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let b = bytes[i]
        if b == 0x20 || b == 0x09 || b == 0x0C || b == 0x0B { return 1 }
        if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 { return 2 }
        if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, (0x80...0x8A).contains(bytes[i + 2]) || bytes[i + 2] == 0xAF { return 3 }
        return 0
    }

    /// End of a bullet or list marker at the start of a line ("•", "-", "*", "1.", "2)", "(a)", "iv."), if any.
    private func listMarkerEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        let b = bytes[start]
        // Bullets: - * + • ▪ ‣ ◦ · – —
        if b == UInt8(ascii: "-") || b == UInt8(ascii: "*") || b == UInt8(ascii: "+") {
            return start + 1 < end && bytes[start + 1] == 0x20 ? start + 1 : nil
        }
        if b == 0xE2, start + 2 < end {
            let bullet = (bytes[start + 1], bytes[start + 2])
            let bullets: [(UInt8, UInt8)] = [(0x80, 0xA2), (0x96, 0xAA), (0x80, 0xA3), (0x97, 0xA6), (0x80, 0x93), (0x80, 0x94), (0x97, 0x8F), (0x96, 0xA0)]
            if bullets.contains(where: { $0 == bullet }) { return start + 3 }
        }
        if b == 0xC2, start + 1 < end, bytes[start + 1] == 0xB7 { return start + 2 }
        // (a) (1) (iv)
        if b == UInt8(ascii: "(") {
            var i = start + 1
            while i < end, i - start <= 5, isAlphanumeric(bytes[i]) { i += 1 }
            if i < end, i > start + 1, bytes[i] == UInt8(ascii: ")") { return i + 1 }
            return nil
        }
        // 1. 1) 12. a) a. iv.  (but not 14.30 or 3.15 which are times or section numbers)
        var i = start
        while i < end, i - start < 3, isDigit(bytes[i]) { i += 1 }
        if i == start {
            while i < end, i - start < 4, isLowerLetter(bytes[i]) { i += 1 }
            guard i > start, i - start <= 4 else { return nil }
            if i - start > 1, !bytes[start..<i].allSatisfy({ "ivx".utf8.contains($0) }) { return nil }
        }
        guard i < end, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ")") else { return nil }
        guard i + 1 == end || bytes[i + 1] == 0x20 else { return nil }
        return i + 1
    }

    /// Chronology lines: "14.30", "02:15", "1430hrs", "21/06/2018 ..."
    private func startsWithTime(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end, isDigit(bytes[i]) { i += 1 }
        let digits = i - start
        guard digits >= 1, digits <= 4 else { return false }
        if digits == 4 { return i == end || !isLowerLetter(bytes[i]) || bytes[i] == UInt8(ascii: "h") }
        guard i < end, bytes[i] == UInt8(ascii: ":") || bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "/") else { return false }
        return i + 2 < end && isDigit(bytes[i + 1]) && isDigit(bytes[i + 2])
    }

    private func isTerminal(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ";")
    }

    /// A wrapped line continues the sentence when it starts in lower case or with a connecting character.
    private func isContinuation(_ byte: UInt8) -> Bool {
        isLowerLetter(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "&")
    }

    /// Splits one block at sentence-final punctuation followed by a space and a sentence start.
    private func split(_ bytes: UnsafeBufferPointer<UInt8>, _ block: TextRange, into result: inout [TextRange]) {
        var start = block.start
        var i = block.start
        while i < block.end {
            let b = bytes[i]
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?") {
                var j = i + 1
                while j < block.end, bytes[j] == b || bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") || bytes[j] == UInt8(ascii: ")") { j += 1 }
                if j < block.end, isSpace(bytes, j) {
                    var k = j
                    while k < block.end, isSpace(bytes, k) { k += spaceWidth(bytes, k) }
                    if k < block.end, startsSentence(bytes, k, block.end), !(b == UInt8(ascii: ".") && isAbbreviation(bytes, block.start, i)) {
                        append(bytes, TextRange(start, j), into: &result)
                        start = k
                        i = k
                        continue
                    }
                }
                i = j
                continue
            }
            // An inline bullet " • " starts a new item.
            if b == 0xE2, i + 2 < block.end, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA2, i > start {
                append(bytes, TextRange(start, i), into: &result)
                start = i + 3
                i += 3
                continue
            }
            i += 1
        }
        append(bytes, TextRange(start, block.end), into: &result)
    }

    private func append(_ bytes: UnsafeBufferPointer<UInt8>, _ range: TextRange, into result: inout [TextRange]) {
        var (s, e) = trim(bytes, range.start, range.end)
        while e - s > maximumSentenceLength {
            // Cut at the last space before the limit, else at a character boundary.
            var cut = s + maximumSentenceLength
            while cut > s, bytes[cut] != 0x20 { cut -= 1 }
            if cut == s {
                cut = s + maximumSentenceLength
                while cut > s, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
                if cut == s { cut = s + maximumSentenceLength }  // not UTF-8: any cut will do
            }
            appendTrimmed(bytes, s, cut, into: &result)
            (s, e) = trim(bytes, cut, e)
        }
        appendTrimmed(bytes, s, e, into: &result)
    }

    private func appendTrimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into result: inout [TextRange]) {
        let (s, e) = trim(bytes, start, end)
        // Keep sentences that hold at least one letter or digit.
        if s < e, bytes[s..<e].contains(where: { isAlphanumeric($0) || $0 >= 0x80 }) { result.append(TextRange(s, e)) }
    }

    private func startsSentence(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Bool {
        let b = bytes[i]
        if isUpperLetter(b) || isDigit(b) { return true }
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "(") || b == UInt8(ascii: "[") { return true }
        if b >= 0xC3 { return true }  // non-ASCII letter or curly quote: most often a sentence start here
        return false
    }

    /// Is the word ending just before `dot` an abbreviation or an initial ("J. Smith")?
    private func isAbbreviation(_ bytes: UnsafeBufferPointer<UInt8>, _ blockStart: Int, _ dot: Int) -> Bool {
        var s = dot
        while s > blockStart, isAlphanumeric(bytes[s - 1]) || bytes[s - 1] == UInt8(ascii: ".") { s -= 1 }
        guard s < dot else { return false }
        // The word is ASCII letters, digits and dots: lower-cased byte by byte, as lowercased() would.
        let word = String(unsafeUninitializedCapacity: dot - s) { buffer in
            for offset in 0..<(dot - s) {
                let byte = bytes[s + offset]
                buffer[offset] = isUpperLetter(byte) ? byte | 0x20 : byte
            }
            return dot - s
        }
        if abbreviations.contains(word) { return true }
        // A single capital letter: an initial.
        if dot - s == 1, isUpperLetter(bytes[s]) { return true }
        return false
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private func isLowerLetter(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
    private func isUpperLetter(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    private func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || isLowerLetter(b) || isUpperLetter(b) }
}
