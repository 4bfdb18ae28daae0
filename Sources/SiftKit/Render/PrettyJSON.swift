/// JSON text written by hand, byte for byte as Foundation's `JSONEncoder` writes it with
/// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` on Linux: two spaces a level, `"key" : value`,
/// `,\n` between members, an empty container as its brackets around an empty line, keys sorted by their
/// UTF-8 bytes, and in strings `\"`, `\\`, `\b \f \n \r \t`, other control characters as `\u00xx`
/// (lower-case hex), everything else (slashes, DEL, U+2028, non-ASCII) as it is.
/// The caller writes keys in sorted order; tests compare the output with `JSONEncoder`'s.
struct PrettyJSON {
    var bytes: [UInt8] = []
    /// The nesting level: lines are indented two spaces a level, after the prefix.
    private var level: Int
    private let prefix: Int
    /// Whether the innermost open container has a member yet.
    private var hasMember: [Bool] = []

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Starts a value whose every line (its first and any blank one too) starts with `prefix` spaces, as
    /// when each line of a document is indented for its place in another.
    init(prefix: Int = 0) {
        self.prefix = prefix
        level = 0
        indent()
    }

    private mutating func indent() {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: prefix + 2 * level))
    }

    mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        bytes.append(0x0A)
        level += 1
        hasMember.append(false)
    }

    mutating func openObject() { open(UInt8(ascii: "{")) }
    mutating func openArray() { open(UInt8(ascii: "[")) }

    mutating func close(_ bracket: UInt8) {
        // An empty container is its brackets around a line with nothing but the prefix.
        if !hasMember.removeLast() { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: prefix)) }
        bytes.append(0x0A)
        level -= 1
        indent()
        bytes.append(bracket)
    }

    mutating func closeObject() { close(UInt8(ascii: "}")) }
    mutating func closeArray() { close(UInt8(ascii: "]")) }

    /// Starts the next array element.
    mutating func element() {
        if hasMember[hasMember.count - 1] { bytes.append(UInt8(ascii: ",")); bytes.append(0x0A) }
        hasMember[hasMember.count - 1] = true
        indent()
    }

    /// Starts the next object member: its key and separator.
    mutating func key(_ key: String) {
        element()
        string(key)
        bytes.append(UInt8(ascii: " "))
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
    }

    mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex = PrettyJSON.hexDigits
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func strings(_ values: [String]) {
        openArray()
        for value in values {
            element()
            string(value)
        }
        closeArray()
    }

    /// The text written (always valid UTF-8: it is made of strings and ASCII).
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
