import Testing
import SiftXML

private func parse(_ text: String, maximumDepth: Int = 256) throws(XMLParseError) -> XMLTree {
    try XMLTree.parse(Array(text.utf8), maximumDepth: maximumDepth)
}

@Suite("XMLTree")
struct XMLTreeTests {
    @Test func wellFormedDocumentConvertsToElementsAttributesAndText() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <report id="si-001" unit="Northgate">
              <meta name="incident_type">PPH</meta>
              <section title="Findings &amp; analysis">The CTG was &lt;not&gt; escalated — café.</section>
              <!-- a comment -->
              <?pi ignored?>
            </report>
            """
        let tree = try parse(xml)
        #expect(tree.root.name == "report")
        #expect(tree.root.line == 2)
        #expect(tree.root.attributes.map(\.name) == ["id", "unit"])
        #expect(tree.root.attributes.map(\.value) == ["si-001", "Northgate"])
        #expect(tree.root.attribute("id") == "si-001")
        #expect(tree.root.attribute("missing") == nil)
        #expect(tree.root.elements.map(\.name) == ["meta", "section"])
        let meta = tree.root.elements[0]
        #expect(meta.attribute("name") == "incident_type")
        #expect(meta.text == "PPH")
        #expect(meta.line == 3)
        let section = tree.root.elements[1]
        #expect(section.attribute("title") == "Findings & analysis")
        #expect(section.text == "The CTG was <not> escalated — café.")
        #expect(section.line == 4)
        #expect(tree.unexpandedEntities.isEmpty)
        #expect(!tree.hasDoctype)
        // Whitespace-only text between elements is dropped; comments and PIs are not content.
        #expect(tree.root.children.count == 2)
    }

    @Test func mixedContentKeepsDocumentOrder() throws {
        let tree = try parse("<p>one <b>two</b> three<i/></p>")
        #expect(tree.root.children == [
            .text("one "), .element(XMLElement(name: "b", children: [.text("two")], line: 1)), .text(" three"),
            .element(XMLElement(name: "i", line: 1)),
        ])
        #expect(tree.root.text == "one two three")
    }

    @Test func cdataIsKeptAsText() throws {
        let tree = try parse("<r>before <![CDATA[<b>not markup</b> & more]]> after</r>")
        #expect(tree.root.text == "before <b>not markup</b> & more after")
        #expect(tree.root.elements.isEmpty)
    }

    @Test func malformedXMLReportsLineAndColumnOfFirstError() throws {
        let xml = "<report>\n  <section title=\"A\">ok</section>\n  <section title=\"B\" <b>text</b></section>\n\n</report>\n"
        let error = try #require(throws: XMLParseError.self) { try parse(xml) }
        #expect(error.line == 3)
        #expect(error.column > 0)
        #expect(!error.message.isEmpty)
        #expect(error.description.hasPrefix("line 3, column \(error.column): "))
    }

    @Test func mismatchedClosingTagOnLine3() throws {
        let xml = "<report>\n  <section title=\"A\">ok</section>\n  <section title=\"B\">text</sectio>\n  <section title=\"C\">more</section>\n</report>\n"
        let error = try #require(throws: XMLParseError.self) { try parse(xml) }
        #expect(error.line == 3)
        #expect(error.column > 0)
        #expect(error.message.lowercased().contains("mismatch"))
    }

    @Test func emptyAndNonXMLInputThrow() {
        #expect(throws: XMLParseError.self) { try parse("") }
        #expect(throws: XMLParseError.self) { try parse("just text, no markup") }
        #expect(throws: XMLParseError.self) { try parse("<a></a><b></b>") }
    }

    @Test func externalEntityIsNotExpanded() throws {
        let xml = #"<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>before&xxe;after</r>"#
        let tree = try parse(xml)
        #expect(!tree.root.text.contains("root:"))
        #expect(tree.root.text == "beforeafter")
        #expect(tree.unexpandedEntities == ["xxe"])
        #expect(tree.hasDoctype)
    }

    @Test func externalEntityInAttributeIsNotExpanded() throws {
        let xml = #"<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r a="x&xxe;y"/>"#
        // Either refused (external entities are not allowed in attributes) or left out; never read.
        if let tree = try? parse(xml) {
            #expect(!(tree.root.attribute("a") ?? "").contains("root:"))
        }
    }

    @Test func internalEntityIsListedNotExpanded() throws {
        let xml = #"<!DOCTYPE r [<!ENTITY who "the registrar">]><r>Call &who; now</r>"#
        let tree = try parse(xml)
        #expect(tree.unexpandedEntities == ["who"])
        #expect(!tree.root.text.contains("registrar"))
        #expect(tree.root.text == "Call  now")
    }

    @Test func billionLaughsParsesQuicklyWithoutExpansion() throws {
        var dtd = #"<!ENTITY lol "lol">"#
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            dtd += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE lolz [\(dtd)]><lolz>&lol9;</lolz>"
        let clock = ContinuousClock()
        let start = clock.now
        // libxml2 either refuses the amplification (2.9.x: "Detected an entity reference loop") or parses
        // without substituting; it must never expand.
        do {
            let tree = try parse(xml)
            #expect(tree.root.text.utf8.count < 100)
            #expect(tree.unexpandedEntities == ["lol9"])
        } catch {
            #expect(error.message.lowercased().contains("entit"))
            #expect(error.line == 1)
        }
        #expect(clock.now - start < .seconds(2))
    }

    @Test func smallNestedInternalEntitiesParseWithoutExpansion() throws {
        let xml = "<!DOCTYPE r [<!ENTITY a \"x\"><!ENTITY b \"&a;&a;\">]>\n<r>one &b; two</r>"
        let tree = try parse(xml)
        #expect(tree.root.text == "one  two")
        #expect(tree.unexpandedEntities == ["b"])
    }

    @Test func nestingBeyondMaximumDepthThrows() throws {
        let depth = 20
        let xml = String(repeating: "<a>\n", count: depth) + "x" + String(repeating: "</a>", count: depth)
        let error = try #require(throws: XMLParseError.self) { try parse(xml, maximumDepth: 10) }
        #expect(error.message.contains("10"))
        // The element that is one too deep starts on line 11.
        #expect(error.line == 11)
        // The same document is fine with room to spare.
        let tree = try parse(xml, maximumDepth: 25)
        #expect(tree.root.text == "\nx")
    }

    @Test func maximumDepthIsExact() throws {
        let xml = String(repeating: "<a>", count: 10) + String(repeating: "</a>", count: 10)
        _ = try parse(xml, maximumDepth: 10)
        #expect(throws: XMLParseError.self) { try parse(xml, maximumDepth: 9) }
    }

    @Test func veryDeepNestingIsRefusedByDefault() throws {
        let depth = 5000
        let xml = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        #expect(throws: XMLParseError.self) { try parse(xml) }
    }

    @Test func networkIsNeverUsedForExternalDTD() throws {
        let xml = #"<!DOCTYPE r SYSTEM "http://203.0.113.1/evil.dtd"><r>ok</r>"#
        let clock = ContinuousClock()
        let start = clock.now
        let tree = try parse(xml)
        #expect(tree.root.text == "ok")
        #expect(tree.hasDoctype)
        #expect(clock.now - start < .seconds(2))
    }
}
