import Foundation
import Testing

/// `sift run` on Word, CSV and mapped XML inputs (fixtures: scripts/make-format-fixtures.py).
@Suite(.serialized)
struct IngestFormatsCLITests {
    func summary(_ out: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
    }

    @Test func everyFormatInOneRunWithBadFilesReported() throws {
        let out = try CLI.temporaryDirectory()
        let result = try CLI.run(["run", "Corpora/formats", "--xml-mapping", "Corpora/formats/mappings/trust-incidents.yaml",
                                  "--out", out.path, "--format", "json"])
        #expect(result.status == 1, "bad fixtures make the run report failures: \(result.stderr)")
        let stderr = result.stderr
        #expect(stderr.contains("Corpora/formats/bad/malformed.csv:3: error: row 3: 4 fields, the header has 5; row skipped [csv-field-count]"))
        #expect(stderr.contains("Corpora/formats/bad/malformed.csv:6: error: row 5 (from line 6): quote opened on line 6 is never closed"))
        #expect(stderr.contains("Corpora/formats/bad/zip-bomb.docx: error: skipped: entry word/document.xml expands"))
        #expect(stderr.contains("Corpora/formats/bad/encrypted.docx: error: skipped: password-protected"))
        #expect(stderr.contains("Corpora/formats/bad/corrupt.docx: error: skipped: corrupt zip package"))
        #expect(stderr.contains("Corpora/formats/bad/no-document.docx: error: skipped: no word/document.xml"))
        let json = try summary(out)
        let inputs = json["inputs"] as! [[String: Any]]
        #expect(inputs.count == 14, "every input accounted for")
        let skipped = Set(inputs.filter { $0["status"] as? String == "skipped" }.map { ($0["file"] as! String as NSString).lastPathComponent })
        #expect(skipped == ["corrupt.docx", "encrypted.docx", "no-document.docx", "zip-bomb.docx", "custom-columns.csv", "trust-incidents.yaml"])
        let reports = json["reports"] as! [[String: Any]]
        let ids = reports.map { $0["id"] as! String }
        for id in ["si-docx-styled", "si-docx-typed-headings", "NRLS-1001", "LFPSE-77", "LFPSE-78", "2024/1234", "W12345", "TI-2024-01", "M-1", "M-3"] {
            #expect(ids.contains(id), "\(id) missing from \(ids)")
        }
        #expect(ids.filter { $0.hasPrefix("LFPSE-77") }.count == 1, "three patient rows, one report")
        let docx = try #require(reports.first { $0["id"] as? String == "si-docx-styled" })
        let titles = (docx["sections"] as! [[String: Any]]).map { $0["title"] as! String }
        #expect(titles.contains("Chronology") && titles.contains("Recommendations"))
        #expect((docx["factors"] as! [String]).contains("escalation_delay"))
    }

    @Test func columnsOptionReadsALocalExport() throws {
        let out = try CLI.temporaryDirectory()
        let result = try CLI.run(["run", "Corpora/formats/csv/custom-columns.csv", "--columns", "id=Ref,unit=Site,date=Date,text=Narrative,text=Actions",
                                  "--out", out.path, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let reports = try summary(out)["reports"] as! [[String: Any]]
        #expect(reports.map { $0["id"] as! String } == ["LOC-1", "LOC-2"])
        #expect(reports.map { $0["unit"] as? String } == ["Westbrook", "Westbrook"])
        #expect(reports.map { $0["date"] as? String } == ["2024-06-01", "2024-06-06"])
        #expect((reports[0]["sections"] as! [[String: Any]]).map { $0["title"] as! String } == ["Narrative", "Actions"])
    }

    @Test func forcedPresetAndUsageErrors() throws {
        let out = try CLI.temporaryDirectory()
        let forced = try CLI.run(["run", "Corpora/formats/csv/custom-columns.csv", "--csv-preset", "nrls", "--out", out.path])
        #expect(forced.status == 1)
        #expect(forced.stderr.contains("custom-columns.csv:1: error: skipped: none of the free-text columns 'IN07 Description of what happened'"))
        let unknown = try CLI.run(["run", "Corpora/formats/csv", "--csv-preset", "nope", "--out", out.path])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown preset 'nope'"))
        let badColumns = try CLI.run(["run", "Corpora/formats/csv", "--columns", "Ref", "--out", out.path])
        #expect(badColumns.status == 64)
    }

    @Test func invalidMappingIsFatalWithItsLine() throws {
        let folder = try CLI.temporaryDirectory()
        let mapping = folder.appendingPathComponent("map.yaml")
        try "report: //incident\nsections:\n  - element: narrative\n    titel: What happened\n".write(to: mapping, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "Corpora/formats/xml", "--xml-mapping", mapping.path, "--out", folder.appendingPathComponent("out").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("map.yaml:4:5: error: section: unknown key 'titel'"), "\(result.stderr)")
    }
}
