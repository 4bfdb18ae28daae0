import Foundation

/// Runs GNU grep and ripgrep over a corpus with the lexicon's target patterns, for a sense of scale: they
/// count matching lines (`-c`, case-insensitive) and do no sentence splitting, context or aggregation, so
/// they are a floor for the regex work, not a like-for-like alternative.
///
/// - `grep -E`: the patterns translated to POSIX ERE with GNU extensions (``EREConverter``); patterns that
///   cannot be translated (look-around, back-references, ...) or that grep rejects are skipped and counted.
/// - `grep -P`: GNU grep takes a single PCRE pattern only, so all patterns are joined into one alternation.
/// - `rg` (Rust regex engine), one thread and every core: patterns the engine rejects are skipped and counted.
/// - `rg -P` (PCRE2 with JIT, the engine Sift uses), one thread: every pattern.
///
/// Tools run with `LC_ALL=C.UTF-8` over the corpus folder (hidden files excluded), output to a file.
public struct ToolComparison {
    public var lexicon: Lexicon
    public var corpus: String
    public var timeout: Double
    public var threads: Int
    public var log: (String) -> Void

    public init(lexicon: Lexicon, corpus: String, timeout: Double, threads: Int, log: @escaping (String) -> Void) {
        self.lexicon = lexicon
        self.corpus = corpus
        self.timeout = timeout
        self.threads = threads
        self.log = log
    }

    public func run(siftTagSeconds: Double?, siftTagCPUSeconds: Double? = nil) -> [Benchmark.ToolRun] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sift-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sources = lexicon.targets.map(\.pattern.source)
        let grep = ToolComparison.which("grep")
        let rg = ToolComparison.which("rg")
        var runs: [Benchmark.ToolRun] = []

        func record(_ name: String, _ executable: String?, _ arguments: [String], used: Int, skipped: Int, note: String?) {
            guard let executable else {
                runs.append(.init(tool: name, command: "", available: false, patternsUsed: 0, patternsSkipped: sources.count, seconds: nil,
                                  cpuSeconds: nil, matchingLines: nil, siftTagRatio: nil, siftTagCPURatio: nil, note: "\(name.split(separator: " ")[0]) not found on PATH"))
                log("\(name): not installed")
                return
            }
            let command = ([executable] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
            log("\(name): running \(command)")
            let cpuBefore = Benchmark.processCPU(children: true)
            let outcome = ToolComparison.execute(executable, arguments, timeout: timeout, scratch: folder)
            let cpu = Benchmark.processCPU(children: true) - cpuBefore
            var run = Benchmark.ToolRun(tool: name, command: command, available: true, patternsUsed: used, patternsSkipped: skipped,
                                        seconds: nil, cpuSeconds: nil, matchingLines: nil, siftTagRatio: nil, siftTagCPURatio: nil, note: note)
            switch outcome {
            case .finished(let seconds, let output, let status, let errorText):
                if status > 1 {
                    run.note = [note, "exit \(status): \(errorText.prefix(300))"].compactMap { $0 }.joined(separator: "; ")
                } else {
                    run.seconds = seconds
                    run.matchingLines = ToolComparison.sumCounts(output)
                    run.siftTagRatio = siftTagSeconds.map { $0 / seconds }
                    run.cpuSeconds = cpu
                    run.siftTagCPURatio = siftTagCPUSeconds.map { $0 / cpu }
                }
            case .timedOut(let seconds):
                run.note = [note, String(format: "stopped after %.0f s (timeout)", seconds)].compactMap { $0 }.joined(separator: "; ")
            case .failed(let message):
                run.note = [note, message].compactMap { $0 }.joined(separator: "; ")
            }
            log(String(format: "%@: %@", name, run.seconds.map { String(format: "%.2f s, %d matching lines", $0, run.matchingLines ?? 0) } ?? (run.note ?? "failed")))
            runs.append(run)
        }

        // grep -E: translated patterns that grep accepts.
        if let grep {
            var accepted: [String] = []
            for source in sources {
                guard let ere = EREConverter.convert(source) else { continue }
                if ToolComparison.accepts(grep, ["-E", "-i", "-c", "-e", ere], scratch: folder) { accepted.append(ere) }
            }
            let file = folder.appendingPathComponent("patterns-ere.txt")
            try? Data((accepted.joined(separator: "\n") + "\n").utf8).write(to: file)
            record("grep -E", grep, ["-E", "-i", "-c", "-r", "--exclude=.*", "-f", file.path, corpus], used: accepted.count,
                   skipped: sources.count - accepted.count, note: "patterns translated to ERE; look-around and other PCRE-only constructs skipped")
            // grep -P: one alternation of every pattern.
            // From a file: the default lexicon's alternation (200 KB) is longer than one command-line argument may be.
            let joined = sources.map { "(?:\($0))" }.joined(separator: "|")
            let pfile = folder.appendingPathComponent("patterns-pcre-joined.txt")
            try? Data((joined + "\n").utf8).write(to: pfile)
            if ToolComparison.accepts(grep, ["-P", "-i", "-c", "-f", pfile.path], scratch: folder) {
                record("grep -P", grep, ["-P", "-i", "-c", "-r", "--exclude=.*", "-f", pfile.path, corpus], used: sources.count, skipped: 0,
                       note: "grep -P takes one pattern: all joined with |")
            } else {
                runs.append(.init(tool: "grep -P", command: "", available: true, patternsUsed: 0, patternsSkipped: sources.count, seconds: nil,
                                  cpuSeconds: nil, matchingLines: nil, siftTagRatio: nil, siftTagCPURatio: nil,
                                  note: "grep -P rejected the joined pattern: \(ToolComparison.rejection(grep, ["-P", "-i", "-c", "-f", pfile.path], scratch: folder))"))
            }
        } else {
            record("grep -E", nil, [], used: 0, skipped: sources.count, note: nil)
        }

        if let rg {
            // The default limits (100 MB compiled regex) are too small for 400 patterns in one automaton.
            let rgLimits = ["--regex-size-limit", "2G", "--dfa-size-limit", "2G"]
            var accepted: [String] = []
            for source in sources where ToolComparison.accepts(rg, ["-i", "-c", "-e", source], scratch: folder) { accepted.append(source) }
            let file = folder.appendingPathComponent("patterns-rust.txt")
            try? Data((accepted.joined(separator: "\n") + "\n").utf8).write(to: file)
            let skipped = sources.count - accepted.count
            record("rg -j1", rg, ["-i", "-c", "-j1", "--no-ignore"] + rgLimits + ["-f", file.path, corpus], used: accepted.count, skipped: skipped,
                   note: "Rust regex engine; patterns it rejects skipped")
            record("rg -j\(threads)", rg, ["-i", "-c", "-j\(threads)", "--no-ignore"] + rgLimits + ["-f", file.path, corpus], used: accepted.count, skipped: skipped,
                   note: "Rust regex engine, every core")
            let pcre = folder.appendingPathComponent("patterns-pcre.txt")
            try? Data((sources.joined(separator: "\n") + "\n").utf8).write(to: pcre)
            if ToolComparison.accepts(rg, ["-P", "-i", "-c", "-f", pcre.path], scratch: folder) {
                record("rg -P -j1", rg, ["-P", "-i", "-c", "-j1", "--no-ignore", "-f", pcre.path, corpus], used: sources.count, skipped: 0,
                       note: "PCRE2 with JIT, Sift's own patterns")
            } else {
                runs.append(.init(tool: "rg -P -j1", command: "", available: true, patternsUsed: 0, patternsSkipped: sources.count, seconds: nil,
                                  cpuSeconds: nil, matchingLines: nil, siftTagRatio: nil, siftTagCPURatio: nil,
                                  note: "rg -P rejected the patterns: \(ToolComparison.rejection(rg, ["-P", "-i", "-c", "-f", pcre.path], scratch: folder))"))
            }
        } else {
            record("rg", nil, [], used: 0, skipped: sources.count, note: nil)
        }
        return runs
    }

    // MARK: - Processes

    enum Outcome {
        case finished(seconds: Double, output: String, status: Int32, error: String)
        case timedOut(seconds: Double)
        case failed(String)
    }

    static func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// True when the tool exits 0 or 1 (match or no match) on an empty input with these arguments.
    static func accepts(_ executable: String, _ arguments: [String], scratch: URL) -> Bool {
        let empty = scratch.appendingPathComponent("empty.txt")
        if !FileManager.default.fileExists(atPath: empty.path) { _ = FileManager.default.createFile(atPath: empty.path, contents: Data()) }
        if case .finished(_, _, let status, let error) = execute(executable, arguments + [empty.path], timeout: 30, scratch: scratch) {
            return status <= 1 && !error.contains("warning")
        }
        return false
    }

    /// The first line of the tool's complaint about these arguments.
    static func rejection(_ executable: String, _ arguments: [String], scratch: URL) -> String {
        let empty = scratch.appendingPathComponent("empty.txt")
        switch execute(executable, arguments + [empty.path], timeout: 30, scratch: scratch) {
        case .finished(_, _, let status, let error): return "exit \(status): " + (error.split(separator: "\n").first.map(String.init) ?? "")
        case .timedOut: return "did not finish in 30 s on an empty file"
        case .failed(let reason): return "could not run it: \(reason)"
        }
    }

    /// Runs a tool with its output in files (never a pipe that could fill), measuring wall time.
    static func execute(_ executable: String, _ arguments: [String], timeout: Double, scratch: URL) -> Outcome {
        let outURL = scratch.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errURL = scratch.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        guard let out = try? FileHandle(forWritingTo: outURL), let err = try? FileHandle(forWritingTo: errURL) else {
            return .failed("cannot create output files")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        environment["RIPGREP_CONFIG_PATH"] = nil
        environment["GREP_OPTIONS"] = nil
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let start = Benchmark.now()
        do { try process.run() } catch { return .failed("cannot run \(executable): \(error.localizedDescription)") }
        while process.isRunning {
            if Benchmark.now() - start > timeout {
                process.terminate()
                process.waitUntilExit()
                return .timedOut(seconds: Benchmark.now() - start)
            }
            usleep(2_000)
        }
        let seconds = Benchmark.now() - start
        try? out.close()
        try? err.close()
        let output = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let errorText = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return .finished(seconds: seconds, output: output, status: process.terminationStatus, error: errorText)
    }

    /// Sums `path:count` lines (or a bare count for a single file).
    static func sumCounts(_ output: String) -> Int {
        var total = 0
        for line in output.split(separator: "\n") {
            let count = line.lastIndex(of: ":").map { line[line.index(after: $0)...] } ?? line[...]
            total += Int(count) ?? 0
        }
        return total
    }
}

/// Translates the PCRE2 syntax the lexicon uses into POSIX ERE with GNU extensions (`\b`, `\w`, `\s`, `\W`,
/// `\S` outside brackets), or nil when the pattern uses something ERE cannot say (look-around,
/// back-references, `\p{...}`, atomic groups, `\K`, `\Q...\E`, ...). Lazy quantifiers become greedy and
/// possessive ones plain, which does not change whether a line matches.
public enum EREConverter {
    public static func convert(_ pattern: String) -> String? {
        let chars = Array(pattern.unicodeScalars)
        var out = ""
        var index = 0
        var inBracket = false
        var bracketStart = 0
        var pendingDash = false
        func literal(_ scalar: Unicode.Scalar, inBracket: Bool) -> String {
            let specials: Set<Unicode.Scalar> = [".", "[", "]", "(", ")", "{", "}", "*", "+", "?", "|", "^", "$", "\\"]
            if inBracket { return scalar == "]" || scalar == "\\" || scalar == "^" || scalar == "-" ? "" : String(scalar) }
            return specials.contains(scalar) ? "\\" + String(scalar) : String(scalar)
        }
        while index < chars.count {
            let c = chars[index]
            if c == "\\" {
                guard index + 1 < chars.count else { return nil }
                let e = chars[index + 1]
                index += 2
                switch e {
                case "d": out += inBracket ? "0-9" : "[0-9]"
                case "D": if inBracket { return nil } else { out += "[^0-9]" }
                case "w": out += inBracket ? "[:alnum:]_" : "\\w"
                case "s": out += inBracket ? "[:space:]" : "\\s"
                case "W", "S": if inBracket { return nil } else { out += "\\" + String(e) }
                case "b", "B": if inBracket { return nil } else { out += "\\" + String(e) }
                case "h": out += inBracket ? "[:blank:]" : "[[:blank:]]"
                case "x":
                    var hex = ""
                    if index < chars.count, chars[index] == "{" {
                        index += 1
                        while index < chars.count, chars[index] != "}" { hex.unicodeScalars.append(chars[index]); index += 1 }
                        index += 1
                    } else {
                        while hex.count < 2, index < chars.count, chars[index].properties.isASCIIHexDigit { hex.unicodeScalars.append(chars[index]); index += 1 }
                    }
                    guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else { return nil }
                    let text = literal(scalar, inBracket: inBracket)
                    if text.isEmpty { return nil }
                    out += text
                case "n": out += inBracket ? "\n" : "\n"
                case "t": out += "\t"
                default:
                    if e.properties.isAlphabetic || e.properties.numericType != nil { return nil }  // \A \z \p \1 \K \Q ...
                    if inBracket {
                        // Inside POSIX brackets a backslash is literal: write the character itself where safe.
                        if e == "-" {
                            pendingDash = true  // a literal '-' must be last in a POSIX bracket: written when it closes
                        } else if e == "]" || e == "^" || e == "\\" { return nil } else { out.unicodeScalars.append(e) }
                    } else {
                        out += literal(e, inBracket: false)
                    }
                }
                continue
            }
            if inBracket {
                if c == "]" && index > bracketStart {
                    inBracket = false
                    if pendingDash, !out.hasSuffix("-") { out += "-" }
                    pendingDash = false
                    out += "]"
                } else if c == "[" && index + 1 < chars.count && chars[index + 1] == ":" {
                    out += "["
                } else if c == "[" {
                    out += "["
                } else {
                    out.unicodeScalars.append(c)
                }
                index += 1
                continue
            }
            switch c {
            case "[":
                inBracket = true
                out += "["
                index += 1
                if index < chars.count, chars[index] == "^" { out += "^"; index += 1 }
                if index < chars.count, chars[index] == "]" { out += "]"; index += 1 }
                bracketStart = index
                continue
            case "(":
                if index + 1 < chars.count, chars[index + 1] == "?" {
                    guard index + 2 < chars.count else { return nil }
                    let kind = chars[index + 2]
                    if kind == ":" {
                        out += "("
                        index += 3
                        continue
                    }
                    if kind == "i", index + 3 < chars.count, chars[index + 3] == ")" {
                        index += 4  // (?i): grep runs with -i anyway
                        continue
                    }
                    return nil  // look-around, atomic, named, conditional, inline options
                }
                out += "("
            case "*", "+", "?", "}":
                out.unicodeScalars.append(c)
                // Lazy or possessive suffix: dropped.
                if index + 1 < chars.count, chars[index + 1] == "?" || chars[index + 1] == "+" {
                    index += 1
                }
            default:
                out.unicodeScalars.append(c)
            }
            index += 1
        }
        if inBracket { return nil }
        return out
    }
}
