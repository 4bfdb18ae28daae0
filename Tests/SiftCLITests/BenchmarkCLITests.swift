import Foundation
import Testing

/// `sift benchmark` (issue 7) on the built binary. Its figures must add up: sizes and counts against the
/// corpus on disk, throughputs against their seconds, counted findings against `sift run`, and the lines
/// grep and ripgrep count against the lines this test finds itself. A two-rule lexicon keeps the tools'
/// runs to milliseconds (the default lexicon takes them minutes).
@Suite(.serialized)
struct BenchmarkCLITests {
    static let lexicon = "Tests/SiftCLITests/Fixtures/benchmark/two-rules.yaml"
    /// The fixture's two patterns, as one alternation for NSRegularExpression.
    static let patterns = #"\bCTG\b|\bescalat\w*\s+(?:was\s+)?delayed"#

    /// A generated corpus of 40 reports in a fresh folder.
    static func corpus() throws -> (folder: URL, corpus: String) {
        let folder = try CLI.temporaryDirectory()
        let corpus = folder.appendingPathComponent("corpus").path
        let generated = try CLI.run(["generate-corpus", "--count", "40", "--seed", "3", "--out", corpus])
        #expect(generated.status == 0, "stderr: \(generated.stderr)")
        return (folder, corpus)
    }

    /// The corpus's report files as the benchmark and the tools see them: hidden files (the generator's
    /// manifest) left out.
    static func reportFiles(_ corpus: String) -> [String] {
        let walker = FileManager.default.enumerator(atPath: corpus)!
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = (corpus as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if (relative as NSString).lastPathComponent.hasPrefix(".") { continue }
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(path) }
        }
        return files.sorted()
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func figuresAddUpAndEveryToolCountsTheLinesTheTestCounts() throws {
        let (folder, corpus) = try Self.corpus()
        let result = try CLI.run(["benchmark", "--corpus", corpus, "--lexicon", Self.lexicon, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let report = try Self.json(result.stdout)

        let files = Self.reportFiles(corpus)
        let bytes = try files.reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: $1)[.size] as! Int) }
        #expect(files.count > 3)
        #expect(report["files"] as? Int == files.count)
        #expect(report["bytes"] as? Int == bytes)
        #expect(report["reports"] as? Int == 40)

        // Each stage's MB/s and reports/s are the corpus over its seconds.
        let stages = try #require(report["stages"] as? [[String: Any]])
        #expect(stages.compactMap { $0["stage"] as? String } == ["ingest", "segment", "tag", "analyze", "aggregate"])
        for stage in stages {
            let seconds = try #require(stage["seconds"] as? Double)
            let megabytes = try #require(stage["mbPerSecond"] as? Double)
            #expect(seconds > 0)
            #expect(abs(megabytes - Double(bytes) / 1e6 / seconds) <= 1e-9 * megabytes, "\(stage)")
            #expect(abs((stage["reportsPerSecond"] as? Double ?? 0) - 40 / seconds) <= 1e-9 * 40 / seconds, "\(stage)")
        }

        // End to end: every report read, none failed, and the findings counted are those `sift run` counts.
        let endToEnd = try #require(report["endToEnd"] as? [String: Any])
        #expect(endToEnd["reports"] as? Int == 40)
        #expect(endToEnd["errors"] as? Int == 0)
        let out = folder.appendingPathComponent("out").path
        let run = try CLI.run(["run", "--lexicon", Self.lexicon, corpus, "--out", out, "-q"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let summary = try Self.json(try String(contentsOfFile: (out as NSString).appendingPathComponent("summary.json"), encoding: .utf8))
        let mentions = try #require(summary["factors"] as? [[String: Any]]).reduce(0) { $0 + ($1["mentions"] as? Int ?? 0) }
        #expect(mentions > 10)
        #expect(endToEnd["countedFindings"] as? Int == mentions)

        let lexicon = try #require(report["lexicon"] as? [String: Any])
        #expect(lexicon["targets"] as? Int == 2)
        #expect(lexicon["jitCompiled"] as? Int == 2)
        #expect(lexicon["prefilteredRules"] as? Int == 2)
        #expect((lexicon["loadBestSeconds"] as? Double ?? 0) > 0)
        #expect((report["peakRSSMiB"] as? Double ?? 0) > 1)

        // The tools count lines (a line can hold several matches); so does the test.
        let regex = try NSRegularExpression(pattern: Self.patterns, options: [.caseInsensitive])
        var lines = 0
        for file in files {
            for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
                let text = String(line)
                if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil { lines += 1 }
            }
        }
        #expect(lines > 10)
        let tools = try #require(report["tools"] as? [[String: Any]])
        let tag = try #require(stages.first { $0["stage"] as? String == "tag" }?["seconds"] as? Double)
        let grep = try #require(tools.first { $0["tool"] as? String == "grep -E" })
        #expect(grep["available"] as? Bool == true)  // GNU grep is on every machine this runs on
        for tool in tools {
            if tool["available"] as? Bool == true {
                #expect(tool["patternsUsed"] as? Int == 2, "\(tool)")
                if tool["tool"] as? String == "grep -E" || tool["tool"] as? String == "rg -j1" { #expect(tool["matchingLines"] != nil, "\(tool)") }
                guard let counted = tool["matchingLines"] as? Int, let seconds = tool["seconds"] as? Double else { continue }
                #expect(counted == lines, "\(tool)")
                #expect(abs((tool["siftTagRatio"] as? Double ?? 0) - tag / seconds) <= 1e-9 * tag / seconds, "\(tool)")
            } else {
                #expect((tool["note"] as? String)?.contains("not found on PATH") == true, "\(tool)")
            }
        }
    }

    @Test func onlyAndNoToolsLimitWhatRuns() throws {
        let (_, corpus) = try Self.corpus()
        let lexiconOnly = try Self.json(try CLI.run(["benchmark", "--corpus", corpus, "--lexicon", Self.lexicon, "--only", "lexicon", "--json"]).stdout)
        #expect(lexiconOnly["lexicon"] != nil)
        #expect((lexiconOnly["stages"] as? [Any])?.isEmpty == true)
        #expect(lexiconOnly["endToEnd"] == nil)
        #expect((lexiconOnly["tools"] as? [Any])?.isEmpty == true)

        let noTools = try CLI.run(["benchmark", "--corpus", corpus, "--lexicon", Self.lexicon, "--no-tools"])
        #expect(noTools.status == 0, "stderr: \(noTools.stderr)")
        // The plain report names the stages and says which build measured them.
        #expect(noTools.stdout.contains("stage       threads   seconds"))
        #expect(noTools.stdout.contains("end to end (Pipeline.run + RunSummary)"))
        #expect(!noTools.stdout.contains("grep"))
        #expect(noTools.stdout.contains("debug build") || noTools.stdout.contains("release build"))

        // Nothing to measure is an error naming the folder, not a table of "nan".
        let missing = try CLI.run(["benchmark", "--corpus", corpus + "-missing", "--lexicon", Self.lexicon, "--no-tools"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("sift: cannot benchmark: \(corpus)-missing"), "stderr: \(missing.stderr)")
        #expect(!missing.stdout.contains("nan"))
        let empty = (corpus as NSString).appendingPathComponent("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let nothing = try CLI.run(["benchmark", "--corpus", empty, "--lexicon", Self.lexicon, "--no-tools"])
        #expect(nothing.status == 2)
        #expect(nothing.stderr.contains("sift: cannot benchmark: \(empty): no report files to measure"), "stderr: \(nothing.stderr)")
    }
}
