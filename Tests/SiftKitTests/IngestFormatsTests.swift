import Foundation
import SiftPCRE2
import Testing
@testable import SiftKit

/// Fixtures under Corpora/formats are made by scripts/make-format-fixtures.py.
enum Formats {
    static let root = Support.packageRoot.appendingPathComponent("Corpora/formats")
    static func path(_ name: String) -> String { root.appendingPathComponent(name).path }
    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: root.appendingPathComponent(name))) }

    /// Every event of a streaming read, in order.
    static func events(_ path: String, registry: IngestRegistry = IngestRegistry()) -> (documents: [Document], diagnostics: [Diagnostic]) {
        var documents: [Document] = [], diagnostics: [Diagnostic] = []
        registry.ingest(path: path) { event in
            switch event {
            case .document(let document): documents.append(document)
            case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        return (documents, diagnostics)
    }
}

extension Document {
    /// Section titles and bodies as read from the text.
    var sectionTexts: [(title: String, body: String)] {
        declaredSections.map { (text.bytes($0.titleRange), text.bytes($0.bodyRange)) }
    }
    func body(of title: String) -> String? { sectionTexts.first { $0.title == title }?.body }
}

@Suite("DOCXIngester")
struct DOCXIngesterTests {
    @Test func headingsTablesListsAndMetadata() throws {
        let result = DOCXIngester().ingest(bytes: try Formats.bytes("docx/si-docx-styled.docx"), source: "in/si-docx-styled.docx")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let document = try #require(result.documents.first)
        #expect(document.id == "si-docx-styled")
        #expect(document.format == .docx)
        #expect(document.meta("title") == "Invented SI report: intrapartum stillbirth")
        #expect(document.meta("created") == "2024-07-15T09:30:00Z")
        #expect(document.meta("creator") == nil)
        // Title style, Heading 1/2, a localised style named "heading 3", and a bold title line.
        #expect(document.declaredSections.map(\.title) == [
            "Serious Incident Investigation: intrapartum stillbirth (invented)", "Executive summary", "Chronology", "Findings",
            "Contributory factors", "Notable practice", "Recommendations",
        ])
        #expect(document.body(of: "Executive summary")
                == "A woman in established labour at term had a pathological CTG for ninety minutes. The CTG was not escalated to the obstetric registrar.")
        #expect(document.body(of: "Chronology") == """
            Date/time | Event | Staff
            02/06/2024 01:10 | CTG classified as suspicious | Midwife
            02/06/2024 02:40 | CTG pathological; no escalation | Midwife
            02/06/2024 03:05 | Registrar attended after the coordinator was called | Registrar
            """)
        #expect(document.body(of: "Contributory factors") == """
            - Delay in escalation of the pathological CTG.
            - Workload and staffing on the labour ward.
            - Fear of criticism when calling the consultant.
            """)
        #expect(document.body(of: "Findings")?.contains("hierarchy on the unit.\n\nThe labour ward") == true)
        for hidden in ["HEADER", "FOOTER", "Reviewer comment", "Footnote", "DELETED"] {
            #expect(!document.text.contains(hidden), "\(hidden) leaked into the text")
        }
    }

    @Test func textBeforeTheFirstHeadingIsAnUntitledSection() throws {
        // The Title paragraph is itself a heading; build a document whose first paragraph is plain text.
        let result = DOCXIngester().ingest(bytes: try Formats.bytes("docx/si-docx-styled.docx"), source: "x.docx")
        let document = try #require(result.documents.first)
        let first = try #require(document.declaredSections.first)
        #expect(document.text.bytes(first.bodyRange) == "Prepared for the Eastfield Birth Centre governance meeting. All details are invented.")
        let blocks: [WordBodyReader.Block] = [.init(kind: .paragraph, text: "Preamble text."), .init(kind: .heading, text: "Findings"),
                                              .init(kind: .paragraph, text: "Body.")]
        let (text, declared) = WordBodyReader.layout(blocks)
        #expect(declared.map(\.title) == ["", "Findings"])
        #expect(declared[0].titleRange.length == 0)
        #expect(text.bytes(declared[0].bodyRange) == "Preamble text.")
        #expect(text.bytes(declared[1].bodyRange) == "Body.")
    }

    @Test func typedHeadingsAreLeftToTheSectionizer() throws {
        let result = DOCXIngester().ingest(bytes: try Formats.bytes("docx/si-docx-typed-headings.docx"), source: "t.docx")
        let document = try #require(result.documents.first)
        #expect(document.declaredSections.isEmpty)
        #expect(document.text.hasPrefix("Summary\n\nA woman was induced at 41 weeks."))
        let pipeline = try MiniLexicon.pipeline()
        let sections = pipeline.segment(document, matchData: MatchData()).sections
        #expect(sections.map(\.category).contains("findings"))
        #expect(sections.map(\.category).contains("recommendations"))
    }

    @Test func sectionTitlesAreClassifiedByTheLexicon() throws {
        let pipeline = try MiniLexicon.pipeline()
        let document = try #require(DOCXIngester().ingest(bytes: try Formats.bytes("docx/si-docx-styled.docx"), source: "s.docx").documents.first)
        let analysis = pipeline.analyze(document)
        let byTitle = Dictionary(uniqueKeysWithValues: analysis.sections.map { ($0.title, $0.category) })
        #expect(byTitle["Findings"] == "findings")
        #expect(byTitle["Recommendations"] == "recommendations")
        #expect(byTitle["Notable practice"] == "notable_practice")
        #expect(analysis.factors.contains("escalation_delay"))
    }

    @Test(arguments: [
        ("bad/zip-bomb.docx", "zip-bomb", "expands"),
        ("bad/corrupt.docx", "corrupt-docx", "corrupt zip"),
        ("bad/encrypted.docx", "encrypted-docx", "password-protected"),
        ("bad/no-document.docx", "missing-document-xml", "word/document.xml"),
    ])
    func brokenPackagesAreDiagnosed(file: String, code: String, phrase: String) throws {
        let result = DOCXIngester().ingest(bytes: try Formats.bytes(file), source: file)
        #expect(result.documents.isEmpty)
        #expect(result.failed)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == code)
        #expect(diagnostic.file == file)
        #expect(diagnostic.message.contains(phrase), "\(diagnostic.message)")
    }

    @Test func legacyWordFileIsNotMistakenForEncrypted() {
        let bytes: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 600)
        #expect(DOCXIngester().ingest(bytes: bytes, source: "old.docx").diagnostics.map(\.code) == ["legacy-doc"])
        #expect(DOCXIngester().ingest(bytes: Array("just text".utf8), source: "t.docx").diagnostics.map(\.code) == ["corrupt-docx"])
    }

    @Test func bombLimitsOnEntriesTotalAndExtractedBytes() throws {
        let good = try Formats.bytes("docx/si-docx-styled.docx")  // 10 entries
        var limits = DOCXIngester.Limits()
        limits.maximumEntries = 5
        #expect(DOCXIngester(limits: limits).ingest(bytes: good, source: "a.docx").diagnostics.first?.message.contains("more than 5 entries") == true)
        limits = DOCXIngester.Limits()
        limits.maximumTotalUncompressedSize = 1_000
        #expect(DOCXIngester(limits: limits).ingest(bytes: good, source: "a.docx").diagnostics.first?.message.contains("declare more than 1000 bytes") == true)
        // Counted while extracting: the part limit stops the bomb even when the ratio check is off.
        limits = DOCXIngester.Limits()
        limits.maximumCompressionRatio = 1e9
        limits.maximumPartSize = 1 << 20
        let bomb = DOCXIngester(limits: limits).ingest(bytes: try Formats.bytes("bad/zip-bomb.docx"), source: "b.docx")
        #expect(bomb.diagnostics.map(\.code) == ["zip-bomb"])
        #expect(bomb.diagnostics.first?.message.contains("extraction stopped") == true)
    }
}

@Suite("CSVIngester")
struct CSVIngesterTests {
    func read(_ csv: String, columns: CSVColumnMapping? = nil, preset: CSVPreset? = nil, source: String = "in/export.csv") -> IngestResult {
        CSVIngester(columns: columns, preset: preset).ingest(bytes: Array(csv.utf8), source: source)
    }

    @Test func nrlsPresetIsDetectedAndEachTextColumnIsASection() throws {
        let (documents, diagnostics) = Formats.events(Formats.path("csv/nrls-extract.csv"))
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(documents.map(\.id) == ["NRLS-1001", "NRLS-1002", "NRLS-1003"])
        let first = documents[0]
        #expect(first.format == .csv)
        #expect(first.unit == "RXX01")
        #expect(first.date == "2024-02-03")
        #expect(first.meta("csv_preset") == "nrls")
        #expect(first.meta("row") == "2")
        #expect(first.declaredSections.map(\.title) == ["IN07 Description of what happened", "IN10 Actions Preventing Reoccurrence", "IN11 Apparent Causes"])
        #expect(first.body(of: "IN11 Apparent Causes") == "Delay in escalation; the midwife was unsure who to call, the coordinator was busy.")
        // An empty text cell makes no section; dates with times are normalised.
        #expect(documents[1].declaredSections.map(\.title) == ["IN07 Description of what happened", "IN11 Apparent Causes"])
        #expect(documents[1].date == "2024-02-17")
        #expect(documents[2].date == "2024-02-17")
    }

    @Test func lfpseRowsOfOneEventBecomeOneReport() throws {
        let (documents, diagnostics) = Formats.events(Formats.path("csv/lfpse-export.csv"))
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(documents.map(\.id) == ["LFPSE-77", "LFPSE-78"])
        let event = documents[0]
        #expect(event.meta("row") == "2-4")
        #expect(event.unit == "R1F")
        #expect(event.date == "2024-03-05")
        // Identical narrative kept once (with its line break); the per-patient outcomes all kept, in order.
        #expect(event.body(of: "F001 - Describe what happened")
                == "Twin delivery. The registrar did not attend for 40 minutes after being called;\nthe midwife did not feel able to call the consultant directly.")
        #expect(event.body(of: "AC001 - What was done immediately to reduce harm caused by the event?") == "Consultant called by the coordinator.")
        #expect(event.body(of: "OT003 - What was the clinical outcome for the patient?")
                == "Mother: PPH 1.8 litres, transfused.\n\nTwin 2: admitted to the neonatal unit, cooled.\n\nTwin 1: well.")
    }

    @Test func lfpseRowsThatAreNotTogetherAreReported() {
        let csv = "Reference,F001 - Describe what happened\nA,one\nB,two\nA,three\n"
        let result = read(csv)
        #expect(result.documents.map(\.id) == ["A", "B", "A"])
        #expect(result.diagnostics.map(\.code) == ["csv-group-split"])
        #expect(result.diagnostics.first?.line == 4)
    }

    @Test func steisAndDatixPresets() throws {
        let steis = Formats.events(Formats.path("csv/steis-log.csv"))
        #expect(steis.diagnostics.isEmpty)
        #expect(steis.documents.map(\.id) == ["2024/1234"])
        #expect(steis.documents[0].declaredSections.map(\.title) == ["Description of what happened:", "Key Findings", "Case Summary"])
        #expect(steis.documents[0].date == "2024-04-12")
        #expect(steis.documents[0].unit == nil)

        // BOM, CRLF, quoted cells with commas, doubled quotes and a CRLF inside.
        let datix = Formats.events(Formats.path("csv/datix-export.csv"))
        #expect(datix.diagnostics.isEmpty, "\(datix.diagnostics)")
        #expect(datix.documents.map(\.id) == ["W12345", "W12346"])
        let first = datix.documents[0]
        #expect(first.meta("id") == "W12345")
        #expect(first.date == "2024-05-08")
        #expect(first.unit == "Delivery Suite")
        #expect(first.body(of: "inc_notes")
                == "Woman with \"pre-eclampsia\", BP 165/110. The registrar was not informed, because the midwife thought he was busy.\nSecond line of the note, after a CRLF.")
        #expect(first.declaredSections.map(\.title) == ["inc_notes", "inc_actiontaken", "inc_root_causes", "inc_inv_lessons"])
        #expect(datix.documents[1].unit == "Birth Centre, Eastfield")
        #expect(datix.documents[1].meta("row") == "3", "a record spanning two lines still counts as one row")
    }

    @Test func columnsMappingAndForcedPreset() throws {
        let mapping = try CSVColumnMapping.parse("id=Ref,unit=Site,date=Date,text=Narrative,text=Actions")
        #expect(mapping == CSVColumnMapping(id: "Ref", unit: "Site", date: "Date", text: ["Narrative", "Actions"]))
        #expect(try CSVColumnMapping.parse("id=Ref,text=What, if anything, went wrong").text == ["What, if anything, went wrong"])
        #expect(throws: CSVMappingError.self) { try CSVColumnMapping.parse("Ref,text=Narrative") }

        let unmapped = Formats.events(Formats.path("csv/custom-columns.csv"))
        #expect(unmapped.documents.isEmpty)
        #expect(unmapped.diagnostics.map(\.code) == ["csv-columns"])
        #expect(unmapped.diagnostics[0].message.contains("--columns"))

        let registry = IngestRegistry(options: IngestOptions(csvColumns: mapping))
        let (documents, diagnostics) = Formats.events(Formats.path("csv/custom-columns.csv"), registry: registry)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(documents.map(\.id) == ["LOC-1", "LOC-2"])
        #expect(documents[0].date == "2024-06-01")
        #expect(documents[0].unit == "Westbrook")
        #expect(documents[0].declaredSections.map(\.title) == ["Narrative", "Actions"])

        // A forced preset reports the columns it cannot find.
        let forced = read("inc_ourref,inc_notes\nX-1,Some text\n", preset: .datix)
        #expect(forced.documents.map(\.id) == ["X-1"])
        #expect(forced.diagnostics.map(\.code) == ["csv-columns"])
        #expect(forced.diagnostics[0].severity == .warning)
    }

    @Test func malformedRowsAreDiagnosedWithRowAndLineAndTheFileGoesOn() throws {
        let (documents, diagnostics) = Formats.events(Formats.path("bad/malformed.csv"))
        #expect(documents.map(\.id) == ["M-1", "M-3"])
        #expect(documents[1].date == nil)
        #expect(documents[1].body(of: "inc_notes") == "A note over\ntwo lines, with a comma.")
        let summary = diagnostics.map { "\($0.severity.rawValue) \($0.code) line \($0.line ?? 0)" }
        #expect(summary == [
            "error csv-field-count line 3",
            "warning unparseable-date line 4",
            "error csv-unterminated-quote line 6",
        ])
        #expect(diagnostics[0].message.hasPrefix("row 3: 4 fields, the header has 5"))
        #expect(diagnostics[1].message.contains("'31/02/2024'"))
        #expect(diagnostics[2].message.contains("row 5 (from line 6)"))
        #expect(diagnostics.allSatisfy { $0.file.hasSuffix("bad/malformed.csv") })
    }

    @Test func emptyAndUnrecognisedFiles() {
        #expect(read("").diagnostics.map(\.code) == ["empty-csv"])
        let unknown = read("a,b\n1,2\n")
        #expect(unknown.documents.isEmpty)
        #expect(unknown.failed)
        #expect(unknown.diagnostics.first?.message.contains("matches no preset") == true)
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("a,b\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(CSVIngester().ingest(bytes: utf16, source: "u.csv").diagnostics.map(\.code) == ["utf16"])
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        var bytes = Array("Reference,F001 - Describe what happened\nA,caf".utf8)
        bytes += [0xE9]  // Latin-1 é
        bytes += Array(" visit\nB,next\n".utf8)
        let result = CSVIngester().ingest(bytes: bytes, source: "l.csv")
        #expect(result.documents.map(\.id) == ["A", "B"])
        #expect(result.documents[0].body(of: "F001 - Describe what happened") == "caf\u{FFFD} visit")
        #expect(result.diagnostics.map(\.code) == ["invalid-utf8"])
        #expect(result.diagnostics.first?.line == 2)
    }

    @Test func rowsWithoutIDsGetOneFromTheRow() {
        let result = read("inc_ourref,inc_notes\n,First note\n", source: "dir/local.csv")
        #expect(result.documents.map(\.id) == ["local-row2"])
        #expect(result.diagnostics.map(\.code) == ["csv-missing-id"])
    }

    @Test func streamingHandsOverRowsBeforeTheEnd() throws {
        // 3,000 rows through a file: the first report arrives before the reader has seen the whole file.
        let folder = try Support.temporaryDirectory()
        let file = folder.appendingPathComponent("big.csv")
        var text = "inc_ourref,inc_notes\n"
        for index in 1...3_000 { text += "R\(index),\"Note \(index), the CTG was not escalated.\"\n" }
        try Support.write(text, to: file)
        var count = 0
        var firstAt: Int?
        IngestRegistry().ingest(path: file.path) { event in
            if case .document = event {
                count += 1
                if firstAt == nil { firstAt = count }
            }
        }
        #expect(count == 3_000)
        #expect(firstAt == 1)
    }

    @Test(arguments: [
        ("03/02/2024", "2024-02-03"), ("3-2-2024", "2024-02-03"), ("2024-02-03", "2024-02-03"), ("03/02/2024 14:30", "2024-02-03"),
        ("2024-02-03T14:30:00Z", "2024-02-03"), ("03.02.2024", "2024-02-03"), ("3 Feb 2024", "2024-02-03"), ("03-Feb-2024 00:00:00", "2024-02-03"),
        ("29/02/2024", "2024-02-29"),
    ])
    func ukDatesAreNormalised(raw: String, expected: String) {
        #expect(IncidentDate.normalize(raw) == expected)
    }

    @Test(arguments: ["31/02/2024", "29/02/2023", "13/13/2024", "03/02/24", "sometime in March", "", "2024-02-03 banana"])
    func unparseableDates(raw: String) {
        #expect(IncidentDate.normalize(raw) == nil)
    }
}

@Suite("XML mapping")
struct XMLMappingTests {
    @Test func mappedXMLBecomesReports() throws {
        let mapping = try XMLMapping.load(path: Formats.path("mappings/trust-incidents.yaml"))
        #expect(mapping.report == "//incident")
        #expect(mapping.sections.count == 2)
        let result = XMLIngester(mapping: mapping).ingest(bytes: try Formats.bytes("xml/trust-incidents.xml"), source: "in/trust-incidents.xml")
        #expect(result.documents.map(\.id) == ["TI-2024-01", "TI-2024-02"])
        let first = result.documents[0]
        #expect(first.unit == "Northgate Maternity")
        #expect(first.date == "2024-03-14")
        #expect(first.meta("incident_type") == "Intrapartum")
        #expect(first.declaredSections.map(\.title) == ["What happened", "Key findings", "Root causes"])
        #expect(first.body(of: "Root causes") == "Delay in escalation because the midwife did not want to disturb the registrar.")
        #expect(result.documents[1].date == nil)
        #expect(result.diagnostics.map(\.code) == ["unparseable-date"])
        #expect(result.diagnostics[0].line == 14, "the line of the <incident> element")
    }

    @Test func withoutAMappingOtherXMLIsSkippedWithAHint() throws {
        let result = XMLIngester().ingest(bytes: try Formats.bytes("xml/trust-incidents.xml"), source: "t.xml")
        #expect(result.documents.isEmpty)
        #expect(result.diagnostics.first?.message.contains("--xml-mapping") == true)
    }

    @Test func siftSchemaStillWinsWhenAMappingIsGiven() throws {
        let mapping = XMLMapping(report: "//incident", sections: [.init(element: "narrative", title: "What happened")])
        let result = XMLIngester(mapping: mapping).ingest(bytes: Array(#"<report id="r1"><section title="Findings">Text.</section></report>"#.utf8), source: "r.xml")
        #expect(result.documents.map(\.id) == ["r1"])
    }

    @Test(arguments: [
        ("report: //incident\nsections: [{element: narrative, title: x}]\nextra: 1\n", 3, "unknown key 'extra'"),
        ("report: //incident\nsections:\n  - element: narrative\n    heading: x\n", 4, "unknown key 'heading'"),
        ("report: '//incident['\nsections: [{element: a, title: x}]\n", 1, "invalid XPath"),
        ("id: '@ref'\nsections: [{element: a, title: x}]\n", 1, "missing required key 'report'"),
        ("report: //incident\nsections:\n  - element: a\n    title: x\n    title_from: '@h'\n", 3, "exactly one of"),
        ("report: [\n", 2, "invalid YAML"),
    ])
    func badMappingsAreErrorsWithTheirLine(yaml: String, line: Int, phrase: String) {
        do {
            _ = try XMLMapping.parse(yaml, file: "map.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(phrase), "\(error)")
            #expect(error.description.hasPrefix("map.yaml:\(line):"))
        }
    }

    @Test func entitiesAreNeverExpandedEvenThroughXPathFunctions() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE export [<!ENTITY secret "EXPANDED"><!ENTITY ext SYSTEM "file:///etc/passwd">]>
            <export><incident ref="a&secret;"><narrative>Before &secret;&ext; after.</narrative></incident></export>
            """
        let mapping = XMLMapping(report: "//incident", id: "concat(string(@ref), '-x')",
                                 metadata: ["all": "string(narrative)"], sections: [.init(element: "narrative", title: "N")])
        let result = XMLIngester(mapping: mapping).ingest(bytes: Array(xml.utf8), source: "e.xml")
        let document = try #require(result.documents.first)
        #expect(document.id == "a-x")
        #expect(document.meta("all") == "Before  after.")
        #expect(!document.text.contains("EXPANDED") && !document.text.contains("root:"))
        #expect(result.diagnostics.map(\.code) == ["entity-not-expanded"])
    }
}

@Suite("Ingest registry and pipeline")
struct IngestRegistryStreamingTests {
    @Test func everyInputIsAccountedFor() throws {
        let pipeline = Pipeline(lexicon: try MiniLexicon.lexicon.get(), registry: IngestRegistry(options: IngestOptions(
            xmlMapping: try XMLMapping.load(path: Formats.path("mappings/trust-incidents.yaml")))), threads: 2)
        let result = pipeline.run(paths: [Formats.root.path])
        let byFile = Dictionary(uniqueKeysWithValues: result.inputs.map { (($0.file as NSString).lastPathComponent, $0) })
        func ids(_ name: String) -> [String] {
            result.reports.filter { ($0.document.source as NSString).lastPathComponent == name }.map(\.id)
        }
        #expect(ids("lfpse-export.csv") == ["LFPSE-77", "LFPSE-78"])
        #expect(byFile["malformed.csv"]?.status == .processed)
        #expect(ids("malformed.csv") == ["M-1", "M-3"])
        for bad in ["zip-bomb.docx", "corrupt.docx", "encrypted.docx", "no-document.docx", "custom-columns.csv", "trust-incidents.yaml"] {
            #expect(byFile[bad]?.status == .skipped, "\(bad)")
        }
        #expect(ids("si-docx-styled.docx") == ["si-docx-styled"])
        #expect(ids("trust-incidents.xml") == ["TI-2024-01", "TI-2024-02"])
        #expect(result.inputs.count == 14)
        #expect(result.diagnostics.contains { $0.code == "csv-field-count" && $0.line == 3 })
        // The same reports, in the same order, whatever the thread count.
        let one = Pipeline(lexicon: try MiniLexicon.lexicon.get(), threads: 1).run(paths: [Formats.path("csv")])
        let two = Pipeline(lexicon: try MiniLexicon.lexicon.get(), threads: 4).run(paths: [Formats.path("csv")])
        #expect(one.reports.map(\.id) == two.reports.map(\.id))
        #expect(one.reports.map(\.factors) == two.reports.map(\.factors))
    }

    @Test func unknownTypesNameTheKnownOnes() {
        let diagnostics = Formats.events("notes.pdf").diagnostics
        #expect(diagnostics.first?.message == "skipped: unknown file type (expected .txt, .md, .text, .xml, .docx or .csv)")
    }
}

/// Memory check for big exports, run by hand:
/// `SIFT_MEASURE_CSV=/tmp/big100k.csv /usr/bin/time -v swift test --filter streamsABigExport`.
@Test(.enabled(if: ProcessInfo.processInfo.environment["SIFT_MEASURE_CSV"] != nil))
func streamsABigExport() {
    let path = ProcessInfo.processInfo.environment["SIFT_MEASURE_CSV"]!
    var reports = 0, errors = 0, textBytes = 0
    IngestRegistry().ingest(path: path) { event in
        switch event {
        case .document(let document): reports += 1; textBytes += document.text.utf8.count
        case .diagnostic(let diagnostic): if diagnostic.severity == .error { errors += 1 }
        }
    }
    print("streamed \(reports) reports, \(textBytes) bytes of text, \(errors) errors")
    #expect(reports > 0 && errors == 0)
}
