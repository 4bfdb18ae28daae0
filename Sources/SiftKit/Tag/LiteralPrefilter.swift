/// Required literals of a regular expression: a set of strings of which at least one must occur
/// (case-insensitively) in any text the pattern matches. Extracted from the pattern source by a
/// small parser of the PCRE2 syntax the lexicon uses; anything it does not understand makes the
/// answer "no requirement", which is always safe (the pattern then runs on every sentence).
enum RequiredLiterals {
    /// The any-of set for `pattern`, lower-cased, or nil when no useful requirement can be proven.
    static func extract(_ pattern: String) -> Set<String>? {
        var parser = Parser(Array(pattern.unicodeScalars))
        guard let info = parser.parseAlternation(), parser.atEnd else { return nil }
        guard let required = info.bestRequirement, !required.isEmpty, required.allSatisfy({ $0.count >= 2 }) else { return nil }
        return required
    }

    /// What a sub-pattern is known to match.
    struct Info {
        /// Every string it can match, when that set is small (nil: too many or unknown).
        var exact: Set<String>?
        /// A set of which one member must occur in anything it matches (nil: none known).
        var required: Set<String>?

        static let empty = Info(exact: [""], required: nil)
        static let unknown = Info(exact: nil, required: nil)

        /// The requirement to use: the exact set itself when known, else `required`.
        var bestRequirement: Set<String>? {
            if let exact, !exact.contains("") { return exact }
            return required
        }
    }

    static let maximumExact = 24

    /// Prefers the set whose shortest member is longest (fewer false hits), then the smaller set.
    static func better(_ a: Set<String>?, _ b: Set<String>?) -> Set<String>? {
        guard let a, !a.isEmpty, !a.contains("") else { return b }
        guard let b, !b.isEmpty, !b.contains("") else { return a }
        let ma = a.map(\.count).min()!, mb = b.map(\.count).min()!
        if ma != mb { return ma > mb ? a : b }
        return a.count <= b.count ? a : b
    }

    static func concatenate(_ a: Info, _ b: Info) -> Info {
        var exact: Set<String>? = nil
        if let x = a.exact, let y = b.exact, x.count * y.count <= maximumExact {
            exact = Set(x.flatMap { p in y.map { p + $0 } })
        }
        var required = better(a.bestRequirement, b.bestRequirement)
        if let exact { required = better(required, exact.contains("") ? nil : exact) }
        return Info(exact: exact, required: required)
    }

    static func alternate(_ options: [Info]) -> Info {
        var exact: Set<String>? = []
        for option in options {
            if let e = option.exact, let current = exact, current.count + e.count <= maximumExact { exact = current.union(e) } else { exact = nil }
        }
        var required: Set<String>? = []
        for option in options {
            guard let r = option.bestRequirement, let current = required else { required = nil; break }
            required = current.union(r)
        }
        return Info(exact: exact, required: required)
    }

    struct Parser {
        let chars: [Unicode.Scalar]
        var index = 0
        init(_ chars: [Unicode.Scalar]) { self.chars = chars }
        var atEnd: Bool { index >= chars.count }
        func peek(_ offset: Int = 0) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }

        mutating func parseAlternation() -> Info? {
            var options: [Info] = []
            guard let first = parseSequence() else { return nil }
            options.append(first)
            while peek() == "|" {
                index += 1
                guard let next = parseSequence() else { return nil }
                options.append(next)
            }
            return options.count == 1 ? options[0] : alternate(options)
        }

        mutating func parseSequence() -> Info? {
            // Runs of exactly-known atoms are joined into longer literals before they meet an unknown atom.
            var result = Info.empty
            var run = Info.empty
            while let c = peek(), c != "|", c != ")" {
                guard var atom = parseAtom() else { return nil }
                guard let quantified = applyQuantifier(&atom) else { return nil }
                if quantified.exact != nil {
                    let joined = concatenate(run, quantified)
                    if joined.exact != nil { run = joined; continue }
                }
                result = concatenate(concatenate(result, run), quantified)
                run = .empty
            }
            return concatenate(result, run)
        }

        /// Reads a quantifier after an atom, if any.
        mutating func applyQuantifier(_ atom: inout Info) -> Info? {
            guard let c = peek() else { return atom }
            var minimum = 1
            var bounded = true
            switch c {
            case "?": minimum = 0; index += 1
            case "*": minimum = 0; bounded = false; index += 1
            case "+": minimum = 1; bounded = false; index += 1
            case "{":
                var j = index + 1
                var digits = ""
                while let d = peek(j - index), d.properties.numericType != nil { digits.unicodeScalars.append(d); j += 1 }
                guard let low = Int(digits) else { return atom }  // a literal "{"
                var high: Int? = low
                if peek(j - index) == "," {
                    j += 1
                    var more = ""
                    while let d = peek(j - index), d.properties.numericType != nil { more.unicodeScalars.append(d); j += 1 }
                    high = more.isEmpty ? nil : Int(more)
                }
                guard peek(j - index) == "}" else { return atom }
                index = j + 1
                minimum = low
                bounded = high == low
                if high != low { bounded = false }
            default:
                return atom
            }
            if peek() == "?" || peek() == "+" { index += 1 }  // lazy or possessive
            if minimum == 0 {
                // x? can be x or nothing; x*, x{0,n}: nothing is known.
                guard c == "?", let exact = atom.exact, exact.count < maximumExact else { return .empty.droppingExact() }
                return Info(exact: exact.union([""]), required: nil)
            }
            // At least once: the atom's requirement holds; the exact set only when exactly once.
            if bounded && minimum == 1 { return atom }
            return Info(exact: nil, required: atom.bestRequirement)
        }

        mutating func parseAtom() -> Info? {
            guard let c = peek() else { return nil }
            switch c {
            case "(":
                index += 1
                var lookaround = false
                if peek() == "?" {
                    index += 1
                    switch peek() {
                    case ":": index += 1
                    case "=", "!": index += 1; lookaround = true
                    case "<":
                        if peek(1) == "=" || peek(1) == "!" { index += 2; lookaround = true } else {
                            // named group (?<name>...)
                            while let d = peek(), d != ">" { index += 1 }
                            index += 1
                        }
                    case "P":
                        while let d = peek(), d != ">" { index += 1 }
                        index += 1
                    case ">": index += 1  // atomic group
                    default:
                        return nil  // inline options and other constructs: give up safely
                    }
                }
                guard let inner = parseAlternation(), peek() == ")" else { return nil }
                index += 1
                return lookaround ? Info.empty : inner
            case "[":
                return parseClass()
            case "\\":
                return parseEscape()
            case ".":
                index += 1
                return .unknown
            case "^", "$":
                index += 1
                return .empty
            default:
                index += 1
                return literal(c)
            }
        }

        func literal(_ c: Unicode.Scalar) -> Info {
            guard c.isASCII else { return .unknown }
            let lower = String(Character(c)).lowercased()
            return Info(exact: [lower], required: nil)
        }

        mutating func parseEscape() -> Info? {
            index += 1
            guard let c = peek() else { return nil }
            index += 1
            switch c {
            case "b", "B", "A", "z", "Z", "G", "K": return .empty
            case "s", "S", "w", "W", "d", "D", "h", "H", "v", "V", "R", "N", "X": return .unknown
            case "x":
                // \xHH or \x{H...}
                var hex = ""
                if peek() == "{" {
                    index += 1
                    while let d = peek(), d != "}" { hex.unicodeScalars.append(d); index += 1 }
                    index += 1
                } else {
                    for _ in 0..<2 { if let d = peek(), d.properties.isASCIIHexDigit { hex.unicodeScalars.append(d); index += 1 } }
                }
                guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else { return nil }
                return literal(scalar)
            case "p", "P":
                if peek() == "{" { while let d = peek(), d != "}" { index += 1 }; index += 1 } else { index += 1 }
                return .unknown
            case "Q":
                var text = ""
                while index < chars.count {
                    if peek() == "\\", peek(1) == "E" { index += 2; break }
                    text.unicodeScalars.append(chars[index]); index += 1
                }
                guard text.unicodeScalars.allSatisfy(\.isASCII) else { return .unknown }
                return Info(exact: [text.lowercased()], required: nil)
            case "n": return literal("\n")
            case "t": return literal("\t")
            case "r": return literal("\r")
            default:
                if c.properties.numericType != nil { return nil }  // back-reference
                if c.properties.isAlphabetic { return nil }  // an escape we do not know
                return literal(c)  // escaped punctuation: \. \- \( \'
            }
        }

        /// A small character class of literal characters becomes an exact set; anything else is unknown.
        mutating func parseClass() -> Info? {
            index += 1
            var negated = false
            if peek() == "^" { negated = true; index += 1 }
            var members: Set<String> = []
            var simple = true
            var first = true
            while let c = peek(), c != "]" || first {
                first = false
                if c == "\\" {
                    index += 1
                    guard let e = peek() else { return nil }
                    index += 1
                    if e.properties.isAlphabetic && e != "x" { simple = false; if e == "p" || e == "P" { if peek() == "{" { while let d = peek(), d != "}" { index += 1 }; index += 1 } else { index += 1 } } ; continue }
                    if e == "x" {
                        var hex = ""
                        for _ in 0..<2 { if let d = peek(), d.properties.isASCIIHexDigit { hex.unicodeScalars.append(d); index += 1 } }
                        if let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v), s.isASCII { members.insert(String(Character(s)).lowercased()) } else { simple = false }
                        continue
                    }
                    members.insert(String(Character(e)).lowercased())
                    continue
                }
                if c == "[" && peek(1) == ":" {
                    simple = false
                    while let d = peek(), !(d == ":" && peek(1) == "]") { index += 1 }
                    index += 2
                    continue
                }
                if peek(1) == "-", let end = peek(2), end != "]" {
                    simple = false
                    index += 3
                    continue
                }
                guard c.isASCII else { simple = false; index += 1; continue }
                members.insert(String(Character(c)).lowercased())
                index += 1
            }
            guard peek() == "]" else { return nil }
            index += 1
            if negated || !simple || members.isEmpty || members.count > 6 { return .unknown }
            return Info(exact: members, required: nil)
        }
    }
}

extension RequiredLiterals.Info {
    /// Matches an unknown string that may be empty: no exact set, no requirement.
    func droppingExact() -> RequiredLiterals.Info { RequiredLiterals.Info(exact: nil, required: nil) }
}

/// Finds which of many lower-case ASCII literals occur in a text, in one pass: an Aho-Corasick automaton
/// compiled to a dense table (256 next states per state, failure links folded in), so each byte of text
/// costs one table lookup.
struct LiteralScanner: Sendable {
    /// next[state * 256 + byte]
    private let next: [Int32]
    /// Literal ids reported at each state (its own and those of its failure chain), flattened: state s
    /// reports `outputIDs[outputStart[s]..<outputStart[s + 1]]`. Flat, because reading a nested array per
    /// byte of text cost a retain and a release each time.
    private let outputIDs: [Int32]
    private let outputStart: [Int32]
    let literalCount: Int

    init(_ literals: [String]) {
        literalCount = literals.count
        var goto: [[UInt8: Int32]] = [[:]]
        var fail: [Int32] = [0]
        var outputs: [[Int32]] = [[]]
        for (id, literal) in literals.enumerated() {
            var state = 0
            for byte in literal.utf8 {
                if let next = goto[state][byte] { state = Int(next) } else {
                    goto.append([:]); fail.append(0); outputs.append([])
                    goto[state][byte] = Int32(goto.count - 1)
                    state = goto.count - 1
                }
            }
            outputs[state].append(Int32(id))
        }
        // Breadth-first: failure links, outputs of the failure chain, and the dense transition table.
        var table = [Int32](repeating: 0, count: goto.count * 256)
        for (byte, child) in goto[0] { table[Int(byte)] = child }
        var queue: [Int] = goto[0].values.map(Int.init).sorted()
        var head = 0
        while head < queue.count {
            let state = queue[head]; head += 1
            let failure = Int(fail[state])
            outputs[state] += outputs[failure]
            for byte in 0..<256 {
                if let child = goto[state][UInt8(byte)] {
                    fail[Int(child)] = state == 0 ? 0 : table[failure * 256 + byte]
                    table[state * 256 + byte] = child
                    queue.append(Int(child))
                } else {
                    table[state * 256 + byte] = table[failure * 256 + byte]
                }
            }
        }
        self.next = table
        var ids: [Int32] = []
        var starts: [Int32] = [0]
        for list in outputs {
            ids += list
            starts.append(Int32(ids.count))
        }
        self.outputIDs = ids
        self.outputStart = starts
    }

    /// Marks in `found` every literal that occurs in `bytes` (ASCII letters compared in lower case) and
    /// appends its id to `hits` the first time, so that the caller can clear only what was set.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, into found: inout [Bool], hits: inout [Int32]) {
        next.withUnsafeBufferPointer { table in
            outputStart.withUnsafeBufferPointer { starts in
                outputIDs.withUnsafeBufferPointer { ids in
                    var state = 0
                    for raw in bytes {
                        let byte = raw >= 0x41 && raw <= 0x5A ? raw | 0x20 : raw
                        state = Int(table[state &* 256 &+ Int(byte)])
                        let start = Int(starts[state]), end = Int(starts[state &+ 1])
                        if start != end {
                            for index in start..<end where !found[Int(ids[index])] {
                                found[Int(ids[index])] = true
                                hits.append(ids[index])
                            }
                        }
                    }
                }
            }
        }
    }

    /// Marks in `found` every literal that occurs in `bytes`.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, into found: inout [Bool]) {
        var hits: [Int32] = []
        scan(bytes, into: &found, hits: &hits)
    }
}
