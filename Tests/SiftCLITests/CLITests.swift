import Foundation
import SiftTestSupport
import Testing

/// End-to-end tests of the built `sift` binary, run from the package root as a user would.
@Suite(.serialized)
struct CLITests {
    /// Every file `sift run` writes for the default formats, plus summary.html (checked for structure elsewhere).
    static let outputFiles = ["summary.md", "summary.json", "summary.html", "factor_counts.csv", "findings.csv"]

    @Test func runOnSampleMatchesGoldenOutputs() throws {
        let out = try CLI.temporaryDirectory()
        let result = try CLI.run(["run", "Corpora/sample", "--out", out.path, "--threads", "2"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("summary written to \(out.path)/summary.md"))
        for name in ["summary.md", "summary.json", "factor_counts.csv", "findings.csv"] {
            let produced = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            try Golden.check(Golden.normalise(produced, out: out), name: "sample/\(name)")
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.html").path))
    }

    /// A fixed baseline and follow-up: the periods section, Wilson intervals and Fisher p-values in every format.
    @Test func runWithPeriodsMatchesGoldenOutputs() throws {
        let out = try CLI.temporaryDirectory()
        let result = try CLI.run(["run", "Corpora/sample", "--out", out.path, "--baseline", "2023-01-01..2024-06-30",
                                  "--follow-up", "2024-07-01..2025-12-31", "--evidence", "2"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        for name in ["summary.md", "summary.json", "factor_counts.csv"] {
            let produced = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            try Golden.check(Golden.normalise(produced, out: out), name: "sample-periods/\(name)")
        }
    }

    /// --share: small counts shown as a range in every format; no per-report details, findings.csv or run charts.
    @Test func sharedSummarySuppressesSmallNumbers() throws {
        let out = try CLI.temporaryDirectory()
        let result = try CLI.run(["run", "Corpora/sample", "--out", out.path, "--share", "--suppress-below", "3"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("findings.csv").path))
        for name in ["summary.md", "summary.json", "factor_counts.csv"] {
            let produced = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            #expect(produced.contains("1-2"), "\(name) shows suppressed counts as 1-2")
            try Golden.check(Golden.normalise(produced, out: out), name: "sample-share/\(name)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        #expect(json["schema_version"] as? Int == 2)
        #expect(json["reports"] == nil)
        let bad = try CLI.run(["run", "Corpora/sample", "--out", out.path, "--baseline", "2024-01-01..2023-01-01", "--follow-up", "2024-07-01..2025-12-31"])
        #expect(bad.status == 64)
        let half = try CLI.run(["run", "Corpora/sample", "--out", out.path, "--baseline", "2023-01-01..2024-06-30"])
        #expect(half.status == 64)
    }

    @Test func summaryListsFactorsWithEvidencePerReport() throws {
        let out = try CLI.temporaryDirectory()
        _ = try CLI.run(["run", "Corpora/sample", "--out", out.path, "--format", "md", "json"])
        let markdown = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        #expect(json["schema"] as? String == "sift.summary")
        let reports = json["reports"] as! [[String: Any]]
        #expect(reports.count == 15)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("findings.csv").path))
        // Every report with factors shows each factor with at least one quoted evidence sentence.
        for report in reports {
            let id = report["id"] as! String
            #expect(markdown.contains("### \(id.replacingOccurrences(of: "_", with: "\\_"))"))
            for factor in report["factors"] as! [String] {
                let findings = (report["findings"] as! [[String: Any]]).filter { $0["factor"] as? String == factor && $0["verdict"] as? String == "counted" }
                #expect(!findings.isEmpty, "\(id) lists \(factor) without counted evidence")
            }
        }
    }

    @Test func outputIsIdenticalWhateverTheThreadCount() throws {
        let one = try CLI.temporaryDirectory(), two = try CLI.temporaryDirectory()
        _ = try CLI.run(["run", "Corpora/sample", "--out", one.path, "--threads", "1"])
        _ = try CLI.run(["run", "Corpora/sample", "--out", two.path, "--threads", "2"])
        for name in CLITests.outputFiles {
            // The summary quotes its own command line, which names the folder and thread count.
            func read(_ folder: URL, _ threads: String) throws -> String {
                Golden.normalise(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8), out: folder)
                    .replacingOccurrences(of: "--threads \(threads)", with: "--threads N").replacingOccurrences(of: "\"--threads\",\n    \"\(threads)\"", with: "\"--threads\",\n    \"N\"")
            }
            #expect(try read(one, "1") == read(two, "2"), "\(name) differs between 1 and 2 threads")
        }
    }

    @Test func badInputsAreReportedAndTheBatchGoesOn() throws {
        let folder = try CLI.temporaryDirectory()
        try "id: good-1\nunit: Test Unit\ndate: 2024-01-02\n---\nFindings\nThe CTG was not escalated to the registrar.\n"
            .write(to: folder.appendingPathComponent("good.txt"), atomically: true, encoding: .utf8)
        try "<report id=\"bad\">\n<section title=\"Findings\">\n<p>unclosed\n</section>\n</report>\n"
            .write(to: folder.appendingPathComponent("broken.xml"), atomically: true, encoding: .utf8)
        try Data([0x25, 0x50, 0x44, 0x46]).write(to: folder.appendingPathComponent("notes.pdf"))
        let out = try CLI.temporaryDirectory()
        let result = try CLI.run(["run", folder.path, "--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("broken.xml:4:"), "malformed XML names file and line: \(result.stderr)")
        #expect(result.stderr.contains("notes.pdf: error: skipped: unknown file type"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        let inputs = json["inputs"] as! [[String: Any]]
        #expect(inputs.count == 3)
        #expect(inputs.filter { $0["status"] as? String == "skipped" }.count == 2)
        let reports = json["reports"] as! [[String: Any]]
        #expect(reports.map { $0["id"] as! String } == ["good-1"])
        #expect((reports[0]["factors"] as! [String]).contains("escalation_delay"))
        let markdown = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(markdown.contains("broken.xml"))
        #expect(markdown.contains("1 processed, 2 skipped"))
    }

    /// An empty folder is not an error (an empty shard is normal), but it is said, even with --quiet:
    /// a summary of nothing from the wrong folder would otherwise look like a clean result.
    @Test func emptyFolderIsSaidNotFailed() throws {
        let folder = try CLI.temporaryDirectory()
        let empty = folder.appendingPathComponent("no reports here")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let out = folder.appendingPathComponent("out")
        for quiet in [false, true] {
            let result = try CLI.run(["run", empty.path, "--out", out.path] + (quiet ? ["--quiet"] : []))
            #expect(result.status == 0)
            #expect(result.stderr.contains("sift: warning: no files found in \(empty.path); the summary counts 0 reports"))
            let data = try Data(contentsOf: out.appendingPathComponent("summary.json"))
            let overview = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["overview"] as? [String: Any])
            #expect(overview["inputs"] as? Int == 0)
            #expect(overview["reports"] as? Int == 0)
        }
        // A folder with a report in it says nothing of the kind.
        let one = folder.appendingPathComponent("one")
        try FileManager.default.createDirectory(at: one, withIntermediateDirectories: true)
        try "Findings\nThe CTG was not escalated.\n".write(to: one.appendingPathComponent("r.txt"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", one.path, "--out", out.path])
        #expect(result.status == 0)
        #expect(!result.stderr.contains("no files found"))
    }

    @Test func tagShowsSectionsFindingsAndModifiers() throws {
        let text = try CLI.run(["tag", "Corpora/sample/si-2025-022.txt"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("sections:"))
        #expect(text.stdout.contains("NEGATED"))
        let json = try CLI.run(["tag", "--json", "Corpora/sample/si-2025-022.txt"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        let findings = parsed[0]["findings"] as! [[String: Any]]
        #expect(findings.contains { ($0["modifiers"] as! [[String: Any]]).contains { $0["category"] as? String == "negated" } })
        #expect(findings.allSatisfy { ($0["start"] as! Int) < ($0["end"] as! Int) })
    }

    @Test func invalidLexiconIsFatalWithLocationAndCaret() throws {
        let folder = try CLI.temporaryDirectory()
        let yaml = "lexicon:\n  name: broken\n  version: '1'\ntargets:\n  - id: x.one\n    factor: handover\n    pattern: 'hand(over'\n"
        try yaml.write(to: folder.appendingPathComponent("lex.yaml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "Corpora/sample", "--lexicon", folder.appendingPathComponent("lex.yaml").path, "--out", folder.appendingPathComponent("o").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("lex.yaml:7:"))
        #expect(result.stderr.contains("pattern offset 9"))
        #expect(result.stderr.contains("^"))
    }

    @Test func evaluateReportsScoresAndAppliesThresholds() throws {
        let json = try CLI.run(["evaluate", "--gold", "Corpora/sample.gold.jsonl", "Corpora/sample", "--format", "json"])
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(parsed["documents"] as? Int == 15)
        let micro = parsed["micro"] as! [String: Double]
        #expect(Set(micro.keys) == ["precision", "recall", "f1"])
        #expect((parsed["factors"] as! [String: Any]).count == 24)
        let strict = try CLI.run(["evaluate", "--gold", "Corpora/sample.gold.jsonl", "Corpora/sample", "--min-micro-f1", "1.01"])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("below the threshold"))
        let junit = try CLI.run(["evaluate", "--gold", "Corpora/sample.gold.jsonl", "Corpora/sample", "--format", "junit", "--min-micro-f1", "0.1"])
        #expect(junit.stdout.contains("<testsuite name=\"sift.evaluate\""))
    }

    @Test func evaluateRejectsUnknownFactorsAndMissingReports() throws {
        let folder = try CLI.temporaryDirectory()
        let gold = folder.appendingPathComponent("gold.jsonl")
        try "{\"id\": \"si-2023-004\", \"factors\": [\"not_a_factor\"]}\n".write(to: gold, atomically: true, encoding: .utf8)
        let unknown = try CLI.run(["evaluate", "--gold", gold.path, "Corpora/sample"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("gold.jsonl:1: unknown factor id 'not_a_factor'"))
        try "{\"id\": \"nope\", \"factors\": []}\n".write(to: gold, atomically: true, encoding: .utf8)
        let missing = try CLI.run(["evaluate", "--gold", gold.path, "Corpora/sample"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("gold ids with no report in the inputs: nope"))
    }

    @Test func lexiconExamplesPass() throws {
        let result = try CLI.run(["lexicon", "test"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.hasSuffix(", 0 failed\n"))
    }

    @Test func usageErrorsExitWith64() throws {
        let result = try CLI.run(["run"])
        #expect(result.status == 64)
    }
}

enum CLI {
    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `sift` binary built beside this test bundle.
    static func binary() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sift"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("sift"),
            packageRoot.appendingPathComponent(".build/debug/sift"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CLIError(message: "no built sift binary; run `swift build` first (looked in \(candidates.map(\.path)))")
        }
        return found
    }

    /// Runs the built binary from the package root; stdout and stderr are read together (see TimedProcess).
    static func run(_ arguments: [String]) throws -> Result {
        let result = try TimedProcess.run(arguments, budget: 600)
        if result.timedOut { throw CLIError(message: "sift \(arguments.joined(separator: " ")) did not finish in 600 s") }
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    /// A fresh temporary folder, removed when the test process exits (see ``TestFolders``).
    static func temporaryDirectory() throws -> URL {
        try TestFolders.make(prefix: "sift-cli-")
    }
}

struct CLIError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Golden files under Tests/SiftCLITests/Golden. `SIFT_RECORD_GOLDEN=1 swift test` rewrites them and
/// fails, so that a new baseline is always reviewed before it is committed.
enum Golden {
    static let folder = CLI.packageRoot.appendingPathComponent("Tests/SiftCLITests/Golden")

    /// The summary quotes the command line, whose --out is a fresh temporary folder: replace it by `$OUT`.
    static func normalise(_ produced: String, out: URL) -> String {
        produced.replacingOccurrences(of: out.path, with: "$OUT")
    }

    static func check(_ produced: String, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["SIFT_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try produced.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded golden file \(name); review it and run the tests again without SIFT_RECORD_GOLDEN", sourceLocation: sourceLocation)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if produced != expected {
            let producedLines = produced.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(producedLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }
            let where_ = first.map { "line \($0.offset + 1):\n  expected: \($0.element.1)\n  produced: \($0.element.0)" } ?? "length differs"
            Issue.record("\(name) differs from the golden file (\(where_)); if intended, re-record with SIFT_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
        }
    }
}
