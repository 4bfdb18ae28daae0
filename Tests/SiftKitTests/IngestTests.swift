import Foundation
import Testing
@testable import SiftKit

@Suite("PlainTextIngester")
struct PlainTextIngesterTests {
    let ingester = PlainTextIngester()

    func ingest(_ text: String, source: String = "reports/si-2024-001.txt") -> IngestResult {
        ingester.ingest(bytes: Array(text.utf8), source: source)
    }

    @Test func frontMatterBecomesMetadataAndID() throws {
        let text = "---\nid: si-9\nUnit: Northgate General\ndate: 2024-03-01\nIncident type: PPH\n---\nThe CTG was not escalated.\n"
        let result = ingest(text)
        #expect(result.diagnostics.isEmpty)
        let document = try #require(result.documents.first)
        #expect(result.documents.count == 1)
        #expect(document.id == "si-9")
        #expect(document.format == .text)
        #expect(document.source == "reports/si-2024-001.txt")
        #expect(document.metadata.map(\.key) == ["id", "unit", "date", "incident_type"])
        #expect(document.unit == "Northgate General")
        #expect(document.date == "2024-03-01")
        #expect(document.meta("INCIDENT_TYPE") == "PPH")
        #expect(document.text == text)
        #expect(text.bytes(TextRange(document.bodyStart, text.utf8.count)) == "The CTG was not escalated.\n")
    }

    @Test func frontMatterWithoutOpeningRule() throws {
        let text = "id: si-10\nunit: Westbrook\n---\nBody."
        let document = try #require(ingest(text).documents.first)
        #expect(document.id == "si-10")
        #expect(document.unit == "Westbrook")
        #expect(text.bytes(TextRange(document.bodyStart, text.utf8.count)) == "Body.")
    }

    @Test func withoutFrontMatterTheIDIsTheFileStem() throws {
        let result = ingest("Summary\nThe CTG was not escalated.\n", source: "/data/reports/si-2024-001.final.txt")
        let document = try #require(result.documents.first)
        #expect(document.id == "si-2024-001.final")
        #expect(document.metadata.map(\.key) == ["id"])
        #expect(document.meta("id") == "si-2024-001.final")
        #expect(document.bodyStart == 0)
        #expect(document.unit == nil)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func byteOrderMarkIsRemoved() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("---\nid: si-4\n---\nThe CTG was normal.\n".utf8)
        let result = ingester.ingest(bytes: bytes, source: "x.txt")
        #expect(result.diagnostics.isEmpty)
        let document = try #require(result.documents.first)
        #expect(document.id == "si-4")
        #expect(!document.text.hasPrefix("\u{FEFF}"))
        #expect(document.text.utf8.first == UInt8(ascii: "-"))
        #expect(document.text.bytes(TextRange(document.bodyStart, document.text.utf8.count)) == "The CTG was normal.\n")
    }

    @Test(arguments: [true, false])
    func crlfFrontMatter(withBOM: Bool) throws {
        let bytes: [UInt8] = (withBOM ? [0xEF, 0xBB, 0xBF] : []) + Array("---\r\nid: si-5\r\nunit: Eastfield\r\n---\r\nThe CTG was normal.\r\n".utf8)
        let result = ingester.ingest(bytes: bytes, source: "x.txt")
        #expect(result.diagnostics.isEmpty)
        let document = try #require(result.documents.first)
        #expect(!document.text.hasPrefix("\u{FEFF}"))
        do {  // was a known issue; fixed
            #expect(document.id == "si-5")
            #expect(document.unit == "Eastfield")
            #expect(document.text.bytes(TextRange(document.bodyStart, document.text.utf8.count)) == "The CTG was normal.\r\n")
        }
    }

    @Test func invalidUTF8IsAWarningWithLineAndColumn() throws {
        let bytes = Array("line one\nab".utf8) + [0xFF] + Array("cd\n".utf8)
        let result = ingester.ingest(bytes: bytes, source: "bad.txt")
        let document = try #require(result.documents.first)
        #expect(document.text == "line one\nab\u{FFFD}cd\n")
        let diagnostic = try #require(result.diagnostics.first { $0.code == "invalid-utf8" })
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.file == "bad.txt")
        #expect(diagnostic.line == 2)
        #expect(diagnostic.column == 3)
        #expect(diagnostic.description.hasPrefix("bad.txt:2:3: warning:"))
        #expect(!result.failed)
    }

    @Test func invalidUTF8AfterBOMAndTruncatedSequence() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("é\nxy".utf8) + [0xE2, 0x80]
        let result = ingester.ingest(bytes: bytes, source: "bad.txt")
        #expect(result.documents.count == 1)
        let diagnostic = try #require(result.diagnostics.first { $0.code == "invalid-utf8" })
        #expect(diagnostic.line == 2)
        #expect(diagnostic.column == 3)
    }

    @Test func nulBytesAreDroppedWithAWarning() throws {
        let bytes = Array("The CTG".utf8) + [0] + Array(" was normal.".utf8)
        let result = ingester.ingest(bytes: bytes, source: "nul.txt")
        #expect(result.documents.first?.text == "The CTG was normal.")
        #expect(result.diagnostics.contains { $0.code == "nul-bytes" })
    }

    @Test func brokenFrontMatterIsDiagnosed() throws {
        let text = "---\nid: si-11\nthis line is not a field\n---\nBody."
        let result = ingest(text, source: "si-11-file.txt")
        let diagnostic = try #require(result.diagnostics.first { $0.code == "broken-front-matter" })
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.line == 3)
        let document = try #require(result.documents.first)
        // The front matter is ignored: the id falls back to the file stem and the whole file is body.
        #expect(document.id == "si-11-file")
        #expect(document.bodyStart == 0)
    }

    @Test func unclosedFrontMatterIsDiagnosed() throws {
        let result = ingest("---\nid: si-12\nunit: Northgate\n", source: "open.txt")
        #expect(result.diagnostics.map(\.code) == ["broken-front-matter"])
        #expect(result.documents.first?.id == "open")
    }

    @Test func proseWithAColonIsNotFrontMatter() throws {
        let result = ingest("Summary: the baby was born in poor condition.\nThe CTG was not escalated.\n", source: "prose.txt")
        #expect(result.diagnostics.isEmpty)
        #expect(result.documents.first?.id == "prose")
        #expect(result.documents.first?.bodyStart == 0)
    }
}

@Suite("XMLIngester")
struct XMLIngesterTests {
    let ingester = XMLIngester()

    func ingest(_ xml: String, source: String = "in/reports.xml") -> IngestResult {
        ingester.ingest(bytes: Array(xml.utf8), source: source)
    }

    @Test func singleReportWithMetaAndSections() throws {
        let xml = """
            <?xml version="1.0"?>
            <report id=" si-001 " unit="Northgate" Date="2024-03-01">
              <meta name="Incident_Type"> PPH </meta>
              <section title=" Chronology ">
                At 02:00 the CTG was abnormal.
              </section>
              <section title="Findings">The CTG was not escalated &amp; the registrar was not called.</section>
            </report>
            """
        let result = ingest(xml)
        #expect(result.diagnostics.isEmpty)
        let document = try #require(result.documents.first)
        #expect(result.documents.count == 1)
        #expect(document.id == "si-001")
        #expect(document.format == .xml)
        #expect(document.metadata.map(\.key) == ["id", "unit", "date", "incident_type"])
        #expect(document.unit == "Northgate")
        #expect(document.date == "2024-03-01")
        #expect(document.meta("incident_type") == "PPH")
        #expect(document.declaredSections.map(\.title) == ["Chronology", "Findings"])
        let sections = document.declaredSections
        #expect(document.text.bytes(sections[0].titleRange) == "Chronology")
        #expect(document.text.bytes(sections[0].bodyRange) == "At 02:00 the CTG was abnormal.")
        #expect(document.text.bytes(sections[1].bodyRange) == "The CTG was not escalated & the registrar was not called.")
        #expect(sections[0].bodyRange.end <= sections[1].titleRange.start)
    }

    @Test func reportsRootWithSeveralReports() throws {
        let xml = """
            <reports>
              <report id="a"><section title="Findings">One.</section></report>
              <note>ignored</note>
              <report><section title="Findings">Two.</section></report>
            </reports>
            """
        let result = ingest(xml, source: "batch.xml")
        #expect(result.documents.map(\.id) == ["a", "batch-2"])
        let warning = try #require(result.diagnostics.first)
        #expect(warning.code == "unknown-element")
        #expect(warning.severity == .warning)
        #expect(warning.line == 3)
        #expect(!result.failed)
    }

    @Test func singleReportWithoutIDUsesTheStem() throws {
        let result = ingest("<report><section title='Findings'>x</section></report>", source: "dir/si-77.xml")
        #expect(result.documents.map(\.id) == ["si-77"])
    }

    @Test func malformedXMLIsAnErrorWithLineAndColumn() throws {
        let xml = "<report id=\"x\">\n  <section title=\"A\">ok</section>\n  <section title=\"B\">text</sectio>\n</report>\n"
        let result = ingest(xml, source: "broken.xml")
        #expect(result.documents.isEmpty)
        #expect(result.failed)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == "malformed-xml")
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.file == "broken.xml")
        #expect(diagnostic.line == 3)
        #expect((diagnostic.column ?? 0) > 0)
    }

    @Test func unknownRootIsAnError() throws {
        let result = ingest("<html>\n<body>Report</body>\n</html>", source: "page.xml")
        #expect(result.documents.isEmpty)
        #expect(result.failed)
        let diagnostic = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(diagnostic.code == "unknown-schema")
        #expect(diagnostic.line == 1)
        #expect(diagnostic.message.contains("<html>"))
    }

    @Test func emptyReportsRootIsAnError() {
        let result = ingest("<reports/>")
        #expect(result.failed)
        #expect(result.diagnostics.map(\.code) == ["no-reports"])
    }

    @Test func entitiesAreNotExpandedAndReported() throws {
        let xml = #"<!DOCTYPE report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><report id="e"><section title="Findings">A&xxe;B</section></report>"#
        let result = ingest(xml)
        let document = try #require(result.documents.first)
        #expect(!document.text.contains("root:"))
        #expect(document.text.bytes(document.declaredSections[0].bodyRange) == "AB")
        let warning = try #require(result.diagnostics.first { $0.code == "entity-not-expanded" })
        #expect(warning.message.contains("xxe"))
    }

    @Test func metaWithoutNameIsWarned() throws {
        let result = ingest("<report id='m'>\n<meta>x</meta>\n</report>")
        #expect(result.documents.count == 1)
        #expect(result.diagnostics.map(\.code) == ["meta-without-name"])
        #expect(result.diagnostics.first?.line == 2)
    }
}

@Suite("IngestRegistry")
struct IngestRegistryTests {
    @Test func picksIngesterByExtensionAndReportsUnknownTypes() throws {
        let registry = IngestRegistry()
        #expect(registry.ingester(for: "a/b.TXT") is PlainTextIngester)
        #expect(registry.ingester(for: "a/b.md") is PlainTextIngester)
        #expect(registry.ingester(for: "a/b.xml") is XMLIngester)
        #expect(registry.ingester(for: "a/b.pdf") == nil)
        let result = registry.ingest(path: "nowhere/report.pdf")
        #expect(result.diagnostics.map(\.code) == ["unknown-format"])
        #expect(result.failed)
    }

    @Test func refusesFilesOverTheSizeLimit() throws {
        let folder = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("big.txt")
        try Support.write(String(repeating: "x", count: 100), to: file)
        let registry = IngestRegistry(maximumFileSize: 50)
        #expect(registry.ingest(path: file.path).diagnostics.map(\.code) == ["too-large"])
        #expect(IngestRegistry().ingest(path: file.path).documents.count == 1)
    }
}

@Suite("InputWalker")
struct InputWalkerTests {
    @Test func walksRecursivelyInByteOrderSkippingHiddenFiles() throws {
        let root = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["b.txt", "a.txt", "B.txt", "é.txt", "z.xml", "sub/c.txt", "sub/A.txt", ".hidden.txt", ".git/config.txt", "sub/.DS_Store"] {
            try Support.write("x", to: root.appendingPathComponent(name))
        }
        let (files, diagnostics) = InputWalker().files(for: [root.path])
        #expect(diagnostics.isEmpty)
        let relative = files.map { String($0.dropFirst(root.path.count + 1)) }
        #expect(relative == ["B.txt", "a.txt", "b.txt", "sub/A.txt", "sub/c.txt", "z.xml", "é.txt"])
        // Stable: a second walk gives the same list.
        #expect(InputWalker().files(for: [root.path]).files == files)
    }

    @Test func pathOrderFollowsBytesOfTheWholePath() throws {
        // The walker documents "byte order of their paths"; "a-b.txt" < "a.txt" < "a/x.txt" in bytes.
        let root = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["a/x.txt", "a-b.txt", "a.txt"] { try Support.write("x", to: root.appendingPathComponent(name)) }
        let files = InputWalker().files(for: [root.path]).files
        let sorted = files.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        do {  // was a known issue; fixed
            #expect(files == sorted)
        }
    }

    @Test func symlinkLoopIsReportedNotFollowedForever() throws {
        let root = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try Support.write("x", to: root.appendingPathComponent("reports/one.txt"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("reports/loop").path,
                                                   withDestinationPath: root.appendingPathComponent("reports").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("reports/up").path, withDestinationPath: "..")
        let (files, diagnostics) = InputWalker().files(for: [root.path])
        #expect(files == [root.appendingPathComponent("reports/one.txt").path])
        let loops = diagnostics.filter { $0.code == "symlink-loop" }
        #expect(loops.count == 2)
        #expect(loops.allSatisfy { $0.severity == .warning })
        #expect(Set(loops.map(\.file)) == [root.appendingPathComponent("reports/loop").path, root.appendingPathComponent("reports/up").path])
    }

    @Test func missingPathIsNotFound() throws {
        let root = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("nope").path
        let (files, diagnostics) = InputWalker().files(for: [missing])
        #expect(files.isEmpty)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.code == "not-found")
        #expect(diagnostics.first?.severity == .error)
        #expect(diagnostics.first?.file == missing)
    }

    @Test func danglingSymlinkIsABrokenLink() throws {
        let root = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let link = root.appendingPathComponent("dangling.txt").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: root.appendingPathComponent("gone.txt").path)
        let (files, diagnostics) = InputWalker().files(for: [root.path])
        #expect(files.isEmpty)
        #expect(diagnostics.map(\.code) == ["broken-link"])
    }

    @Test func explicitFilesAndExclusions() throws {
        let root = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let report = root.appendingPathComponent("r.txt"), gold = root.appendingPathComponent("gold.jsonl")
        try Support.write("x", to: report)
        try Support.write("{}", to: gold)
        #expect(InputWalker().files(for: [report.path]).files == [report.path])
        #expect(InputWalker().files(for: [root.path], excluding: [gold.path]).files == [report.path])
    }
}
