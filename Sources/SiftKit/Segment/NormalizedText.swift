/// Text prepared for matching: exotic spaces, dashes and quotes folded, whitespace runs collapsed,
/// with a map from every normalised byte back to the original text.
///
/// Patterns see ``bytes``; spans found there go back through ``originalRange(_:)``.
public struct NormalizedText: Sendable {
    /// The normalised UTF-8 bytes.
    public private(set) var bytes: [UInt8] = []
    /// For each normalised byte, the original byte offset where its character starts.
    private var origins: [Int32] = []
    /// For each normalised byte, the original byte offset where its character ends.
    private var originEnds: [Int32] = []

    /// Normalises `utf8[range]`, whose offsets are into the same buffer `range` refers to.
    public init(_ utf8: String.UTF8View, range: TextRange) {
        // Native strings: straight from their UTF-8 bytes. A range that does not fall on character
        // boundaries (or lies outside the text) takes the scalar path, which repairs it as before.
        if let fast = utf8.withContiguousStorageIfAvailable({ buffer in
            NormalizedText.isScalarAligned(buffer, range) ? NormalizedText(validUTF8: buffer, range: range) : nil
        }), let fast {
            self = fast
        } else {
            self.init(scalarsOf: utf8, range: range)
        }
    }

    /// Normalises `buffer[range]`; `buffer` must be valid UTF-8 (a String's bytes) and `range` must start and
    /// end on character boundaries. Offsets in ``originalRange(_:)`` are into `buffer`. The same result as
    /// ``init(_:range:)``, without decoding ASCII (most report text) scalar by scalar.
    init(validUTF8 buffer: UnsafeBufferPointer<UInt8>, range: TextRange) {
        let capacity = range.length  // a character never normalises to more bytes than it had
        var count = 0
        var origins: [Int32] = []
        var originEnds: [Int32] = []
        bytes = [UInt8](unsafeUninitializedCapacity: capacity) { bytesOut, bytesCount in
            origins = [Int32](unsafeUninitializedCapacity: capacity) { originsOut, originsCount in
                originEnds = [Int32](unsafeUninitializedCapacity: capacity) { endsOut, endsCount in
                    count = NormalizedText.fold(buffer, range, bytes: bytesOut.baseAddress, origins: originsOut.baseAddress,
                                                originEnds: endsOut.baseAddress)
                    endsCount = count
                }
                originsCount = count
            }
            bytesCount = count
        }
        self.origins = origins
        self.originEnds = originEnds
    }

    /// True when `range` lies in `buffer` and starts and ends on UTF-8 character boundaries.
    static func isScalarAligned(_ buffer: UnsafeBufferPointer<UInt8>, _ range: TextRange) -> Bool {
        guard range.start >= 0, range.start <= range.end, range.end <= buffer.count else { return false }
        let isContinuation = { (index: Int) in index < buffer.count && buffer[index] & 0xC0 == 0x80 }
        return !isContinuation(range.start) && !isContinuation(range.end)
    }

    /// What each ASCII byte becomes: 0 = a space, 1 = dropped, otherwise the byte itself.
    private static let asciiFolds: [UInt8] = (0..<128).map { byte in
        switch fold(Unicode.Scalar(UInt8(byte))) {
        case .space: 0
        case .drop: 1
        case .ascii(let folded): folded
        case .keep: UInt8(byte)
        }
    }

    /// Writes the normalised bytes of `buffer[range]` and their origins; returns how many were written.
    private static func fold(_ buffer: UnsafeBufferPointer<UInt8>, _ range: TextRange, bytes: UnsafeMutablePointer<UInt8>?,
                             origins: UnsafeMutablePointer<Int32>?, originEnds: UnsafeMutablePointer<Int32>?) -> Int {
        guard range.length > 0, let bytes, let origins, let originEnds, let input = buffer.baseAddress else { return 0 }
        var count = 0
        var pendingStart: Int32 = -1
        var pendingEnd: Int32 = 0
        @inline(__always) func emit(_ byte: UInt8, _ start: Int32, _ end: Int32) {
            if pendingStart >= 0 {
                if count > 0 {  // no leading space
                    bytes[count] = 0x20
                    origins[count] = pendingStart
                    originEnds[count] = pendingEnd
                    count += 1
                }
                pendingStart = -1
            }
            bytes[count] = byte
            origins[count] = start
            originEnds[count] = end
            count += 1
        }
        @inline(__always) func space(_ start: Int32, _ end: Int32) {
            if pendingStart < 0 { pendingStart = start }
            pendingEnd = end
        }
        asciiFolds.withUnsafeBufferPointer { table in
            var index = range.start
            let end = range.end
            while index < end {
                let byte = input[index]
                if byte < 0x80 {
                    let folded = table[Int(byte)]
                    let start = Int32(index)
                    if folded == 0 { space(start, start + 1) } else if folded != 1 { emit(folded, start, start + 1) }
                    index += 1
                    continue
                }
                // A multi-byte character (the buffer is valid UTF-8).
                let width = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                var value = UInt32(byte) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
                for next in 1..<width { value = value << 6 | UInt32(input[index + next] & 0x3F) }
                let start = Int32(index), stop = Int32(index + width)
                switch NormalizedText.fold(Unicode.Scalar(value)!) {
                case .space: space(start, stop)
                case .drop: break
                case .ascii(let folded): emit(folded, start, stop)
                case .keep: for offset in index..<(index + width) { emit(input[offset], start, stop) }
                }
                index += width
            }
        }
        return count
    }

    /// The general path: any range, decoded scalar by scalar (and repaired if it splits a character).
    init(scalarsOf utf8: String.UTF8View, range: TextRange) {
        bytes.reserveCapacity(range.length)
        origins.reserveCapacity(range.length)
        originEnds.reserveCapacity(range.length)
        var offset = range.start
        var pendingSpace: (Int32, Int32)? = nil
        let startIndex = utf8.index(utf8.startIndex, offsetBy: range.start)
        let endIndex = utf8.index(utf8.startIndex, offsetBy: range.end)
        // Ranges come from scalar boundaries; should one not, Substring's initialiser rounds it to whole
        // characters rather than crashing.
        let slice = Substring(utf8[startIndex..<endIndex])
        for scalar in slice.unicodeScalars {
            let width = UTF8.width(scalar)
            let start = Int32(offset)
            let end = Int32(offset + width)
            offset += width
            switch NormalizedText.fold(scalar) {
            case .space:
                if let pending = pendingSpace { pendingSpace = (pending.0, end) } else { pendingSpace = (start, end) }
            case .drop:
                continue
            case .ascii(let byte):
                flush(&pendingSpace)
                append(byte, start, end)
            case .keep:
                flush(&pendingSpace)
                for byte in String(Character(scalar)).utf8 { append(byte, start, end) }
            }
        }
    }

    private mutating func flush(_ pending: inout (Int32, Int32)?) {
        guard let space = pending else { return }
        pending = nil
        if !bytes.isEmpty { append(0x20, space.0, space.1) }  // no leading space
    }

    private mutating func append(_ byte: UInt8, _ start: Int32, _ end: Int32) {
        bytes.append(byte)
        origins.append(start)
        originEnds.append(end)
    }

    /// The original range covered by normalised bytes `range`.
    public func originalRange(_ range: Range<Int>) -> TextRange {
        guard !range.isEmpty else {
            let at = range.lowerBound < origins.count ? Int(origins[range.lowerBound]) : Int(originEnds.last ?? 0)
            return TextRange(at, at)
        }
        return TextRange(Int(origins[range.lowerBound]), Int(originEnds[range.upperBound - 1]))
    }

    /// The normalised text as a String (for display and tests).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    enum Fold { case space, drop, ascii(UInt8), keep }

    static func fold(_ scalar: Unicode.Scalar) -> Fold {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return .space
        case 0x00...0x08, 0x0E...0x1F, 0x7F, 0x200B...0x200D, 0x2060, 0xFEFF, 0xAD:
            return .drop  // control characters, zero-width characters, soft hyphen
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D:
            return .ascii(UInt8(ascii: "-"))
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0xFF07:
            return .ascii(UInt8(ascii: "'"))
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0xFF02:
            return .ascii(UInt8(ascii: "\""))
        case 0x2026:
            return .ascii(UInt8(ascii: "."))
        case 0x00...0x7F:
            return .ascii(UInt8(scalar.value))
        default:
            return .keep
        }
    }
}
