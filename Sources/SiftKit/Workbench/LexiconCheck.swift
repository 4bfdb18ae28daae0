import Foundation
import SiftPCRE2
import Yams

/// `sift lexicon check`: everything that can be known about a lexicon without a corpus. Loader errors
/// (schema, unknown keys, unknown or missing taxonomy ids, duplicate ids, regex compile errors), rule
/// examples that fail, nested quantifiers, and patterns that hit tight PCRE2 limits on adversarial text.
public struct LexiconCheck: Sendable {
    /// Limits for the dynamic probe (interpreter, no JIT, so the depth limit applies).
    public var probeLimits: Pattern.Limits
    /// Length in bytes of each adversarial subject.
    public var probeLength: Int

    public init(probeLimits: Pattern.Limits = Pattern.Limits(matchLimit: 200_000, depthLimit: 2_000), probeLength: Int = 600) {
        self.probeLimits = probeLimits
        self.probeLength = probeLength
    }

    public struct Result: Sendable {
        /// Sorted by file (in lexicon order), line, column, severity, message.
        public var issues: [LexiconIssue]
        public var files: [String]
        public var patterns: Int
        public var examplesPassed: Int
        public var errors: Int { issues.filter { $0.severity == .error }.count }
        public var warnings: Int { issues.filter { $0.severity == .warning }.count }

        /// Every issue as `file:line:col: severity: message` with the pattern line and a caret, then a count line.
        public var text: String {
            var out = issues.map { $0.description + "\n" }.joined()
            out += "checked \(files.count) file(s), \(patterns) pattern(s), \(examplesPassed) example(s) passed: \(errors) error(s), \(warnings) warning(s)\n"
            return out
        }
    }

    /// Where a rule's pattern is written, found by reading the YAML again (the loader keeps only the rule's line).
    public struct PatternSite: Sendable, Hashable {
        public enum Kind: String, Sendable { case target, context, section }
        public var kind: Kind
        public var ruleID: String
        public var source: String
        public var file: String
        public var line: Int
        /// Column of the first pattern character.
        public var column: Int
    }

    /// Checks the lexicon made of `paths` (files or folders, merged as `--lexicon` merges a folder).
    /// Throws ``LexiconLoadError`` only when a path does not exist or a file cannot be read.
    public func check(paths: [String]) throws -> Result {
        var files: [String] = []
        for path in paths { files += try LexiconLoader.files(at: path) }
        var sources: [(file: String, text: String)] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw LexiconLoadError(issues: [LexiconIssue(severity: .error, location: SourceLocation(file: file, line: 0, column: 0),
                                                             message: "cannot read file")])
            }
            sources.append((file, String(decoding: data, as: UTF8.self)))
        }
        return check(sources: sources)
    }

    /// Checks in-memory YAML sources.
    public func check(sources: [(file: String, text: String)]) -> Result {
        let (lexicon, loadIssues) = LexiconLoader().check(sources: sources)
        // One warning for all taxonomy ids without a definition, not one each.
        let undefinedMarker = "has no factor definition"
        let undefined = loadIssues.filter { $0.severity == .warning && $0.message.hasSuffix(undefinedMarker) }
        var issues = loadIssues.filter { !($0.severity == .warning && $0.message.hasSuffix(undefinedMarker)) }
        if let first = undefined.first {
            let ids = undefined.compactMap { $0.message.split(separator: "'").dropFirst().first.map(String.init) }
            issues.append(LexiconIssue(severity: .warning, location: first.location,
                                       message: "\(ids.count) taxonomy id(s) have no factor definition: \(ids.joined(separator: ", "))"))
        }
        let lines = Dictionary(sources.map { ($0.file, $0.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)) },
                               uniquingKeysWith: { a, _ in a })
        func snippet(_ file: String, _ line: Int, _ column: Int) -> String? {
            guard let fileLines = lines[file], line >= 1, line <= fileLines.count else { return nil }
            let text = fileLines[line - 1].replacingOccurrences(of: "\r", with: "")
            return "    " + text + "\n    " + String(repeating: " ", count: max(0, column - 1)) + "^"
        }
        func add(_ severity: LexiconIssue.Severity, _ file: String, _ line: Int, _ column: Int, _ message: String) {
            issues.append(LexiconIssue(severity: severity, location: SourceLocation(file: file, line: line, column: column),
                                       message: message, snippet: snippet(file, line, column)))
        }

        // Examples, on normalised text as the tagger sees it.
        let examples = LexiconExamples.run(lexicon)
        for failure in examples.failures {
            let quoted = failure.text.count > 60 ? String(failure.text.prefix(57)) + "..." : failure.text
            add(.error, failure.location.file, failure.location.line, failure.location.column,
                failure.expectedMatch ? "rule \(failure.ruleID): pattern does not match its match example \"\(quoted)\""
                                      : "rule \(failure.ruleID): pattern matches its no_match example \"\(quoted)\"")
        }

        // Factors that nothing can find.
        let withRules = Set(lexicon.targets.map(\.factor))
        for factor in lexicon.factors where !withRules.contains(factor.id) {
            let first = lexicon.files.first ?? "<lexicon>"
            issues.append(LexiconIssue(severity: .warning, location: SourceLocation(file: first, line: 1, column: 1),
                                       message: "factor '\(factor.id)' has no target rule; it can never be found", snippet: nil))
        }

        // Pattern lints, static and dynamic, on every pattern written (even in rules the loader rejected for other reasons).
        let sites = LexiconCheck.patternSites(sources)
        var probed = 0
        for site in sites {
            let column: (Int) -> Int = { offset in
                site.column + String(decoding: Array(site.source.utf8).prefix(offset), as: UTF8.self).count
            }
            for nested in RegexLint.nestedQuantifiers(in: site.source) {
                add(.warning, site.file, site.line, column(nested.groupOffset),
                    "rule \(site.ruleID): nested quantifier '\(nested.text)' repeats without bound around an unbounded repeat; it can backtrack catastrophically (bound the outer repeat, e.g. {0,4}, or make it atomic (?>...) or possessive)")
            }
            let wrapped = site.kind == .section ? "^(?:\(site.source))$" : site.source
            guard let pattern = try? Pattern(wrapped, options: [.caseless, .noJIT], limits: probeLimits) else { continue }
            probed += 1
            if let hit = probe(pattern, site: site) {
                add(.warning, site.file, site.line, site.column,
                    "rule \(site.ruleID): pattern hit the PCRE2 \(hit.limit) (match limit \(probeLimits.matchLimit), depth limit \(probeLimits.depthLimit)) on \(hit.input); it is at risk of catastrophic backtracking")
            }
        }
        let order = Dictionary(sources.enumerated().map { ($0.element.file, $0.offset) }, uniquingKeysWith: { a, _ in a })
        issues.sort {
            let a = (order[$0.location.file] ?? Int.max, $0.location.line, $0.location.column, $0.severity == .error ? 0 : 1)
            let b = (order[$1.location.file] ?? Int.max, $1.location.line, $1.location.column, $1.severity == .error ? 0 : 1)
            return a != b ? a < b : $0.message < $1.message
        }
        var unique: [LexiconIssue] = []
        for issue in issues where unique.last != issue { unique.append(issue) }
        return Result(issues: unique, files: sources.map(\.file), patterns: sites.count, examplesPassed: examples.passed)
    }

    /// Runs `pattern` over adversarial subjects; the first that stops on a resource limit, described.
    func probe(_ pattern: Pattern, site: PatternSite) -> (limit: String, input: String)? {
        let matchData = MatchData()
        for (name, subject) in adversarialInputs(for: site.source) {
            let bytes = Array(subject.utf8)
            do {
                _ = try bytes.withUnsafeBufferPointer { buffer throws(MatchError) in try pattern.allMatches(in: buffer, using: matchData) }
            } catch {
                guard error.isResourceLimit else { continue }
                let limit = error.message.contains("depth") ? "depth limit" : error.message.contains("heap") ? "heap limit" : "match limit"
                return (limit, name)
            }
        }
        return nil
    }

    /// Long runs of `a`, of `a `, of words, and near-miss strings built from the pattern's own words.
    func adversarialInputs(for source: String) -> [(String, String)] {
        // The tail holds every letter and digit, so that PCRE2's required-character check cannot reject the
        // subject at once; a pattern that fails only after backtracking over the run then shows its cost.
        let tail = "! abcdefghijklmnopqrstuvwxyz 0123456789"
        func fill(_ unit: String) -> String {
            guard !unit.isEmpty else { return "" }
            var text = ""
            while text.utf8.count < probeLength { text += unit }
            return text + tail
        }
        let words = LexiconCheck.literalWords(in: source)
        var inputs: [(String, String)] = [
            ("a run of \(probeLength) 'a'", fill("a") ),
            ("a run of 'a '", fill("a ") ),
            ("a run of words", fill("the midwife did not call the registrar and ") ),
            ("a run of '-'", fill("a-") ),
        ]
        if !words.isEmpty {
            inputs.append(("the pattern's words repeated", fill(words.joined(separator: " ") + " ") ))
            let nearMiss = words.map { $0.count > 2 ? String($0.dropLast()) : $0 }.joined(separator: " ")
            inputs.append(("a near miss of the pattern's words", fill(nearMiss + " ") ))
            inputs.append(("the pattern's first words without the last", fill(words.dropLast().joined(separator: " ") + " a ") ))
        }
        return inputs
    }

    /// Letter runs of two or more written literally in the pattern (escapes such as `\b`, `\w` skipped).
    static func literalWords(in source: String) -> [String] {
        var words: [String] = []
        var current = ""
        var escaped = false
        var inClass = false
        for character in source {
            if escaped { escaped = false; if !current.isEmpty { words.append(current); current = "" }; continue }
            if character == "\\" { escaped = true; if current.count >= 2 { words.append(current) }; current = ""; continue }
            if character == "[" { inClass = true }
            if character == "]" { inClass = false; current = ""; continue }
            if !inClass, character.isLetter { current.append(character) } else {
                if current.count >= 2 { words.append(current) }
                current = ""
            }
        }
        if current.count >= 2 { words.append(current) }
        var seen: Set<String> = []
        return words.map { $0.lowercased() }.filter { $0.count >= 2 && seen.insert($0).inserted }
    }

    /// The pattern of every target, context and section rule in the YAML sources, with its line and column.
    public static func patternSites(_ sources: [(file: String, text: String)]) -> [PatternSite] {
        var sites: [PatternSite] = []
        for source in sources {
            guard let composed = try? Yams.compose(yaml: source.text), let mapping = composed.mapping else { continue }
            for (key, value) in mapping {
                let (kind, field): (PatternSite.Kind, String)
                switch key.string {
                case "targets": (kind, field) = (.target, "pattern")
                case "context": (kind, field) = (.context, "trigger")
                case "sections": (kind, field) = (.section, "pattern")
                default: continue
                }
                for item in value.sequence.map(Array.init) ?? [] {
                    guard let rule = item.mapping else { continue }
                    var fields: [String: Node] = [:]
                    for (k, v) in rule { if let name = k.string, fields[name] == nil { fields[name] = v } }
                    guard let node = fields[field], let text = node.string, !text.isEmpty,
                          let scalar = node.scalar, let mark = node.mark else { continue }
                    let quoted = scalar.style == Node.Scalar.Style.singleQuoted || scalar.style == Node.Scalar.Style.doubleQuoted
                    // A plain or quoted scalar on one line: carets can point into it.
                    sites.append(PatternSite(kind: kind, ruleID: fields["id"]?.string ?? "?", source: text, file: source.file,
                                             line: mark.line, column: mark.column + (quoted ? 1 : 0)))
                }
            }
        }
        return sites
    }
}
