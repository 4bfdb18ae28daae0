import Foundation
import SiftXML
import Testing
@testable import SiftKit

/// The HTML summary is well formed (parsed with libxml2 through SiftXML), self-contained and accessible.
struct SummaryHTMLTests {
    static func summary(share: Bool = false) throws -> RunSummary {
        let lexicon = try Support.loadDefaultLexicon()
        let result = Pipeline(lexicon: lexicon, threads: 1).run(paths: [Support.packageRoot.appendingPathComponent("Corpora/sample").path])
        return RunSummary(result: result, lexicon: lexicon, options: SummaryOptions(
            command: ["run", "Corpora/sample"], disclosure: Disclosure(share: share, threshold: 8),
            baseline: DatePeriod(parsing: "2023-01-01..2024-06-30"), followUp: DatePeriod(parsing: "2024-07-01..2025-12-31")))
    }

    static func elements(_ element: XMLElement, named name: String) -> [XMLElement] {
        (element.name == name ? [element] : []) + element.elements.flatMap { elements($0, named: name) }
    }

    @Test(arguments: [false, true]) func htmlIsWellFormedAndAccessible(share: Bool) throws {
        let html = HTMLRenderer().render(try SummaryHTMLTests.summary(share: share))
        let tree = try XMLTree.parse(Array(html.utf8))
        #expect(tree.root.name == "html")
        #expect(tree.unexpandedEntities.isEmpty)
        #expect(!html.contains("<script"), "no JavaScript")
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/", with: "").contains("http://"), "no network")
        #expect(!html.contains("https://"))
        let h2 = SummaryHTMLTests.elements(tree.root, named: "h2").map(\.text)
        for section in ["Overview", "Target behaviour", "Pareto", "COM-B", "Units", "Baseline and follow-up", "Over time", "Evidence", "cannot show"] {
            #expect(h2.contains { $0.contains(section) }, "missing section \(section)")
        }
        for table in SummaryHTMLTests.elements(tree.root, named: "table") {
            #expect(table.elements.first?.name == "caption", "every table has a caption")
        }
        for svg in SummaryHTMLTests.elements(tree.root, named: "svg") {
            #expect(svg.elements.first?.name == "title" && svg.elements.dropFirst().first?.name == "desc", "every chart has a title and desc")
        }
        #expect(html.contains("@page"))
        if share {
            #expect(html.contains("1-7"))
            #expect(!html.contains("id=\"run-"), "no monthly run charts when shared")
        } else {
            #expect(html.contains("id=\"run-target_behaviour-title\""))
        }
    }

    @Test func reportTextIsEscaped() {
        #expect(HTMLRenderer.escape("<b>\"A&B\"</b> it's") == "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; it&#39;s")
        #expect(HTMLRenderer.escape("a\u{1}b") == "ab")
    }

    /// The escapers return text untouched when a byte scan finds nothing to change; every string here
    /// must come out exactly as a character-by-character escape gives it.
    @Test func escapersAgreeWithACharacterByCharacterEscape() {
        func htmlReference(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&#39;"
                default:
                    let v = scalar.value
                    if v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000 {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out
        }
        func markdownReference(_ text: String) -> String {
            var out = ""
            for character in text {
                switch character {
                case "|": out += "\\|"
                case "*", "_", "`", "<", ">", "[", "]": out += "\\" + String(character)
                case "\n", "\r": out += " "
                default: out.append(character)
                }
            }
            return out
        }
        let samples = ["", "plain words", "Midwife's note", "a & b", "x\u{7F}y", "tab\there", "line\nbreak", "crlf\r\nend",
                       "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "\u{EFBF}", "\u{F000}\u{FFFD}", "emoji \u{1F476}", "é", "e\u{301}",
                       "|\u{338}", "a|b", "*bold*", "_x_", "`code`", "[link]", "<tag>", "\u{0}", "\u{1F}", "ends with \u{FFFF}"]
        let markdown = MarkdownRenderer()
        for sample in samples {
            #expect(HTMLRenderer.escape(sample) == htmlReference(sample), "\(Array(sample.unicodeScalars))")
            #expect(markdown.escape(sample) == markdownReference(sample), "\(Array(sample.unicodeScalars))")
        }
        // Every byte value on its own and between letters.
        for value in 0..<0x80 {
            let sample = "a" + String(UnicodeScalar(UInt8(value))) + "b"
            #expect(HTMLRenderer.escape(sample) == htmlReference(sample))
            #expect(markdown.escape(sample) == markdownReference(sample))
        }
    }
}
