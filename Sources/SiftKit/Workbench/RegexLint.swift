/// Static lint for PCRE2 patterns: finds nested quantifiers such as `(a+)+`, `(\w+\s*)*` or
/// `(?:\w+\W+)*`, where a group that repeats without bound contains a repeat without bound, the
/// shape behind catastrophic backtracking. A heuristic: it warns, it does not prove.
public enum RegexLint {
    public struct NestedQuantifier: Sendable, Hashable {
        /// Byte offset of the group's `(` in the pattern.
        public var groupOffset: Int
        /// Byte offset of the outer quantifier.
        public var quantifierOffset: Int
        /// The group and its quantifier as written, e.g. `(\w+\s*)*`.
        public var text: String
    }

    private struct Frame {
        var start: Int
        var containsUnbounded = false
        /// Atomic groups and lookarounds do not backtrack into their content from outside.
        var atomic = false
    }

    /// Every group repeated without bound (`*`, `+`, `{n,}`, not possessive) that contains an unbounded, non-possessive repeat.
    public static func nestedQuantifiers(in pattern: String) -> [NestedQuantifier] {
        let b = Array(pattern.utf8)
        var stack: [Frame] = [Frame(start: -1)]
        var found: [NestedQuantifier] = []
        var i = 0

        /// Reads a quantifier at `j`: (end index, unbounded, possessive) or nil.
        func quantifier(at j: Int) -> (end: Int, unbounded: Bool, possessive: Bool)? {
            guard j < b.count else { return nil }
            var end: Int
            var unbounded: Bool
            switch b[j] {
            case UInt8(ascii: "*"), UInt8(ascii: "+"): end = j + 1; unbounded = true
            case UInt8(ascii: "?"): end = j + 1; unbounded = false
            case UInt8(ascii: "{"):
                var k = j + 1
                var digitsBefore = 0
                while k < b.count, b[k] >= 48, b[k] <= 57 { k += 1; digitsBefore += 1 }
                if k < b.count, b[k] == UInt8(ascii: "}"), digitsBefore > 0 { end = k + 1; unbounded = false; break }
                guard k < b.count, b[k] == UInt8(ascii: ",") else { return nil }
                k += 1
                var digitsAfter = 0
                while k < b.count, b[k] >= 48, b[k] <= 57 { k += 1; digitsAfter += 1 }
                guard k < b.count, b[k] == UInt8(ascii: "}"), digitsBefore + digitsAfter > 0 else { return nil }
                end = k + 1
                unbounded = digitsAfter == 0
            default: return nil
            }
            var possessive = false
            if end < b.count, b[end] == UInt8(ascii: "+") { possessive = true; end += 1 }
            else if end < b.count, b[end] == UInt8(ascii: "?") { end += 1 }
            return (end, unbounded, possessive)
        }

        func markAtom(_ next: Int) -> Int {
            if let q = quantifier(at: next) {
                if q.unbounded && !q.possessive { stack[stack.count - 1].containsUnbounded = true }
                return q.end
            }
            return next
        }

        while i < b.count {
            let c = b[i]
            switch c {
            case UInt8(ascii: "\\"):
                var j = i + 2
                if i + 1 < b.count, b[i + 1] == UInt8(ascii: "Q") {
                    // \Q...\E literal
                    j = i + 2
                    while j + 1 < b.count, !(b[j] == UInt8(ascii: "\\") && b[j + 1] == UInt8(ascii: "E")) { j += 1 }
                    i = min(b.count, j + 2)
                    continue
                }
                if i + 1 < b.count, [UInt8(ascii: "x"), UInt8(ascii: "p"), UInt8(ascii: "P"), UInt8(ascii: "o"), UInt8(ascii: "g"), UInt8(ascii: "k")].contains(b[i + 1]),
                   j < b.count, b[j] == UInt8(ascii: "{") || b[j] == UInt8(ascii: "<") {
                    let close = b[j] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: ">")
                    while j < b.count, b[j] != close { j += 1 }
                    j += 1
                }
                i = markAtom(min(j, b.count))
            case UInt8(ascii: "["):
                var j = i + 1
                if j < b.count, b[j] == UInt8(ascii: "^") { j += 1 }
                if j < b.count, b[j] == UInt8(ascii: "]") { j += 1 }
                while j < b.count, b[j] != UInt8(ascii: "]") {
                    if b[j] == UInt8(ascii: "\\") { j += 2; continue }
                    if b[j] == UInt8(ascii: "["), j + 1 < b.count, b[j + 1] == UInt8(ascii: ":") {
                        var k = j + 2
                        while k + 1 < b.count, !(b[k] == UInt8(ascii: ":") && b[k + 1] == UInt8(ascii: "]")) { k += 1 }
                        j = k + 2
                        continue
                    }
                    j += 1
                }
                i = markAtom(min(j + 1, b.count))
            case UInt8(ascii: "("):
                var frame = Frame(start: i)
                var j = i + 1
                if j < b.count, b[j] == UInt8(ascii: "?") {
                    if j + 1 < b.count {
                        let kind = b[j + 1]
                        if kind == UInt8(ascii: ">") || kind == UInt8(ascii: "=") || kind == UInt8(ascii: "!") { frame.atomic = true }
                        if kind == UInt8(ascii: "<"), j + 2 < b.count, b[j + 2] == UInt8(ascii: "=") || b[j + 2] == UInt8(ascii: "!") { frame.atomic = true }
                        if kind == UInt8(ascii: "#") {  // comment
                            while j < b.count, b[j] != UInt8(ascii: ")") { j += 1 }
                            i = j + 1
                            continue
                        }
                    }
                    j += 1
                }
                stack.append(frame)
                i = i + 1
            case UInt8(ascii: ")"):
                guard stack.count > 1 else { i += 1; continue }
                let frame = stack.removeLast()
                let q = quantifier(at: i + 1)
                if let q, q.unbounded, !q.possessive, frame.containsUnbounded, !frame.atomic {
                    found.append(NestedQuantifier(groupOffset: frame.start, quantifierOffset: i + 1,
                                                  text: String(decoding: b[frame.start..<q.end], as: UTF8.self)))
                }
                let childUnbounded = !frame.atomic && (frame.containsUnbounded || (q.map { $0.unbounded && !$0.possessive } ?? false))
                if childUnbounded { stack[stack.count - 1].containsUnbounded = true }
                i = q?.end ?? i + 1
            default:
                i = markAtom(i + 1)
            }
        }
        return found
    }
}
