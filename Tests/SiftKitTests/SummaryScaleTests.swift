import Foundation
import Testing
@testable import SiftKit

/// The parts of a summary that large runs changed: summary.json written in pieces (the long lists an element
/// at a time) and report groups that keep their factor set as a bit mask.
struct SummaryScaleTests {
    static func summary(_ corpus: String, share: Bool = false) throws -> RunSummary {
        let lexicon = try Support.loadDefaultLexicon()
        let result = Pipeline(lexicon: lexicon, threads: 1).run(paths: [Support.packageRoot.appendingPathComponent(corpus).path])
        return RunSummary(result: result, lexicon: lexicon, options: SummaryOptions(command: ["run", corpus], disclosure: Disclosure(share: share)))
    }

    /// The pieces put together with every element and an empty reports array.
    static func assemble(_ renderer: JSONRenderer, _ summary: RunSummary) throws -> String {
        var out = ""
        for piece in try renderer.pieces(summary) {
            switch piece {
            case .text(let text): out += text
            case .reports: break
            case .inputs: out += try summary.inputs.map(renderer.element).joined(separator: ",\n")
            case .diagnostics: out += try summary.diagnostics.map(renderer.element).joined(separator: ",\n")
            }
        }
        return out
    }

    @Test(arguments: ["Corpora/hostile", "Corpora/sample", "Corpora/formats"])
    func piecesMakeTheWholeDocument(corpus: String) throws {
        let summary = try SummaryScaleTests.summary(corpus)
        #expect(summary.inputs.count > 5)
        let renderer = JSONRenderer()
        let assembled = try SummaryScaleTests.assemble(renderer, summary)
        // Without its (here empty) reports array, the assembled document is the whole document, to the byte.
        let emptyReports = "  \"reports\" : [\n\n  ],\n"
        #expect(assembled.components(separatedBy: emptyReports).count == 2)
        #expect(assembled.replacingOccurrences(of: emptyReports, with: "") == (try renderer.render(summary)))
        #expect(try JSONSerialization.jsonObject(with: Data(assembled.utf8)) is [String: Any])
    }

    @Test func hostileInputsGiveDiagnosticsInPieces() throws {
        let summary = try SummaryScaleTests.summary("Corpora/hostile")
        #expect(!summary.diagnostics.isEmpty)
        let pieces = try JSONRenderer().pieces(summary)
        #expect(pieces.filter { $0 == .inputs }.count == 1)
        #expect(pieces.filter { $0 == .diagnostics }.count == 1)
        #expect(pieces.filter { $0 == .reports }.count == 1)
    }

    @Test func sharedSummaryHasNoReportsPiece() throws {
        let summary = try SummaryScaleTests.summary("Corpora/sample", share: true)
        let renderer = JSONRenderer()
        #expect(try !renderer.pieces(summary).contains(.reports))
        #expect(try SummaryScaleTests.assemble(renderer, summary) == renderer.render(summary))
    }

    @Test func emptyListsStayEmptyArrays() throws {
        // No inputs at all: the pieces still give the empty arrays JSONEncoder writes.
        var summary = try SummaryScaleTests.summary("Corpora/sample")
        summary.inputs = []
        summary.diagnostics = []
        let renderer = JSONRenderer()
        let assembled = try SummaryScaleTests.assemble(renderer, summary)
        #expect(assembled.contains("  \"inputs\" : [\n\n  ],\n"))
        #expect(assembled.replacingOccurrences(of: "  \"reports\" : [\n\n  ],\n", with: "") == (try renderer.render(summary)))
    }

    @Test func groupOrderIsTheOrderOfJoinedFactorLists() {
        // The old order compared "a,b,c" strings; the mask comparison must give the same order.
        var generator = SplitMix64(seed: 7)
        var groups: [ReportGroup] = []
        for _ in 0..<400 {
            let mask = UInt32(truncatingIfNeeded: generator.next()) & ((1 << UInt32(Taxonomy.factorIDs.count)) - 1)
            let sparse = generator.next() % 3 == 0 ? mask & UInt32(truncatingIfNeeded: generator.next()) : mask
            groups.append(ReportGroup(unit: ["A", "B"][Int(generator.next() % 2)], date: ["2024-01-01", ""][Int(generator.next() % 2)],
                                      mask: generator.next() % 5 == 0 ? 0 : sparse, count: 1))
        }
        let byMask = groups.sorted(by: ReportGroup.precedes)
        let byText = groups.sorted {
            ($0.unit, $0.date, $0.factors.joined(separator: ",")) < ($1.unit, $1.date, $1.factors.joined(separator: ","))
        }
        #expect(byMask.map { [$0.unit, $0.date] + $0.factors } == byText.map { [$0.unit, $0.date] + $0.factors })
    }

    @Test func groupFactorsRoundTrip() throws {
        let ids = [Taxonomy.factorIDs[3], Taxonomy.factorIDs[0], "not_a_factor", Taxonomy.factorIDs.last!]
        let group = ReportGroup(unit: "U", date: "2024-02-03", factors: ids, count: 4)
        #expect(group.factors == [Taxonomy.factorIDs[0], Taxonomy.factorIDs[3], Taxonomy.factorIDs.last!])
        #expect(group.has(Taxonomy.factorIDs[3]) && !group.has(Taxonomy.factorIDs[1]) && !group.has("not_a_factor"))
        let data = try JSONEncoder().encode(group)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["factors"] as? [String] == group.factors)
        #expect(try JSONDecoder().decode(ReportGroup.self, from: data) == group)
        let target = ReportGroup(unit: "U", date: "", factors: [Taxonomy.targetBehaviourIDs[1]], count: 1)
        #expect(target.has(RunSummary.targetBehaviourSeries))
    }
}

/// The summary writer's duplicate-id pass, which merges the shards' record headers as it reads them.
struct SummaryWriterPassTests {
    static func records(_ texts: [(source: String, id: String)]) throws -> (SummaryState, [ReportRecord]) {
        let lexicon = try Support.loadDefaultLexicon()
        let pipeline = Pipeline(lexicon: lexicon, threads: 1)
        var state = SummaryState(lexicon: lexicon, evidencePerFactor: 3)
        var records: [ReportRecord] = []
        for (index, entry) in texts.enumerated() {
            let document = Document(id: entry.id, source: entry.source, format: .text,
                                    text: "Findings\nThe registrar was not called for \(index) hours despite a pathological CTG.\n")
            let analysis = pipeline.analyze(document)
            let key = ReportKey(source: entry.source, index: 0)
            state.add(analysis, key: key)
            records.append(ReportRecord(analysis, key: key))
        }
        return (state, records)
    }

    static func write(_ records: [ReportRecord], to path: String) throws {
        let writer = try ReportRecordWriter(path: path)
        for record in records { try writer.write(record) }
        try writer.close()
    }

    @Test func duplicatesAcrossShardsAreRenamedInKeyOrder() throws {
        let folder = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Shard 1 has a.txt and c.txt, shard 2 b.txt and d.txt; all four share one id.
        let (state1, shard1) = try SummaryWriterPassTests.records([("a.txt", "R1"), ("c.txt", "R1")])
        let (state2, shard2) = try SummaryWriterPassTests.records([("b.txt", "R1"), ("d.txt", "R1")])
        let paths = [folder.appendingPathComponent("1.bin").path, folder.appendingPathComponent("2.bin").path]
        try SummaryWriterPassTests.write(shard1, to: paths[0])
        try SummaryWriterPassTests.write(shard2, to: paths[1])
        let lexicon = try Support.loadDefaultLexicon()
        let out = folder.appendingPathComponent("out").path
        let final = try SummaryWriter(lexicon: lexicon, options: SummaryOptions(), formats: [.json]).write(states: [state1, state2], recordFiles: paths, to: out)
        let messages = final.diagnostics.filter { $0.code == "duplicate-id" }.map(\.message)
        #expect(messages == [
            "report id 'R1' already used by a.txt; this one is reported as 'R1~2'",
            "report id 'R1' already used by a.txt; this one is reported as 'R1~3'",
            "report id 'R1' already used by a.txt; this one is reported as 'R1~4'",
        ])
        let json = try String(contentsOfFile: out + "/summary.json", encoding: .utf8)
        let order = ["\"R1\"", "\"R1~2\"", "\"R1~3\"", "\"R1~4\""].map { json.range(of: "\"id\" : " + $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
    }

    @Test func recordsOutOfOrderAreAnErrorNamingTheFile() throws {
        let folder = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (state, records) = try SummaryWriterPassTests.records([("b.txt", "R2"), ("a.txt", "R1")])
        let path = folder.appendingPathComponent("shard.bin").path
        try SummaryWriterPassTests.write(records, to: path)
        let lexicon = try Support.loadDefaultLexicon()
        do {
            try SummaryWriter(lexicon: lexicon, options: SummaryOptions(), formats: [.md]).write(states: [state], recordFiles: [path],
                                                                                                 to: folder.appendingPathComponent("out").path)
            Issue.record("no error for records out of order")
        } catch let error as RecordFileError {
            #expect(error.path == path)
            #expect(error.description.contains("out of order"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/summary.md").path))
    }
}

/// `SummaryState.normalise`: inputs in byte order of their paths, diagnostics in input order then as found.
struct SummaryStateNormaliseTests {
    @Test func ordersInputsAndDiagnostics() throws {
        var state = SummaryState(lexicon: try Support.loadDefaultLexicon(), evidencePerFactor: 3)
        state.inputs = ["b.txt", "Z.txt", "a.txt", "é.txt"].map { InputRecord(file: $0, status: .processed, reports: 1, reason: nil) }
        state.diagnostics = [
            Diagnostic(.warning, file: "elsewhere", code: "x", "first unknown"),
            Diagnostic(.error, file: "b.txt", code: "x", "b one"),
            Diagnostic(.warning, file: "a.txt", code: "x", "a"),
            Diagnostic(.warning, file: "b.txt", code: "x", "b two"),
            Diagnostic(.warning, file: "elsewhere", code: "x", "second unknown"),
        ]
        state.normalise()
        #expect(state.inputs.map(\.file) == ["Z.txt", "a.txt", "b.txt", "é.txt"])
        #expect(state.diagnostics.map(\.message) == ["a", "b one", "b two", "first unknown", "second unknown"])
        // Already in order: nothing moves.
        let before = (state.inputs, state.diagnostics)
        state.normalise()
        #expect(state.inputs == before.0 && state.diagnostics == before.1)
    }
}

/// A partial result's state.json, written with its long lists an element at a time, is exactly what
/// JSONEncoder makes of the whole state, and reads back as the same state.
struct PartialStateTests {
    @Test(arguments: ["Corpora/hostile", "Corpora/sample", "Corpora/gold"])
    func streamedStateIsJSONEncodersBytes(corpus: String) throws {
        let folder = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lexicon = try Support.loadDefaultLexicon()
        let state = try ShardedRun.writePartial(pipeline: Pipeline(lexicon: lexicon, threads: 2),
                                                paths: [Support.packageRoot.appendingPathComponent(corpus).path],
                                                evidencePerFactor: 3, commandOptions: ["--evidence", "3"], to: folder.path)
        #expect(!state.inputs.isEmpty && !state.groups.isEmpty)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let written = try Data(contentsOf: folder.appendingPathComponent(ShardedRun.stateFile))
        #expect(written == (try encoder.encode(state)))
        // Nothing else is left in the folder (the temporary name was renamed).
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [ShardedRun.recordsFile, ShardedRun.stateFile])
        let read = try ShardedRun.readPartial(folder.path).state
        #expect(try encoder.encode(read) == written)
    }

    /// More elements than one encoding batch (4,096), so that batches are joined too.
    @Test func longListsAcrossBatches() throws {
        let folder = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var state = SummaryState(lexicon: try Support.loadDefaultLexicon(), evidencePerFactor: 3)
        state.paths = (0..<9000).map { "folder/report \($0) \"quoted\" é/\\.txt" }
        state.diagnostics = (0..<5000).map { Diagnostic(.warning, file: "f\($0).txt", line: $0, column: 1, code: "x", "message \($0)\n\t<&>") }
        let path = folder.appendingPathComponent("state.json").path
        try ShardedRun.encodeState(state, to: path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == (try encoder.encode(state)))
    }
}
