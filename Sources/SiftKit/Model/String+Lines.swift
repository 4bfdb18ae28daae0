import Foundation

extension String {
    /// The lines of the text, split at LF, CRLF or a lone CR (Swift's `split(separator: "\n")` treats
    /// CRLF as one character and would not split it), each with the UTF-8 length it occupies including
    /// its line break, so that offsets can be kept.
    func linesWithLengths(limit: Int = .max) -> [(line: Substring, length: Int)] {
        var result: [(line: Substring, length: Int)] = []
        let bytes = utf8
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex, result.count < limit {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                var next = bytes.index(after: index)
                if byte == 0x0D, next < bytes.endIndex, bytes[next] == 0x0A { next = bytes.index(after: next) }
                result.append((self[start..<index], bytes.distance(from: start, to: next)))
                start = next
                index = next
            } else {
                index = bytes.index(after: index)
            }
        }
        if start < bytes.endIndex, result.count < limit { result.append((self[start..<bytes.endIndex], bytes.distance(from: start, to: bytes.endIndex))) }
        return result
    }
}

extension String {
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, the same characters removed, without Foundation's
    /// round trip through NSString and UTF-16 (which cost more than parsing a whole CSV row).
    func trimmingWhitespaceAndNewlines() -> String {
        trimming(WhitespaceTable.whitespacesAndNewlines)
    }

    /// `trimmingCharacters(in: .whitespaces)`, without the round trip through NSString.
    func trimmingWhitespace() -> String {
        trimming(WhitespaceTable.whitespaces)
    }

    /// Removes leading and trailing scalars of `table`'s set. NSString trims UTF-16 units, but every member
    /// of these sets is in the BMP and a surrogate is never a member, so trimming scalars is the same.
    private func trimming(_ table: WhitespaceTable) -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, table.contains(scalars[start]) { start = scalars.index(after: start) }
        while end > start, table.contains(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        if start == scalars.startIndex && end == scalars.endIndex { return self }
        return String(scalars[start..<end])
    }
}

/// Membership in a Foundation character set, with its ASCII members in a table.
struct WhitespaceTable: Sendable {
    let set: CharacterSet
    let ascii: [Bool]

    init(_ set: CharacterSet) {
        self.set = set
        ascii = (0..<128).map { set.contains(Unicode.Scalar(UInt8($0))) }
    }

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 128 ? ascii[Int(scalar.value)] : set.contains(scalar)
    }

    static let whitespacesAndNewlines = WhitespaceTable(.whitespacesAndNewlines)
    static let whitespaces = WhitespaceTable(.whitespaces)
}
