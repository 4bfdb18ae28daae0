import Dispatch
import Foundation
import SiftPCRE2
import Yams

/// Reads a lexicon from a YAML file or a folder of YAML files, rejecting unknown keys,
/// unknown factor ids, duplicate rule ids and patterns PCRE2 will not compile.
public struct LexiconLoader {
    public var limits: Pattern.Limits

    public init(limits: Pattern.Limits = .default) {
        self.limits = limits
    }

    /// The YAML files a lexicon path stands for: the file itself, or a folder's `*.yaml` / `*.yml` in name order.
    public static func files(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LexiconLoadError(issues: [LexiconIssue(severity: .error, location: SourceLocation(file: path, line: 0, column: 0),
                                                         message: "no lexicon at this path")])
        }
        guard isDirectory.boolValue else { return [path] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
        return names.map { (path as NSString).appendingPathComponent($0) }
    }

    /// Loads and compiles the lexicon at `path`. Throws ``LexiconLoadError`` listing every error.
    public func load(path: String) throws -> Lexicon {
        let files = try LexiconLoader.files(at: path)
        var sources: [(file: String, text: String)] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw LexiconLoadError(issues: [LexiconIssue(severity: .error, location: SourceLocation(file: file, line: 0, column: 0),
                                                             message: "cannot read file")])
            }
            sources.append((file, String(decoding: data, as: UTF8.self)))
        }
        return try load(sources: sources)
    }

    /// For `sift lexicon check`: loads what can be loaded and returns every issue (errors and warnings)
    /// instead of throwing. The lexicon holds the rules that compiled; it is only fit to run when no issue is an error.
    public func check(sources: [(file: String, text: String)]) -> (lexicon: Lexicon, issues: [LexiconIssue]) {
        var builder = Builder(limits: limits)
        for (source, parsed) in zip(sources, LexiconLoader.compose(sources, limits: limits)) {
            builder.precompiled = parsed.patterns
            builder.read(file: source.file, text: source.text, parsed: parsed.node)
        }
        return builder.partial(files: sources.map(\.file))
    }

    /// JIT-compiles every pattern, on every core (the JIT was a third of the load time).
    static func jitCompile(_ patterns: [Pattern]) {
        DispatchQueue.concurrentPerform(iterations: patterns.count) { patterns[$0].jitCompile() }
    }

    /// JIT-compiles `patterns` and builds the tagger's prefilter for `slotSources` (its target and context
    /// patterns, the first `targetCount` targets), all as one set of jobs on every core: extracting each
    /// pattern's literals first, then, on whichever core finishes the last extraction, the prefilter itself
    /// while the other cores JIT. Done one after the other, each part left a core idle.
    static func prepare(jit patterns: [Pattern], slotSources: [String], targetCount: Int) -> PrefilterIndex {
        var extracted = [[[RequiredLiterals.Strings]]?](repeating: nil, count: slotSources.count)
        let built = LockedBox<PrefilterIndex?>(nil)
        let remaining = LockedBox(slotSources.count)
        extracted.withUnsafeMutableBufferPointer { results in
            nonisolated(unsafe) let out = results
            DispatchQueue.concurrentPerform(iterations: slotSources.count + patterns.count) { index in
                if index < slotSources.count {
                    out[index] = RequiredLiterals.extractAlternatives(slotSources[index])
                    // The lock orders every extraction's write before the last one's read.
                    if remaining.update({ $0 -= 1; return $0 }) == 0 {
                        built.update { $0 = PrefilterIndex(sources: slotSources, targetCount: targetCount, alternatives: Array(out)) }
                    }
                } else {
                    patterns[index - slotSources.count].jitCompile()
                }
            }
        }
        return built.update { $0 } ?? PrefilterIndex(sources: slotSources, targetCount: targetCount, alternatives: extracted)
    }

    /// A lexicon file's YAML, and the patterns of its `pattern` and `trigger` fields compiled (without JIT)
    /// on the same core, by source; the builder takes one from here instead of compiling it again.
    struct Composed {
        var node: Result<Node?, any Error>
        var patterns: [String: [Pattern]]
    }

    /// Each source's YAML parsed, and its patterns compiled, on its own core; the results, in order, are
    /// then read one by one (rule order and error order stay those of the files). Compiling while reading
    /// had been the longest part of the load done on one core.
    static func compose(_ sources: [(file: String, text: String)], limits: Pattern.Limits) -> [Composed] {
        var parsed = [Composed](repeating: Composed(node: .success(nil), patterns: [:]), count: sources.count)
        parsed.withUnsafeMutableBufferPointer { results in
            nonisolated(unsafe) let out = results
            DispatchQueue.concurrentPerform(iterations: sources.count) { index in
                // The basic resolver leaves every scalar a string: the loader reads strings (and parses
                // the one number, `scope`, itself), and resolving each scalar's type by regular expression
                // was a third of the YAML time.
                let node = Result { try Yams.compose(yaml: sources[index].text, .basic) }
                var patterns: [String: [Pattern]] = [:]
                if case .success(let root?) = node {
                    var found: [String] = []
                    LexiconLoader.patternSources(root, into: &found)
                    for source in found {
                        // A pattern that does not compile is compiled again by the builder, which reports where.
                        if let pattern = try? Pattern(source, options: [.caseless, .deferJIT], limits: limits) {
                            patterns[source, default: []].append(pattern)
                        }
                    }
                }
                out[index] = Composed(node: node, patterns: patterns)
            }
        }
        return parsed
    }

    /// The non-empty string values of every `pattern` and `trigger` key in the tree.
    static func patternSources(_ node: Node, into found: inout [String]) {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                if let name = key.string, name == "pattern" || name == "trigger", let source = value.string, !source.isEmpty {
                    found.append(source)
                } else {
                    patternSources(value, into: &found)
                }
            }
        case .sequence(let sequence):
            for item in sequence { patternSources(item, into: &found) }
        default:
            break
        }
    }

    /// Loads a lexicon from in-memory YAML texts, each named for error messages.
    public func load(sources: [(file: String, text: String)]) throws -> Lexicon {
        var builder = Builder(limits: limits)
        for (source, parsed) in zip(sources, LexiconLoader.compose(sources, limits: limits)) {
            builder.precompiled = parsed.patterns
            builder.read(file: source.file, text: source.text, parsed: parsed.node)
        }
        return try builder.finish(files: sources.map(\.file))
    }
}

private struct Builder {
    let limits: Pattern.Limits
    var issues: [LexiconIssue] = []
    var name: String?
    var version: String?
    var description = ""
    var factors: [String: FactorDefinition] = [:]
    var targets: [TargetRule] = []
    var contextRules: [ContextRule] = []
    var sectionRules: [SectionRule] = []
    var interventionFunctions: [(component: String, functions: [String])] = []
    var ruleIDs: [String: SourceLocation] = [:]
    var file = ""
    var lines: [Substring] = []
    /// Patterns of the file being read, compiled while its YAML was parsed (see ``LexiconLoader/compose(_:limits:)``).
    var precompiled: [String: [Pattern]] = [:]

    init(limits: Pattern.Limits) { self.limits = limits }

    /// Reads one file, whose YAML `parsed` holds (see ``LexiconLoader/compose(_:limits:)``).
    mutating func read(file: String, text: String, parsed: Result<Node?, any Error>) {
        self.file = file
        self.lines = text.linesWithLengths().map(\.line)
        let root: Node?
        do {
            root = try parsed.get()
        } catch let error as YamlError {
            issue(at: yamlErrorLocation(error), "invalid YAML: \(yamlErrorMessage(error))")
            return
        } catch {
            issue(at: SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")
            return
        }
        guard let root else { return }  // empty file
        guard let mapping = root.mapping else {
            issue(at: location(root), "a lexicon file must be a mapping with keys lexicon, factors, targets, context, sections")
            return
        }
        for (key, value) in mapping {
            switch key.string {
            case "lexicon": readHeader(value)
            case "factors": readFactors(value)
            case "targets": for item in items(value, "targets") { readTarget(item) }
            case "context": for item in items(value, "context") { readContextRule(item) }
            case "sections": for item in items(value, "sections") { readSectionRule(item) }
            case "intervention_functions": readInterventionFunctions(value)
            default:
                issue(at: location(key), "unknown top-level key '\(key.string ?? "?")' (expected lexicon, factors, targets, context, sections, intervention_functions)")
            }
        }
    }

    // MARK: sections of a file

    mutating func readHeader(_ node: Node) {
        guard let fields = fields(node, allowed: ["name", "version", "description"], required: ["name", "version"], what: "lexicon") else { return }
        if name != nil { issue(at: location(node), "the 'lexicon' header appears in more than one file") }
        name = fields["name"]?.string
        version = fields["version"]?.string
        description = fields["description"]?.string ?? ""
    }

    mutating func readFactors(_ node: Node) {
        guard let mapping = node.mapping else { return issue(at: location(node), "'factors' must be a mapping keyed by factor id") }
        for (key, value) in mapping {
            guard let id = key.string, Taxonomy.factorSet.contains(id) else {
                issue(at: location(key), "unknown factor id '\(key.string ?? "?")' (not in TAXONOMY.md)")
                continue
            }
            guard let fields = fields(value, allowed: ["label", "role", "definition", "ycff", "london_protocol", "tdf", "comb"],
                                      required: ["label", "role", "definition"], what: "factor \(id)") else { continue }
            guard let role = fields["role"]?.string.flatMap(FactorDefinition.Role.init(rawValue:)) else {
                issue(at: location(fields["role"]!), "factor \(id): role must be target_behaviour, barrier or context")
                continue
            }
            if factors[id] != nil { issue(at: location(key), "factor \(id) is defined twice") }
            factors[id] = FactorDefinition(
                id: id, label: fields["label"]?.string ?? id, role: role, definition: fields["definition"]?.string ?? "",
                ycff: strings(fields["ycff"]), londonProtocol: strings(fields["london_protocol"]),
                tdf: strings(fields["tdf"]), comb: strings(fields["comb"]))
        }
    }

    mutating func readInterventionFunctions(_ node: Node) {
        guard let mapping = node.mapping else { return issue(at: location(node), "'intervention_functions' must map COM-B components to lists") }
        for (key, value) in mapping {
            interventionFunctions.append((key.string ?? "", strings(value)))
        }
    }

    mutating func readTarget(_ node: Node) {
        guard let fields = fields(node, allowed: ["id", "factor", "pattern", "match", "no_match", "note"],
                                  required: ["id", "factor", "pattern"], what: "target rule") else { return }
        guard let id = ruleID(fields["id"]!) else { return }
        let factorNode = fields["factor"]!
        guard let factor = factorNode.string, Taxonomy.factorSet.contains(factor) else {
            return issue(at: location(factorNode), "rule \(id): unknown factor id '\(factorNode.string ?? "?")'")
        }
        guard let (pattern, column) = compile(fields["pattern"]!, rule: id) else { return }
        let rule = TargetRule(id: id, factor: factor, pattern: pattern, location: location(node), patternColumn: column,
                              matchExamples: examples(fields["match"]), noMatchExamples: examples(fields["no_match"]),
                              note: fields["note"]?.string)
        targets.append(rule)
    }

    mutating func readContextRule(_ node: Node) {
        guard let fields = fields(node, allowed: ["id", "trigger", "category", "direction", "scope", "match", "no_match", "note"],
                                  required: ["id", "trigger", "direction"], what: "context rule") else { return }
        guard let id = ruleID(fields["id"]!) else { return }
        guard let direction = fields["direction"]!.string.flatMap(ContextDirection.init(rawValue:)) else {
            return issue(at: location(fields["direction"]!), "rule \(id): direction must be one of \(ContextDirection.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var category: ContextCategory?
        if let node = fields["category"] {
            guard let value = node.string.flatMap(ContextCategory.init(rawValue:)) else {
                return issue(at: location(node), "rule \(id): category must be one of \(ContextCategory.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            category = value
        } else if direction != .terminate && direction != .pseudo {
            return issue(at: location(node), "rule \(id): a \(direction.rawValue) rule needs a category")
        }
        var scope: Int?
        if let node = fields["scope"] {
            guard let value = node.int, value > 0 else { return issue(at: location(node), "rule \(id): scope must be a positive number of words") }
            scope = value
        }
        guard let (pattern, column) = compile(fields["trigger"]!, rule: id) else { return }
        contextRules.append(ContextRule(id: id, trigger: pattern, category: category, direction: direction, scope: scope,
                                        location: location(node), patternColumn: column,
                                        matchExamples: examples(fields["match"]), noMatchExamples: examples(fields["no_match"])))
    }

    mutating func readSectionRule(_ node: Node) {
        guard let fields = fields(node, allowed: ["id", "category", "pattern", "role", "note"],
                                  required: ["id", "category", "pattern"], what: "section rule") else { return }
        guard let id = ruleID(fields["id"]!) else { return }
        var role = SectionRole.finding
        if let node = fields["role"] {
            guard let value = node.string.flatMap(SectionRole.init(rawValue:)) else {
                return issue(at: location(node), "rule \(id): role must be one of \(SectionRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            role = value
        }
        guard let (pattern, column) = compile(fields["pattern"]!, rule: id, wrap: { "^(?:\($0))$" }, wrapOffset: 4) else { return }
        sectionRules.append(SectionRule(id: id, category: fields["category"]!.string ?? "other", role: role, pattern: pattern,
                                        location: location(node), patternColumn: column))
    }

    // MARK: helpers

    mutating func items(_ node: Node, _ key: String) -> [Node] {
        guard let sequence = node.sequence else {
            issue(at: location(node), "'\(key)' must be a list")
            return []
        }
        return Array(sequence)
    }

    mutating func fields(_ node: Node, allowed: Set<String>, required: [String], what: String) -> [String: Node]? {
        guard let mapping = node.mapping else {
            issue(at: location(node), "\(what) must be a mapping")
            return nil
        }
        var result: [String: Node] = [:]
        var ok = true
        for (key, value) in mapping {
            let name = key.string ?? ""
            if !allowed.contains(name) {
                issue(at: location(key), "\(what): unknown key '\(name)' (allowed: \(allowed.sorted().joined(separator: ", ")))")
                ok = false
            } else {
                result[name] = value
            }
        }
        for key in required where result[key] == nil {
            issue(at: location(node), "\(what): missing required key '\(key)'")
            ok = false
        }
        return ok ? result : nil
    }

    mutating func ruleID(_ node: Node) -> String? {
        guard let id = node.string, !id.isEmpty else {
            issue(at: location(node), "rule id must be a non-empty string")
            return nil
        }
        if let previous = ruleIDs[id] {
            issue(at: location(node), "duplicate rule id '\(id)' (first defined at \(previous))")
            return nil
        }
        ruleIDs[id] = location(node)
        return id
    }

    mutating func compile(_ node: Node, rule: String, wrap: (String) -> String = { $0 }, wrapOffset: Int = 0) -> (Pattern, Int)? {
        guard let source = node.string, !source.isEmpty else {
            issue(at: location(node), "rule \(rule): pattern must be a non-empty string")
            return nil
        }
        let loc = location(node)
        let quoted = node.scalar.map { $0.style == .singleQuoted || $0.style == .doubleQuoted } ?? false
        let column = loc.column + (quoted ? 1 : 0)
        let full = wrap(source)
        if var compiled = precompiled[full], let pattern = compiled.popLast() {
            precompiled[full] = compiled
            return (pattern, column)
        }
        do {
            return (try Pattern(full, options: [.caseless, .deferJIT], limits: limits), column)
        } catch {
            let offset = max(0, min(source.utf8.count, error.offset - wrapOffset))
            let prefix = String(decoding: Array(source.utf8).prefix(offset), as: UTF8.self)
            let style = node.scalar?.style ?? .plain
            let caretColumn = column + rawWidth(ofUnescaped: prefix.count, line: loc.line, column: column, style: style)
            issue(at: SourceLocation(file: file, line: loc.line, column: caretColumn),
                  "rule \(rule): invalid pattern: \(error.message) at pattern offset \(offset)", caretColumn: caretColumn)
            return nil
        }
    }

    /// How many source characters the first `count` characters of a quoted scalar take on its line:
    /// `''` stands for one quote in single-quoted YAML, `\x` for one character in double-quoted YAML.
    func rawWidth(ofUnescaped count: Int, line: Int, column: Int, style: Node.Scalar.Style) -> Int {
        guard style == .singleQuoted || style == .doubleQuoted, line >= 1, line <= lines.count else { return count }
        let raw = Array(lines[line - 1].unicodeScalars.dropFirst(max(0, column - 1)))
        var consumed = 0
        var width = 0
        while consumed < count, width < raw.count {
            if style == .singleQuoted, raw[width] == "'", width + 1 < raw.count, raw[width + 1] == "'" {
                width += 2
            } else if style == .doubleQuoted, raw[width] == "\\", width + 1 < raw.count {
                width += 2
            } else {
                width += 1
            }
            consumed += 1
        }
        return width
    }

    func strings(_ node: Node?) -> [String] {
        guard let node else { return [] }
        if let sequence = node.sequence { return sequence.compactMap(\.string) }
        return node.string.map { [$0] } ?? []
    }

    func examples(_ node: Node?) -> [RuleExample] {
        guard let node else { return [] }
        let items = node.sequence.map(Array.init) ?? [node]
        return items.compactMap { item in item.string.map { RuleExample(text: $0, location: location(item)) } }
    }

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }

    mutating func issue(at location: SourceLocation, _ message: String, severity: LexiconIssue.Severity = .error, caretColumn: Int? = nil) {
        var snippet: String?
        if location.line >= 1, location.line <= lines.count {
            let line = String(lines[location.line - 1]).replacingOccurrences(of: "\r", with: "")
            let column = caretColumn ?? location.column
            snippet = "    " + line + "\n    " + String(repeating: " ", count: max(0, column - 1)) + "^"
        }
        issues.append(LexiconIssue(severity: severity, location: location, message: message, snippet: snippet))
    }

    func yamlErrorLocation(_ error: YamlError) -> SourceLocation {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        case .composer(_, _, let mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(_, let context):
            return SourceLocation(file: file, line: context.mark.line, column: context.mark.column)
        default:
            return SourceLocation(file: file, line: 1, column: 1)
        }
    }

    func yamlErrorMessage(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))"
        default:
            return "\(error)"
        }
    }

    /// Everything loaded so far, whatever the errors, with every issue (for `lexicon check`).
    mutating func partial(files: [String]) -> (Lexicon, [LexiconIssue]) {
        do {
            let lexicon = try finish(files: files)
            return (lexicon, lexicon.warnings)
        } catch {
            let first = files.first ?? "<lexicon>"
            LexiconLoader.jitCompile(targets.map(\.pattern) + contextRules.map(\.trigger) + sectionRules.map(\.pattern))
            var all = issues
            for id in Taxonomy.factorIDs where factors[id] == nil {
                all.append(LexiconIssue(severity: .warning, location: SourceLocation(file: first, line: 1, column: 1),
                                        message: "taxonomy id '\(id)' has no factor definition"))
            }
            let lexicon = Lexicon(name: name ?? "", version: version ?? "", description: description,
                                  factors: Taxonomy.factorIDs.compactMap { factors[$0] }, targets: targets, contextRules: contextRules,
                                  sectionRules: sectionRules, interventionFunctions: interventionFunctions, files: files, warnings: [])
            return (lexicon, all)
        }
    }

    mutating func finish(files: [String]) throws -> Lexicon {
        let first = files.first ?? "<lexicon>"
        if name == nil && !issues.contains(where: { $0.message.hasPrefix("invalid YAML") }) {
            issues.append(LexiconIssue(severity: .error, location: SourceLocation(file: first, line: 1, column: 1),
                                       message: "no 'lexicon' header with name and version in any file"))
        }
        var warnings: [LexiconIssue] = []
        for id in Taxonomy.factorIDs where factors[id] == nil {
            warnings.append(LexiconIssue(severity: .warning, location: SourceLocation(file: first, line: 1, column: 1),
                                         message: "taxonomy id '\(id)' has no factor definition"))
        }
        let errors = issues.filter { $0.severity == .error }
        if !errors.isEmpty { throw LexiconLoadError(issues: errors) }
        let ordered = Taxonomy.factorIDs.compactMap { factors[$0] }
        let prefilter = LexiconLoader.prepare(jit: targets.map(\.pattern) + contextRules.map(\.trigger) + sectionRules.map(\.pattern),
                                              slotSources: Tagger.slotSources(targets: targets, contextRules: contextRules),
                                              targetCount: targets.count)
        return Lexicon(name: name ?? "", version: version ?? "", description: description, factors: ordered, targets: targets,
                       contextRules: contextRules, sectionRules: sectionRules, interventionFunctions: interventionFunctions,
                       files: files, warnings: warnings + issues.filter { $0.severity == .warning }, prefilter: prefilter)
    }
}

/// A value shared between threads, read and changed only under its lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    /// Runs `change` on the value under the lock and returns what it returns.
    func update<Result>(_ change: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return change(&value)
    }
}
