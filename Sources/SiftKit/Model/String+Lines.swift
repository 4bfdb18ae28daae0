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
