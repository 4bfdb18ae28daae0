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
        bytes.reserveCapacity(range.length)
        origins.reserveCapacity(range.length)
        originEnds.reserveCapacity(range.length)
        var offset = range.start
        var pendingSpace: (Int32, Int32)? = nil
        let startIndex = utf8.index(utf8.startIndex, offsetBy: range.start)
        let endIndex = utf8.index(utf8.startIndex, offsetBy: range.end)
        // Ranges come from scalar boundaries; should one not, repair rather than crash.
        let slice = Substring(utf8[startIndex..<endIndex]) ?? Substring(String(decoding: utf8[startIndex..<endIndex], as: UTF8.self))
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
