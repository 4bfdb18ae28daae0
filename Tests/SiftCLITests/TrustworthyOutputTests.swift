import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Regex safety, determinism and interrupted runs, through the built binary (issue 6).
@Suite(.serialized)
struct TrustworthyOutputTests {
    static let catastrophicLexicon = """
        lexicon: {name: catastrophic, version: '1'}
        targets:
          - {id: escalation_delay.catastrophic, factor: escalation_delay, pattern: '(\\w+\\s?)*$'}
          - {id: escalation_delay.plain, factor: escalation_delay, pattern: 'not\\s+escalated'}
        """

    /// `(\w+\s?)*$` with the JIT and the default limits, on a long sentence that ends in a character it cannot match:
    /// PCRE2 stops on its match limit, the report gets a `regex-limit` warning, and the run finishes.
    @Test func catastrophicPatternGivesRegexLimitNotAHang() throws {
        let folder = try CLI.temporaryDirectory()
        let lexicon = folder.appendingPathComponent("catastrophic.yaml")
        try TrustworthyOutputTests.catastrophicLexicon.write(to: lexicon, atomically: true, encoding: .utf8)
        let words = (0..<250).map { ["the", "midwife", "did", "not", "call", "registrar"][$0 % 6] }.joined(separator: " ")
        let report = folder.appendingPathComponent("adversarial.txt")
        try "id: adversarial\n---\nFindings\nThe CTG was not escalated.\n\(words)!\n".write(to: report, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let result = try TimedProcess.run(["run", report.path, "--lexicon", lexicon.path, "--out", out.path, "--format", "json"], budget: 120)
        #expect(!result.timedOut)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("adversarial.txt:5:1: warning: report adversarial: rule escalation_delay.catastrophic stopped on a PCRE2 limit"),
                "stderr: \(result.stderr)")
        #expect(result.stderr.contains("[regex-limit]"))
        // The other rule still tagged the report.
        let json = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(json.contains("escalation_delay.plain"))
        // `sift lexicon check` flags the pattern before it is ever run.
        let check = try TimedProcess.run(["lexicon", "check", lexicon.path], budget: 120)
        #expect(!check.timedOut)
        #expect((check.stdout + check.stderr).contains("nested quantifier"), "\(check.stdout)\(check.stderr)")
    }

    // MARK: - Determinism

    /// Names whose byte order differs from a locale's order (case, accents, digits, punctuation).
    static let names = ["B-report.txt", "a-report.txt", "Z.txt", "é-report.txt", "e-report.txt", "10.txt", "9.txt", "_x.txt",
                        "sub/inner b.txt", "sub/Inner-a.xml", "Ä.md"]

    static func write(_ name: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let stem = (name as NSString).lastPathComponent
        if name.hasSuffix(".xml") {
            try "<report id=\"xml-\(stem.count)\" unit=\"Unit \(stem.count % 3)\" date=\"2024-0\(stem.count % 9 + 1)-02\"><section title=\"Findings\">The CTG was not escalated to the registrar. The midwife felt unable to challenge the consultant.</section></report>\n"
                .write(to: url, atomically: true, encoding: .utf8)
        } else {
            try "unit: Unit \(stem.count % 3)\ndate: 2024-0\(stem.count % 9 + 1)-15\n---\nFindings\nThe CTG was not escalated to the registrar (\(stem)).\nThere was no handover of the plan; staffing was short.\nRecommendations\nStaff should escalate concerns.\n"
                .write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// Every file of the output folder, by name, with the folder's path and the command line made neutral.
    static func outputs(_ folder: URL, input: URL, threads: Int) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            var text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            text = text.replacingOccurrences(of: folder.path, with: "$OUT").replacingOccurrences(of: input.path, with: "$IN")
                .replacingOccurrences(of: "--threads \(threads)", with: "--threads N")
                .replacingOccurrences(of: "\"--threads\",\n    \"\(threads)\"", with: "\"--threads\",\n    \"N\"")
                .replacingOccurrences(of: "\"--threads\", \"\(threads)\"", with: "\"--threads\", \"N\"")
            result[name] = Data(text.utf8)
        }
        return result
    }

    /// Same reports, created in two folders in opposite orders, read with 1, 2 and 4 threads: every output file is
    /// byte-identical (once the folder names and thread count quoted from the command line are set aside).
    @Test func outputsAreByteIdenticalWhateverThreadsAndFileOrder() throws {
        let forward = try CLI.temporaryDirectory(), backward = try CLI.temporaryDirectory()
        for name in TrustworthyOutputTests.names { try TrustworthyOutputTests.write(name, in: forward) }
        for name in TrustworthyOutputTests.names.reversed() { try TrustworthyOutputTests.write(name, in: backward) }
        var reference: [String: Data]? = nil
        for (input, threads) in [(forward, 1), (forward, 2), (forward, 4), (backward, 1), (backward, 4)] {
            let out = try CLI.temporaryDirectory()
            let result = try TimedProcess.run(["run", input.path, "--out", out.path, "--threads", "\(threads)"], budget: 120)
            #expect(!result.timedOut)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            // A folder name differs between the two inputs: the same length keeps the layout identical.
            let produced = try TrustworthyOutputTests.outputs(out, input: input, threads: threads)
            #expect(produced.count >= 5, "outputs: \(produced.keys.sorted())")
            if let reference {
                #expect(produced.keys.sorted() == reference.keys.sorted())
                for (name, data) in produced {
                    #expect(data == reference[name], "\(name) differs for \(input.lastPathComponent) with \(threads) threads")
                }
            } else {
                reference = produced
            }
        }
    }

    // MARK: - Interrupted runs

    /// SIGINT in the middle of a long run: the output folder holds the previous complete summary files (byte for byte)
    /// and nothing else: no partial file, no temporary file or folder.
    @Test func interruptedRunLeavesPreviousOutputIntact() throws {
        let input = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: input) }
        let text = "Findings\nThe CTG was not escalated to the registrar despite a pathological trace.\nThe midwife felt unable to challenge the consultant.\n"
        for index in 0..<1500 {
            try "id: big-\(index)\nunit: Unit \(index % 4)\ndate: 2024-03-0\(index % 9 + 1)\n---\n\(String(repeating: text, count: 20))"
                .write(to: input.appendingPathComponent(String(format: "r%05d.txt", index)), atomically: false, encoding: .utf8)
        }
        let out = try CLI.temporaryDirectory()
        // The previous run's output, complete.
        let first = try TimedProcess.run(["run", "Corpora/sample", "--out", out.path], budget: 120)
        #expect(first.status == 0)
        let before = try TrustworthyOutputTests.snapshot(out)
        #expect(before.count >= 5)
        for delay in [0.5, 2.0] {
            // Through `env --default-signal=INT`: a test runner may ignore SIGINT, and children inherit that.
            let interrupted = try TimedProcess.run(["run", input.path, "--out", out.path, "--threads", "2"], budget: 300,
                                                   defaultSignals: true) { process in
                Thread.sleep(forTimeInterval: delay)
                kill(process.processIdentifier, SIGINT)
            }
            #expect(!interrupted.timedOut)
            // The run takes minutes: it must have been stopped, by its handler (130) or by the signal itself.
            #expect(interrupted.status == 130 || interrupted.status == SIGINT, "exit \(interrupted.status) after SIGINT at \(delay) s")
            let after = try TrustworthyOutputTests.snapshot(out)
            #expect(after == before, "interrupted after \(delay) s: output changed: \(after.keys.sorted()) vs \(before.keys.sorted())")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !before.keys.contains($0) }
            #expect(leftovers.isEmpty, "left behind after SIGINT: \(leftovers) (exit \(interrupted.status))")
        }
    }

    /// Every entry of a folder (hidden ones too), with its bytes (folders as empty data).
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            var isDirectory: ObjCBool = false
            let url = folder.appendingPathComponent(name)
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            result[name] = isDirectory.boolValue ? Data() : try Data(contentsOf: url)
        }
        return result
    }
}
