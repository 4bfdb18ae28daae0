import ArgumentParser
import Foundation
import SiftKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Colour options shared by the workbench commands that print for a person.
struct ColorOptions: ParsableArguments {
    @Flag(name: .long, help: "Never colour the output (also off when stdout is not a terminal or NO_COLOR is set).")
    var noColor = false

    var style: ANSIStyle {
        let environment = ProcessInfo.processInfo.environment
        let noColorSet = !(environment["NO_COLOR"] ?? "").isEmpty
        return ANSIStyle(enabled: !noColor && !noColorSet && isatty(STDOUT_FILENO) == 1)
    }
}

func validateFactor(_ factor: String?) throws {
    if let factor, !Taxonomy.factorSet.contains(factor) {
        throw ValidationError("unknown factor id '\(factor)' (see TAXONOMY.md: \(Taxonomy.factorIDs.joined(separator: ", ")))")
    }
}

func loadGold(_ path: String?) throws -> GoldStandard? {
    guard let path else { return nil }
    do {
        return try GoldStandard.load(path: path)
    } catch {
        Terminal.error("sift: \(error)")
        throw ExitCode(2)
    }
}

func readCorpus(_ paths: [String], excluding: [String?], threads: Int) -> WorkbenchCorpus {
    let corpus = WorkbenchCorpus.read(paths: paths, excluding: Set(excluding.compactMap { $0 }), threads: threads)
    for diagnostic in corpus.diagnostics where diagnostic.severity == .error { Terminal.error(diagnostic.description) }
    return corpus
}

func loadLexicon(_ path: String, role: String) throws -> Lexicon {
    do {
        return try LexiconLoader().load(path: path)
    } catch let error as LexiconLoadError {
        Terminal.error(error.description)
        Terminal.error("sift: the \(role) lexicon at \(path) has \(error.issues.count) error(s)")
        throw ExitCode(2)
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trace every match in a report: section, rule, span, context rules and verdict.",
        discussion: """
        For each sentence with a match: its section, the target rule, the span (UTF-8 byte offsets into the report text), \
        every context rule that modified it (rule id and trigger text) and the verdict: counted, negated, hypothetical, \
        recommendation or good practice. Coloured on a terminal; plain when piped, with NO_COLOR set, or with --no-color.
        Exit 0; 1 when the file could not be read as a report; 2 for an invalid lexicon.
        """)

    @OptionGroup var privacy: PrivacyOptions

    @OptionGroup var lexiconOptions: LexiconOptions
    @OptionGroup var color: ColorOptions

    @Option(name: .long, help: "Show only findings of this factor id.")
    var factor: String?

    @Flag(name: .long, help: "Print JSON (schema sift.explain).")
    var json = false

    @Argument(help: "A report file (.txt, .md or .xml).")
    var file: String

    func validate() throws { try validateFactor(factor) }

    func run() throws {
        let lexicon = try lexiconOptions.load()
        let pipeline = Pipeline(lexicon: lexicon, threads: 1, redactor: try privacy.redactor())
        let ingested = pipeline.registry.ingest(path: file)
        for diagnostic in ingested.diagnostics { Terminal.error(diagnostic.description) }
        guard !ingested.documents.isEmpty else { throw ExitCode(1) }
        let explanation = Explanation(ingested.documents.map { pipeline.analyze($0) }, factor: factor)
        Terminal.out(json ? try explanation.json() : explanation.text(style: color.style))
        if ingested.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}

struct LexiconCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Lint a lexicon: schema, ids, regexes, rule examples and catastrophic backtracking.",
        discussion: """
        The files and folders given are merged into one lexicon, as --lexicon merges a folder (default: $SIFT_LEXICON, \
        else Lexicons/default). Reports schema errors, unknown keys, unknown or missing taxonomy ids, duplicate rule ids, \
        regexes that do not compile, match / no_match examples that fail, nested quantifiers such as (a+)+ or (\\w+\\s*)*, \
        and patterns that hit tight PCRE2 limits (no JIT) on adversarial text. Each problem is printed as \
        file:line:col: error|warning: message, then the line and a caret.
        Exit codes: 0 no errors (warnings allowed); 1 at least one error; 2 a path does not exist or a file cannot be read.
        """)

    @Argument(help: "Lexicon YAML files or folders (default: the default lexicon).")
    var paths: [String] = []

    func run() throws {
        let paths = self.paths.isEmpty ? [LexiconLocator.defaultPath()] : self.paths
        let result: LexiconCheck.Result
        do {
            result = try LexiconCheck().check(paths: paths)
        } catch let error as LexiconLoadError {
            Terminal.error(error.description)
            throw ExitCode(2)
        }
        Terminal.out(result.text)
        if result.errors > 0 { throw ExitCode(1) }
    }
}

struct LexiconDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Run two lexicons over a corpus and show what changes: factors, findings, counts and scores.",
        discussion: """
        Each report is read once and tagged with both lexicons. Lists the reports that gain or lose a factor with the \
        counted findings that appeared or disappeared, factors whose counted findings changed, per-factor report counts, \
        and with --gold the change in precision, recall and F1 per factor and micro-averaged.
        Exit codes: 0 no change; 1 some report changed; 2 error (invalid lexicon, unreadable or mismatched gold, \
        unreadable input).
        """)

    @OptionGroup var privacy: PrivacyOptions

    @Option(name: .long, help: "The lexicon before the change (YAML file or folder).")
    var base: String

    @Option(name: .long, help: "The lexicon after the change.")
    var head: String

    @Option(name: .long, help: "Gold labels (JSON Lines) for score changes.")
    var gold: String?

    @Flag(name: .long, help: "Print JSON (schema sift.lexicon-diff).")
    var json = false

    @Option(name: .long, help: "Worker threads (default: one per core).")
    var threads: Int = 0

    @OptionGroup var color: ColorOptions

    @Argument(help: "Report files or folders.")
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder") }
    }

    func run() throws {
        let baseLexicon = try loadLexicon(base, role: "base")
        let headLexicon = try loadLexicon(head, role: "head")
        let goldStandard = try loadGold(gold)
        let corpus = readCorpus(paths, excluding: [gold], threads: threads)
        let diff: LexiconDiff
        do {
            diff = try LexiconDiff.compute(corpus: corpus, base: (base, Pipeline(lexicon: baseLexicon, redactor: try privacy.redactor())), head: (head, Pipeline(lexicon: headLexicon, redactor: try privacy.redactor())),
                                           gold: goldStandard, threads: threads)
        } catch {
            Terminal.error("sift: \(gold ?? ""): \(error)")
            throw ExitCode(2)
        }
        Terminal.out(json ? try diff.json() : diff.text(style: color.style))
        if corpus.hasFailures { throw ExitCode(2) }
        if diff.hasChanges { throw ExitCode(1) }
    }
}

struct LexiconCoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "How often each rule fires over a corpus; rules that never fire; with --gold, rules behind false positives.",
        discussion: """
        Hits per target rule (counted and not counted), the rules that fire most, the rules that never fire, how many \
        findings each context rule modified and, with --gold, the rules whose counted findings fall in reports whose \
        gold labels lack the factor. Exit 0; 1 when an input was skipped; 2 for an invalid lexicon or gold file.
        """)

    @OptionGroup var privacy: PrivacyOptions

    @OptionGroup var lexiconOptions: LexiconOptions

    @Option(name: .long, help: "Gold labels (JSON Lines) to find the rules behind false positives.")
    var gold: String?

    @Option(name: .long, help: "How many rules to list as most frequent / causing false positives.")
    var top: Int = 10

    @Flag(name: .long, help: "Print JSON (schema sift.lexicon-coverage).")
    var json = false

    @Option(name: .long, help: "Worker threads (default: one per core).")
    var threads: Int = 0

    @Argument(help: "Report files or folders.")
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder") }
    }

    func run() throws {
        let lexicon = try lexiconOptions.load()
        let goldStandard = try loadGold(gold)
        let corpus = readCorpus(paths, excluding: [gold], threads: threads)
        let coverage: Coverage
        do {
            coverage = try Coverage.compute(corpus: corpus, pipeline: Pipeline(lexicon: lexicon, redactor: try privacy.redactor()), gold: goldStandard, threads: threads)
        } catch {
            Terminal.error("sift: \(gold ?? ""): \(error)")
            throw ExitCode(2)
        }
        Terminal.out(json ? try coverage.json() : coverage.text(top: top))
        if corpus.hasFailures { throw ExitCode(1) }
    }
}

struct LexiconSuggestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Suggest phrases for missed factors: n-grams over-represented where gold has a factor Sift missed.",
        discussion: """
        For each factor with false negatives, word 1-3-grams whose sentence frequency in the reports where the factor was \
        missed is higher than in the rest of the corpus, ranked by Dunning's log-likelihood (G2), each with up to three \
        example sentences. N-grams made only of stop words or numbers are skipped. \
        Exit 0; 2 for an invalid lexicon or a gold file that does not match the inputs.
        """)

    @OptionGroup var privacy: PrivacyOptions

    @OptionGroup var lexiconOptions: LexiconOptions

    @Option(name: .long, help: "Gold labels (JSON Lines).")
    var gold: String

    @Option(name: .long, help: "N-grams per factor.")
    var top: Int = 10

    @Option(name: .long, help: "Minimum number of sentences of missed reports an n-gram must appear in.")
    var minCount: Int = 2

    @Flag(name: .long, help: "Print JSON (schema sift.lexicon-suggest).")
    var json = false

    @Option(name: .long, help: "Worker threads (default: one per core).")
    var threads: Int = 0

    @Argument(help: "Report files or folders.")
    var paths: [String]

    func run() throws {
        let lexicon = try lexiconOptions.load()
        let goldStandard = try loadGold(gold)!
        let corpus = readCorpus(paths, excluding: [gold], threads: threads)
        let suggestions: Suggestions
        do {
            suggestions = try Suggestions.compute(corpus: corpus, pipeline: Pipeline(lexicon: lexicon, redactor: try privacy.redactor()), gold: goldStandard, top: top,
                                                  minimumCount: minCount, threads: threads)
        } catch {
            Terminal.error("sift: \(gold): \(error)")
            throw ExitCode(2)
        }
        Terminal.out(json ? try suggestions.json() : suggestions.text())
    }
}

struct Kwic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kwic",
        abstract: "Keyword in context: every match of a regex, or of a factor's target rules, aligned on the match.",
        discussion: """
        Searches normalised sentences (as the rules see them), case-insensitive. Each line: report:sentence, the rule \
        (for a factor id), the left context right-aligned in --window characters, the match, the right context. \
        A factor id (see TAXONOMY.md) stands for all that factor's target rules in --lexicon. \
        Exit 0; 1 when no line matched or an input was skipped; 2 for an invalid pattern or lexicon.
        """)

    @OptionGroup var privacy: PrivacyOptions

    @OptionGroup var lexiconOptions: LexiconOptions
    @OptionGroup var color: ColorOptions

    @Option(name: .long, help: "Characters of context on each side.")
    var window: Int = 40

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Option(name: .long, help: "Worker threads (default: one per core).")
    var threads: Int = 0

    @Argument(help: "A PCRE2 regex, or a factor id.")
    var query: String

    @Argument(help: "Report files or folders.")
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder") }
        if window < 1 { throw ValidationError("--window must be at least 1") }
    }

    func run() throws {
        let lexicon = try lexiconOptions.load()
        let corpus = readCorpus(paths, excluding: [], threads: threads)
        let concordance: Concordance
        do {
            concordance = try Concordance.search(corpus: corpus, pipeline: Pipeline(lexicon: lexicon, redactor: try privacy.redactor()), query: query, threads: threads)
        } catch {
            Terminal.error("sift: \(error)")
            throw ExitCode(2)
        }
        Terminal.out(json ? try concordance.json() : concordance.text(window: window, style: color.style))
        Terminal.error("sift: \(concordance.lines.count) match(es) in \(concordance.reports) report(s)")
        if concordance.lines.isEmpty || corpus.hasFailures { throw ExitCode(1) }
    }
}
