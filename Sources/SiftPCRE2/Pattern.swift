internal import CPCRE2

/// A compiled PCRE2 pattern (8-bit, UTF), JIT-compiled when the platform allows.
///
/// Immutable after `init` and safe to share across threads; every match needs a
/// ``MatchData`` owned by the calling task.
public final class Pattern: @unchecked Sendable {
    /// The pattern source as written.
    public let source: String
    /// The options it was compiled with.
    public let options: Options
    /// Whether PCRE2's JIT compiler accepted the pattern.
    /// True once the JIT compiler has compiled the pattern (matching then runs the JIT code).
    public private(set) var isJITCompiled: Bool

    let code: OpaquePointer
    let matchContext: OpaquePointer
    /// Size of the ovector a ``MatchData`` needs for this pattern.
    let captureCount: Int

    /// Compiles `source`; throws ``PatternError`` with the PCRE2 message and the offset in the pattern.
    public init(_ source: String, options: Options = [.caseless], limits: Limits = .default) throws(PatternError) {
        self.source = source
        self.options = options
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        var flags: UInt32 = PCRE2_UTF | PCRE2_UCP_IF_WANTED
        if options.contains(.caseless) { flags |= PCRE2_CASELESS }
        if options.contains(.multiline) { flags |= PCRE2_MULTILINE }
        if options.contains(.anchored) { flags |= PCRE2_ANCHORED }
        if options.contains(.endAnchored) { flags |= PCRE2_ENDANCHORED }
        let compiled: OpaquePointer? = source.withCString { cString in
            cString.withMemoryRebound(to: UInt8.self, capacity: source.utf8.count + 1) { pointer in
                pcre2_compile_8(pointer, source.utf8.count, flags, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw PatternError(code: Int(errorCode), offset: errorOffset, message: Pattern.message(for: errorCode))
        }
        self.code = compiled
        // Without JIT the interpreter runs, which honours the depth limit (the JIT ignores it).
        self.isJITCompiled = options.contains(.noJIT) || options.contains(.deferJIT) ? false : pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
        guard let context = pcre2_match_context_create_8(nil) else {
            pcre2_code_free_8(compiled)
            throw PatternError(code: -1, offset: 0, message: "could not allocate a PCRE2 match context")
        }
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        self.matchContext = context
        var captures: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        self.captureCount = Int(captures)
    }

    /// JIT-compiles a pattern made with ``Options/deferJIT``, so that a caller can compile many patterns on
    /// several threads; call it before the pattern is shared, once. Returns whether the JIT accepted it.
    @discardableResult
    public func jitCompile() -> Bool {
        guard !isJITCompiled, !options.contains(.noJIT) else { return isJITCompiled }
        isJITCompiled = pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE)) == 0
        return isJITCompiled
    }

    deinit {
        pcre2_match_context_free_8(matchContext)
        pcre2_code_free_8(code)
    }

    /// The first match at or after `start` in `subject`, as a byte range, or nil.
    ///
    /// Throws ``MatchError`` when PCRE2 stops on its match or depth limit or another error.
    ///
    /// `subjectIsValidUTF8`: the caller guarantees that `subject` is valid UTF-8 (it was made from a Swift
    /// `String`), so PCRE2 skips its check of the whole subject on every call. Never pass true for bytes
    /// read from a file: PCRE2's behaviour on invalid UTF-8 it was told is valid is undefined.
    public func firstMatch(in subject: UnsafeBufferPointer<UInt8>, from start: Int = 0, using matchData: MatchData,
                           subjectIsValidUTF8: Bool = false) throws(MatchError) -> Range<Int>? {
        precondition(start >= 0 && start <= subject.count, "start offset outside the subject")
        let base = subject.baseAddress ?? Pattern.emptySubjectAddress
        let options: UInt32 = subjectIsValidUTF8 ? PCRE2_NO_UTF_CHECK : 0
        let rc = pcre2_match_8(code, base, subject.count, start, options, matchData.pointer(capacity: captureCount + 1), matchContext)
        if rc == PCRE2_ERROR_NOMATCH { return nil }
        if rc < 0 { throw MatchError(code: Int(rc), message: Pattern.message(for: rc)) }
        let ovector = pcre2_get_ovector_pointer_8(matchData.data!)!
        return ovector[0]..<ovector[1]
    }

    /// Every non-overlapping match in `subject`, left to right.
    public func allMatches(in subject: UnsafeBufferPointer<UInt8>, using matchData: MatchData,
                           subjectIsValidUTF8: Bool = false) throws(MatchError) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var position = 0
        // The whole subject is checked once, on the first call, unless the caller vouches for it.
        var checked = subjectIsValidUTF8
        while position <= subject.count, let range = try firstMatch(in: subject, from: position, using: matchData, subjectIsValidUTF8: checked) {
            checked = true
            ranges.append(range)
            // An empty match must still move on, by one whole UTF-8 character.
            if range.isEmpty {
                var next = range.upperBound + 1
                while next < subject.count, subject[next] & 0xC0 == 0x80 { next += 1 }
                position = next
            } else {
                position = range.upperBound
            }
        }
        return ranges
    }

    /// Convenience for tests and one-off checks: does the pattern match somewhere in `text`?
    public func matches(_ text: String) throws(MatchError) -> Bool {
        let matchData = MatchData()
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer throws(MatchError) in
            try firstMatch(in: UnsafeBufferPointer(buffer), using: matchData) != nil
        }
    }

    nonisolated(unsafe) static let emptySubjectAddress: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }

    /// The version of the PCRE2 library in use, e.g. "10.42 2022-12-11".
    public static var libraryVersion: String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), &buffer)
        guard length > 1 else { return "unknown" }
        return String(decoding: buffer[0..<Int(length - 1)], as: UTF8.self)
    }
}

/// PCRE2_UCP makes \b and \w Unicode-aware, which costs speed; ASCII word rules are what
/// clinical English needs, so it stays off.
private let PCRE2_UCP_IF_WANTED: UInt32 = 0

extension Pattern {
    /// Compile options a lexicon can ask for.
    public struct Options: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Case-insensitive matching.
        public static let caseless = Options(rawValue: 1 << 0)
        /// `^` and `$` match at line breaks.
        public static let multiline = Options(rawValue: 1 << 1)
        /// The match must start at the start offset.
        public static let anchored = Options(rawValue: 1 << 2)
        /// The match must end at the end of the subject.
        public static let endAnchored = Options(rawValue: 1 << 3)
        /// Skip JIT compilation: matching uses the interpreter, so ``Limits/depthLimit`` applies
        /// (used by `sift lexicon check` to probe patterns for catastrophic backtracking).
        public static let noJIT = Options(rawValue: 1 << 4)
        /// Compile now, JIT-compile later with ``Pattern/jitCompile()`` (for JIT compilation on several threads).
        public static let deferJIT = Options(rawValue: 1 << 5)
    }

    /// PCRE2 resource limits, so that a pathological pattern on pathological text stops
    /// with an error instead of running for minutes.
    public struct Limits: Sendable, Hashable {
        /// Maximum calls of PCRE2's internal match function per match attempt.
        public var matchLimit: UInt32
        /// Maximum backtracking depth (ignored by the JIT, which uses its stack instead).
        public var depthLimit: UInt32
        public init(matchLimit: UInt32, depthLimit: UInt32) {
            self.matchLimit = matchLimit
            self.depthLimit = depthLimit
        }
        /// Generous for sentences of clinical text, far below PCRE2's own ten million.
        public static let `default` = Limits(matchLimit: 1_000_000, depthLimit: 10_000)
    }
}

/// A pattern that PCRE2 refused to compile.
public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// PCRE2's error code.
    public let code: Int
    /// Byte offset in the pattern where PCRE2 stopped.
    public let offset: Int
    /// PCRE2's message.
    public let message: String
    public var description: String { "\(message) at offset \(offset)" }
}

/// A match attempt that failed with an error rather than a result (match limit, depth limit).
public struct MatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let message: String
    /// True when PCRE2 gave up on one of its resource limits.
    public var isResourceLimit: Bool {
        code == Int(PCRE2_ERROR_MATCHLIMIT) || code == Int(PCRE2_ERROR_DEPTHLIMIT) || code == Int(PCRE2_ERROR_HEAPLIMIT)
            || code == Int(PCRE2_ERROR_JIT_STACKLIMIT)
    }
    public var description: String { message }
}

/// Per-task scratch space for matching. Not thread-safe: one per task or thread.
public final class MatchData {
    fileprivate var data: OpaquePointer?
    private var capacity = 0

    public init() {}

    fileprivate func pointer(capacity needed: Int) -> OpaquePointer {
        if let data, capacity >= needed { return data }
        if let data { pcre2_match_data_free_8(data) }
        let size = max(needed, 16)
        data = pcre2_match_data_create_8(UInt32(size), nil)
        capacity = size
        return data!
    }

    deinit {
        if let data { pcre2_match_data_free_8(data) }
    }
}
