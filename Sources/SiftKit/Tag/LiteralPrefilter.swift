/// Required literals of a regular expression, as clauses: every clause is a set of strings of which
/// at least one must occur (case-insensitively) in any text the pattern matches, and every clause must
/// hold. "(?:registrar|consultant)\s+\w+\s+attend" gives {"consultant ", "registrar "} and {" attend"}.
/// Extracted from the pattern source by a small parser of the PCRE2 syntax
/// the lexicon uses; anything it does not understand makes the answer "no requirement", which is always
/// safe (the pattern then runs on every sentence). The patterns are matched against normalised text
/// (``NormalizedText``: whitespace runs are one space), so `\s+` between words gives a space in the literal:
/// "(?:lack|absence)\s+of" gives {absence of, lack of}, far more selective than {absence, lack} and {of}.
enum RequiredLiterals {
    /// At most this many clauses are kept per pattern, the most selective first.
    static let maximumClauses = 4

    /// A set of strings as a sorted array without repeats (small sets; arrays cost far less than `Set`
    /// here, and sorting makes every order deterministic).
    typealias Strings = [String]

    static func normal(_ strings: [String]) -> Strings {
        let sorted = strings.sorted()
        var result: Strings = []
        result.reserveCapacity(sorted.count)
        for string in sorted where result.last != string { result.append(string) }
        return result
    }

    /// Requirements for each top-level alternative of `pattern` ("A|B|C"): the pattern can match only where
    /// every clause of at least one alternative holds. Nil when some alternative has no useful clause (the
    /// pattern must then always run). A pattern without top-level "|" has one alternative. Long rules are
    /// often several phrasings joined by "|"; clauses of the whole would be unions across them and
    /// weak, while each alternative's own clauses are strong.
    static func extractAlternatives(_ pattern: String) -> [[Strings]]? {
        var parser = Parser(Array(pattern.unicodeScalars))
        guard let branches = parser.parseBranches(), parser.atEnd else { return nil }
        var result: [[Strings]] = []
        for branch in branches {
            let clauses = strongest(minimal(branch.allClauses))
            if clauses.isEmpty { return nil }
            result.append(clauses)
        }
        return result
    }

    /// A member that contains another member adds nothing: {hand, handed} is {hand}.
    static func minimal(_ clauses: [Strings]) -> [Strings] {
        clauses.map { clause in
            if clause.count < 2 { return clause }  // most clauses: nothing to compare
            // Only a shorter member can be inside another (the members differ).
            let members = clause.map { Array($0.utf8) }
            return clause.indices.filter { index in
                !clause.indices.contains { members[$0].count < members[index].count && contains(members[index], members[$0]) }
            }.map { clause[$0] }
        }
    }

    /// What a sub-pattern is known to match.
    struct Info {
        /// Every string it can match, when that set is small (nil: too many or unknown).
        var exact: Strings?
        /// Clauses that hold for anything it matches, besides `exact`.
        var clauses: [Strings]

        static let empty = Info(exact: [""], clauses: [])
        static let unknown = Info(exact: nil, clauses: [])

        /// Whether the exact set is known and holds the empty string.
        var mayBeEmpty: Bool { exact?.first == "" }

        /// Every clause known: the exact set itself when it cannot be empty, and the others.
        var allClauses: [Strings] {
            if let exact, !exact.isEmpty, exact[0] != "" { return [exact] + clauses }
            return clauses
        }
    }

    static let maximumExact = 24

    /// Each ASCII character as a lower-case string (made once rather than per character parsed).
    static let lowercaseASCII: [String] = (0..<128).map { String(Character(Unicode.Scalar(UInt8($0)))).lowercased() }

    /// ASCII characters that stand for themselves in a pattern (outside a class), and quantifiers.
    static let plainASCII: [Bool] = (0..<128).map { !"\\[]()|.^$?*+{}#".utf8.contains(UInt8($0)) && $0 >= 0x20 }
    static let quantifierASCII: [Bool] = (0..<128).map { "?*+{".utf8.contains(UInt8($0)) }

    /// Whether `text` contains `part`, byte for byte (the literals are lower-case ASCII).
    static func contains(_ t: [UInt8], _ p: [UInt8]) -> Bool {
        guard p.count <= t.count else { return false }
        return (0...(t.count - p.count)).contains { start in t[start..<(start + p.count)].elementsEqual(p) }
    }

    /// A clause is useful when none of its strings is shorter than two characters.
    static func useful(_ clause: Strings) -> Bool { !clause.isEmpty && clause.allSatisfy { $0.utf8.count >= 2 } }

    /// Useful clauses without repeats, the most selective first: the longest shortest member, then the
    /// smaller set, then the strings themselves (so that the order is the same on every run).
    static func strongest(_ clauses: [Strings]) -> [Strings] {
        var unique: [Strings] = []
        for clause in clauses where useful(clause) && !unique.contains(clause) { unique.append(clause) }
        guard unique.count > 1 else { return unique }
        let keyed = unique.map { clause in (shortest: clause.reduce(Int.max) { min($0, $1.utf8.count) }, clause: clause) }
        return keyed.sorted { a, b in
            if a.shortest != b.shortest { return a.shortest > b.shortest }
            if a.clause.count != b.clause.count { return a.clause.count < b.clause.count }
            return a.clause.lexicographicallyPrecedes(b.clause)
        }.prefix(maximumClauses).map { $0.clause }
    }

    static func concatenate(_ a: Info, _ b: Info) -> Info {
        if let x = a.exact, let y = b.exact, x.count * y.count <= maximumExact {
            let exact = x.count == 1 && y.count == 1 ? [x[0] + y[0]] : normal(x.flatMap { p in y.map { p + $0 } })
            // Every string of a non-empty exact set contains a string of each part's clauses: it says it all.
            if exact[0] != "" { return Info(exact: exact, clauses: []) }
            return Info(exact: exact, clauses: (a.allClauses + b.allClauses).filter(useful))
        }
        // Ranked and cut only where options meet and at the end: ranking at every step cost more than it saved.
        return Info(exact: nil, clauses: (a.allClauses + b.allClauses).filter(useful))
    }

    /// One of the options matches, so a clause of each, joined, holds: the strongest with the strongest,
    /// the second with the second (or the strongest where an option has only one).
    static func alternate(_ options: [Info]) -> Info {
        var exact: Strings? = []
        for option in options {
            if let e = option.exact, let current = exact, current.count + e.count <= maximumExact { exact = current + e } else { exact = nil }
        }
        exact = exact.map(normal)
        let perOption = options.map { strongest($0.allClauses) }
        guard !perOption.contains(where: { $0.isEmpty }) else { return Info(exact: exact, clauses: []) }
        let depth = min(2, perOption.reduce(0) { max($0, $1.count) })
        let clauses = (0..<depth).map { rank in normal(perOption.flatMap { $0[min(rank, $0.count - 1)] }) }
        return Info(exact: exact, clauses: strongest(clauses))
    }

    struct Parser {
        let chars: [Unicode.Scalar]
        var index = 0
        init(_ chars: [Unicode.Scalar]) { self.chars = chars }
        var atEnd: Bool { index >= chars.count }
        func peek(_ offset: Int = 0) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }

        mutating func parseAlternation() -> Info? {
            guard let options = parseBranches() else { return nil }
            return options.count == 1 ? options[0] : alternate(options)
        }

        /// The alternatives at this level, each on its own.
        mutating func parseBranches() -> [Info]? {
            var options: [Info] = []
            guard let first = parseSequence() else { return nil }
            options.append(first)
            while peek() == "|" {
                index += 1
                guard let next = parseSequence() else { return nil }
                options.append(next)
            }
            return options
        }

        mutating func parseSequence() -> Info? {
            // Runs of exactly-known atoms are joined into longer literals before they meet an unknown atom.
            // Single characters in a row are gathered as text first: set arithmetic per character was
            // most of the cost of building the prefilter.
            var result = Info.empty
            var run = Info.empty
            var text = ""
            func flush() {
                if !text.isEmpty { run = concatenate(run, Info(exact: [text], clauses: [])); text = "" }
            }
            while let c = peek(), c != "|", c != ")" {
                // A plain character not followed by a quantifier is itself, lower-cased: gathered straight
                // into the text without the set arithmetic below.
                if c.isASCII && RequiredLiterals.plainASCII[Int(c.value)] {
                    let next = peek(1)
                    if next == nil || !(next!.isASCII && RequiredLiterals.quantifierASCII[Int(next!.value)]) {
                        text += RequiredLiterals.lowercaseASCII[Int(c.value)]
                        index += 1
                        continue
                    }
                }
                guard var atom = parseAtom() else { return nil }
                guard let quantified = applyQuantifier(&atom) else { return nil }
                if let exact = quantified.exact, exact.count == 1, let only = exact.first {
                    text += only
                    continue
                }
                flush()
                if quantified.exact != nil {
                    let joined = concatenate(run, quantified)
                    if joined.exact != nil { run = joined; continue }
                }
                result = concatenate(concatenate(result, run), quantified)
                run = .empty
            }
            flush()
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
            if atom.exact == [" "] {
                // Normalised text never has two spaces in a row: a repeated space is one space or none.
                if minimum >= 2 { return .unknown }  // cannot match at all; "unknown" is the safe answer
                return Info(exact: minimum == 0 ? ["", " "] : [" "], clauses: [])
            }
            if minimum == 0 {
                // x? can be x or nothing; x*, x{0,n}: nothing is known.
                guard c == "?", let exact = atom.exact, exact.count < maximumExact else { return .unknown }
                return Info(exact: normal(exact + [""]), clauses: [])
            }
            // At least once: the atom's clauses hold; the exact set only when exactly once.
            if bounded && minimum == 1 { return atom }
            return Info(exact: nil, clauses: atom.allClauses)
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
            return Info(exact: [RequiredLiterals.lowercaseASCII[Int(c.value)]], clauses: [])
        }

        mutating func parseEscape() -> Info? {
            index += 1
            guard let c = peek() else { return nil }
            index += 1
            switch c {
            case "b", "B", "A", "z", "Z", "G", "K": return .empty
            // Patterns run on normalised text (``NormalizedText``), where every run of whitespace is one
            // space: \s matches exactly " " there. (Without PCRE2_UCP, \s is ASCII whitespace only.)
            case "s": return Info(exact: [" "], clauses: [])
            case "S", "w", "W", "d", "D", "h", "H", "v", "V", "R", "N", "X": return .unknown
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
                return Info(exact: [text.lowercased()], clauses: [])
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
            var members: Set<String> = []  // a class of up to six characters; made a sorted array below
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
                        if let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v), s.isASCII { members.insert(RequiredLiterals.lowercaseASCII[Int(s.value)]) } else { simple = false }
                        continue
                    }
                    // The scanner folds ASCII case only: a non-ASCII member could miss its other case.
                    if e.isASCII { members.insert(RequiredLiterals.lowercaseASCII[Int(e.value)]) } else { simple = false }
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
                members.insert(RequiredLiterals.lowercaseASCII[Int(c.value)])
                index += 1
            }
            guard peek() == "]" else { return nil }
            index += 1
            if negated || !simple || members.isEmpty || members.count > 6 { return .unknown }
            return Info(exact: members.sorted(), clauses: [])
        }
    }
}

/// The tagger's prefilter for its pattern slots (targets, then context rules), built from each slot's
/// required literals: slot i has alternatives `branchStart[i]..<branchStart[i + 1]`; alternative b has
/// clauses `clauseStart[b]..<clauseStart[b + 1]`; clause c is satisfied by any of the literal ids
/// `literalIDs[idStart[c]..<idStart[c + 1]]`. A slot can match when every clause of one of its alternatives
/// is satisfied; a slot without alternatives always runs. Arrays are flat because a nested array per slot
/// cost a retain and a release each time the tagger read it.
final class PrefilterIndex: Sendable {
    /// The pattern sources it was built from, and how many of them are targets.
    let sources: [String]
    let targetCount: Int
    /// Each slot's alternatives' clauses, as extracted (nil: the slot always runs).
    let alternatives: [[[RequiredLiterals.Strings]]?]
    let branchStart: [Int32]
    let clauseStart: [Int32]
    let idStart: [Int32]
    let literalIDs: [Int32]
    /// Target alternatives to try when literal l is found: those whose first (most selective) clause holds
    /// l, `branchesByLiteral[branchByLiteralStart[l]..<branchByLiteralStart[l + 1]]`. Turning found literals
    /// into candidate alternatives costs only what was found, not a test of every rule, and a candidate's
    /// first clause need not be tested again. Alternatives are numbered in slot order.
    let branchesByLiteral: [Int32]
    let branchByLiteralStart: [Int32]
    /// The slot of each target alternative.
    let branchSlot: [Int32]
    /// Target slots without clauses: they run on every sentence.
    let unconditionalTargets: [Int32]
    /// Nil when no slot has literals.
    let scanner: LiteralScanner?

    init(sources: [String], targetCount: Int, alternatives: [[[RequiredLiterals.Strings]]?]) {
        self.sources = sources
        self.targetCount = targetCount
        self.alternatives = alternatives
        // Literals numbered in slot order (deterministic).
        var literals: [String] = []
        var literalIndex: [String: Int32] = [:]
        var branchStart: [Int32] = [0], clauseStart: [Int32] = [0], idStart: [Int32] = [0], literalIDs: [Int32] = []
        for slot in sources.indices {
            if let branches = alternatives[slot] {
                for clauses in branches {
                    for clause in clauses {
                        for literal in clause {
                            if let id = literalIndex[literal] { literalIDs.append(id); continue }
                            literalIndex[literal] = Int32(literals.count)
                            literalIDs.append(Int32(literals.count))
                            literals.append(literal)
                        }
                        idStart.append(Int32(literalIDs.count))
                    }
                    clauseStart.append(Int32(idStart.count - 1))
                }
            }
            branchStart.append(Int32(clauseStart.count - 1))
        }
        self.branchStart = branchStart
        self.clauseStart = clauseStart
        self.idStart = idStart
        self.literalIDs = literalIDs
        var byLiteral = [[Int32]](repeating: [], count: literals.count)
        var unconditional: [Int32] = []
        var slotOfBranch = [Int32](repeating: -1, count: max(0, clauseStart.count - 1))
        for slot in 0..<targetCount {
            guard branchStart[slot] < branchStart[slot + 1] else { unconditional.append(Int32(slot)); continue }
            // The first (most selective) clause of each alternative names the alternative.
            for branch in Int(branchStart[slot])..<Int(branchStart[slot + 1]) {
                slotOfBranch[branch] = Int32(slot)
                let first = Int(clauseStart[branch])
                for index in Int(idStart[first])..<Int(idStart[first + 1]) where byLiteral[Int(literalIDs[index])].last != Int32(branch) {
                    byLiteral[Int(literalIDs[index])].append(Int32(branch))
                }
            }
        }
        branchesByLiteral = byLiteral.flatMap { $0 }
        branchByLiteralStart = byLiteral.reduce(into: [Int32(0)]) { $0.append($0.last! + Int32($1.count)) }
        branchSlot = slotOfBranch
        unconditionalTargets = unconditional
        scanner = literals.isEmpty ? nil : LiteralScanner(literals)
    }

    /// Whether every clause of alternative `branch` after the first holds (the first is known to).
    @inline(__always) func restHolds(_ branch: Int, found: [Bool]) -> Bool {
        clauseStart.withUnsafeBufferPointer { clauses in
            idStart.withUnsafeBufferPointer { starts in
                literalIDs.withUnsafeBufferPointer { ids in
                    found.withUnsafeBufferPointer { seen in
                        clauses: for clause in (Int(clauses[branch]) + 1)..<Int(clauses[branch + 1]) {
                            for index in Int(starts[clause])..<Int(starts[clause + 1]) where seen[Int(ids[index])] { continue clauses }
                            return false
                        }
                        return true
                    }
                }
            }
        }
    }

    /// False when the prefilter proves the slot's pattern cannot match.
    @inline(__always) func canMatch(_ slot: Int, found: [Bool]) -> Bool {
        branchStart.withUnsafeBufferPointer { branches in
            clauseStart.withUnsafeBufferPointer { clauses in
                idStart.withUnsafeBufferPointer { starts in
                    literalIDs.withUnsafeBufferPointer { ids in
                        found.withUnsafeBufferPointer { seen in
                            let first = Int(branches[slot]), end = Int(branches[slot + 1])
                            if first == end { return true }
                            alternatives: for branch in first..<end {
                                for clause in Int(clauses[branch])..<Int(clauses[branch + 1]) {
                                    var satisfied = false
                                    for index in Int(starts[clause])..<Int(starts[clause + 1]) where seen[Int(ids[index])] { satisfied = true; break }
                                    if !satisfied { continue alternatives }
                                }
                                return true
                            }
                            return false
                        }
                    }
                }
            }
        }
    }
}

/// Finds which of many lower-case ASCII literals occur in a text, in one pass: an Aho-Corasick automaton
/// compiled to a dense table with failure links folded in, so each byte of text costs one table lookup.
/// Bytes that occur in no literal share one column (byte classes), so the table is a few columns wide
/// rather than 256 and stays in cache.
struct LiteralScanner: Sendable {
    /// Column of each byte (ASCII upper case folded to lower case); column 0 is "in no literal".
    private let byteClass: [UInt8]
    private let columns: Int
    /// The move from state s on a byte of column c is `next16[s * columns + c]` (or `next32` when there are
    /// more than 32,768 states): the new state, with the top bit set when that state reports literals (one
    /// load per byte of text, not two). Two bytes an entry keep the table half the size it was with four,
    /// and the scan waits on these lookups.
    private let next16: [UInt16]
    private let next32: [UInt32]
    /// Literal ids reported at each state (its own and those of its failure chain), flattened: state s
    /// reports `outputIDs[outputStart[s]..<outputStart[s + 1]]`. Flat, because reading a nested array per
    /// byte of text cost a retain and a release each time.
    private let outputIDs: [Int32]
    private let outputStart: [Int32]
    /// The automaton holds each literal's first `prefixLength` bytes only: joining words by their spaces
    /// makes many long literals, whose full tries were too large to build quickly or to scan from cache.
    /// Where a prefix ends, the rest of its literal, `suffixBytes[suffixStart[id]..<suffixStart[id + 1]]`,
    /// is compared with the text that follows.
    static let prefixLength = 8
    private let suffixBytes: [UInt8]
    private let suffixStart: [Int32]
    /// Beside each entry of `outputIDs`: the first byte of the rest of its literal, or 256 when the prefix is
    /// the whole literal. Most reported literals are ruled out by the next byte of text alone, without
    /// reading their rest or whether they were already found.
    private let outputFirst: [UInt16]
    let literalCount: Int
    var stateCount: Int { outputStart.count - 1 }

    init(_ literals: [String]) {
        literalCount = literals.count
        var classes = [UInt8](repeating: 0, count: 256)
        var columns = 1
        for literal in literals {
            for byte in literal.utf8 where classes[Int(byte)] == 0 {
                classes[Int(byte)] = UInt8(columns)
                columns += 1
            }
        }
        for upper in UInt8(ascii: "A")...UInt8(ascii: "Z") { classes[Int(upper)] = classes[Int(upper | 0x20)] }
        // The trie, as a growing table with -1 for "no edge"; then breadth-first, failure links and the
        // outputs of the failure chain, turning every -1 into the failure state's move. Flat arrays and
        // unchecked loops throughout: a lexicon's automaton has tens of thousands of states, and building
        // it with an array of outputs per state took longer than loading the lexicon.
        let prefixLength = LiteralScanner.prefixLength
        var suffixBytes: [UInt8] = []
        var suffixStart: [Int32] = [0]
        for literal in literals {
            suffixBytes += literal.utf8.dropFirst(prefixLength)
            suffixStart.append(Int32(suffixBytes.count))
        }
        self.suffixBytes = suffixBytes
        self.suffixStart = suffixStart
        let stateLimit = literals.reduce(1) { $0 + min(prefixLength, $1.utf8.count) }
        var table = [Int32](repeating: -1, count: columns)
        table.reserveCapacity(stateLimit * columns)
        // Each state's own literals as a linked list (newest first): ownHead[s], then ownNext[literal].
        var ownHead: [Int32] = [-1]
        ownHead.reserveCapacity(stateLimit)
        var ownNext = [Int32](repeating: -1, count: literals.count)
        for (id, literal) in literals.enumerated() {
            var state = 0
            for byte in literal.utf8.prefix(prefixLength) {
                let cell = state * columns + Int(classes[Int(byte)])
                if table[cell] < 0 {
                    table[cell] = Int32(ownHead.count)
                    ownHead.append(-1)
                    table.append(contentsOf: repeatElement(-1, count: columns))
                }
                state = Int(table[cell])
            }
            ownNext[id] = ownHead[state]
            ownHead[state] = Int32(id)
        }
        let stateCount = ownHead.count
        var fail = [Int32](repeating: 0, count: stateCount)
        var order: [Int32] = []  // breadth-first; a state's failure state comes before it
        order.reserveCapacity(stateCount)
        table.withUnsafeMutableBufferPointer { cells in
            fail.withUnsafeMutableBufferPointer { fails in
                order.append(0)
                for column in 0..<columns {
                    if cells[column] < 0 { cells[column] = 0 } else { order.append(cells[column]) }
                }
                var head = 1
                while head < order.count {
                    let state = Int(order[head]); head += 1
                    let failure = Int(fails[state])
                    let row = state * columns, failureRow = failure * columns
                    for column in 0..<columns {
                        let child = cells[row + column]
                        if child < 0 {
                            cells[row + column] = cells[failureRow + column]
                        } else {
                            fails[Int(child)] = cells[failureRow + column]
                            order.append(child)
                        }
                    }
                }
            }
        }
        // Outputs: a state's own literals (in the order they were given), then its failure state's.
        var counts = [Int32](repeating: 0, count: stateCount)
        var ownCounts = [Int32](repeating: 0, count: stateCount)
        for state in order {
            var id = ownHead[Int(state)]
            while id >= 0 { ownCounts[Int(state)] += 1; id = ownNext[Int(id)] }
            counts[Int(state)] = ownCounts[Int(state)] + (state == 0 ? 0 : counts[Int(fail[Int(state)])])
        }
        var starts = [Int32](repeating: 0, count: stateCount + 1)
        for state in 0..<stateCount { starts[state + 1] = starts[state] + counts[state] }
        var ids = [Int32](repeating: 0, count: Int(starts[stateCount]))
        for state in order {
            let s = Int(state)
            var at = Int(starts[s]) + Int(ownCounts[s])
            // The list is newest first: fill the own part backwards to keep the literals' order.
            var id = ownHead[s]
            while id >= 0 { at -= 1; ids[at] = id; id = ownNext[Int(id)] }
            if s != 0 {
                let failure = Int(fail[s])
                var to = Int(starts[s]) + Int(ownCounts[s])
                for index in Int(starts[failure])..<Int(starts[failure + 1]) { ids[to] = ids[index]; to += 1 }
            }
        }
        byteClass = classes
        self.columns = columns
        let small = stateCount <= 1 << 15
        next16 = small ? table.map { UInt16(truncatingIfNeeded: $0) | (counts[Int($0)] > 0 ? 0x8000 : 0) } : []
        next32 = small ? [] : table.map { UInt32(truncatingIfNeeded: $0) | (counts[Int($0)] > 0 ? 0x8000_0000 : 0) }
        outputIDs = ids
        outputStart = starts
        outputFirst = ids.map { id in
            suffixStart[Int(id)] < suffixStart[Int(id) + 1] ? UInt16(suffixBytes[Int(suffixStart[Int(id)])]) : 256
        }
    }

    /// Marks in `found` every literal that occurs in `bytes` (ASCII letters compared in lower case) and
    /// appends its id to `hits` the first time, so that the caller can clear only what was set.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, into found: inout [Bool], hits: inout [Int32]) {
        if next32.isEmpty {
            next16.withUnsafeBufferPointer { scan(bytes, table: $0, stateMask: 0x7FFF, into: &found, hits: &hits) }
        } else {
            next32.withUnsafeBufferPointer { scan(bytes, table: $0, stateMask: 0x7FFF_FFFF, into: &found, hits: &hits) }
        }
    }

    @inline(__always)
    private func scan<Entry: FixedWidthInteger>(_ bytes: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<Entry>, stateMask: Int,
                                                into found: inout [Bool], hits: inout [Int32]) {
        let columns = self.columns
        byteClass.withUnsafeBufferPointer { classes in
            do {
                outputStart.withUnsafeBufferPointer { starts in
                    outputIDs.withUnsafeBufferPointer { ids in
                        suffixStart.withUnsafeBufferPointer { suffixStarts in
                            suffixBytes.withUnsafeBufferPointer { suffixes in
                              outputFirst.withUnsafeBufferPointer { firsts in
                                found.withUnsafeMutableBufferPointer { seen in
                                    var state = 0
                                    let count = bytes.count
                                    for position in 0..<count {
                                        let entry = Int(table[state &* columns &+ Int(classes[Int(bytes[position])])])
                                        state = entry & stateMask
                                        guard entry != state else { continue }  // the report bit is clear
                                        let start = Int(starts[state]), end = Int(starts[state &+ 1])
                                        // The next byte of text, lower-cased (512: none, which no literal's rest starts with).
                                        var next: UInt16 = 512
                                        if position &+ 1 < count {
                                            next = UInt16(bytes[position &+ 1])
                                            if next &- 0x41 < 26 { next |= 0x20 }
                                        }
                                        for index in start..<end {
                                            let first = firsts[index]
                                            if first != 256 && first != next { continue }
                                            let id = Int(ids[index])
                                            if seen[id] { continue }
                                            // A prefix found and the rest's first byte follows: so must the rest of it.
                                            let from = Int(suffixStarts[id]), to = Int(suffixStarts[id &+ 1])
                                            if from < to {
                                                if position &+ (to &- from) >= count { continue }
                                                var at = position &+ 1, matched = true
                                                for offset in from..<to {
                                                    var byte = bytes[at]
                                                    if byte &- 0x41 < 26 { byte |= 0x20 }
                                                    if byte != suffixes[offset] { matched = false; break }
                                                    at &+= 1
                                                }
                                                if !matched { continue }
                                            }
                                            seen[id] = true
                                            hits.append(Int32(id))
                                        }
                                    }
                                }
                              }
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
