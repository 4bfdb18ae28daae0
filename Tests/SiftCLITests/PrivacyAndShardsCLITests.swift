import Foundation
import Testing

/// Redaction end to end (no identifier in any output format) and sharded runs (a merge equals a single run).
@Suite(.serialized)
struct PrivacyAndShardsCLITests {
    struct Identifier { var kind: String; var title: String?; var value: String }

    static func identifiers() throws -> [Identifier] {
        let path = CLI.packageRoot.appendingPathComponent("Tests/SiftCLITests/Fixtures/privacy/identifiers.tsv")
        return try String(contentsOf: path, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return fields[0] == "name" ? Identifier(kind: "name", title: fields[1], value: fields[2]) : Identifier(kind: fields[0], title: nil, value: fields[1])
        }
    }

    /// A report whose every finding sentence carries identifiers, so each one would show as evidence.
    static func writeReport(to folder: URL) throws -> [Identifier] {
        let ids = try identifiers()
        var text = "id: privacy-1\nunit: Test Unit\ndate: 2024-05-01\n---\nFindings\n"
        for (index, id) in ids.enumerated() {
            let shown = id.title.map { "\($0) \(id.value)" } ?? id.value
            text += "\(index + 1). For the woman recorded as \(shown), the abnormal CTG was not escalated to the registrar.\n"
        }
        // A surname learnt after a title, then alone.
        text += "Later Whitfield was seen again and the delay in escalation continued.\n"
        try text.write(to: folder.appendingPathComponent("privacy-1.txt"), atomically: true, encoding: .utf8)
        return ids
    }

    @Test func noIdentifierInAnyOutput() throws {
        let folder = try CLI.temporaryDirectory()
        let ids = try Self.writeReport(to: folder)
        #expect(ids.count >= 200)
        let out = try CLI.temporaryDirectory()
        let run = try CLI.run(["run", folder.path, "--out", out.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        var outputs: [(String, String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
            outputs.append((name, try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)))
        }
        #expect(outputs.count == 5)
        let report = folder.appendingPathComponent("privacy-1.txt").path
        for arguments in [["tag", report], ["tag", "--json", report], ["explain", report], ["explain", "--json", report],
                          ["kwic", "escalation_delay", folder.path]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            outputs.append((arguments.joined(separator: " "), result.stdout))
        }
        // The evidence is there (redacted), and no identifier is.
        let findings = outputs.first { $0.0 == "findings.csv" }!.1
        #expect(findings.contains("[NHS-NUMBER]") && findings.contains("[NAME]") && findings.contains("[DATE]"))
        var leaks: [String] = []
        for id in ids {
            // JSON escapes apostrophes and slashes differently; compare the identifier's letters and digits.
            for (name, text) in outputs where text.contains(id.value) || text.contains(id.value.replacingOccurrences(of: "/", with: "\\/")) {
                leaks.append("\(id.kind) \(id.value) in \(name)")
            }
        }
        #expect(!outputs.contains { $0.1.contains("Whitfield") }, "surname recurring alone leaked")
        #expect(leaks.isEmpty, "\(leaks.count) leaks: \(leaks.prefix(10))")
    }

    @Test func noRedactShowsTextAndWarns() throws {
        let folder = try CLI.temporaryDirectory()
        _ = try Self.writeReport(to: folder)
        let result = try CLI.run(["tag", "--no-redact", folder.appendingPathComponent("privacy-1.txt").path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning: --no-redact"))
        #expect(result.stdout.contains("943"))
        #expect(result.stdout.contains("Whitfield"))
    }

    @Test func mergedShardsEqualASingleRun() throws {
        let sample = "Corpora/sample"
        let files = try FileManager.default.contentsOfDirectory(atPath: CLI.packageRoot.appendingPathComponent(sample).path).sorted()
        let paths = files.map { "\(sample)/\($0)" }
        // Interleaved shards, as GNU parallel or an array job might cut them.
        let shardA = stride(from: 0, to: paths.count, by: 2).map { paths[$0] }
        let shardB = stride(from: 1, to: paths.count, by: 2).map { paths[$0] }
        let work = try CLI.temporaryDirectory()
        let options = ["--evidence", "2", "--baseline", "2023-01-01..2024-06-30", "--follow-up", "2024-07-01..2025-12-31"]
        for (name, shard) in [("a", shardA), ("b", shardB)] {
            let result = try CLI.run(["run", "--partial", work.appendingPathComponent(name).path] + options + shard)
            #expect(result.status == 0, "stderr: \(result.stderr)")
        }
        let merged = work.appendingPathComponent("merged"), single = work.appendingPathComponent("single")
        let merge = try CLI.run(["merge", work.appendingPathComponent("a").path, work.appendingPathComponent("b").path, "--out", merged.path])
        #expect(merge.status == 0, "stderr: \(merge.stderr)")
        let run = try CLI.run(["run", "--out", single.path, "--threads", "1"] + options + shardA + shardB)
        #expect(run.status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: single.path).sorted()
        #expect(names == ["factor_counts.csv", "findings.csv", "summary.html", "summary.json", "summary.md"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: merged.path).sorted() == names)
        for name in names {
            let a = try Data(contentsOf: single.appendingPathComponent(name)), b = try Data(contentsOf: merged.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between the merged shards and the single run")
        }
    }

    @Test func mergeRefusesShardsRunDifferently() throws {
        let work = try CLI.temporaryDirectory()
        _ = try CLI.run(["run", "--partial", work.appendingPathComponent("a").path, "Corpora/sample/si-2023-004.txt"])
        _ = try CLI.run(["run", "--partial", work.appendingPathComponent("b").path, "--evidence", "5", "Corpora/sample/si-2023-011.txt"])
        let merge = try CLI.run(["merge", work.appendingPathComponent("a").path, work.appendingPathComponent("b").path,
                                 "--out", work.appendingPathComponent("m").path])
        #expect(merge.status == 2)
        #expect(merge.stderr.contains("different options"))
        let missing = try CLI.run(["merge", work.appendingPathComponent("nope").path, "--out", work.appendingPathComponent("m").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("not a Sift partial result"))
    }

    @Test func mergeRefusesDamagedRecords() throws {
        let work = try CLI.temporaryDirectory()
        let part = work.appendingPathComponent("a")
        let run = try CLI.run(["run", "--partial", part.path, "Corpora/sample"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let records = part.appendingPathComponent("reports.bin")
        let bytes = try Data(contentsOf: records)
        try bytes.dropLast(bytes.count / 2).write(to: records)
        let out = work.appendingPathComponent("m")
        let merge = try CLI.run(["merge", part.path, "--out", out.path])
        #expect(merge.status == 2)
        #expect(merge.stderr.contains("\(records.path): record "), "stderr: \(merge.stderr)")
        #expect(merge.stderr.contains("cut short"), "stderr: \(merge.stderr)")
        // A reading problem, said as one: not "cannot write output".
        #expect(merge.stderr.contains("sift: cannot read partial result: \(records.path)"), "stderr: \(merge.stderr)")
        #expect(!merge.stderr.contains("cannot write output"), "stderr: \(merge.stderr)")
        // Nothing half-written is left in the output folder.
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out.path))?.isEmpty ?? true)
    }
}
