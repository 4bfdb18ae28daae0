import Dispatch
import Testing
@testable import SiftPCRE2


private func first(_ pattern: Pattern, _ text: String, from start: Int = 0, using data: MatchData = MatchData()) throws -> Range<Int>? {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { buffer throws -> Range<Int>? in try pattern.firstMatch(in: buffer, from: start, using: data) }
}

private func all(_ pattern: Pattern, _ text: String, using data: MatchData = MatchData()) throws -> [Range<Int>] {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { buffer throws -> [Range<Int>] in try pattern.allMatches(in: buffer, using: data) }
}

/// The substring of `text` at UTF-8 byte range `range`.
private func slice(_ text: String, _ range: Range<Int>) -> String {
    String(decoding: Array(text.utf8)[range], as: UTF8.self)
}

@Suite("Pattern compilation")
struct PatternCompileTests {
    @Test func compileErrorForUnclosedGroupCarriesMessageAndOffset() {
        do {
            _ = try Pattern("abc(def")
            Issue.record("abc(def compiled")
        } catch {
            #expect(error.code == 114)
            #expect(error.offset == 7)
            #expect(error.message.contains("missing closing parenthesis"))
            #expect(error.description.hasSuffix("at offset 7"))
        }
    }

    @Test func compileErrorForQuantifierOutOfOrder() {
        do {
            _ = try Pattern("a{2,1}")
            Issue.record("a{2,1} compiled")
        } catch {
            #expect(error.code == 104)
            #expect(error.offset == 5)
            #expect(error.message.contains("numbers out of order"))
        }
    }

    @Test func compileErrorForVariableLookbehind() throws {
        let error = try #require(throws: PatternError.self) { try Pattern("(?<=a+)b") }
        #expect(error.message.contains("lookbehind"))
        // PCRE2 points at the lookbehind (10.42: its opening parenthesis), never past the pattern.
        #expect(error.offset >= 0 && error.offset <= "(?<=a+)".utf8.count)
        // Offsets are bytes into the pattern: the same error after a prefix moves by the prefix length.
        let shifted = try #require(throws: PatternError.self) { try Pattern("xyz(?<=a+)b") }
        #expect(shifted.offset == error.offset + 3)
        #expect(shifted.code == error.code)
    }

    @Test func compileErrorOffsetsAreInBytesAfterMultibyteText() throws {
        // "é" is two bytes: the missing parenthesis is reported at the byte length of the pattern.
        let source = "café(x"
        let error = try #require(throws: PatternError.self) { try Pattern(source) }
        #expect(error.offset == source.utf8.count)
        #expect(error.offset == 7)
    }

    @Test func validPatternCompilesAndRecordsOptions() throws {
        let pattern = try Pattern(#"\bescalat\w*"#, options: [.caseless, .multiline])
        #expect(pattern.source == #"\bescalat\w*"#)
        #expect(pattern.options == [.caseless, .multiline])
        #expect(!Pattern.libraryVersion.isEmpty)
        #expect(Pattern.libraryVersion != "unknown")
        #expect(Pattern.libraryVersion.first?.isNumber == true)
    }
}

@Suite("Pattern matching")
struct PatternMatchingTests {
    @Test func caselessByDefault() throws {
        let pattern = try Pattern(#"\bnot\s+escalated\b"#)
        #expect(try pattern.matches("The CTG was NOT Escalated."))
        #expect(try pattern.matches("not escalated"))
        #expect(try !pattern.matches("The CTG was escalated."))
    }

    @Test func caseSensitiveWithoutCaselessOption() throws {
        let pattern = try Pattern("MEOWS", options: [])
        #expect(try pattern.matches("MEOWS chart incomplete"))
        #expect(try !pattern.matches("meows chart incomplete"))
    }

    @Test func caselessMatchingIsUnicodeAware() throws {
        // PCRE2_UTF caseless folding covers non-ASCII letters too.
        let pattern = try Pattern("CAFÉ")
        #expect(try pattern.matches("café"))
    }

    @Test func multilineOptionControlsLineAnchors() throws {
        let text = "first line\nsecond line"
        #expect(try Pattern("^second", options: [.caseless, .multiline]).matches(text))
        #expect(try !Pattern("^second", options: [.caseless]).matches(text))
    }

    @Test func anchoredAndEndAnchoredOptions() throws {
        let anchored = try Pattern("ctg", options: [.caseless, .anchored])
        #expect(try anchored.matches("CTG normal"))
        #expect(try !anchored.matches("the CTG"))
        let endAnchored = try Pattern("ctg", options: [.caseless, .endAnchored])
        #expect(try endAnchored.matches("the CTG"))
        #expect(try !endAnchored.matches("CTG normal"))
    }

    @Test func firstMatchHonoursStartOffset() throws {
        let pattern = try Pattern("ab")
        let text = "ab ab"
        let data = MatchData()
        #expect(try first(pattern, text, using: data) == 0..<2)
        #expect(try first(pattern, text, from: 1, using: data) == 3..<5)
        #expect(try first(pattern, text, from: 4, using: data) == nil)
        #expect(try first(pattern, text, from: 5, using: data) == nil)
    }

    @Test func emptySubject() throws {
        let data = MatchData()
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        #expect(try Pattern("a").firstMatch(in: empty, using: data) == nil)
        #expect(try Pattern("a*").allMatches(in: empty, using: data) == [0..<0])
    }

    @Test func allMatchesOnMultibyteTextReturnsByteRanges() throws {
        let text = "Ø – café: delay in escalation; naïve délay, then DELAY."
        let pattern = try Pattern(#"d[eé]lay"#)
        let ranges = try all(pattern, text)
        #expect(ranges.count == 3)
        #expect(ranges.map { slice(text, $0) } == ["delay", "délay", "DELAY"])
        // "Ø" (2 bytes) + " " + "–" (3 bytes) + " " + "café" (5 bytes) + ": " = 14 bytes before "delay".
        #expect(ranges.first == 14..<19)
        // The second match is one character but two bytes longer than "delay".
        #expect(ranges[1].count == 6)
        let characterOffset = text.distance(from: text.startIndex, to: text.firstRange(of: "delay")!.lowerBound)
        #expect(characterOffset == 10)
        #expect(ranges.first!.lowerBound != characterOffset)
    }

    @Test func allMatchesAreNonOverlappingLeftToRight() throws {
        let ranges = try all(Pattern("aa"), "aaaa")
        #expect(ranges == [0..<2, 2..<4])
    }

    @Test func emptyMatchesAdvanceWithoutLooping() throws {
        let text = "axb"
        let ranges = try all(Pattern("x*"), text)
        #expect(ranges == [0..<0, 1..<2, 2..<2, 3..<3])
    }

    @Test func emptyMatchesAdvanceByWholeCharacters() throws {
        // Every match of an empty pattern must sit on a character boundary: one per boundary, never inside "é".
        let text = "éa€"
        let ranges = try all(Pattern(""), text)
        #expect(ranges == [0..<0, 2..<2, 3..<3, 6..<6])
        #expect(ranges.allSatisfy { $0.isEmpty })
    }

    @Test func lookbehindSeesTextBeforeTheStartOffset() throws {
        let pattern = try Pattern(#"\bno\b"#)
        // Searching from inside "piano": \b must look back and not match the "no" of "piano".
        #expect(try first(pattern, "piano no", from: 3) == 6..<8)
    }

    @Test func matchDataGrowsForPatternsWithManyCaptures() throws {
        let many = String(repeating: "(a)", count: 40)
        let pattern = try Pattern(many)
        let data = MatchData()
        let text = String(repeating: "a", count: 40)
        #expect(try first(Pattern("(b)"), "b", using: data) == 0..<1)
        #expect(try first(pattern, text, using: data) == 0..<40)
        #expect(try first(Pattern("(b)"), "b", using: data) == 0..<1)
    }

    @Test func invalidUTF8SubjectThrowsNonLimitError() throws {
        let bytes: [UInt8] = [0x61, 0xC3, 0x28, 0x62]
        let pattern = try Pattern("b")
        let error = try #require(throws: MatchError.self) {
            try bytes.withUnsafeBufferPointer { try pattern.firstMatch(in: $0, using: MatchData()) }
        }
        #expect(!error.isResourceLimit)
        #expect(error.code < 0)
        #expect(!error.message.isEmpty)
    }
}

@Suite("Pattern resource limits")
struct PatternLimitTests {
    static let subject = String(repeating: "a", count: 30) + "b"
    static let small = Pattern.Limits(matchLimit: 1000, depthLimit: 100)

    @Test func defaultLimits() {
        #expect(Pattern.Limits.default.matchLimit == 1_000_000)
        #expect(Pattern.Limits.default.depthLimit == 10_000)
    }

    @Test(arguments: ["", "(*NO_JIT)"])
    func catastrophicBacktrackingStopsOnMatchLimit(prefix: String) throws {
        let pattern = try Pattern(prefix + "(a+)+$", limits: Self.small)
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(throws: MatchError.self) { try pattern.matches(Self.subject) }
        #expect(error.isResourceLimit)
        #expect(error.message.contains("limit"))
        #expect(clock.now - start < .seconds(5))
        // allMatches surfaces the same error instead of swallowing it.
        let again = try #require(throws: MatchError.self) {
            try all(pattern, Self.subject)
        }
        #expect(again == error)
    }

    @Test func jitIsUsedWhenAvailable() throws {
        // The JIT honours the match limit too; the test above covers both paths when JIT is available.
        let pattern = try Pattern("(a+)+$", limits: Self.small)
        if pattern.isJITCompiled {
            #expect(throws: MatchError.self) { try pattern.matches(Self.subject) }
        }
    }

    @Test func deferredJITCompilesLaterAndMatchesTheSame() throws {
        let now = try Pattern(#"\bescalat\w*"#)
        let later = try Pattern(#"\bescalat\w*"#, options: [.caseless, .deferJIT])
        #expect(!later.isJITCompiled)
        let text = "The registrar was not ESCALATED to; escalation was late."
        let matched = try later.matches(text)
        #expect(matched)
        #expect(later.jitCompile() == now.isJITCompiled)
        #expect(later.isJITCompiled == now.isJITCompiled)
        var bytes = Array(text.utf8)
        let data = MatchData()
        let (a, b) = try bytes.withUnsafeMutableBufferPointer { buffer in
            (try now.allMatches(in: UnsafeBufferPointer(buffer), using: data), try later.allMatches(in: UnsafeBufferPointer(buffer), using: data))
        }
        #expect(a == b)
        #expect(a.count == 2)
    }

    @Test func depthLimitStopsTheInterpreter() throws {
        // Without JIT, a tiny depth limit stops a deeply backtracking match.
        let pattern = try Pattern("(*NO_JIT)(*NO_START_OPT)(a|b)*c", limits: Pattern.Limits(matchLimit: 10_000_000, depthLimit: 5))
        let text = String(repeating: "ab", count: 200)
        let error = try #require(throws: MatchError.self) { try pattern.matches(text) }
        #expect(error.isResourceLimit)
    }

    @Test func sameCatastrophicPatternSucceedsOnHarmlessText() throws {
        let pattern = try Pattern("(a+)+$", limits: Self.small)
        #expect(try pattern.matches(String(repeating: "a", count: 30)))
        #expect(try !pattern.matches("bbb"))
    }
}

@Suite("Pattern concurrency")
struct PatternConcurrencyTests {
    @Test func sharedPatternGivesIdenticalResultsOnManyThreads() throws {
        let pattern = try Pattern(#"\b(?:delay(?:ed)?|not\s+escalated|é\w+)\b"#)
        let text = String(repeating: "The CTG was not escalated; a delay followed, délayé étude, delayed again. ", count: 50)
        let bytes = Array(text.utf8)
        let expected = try bytes.withUnsafeBufferPointer { try pattern.allMatches(in: $0, using: MatchData()) }
        #expect(expected.count > 100)
        final class Slots: @unchecked Sendable {
            let pointer: UnsafeMutablePointer<[Range<Int>]?>
            let count: Int
            init(_ n: Int) {
                count = n
                pointer = .allocate(capacity: n)
                pointer.initialize(repeating: nil, count: n)
            }
            deinit { pointer.deinitialize(count: count); pointer.deallocate() }
        }
        let iterations = 64
        let slots = Slots(iterations)
        DispatchQueue.concurrentPerform(iterations: iterations) { index in
            let data = MatchData()
            // Each slot is written by exactly one iteration; no shared array buffer is mutated.
            slots.pointer[index] = try? bytes.withUnsafeBufferPointer { try pattern.allMatches(in: $0, using: data) }
        }
        let values = (0..<iterations).map { slots.pointer[$0] }
        for (index, value) in values.enumerated() {
            #expect(value == expected, "iteration \(index)")
        }
    }
}
