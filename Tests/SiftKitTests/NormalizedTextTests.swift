import Testing
@testable import SiftKit

private func normalize(_ text: String) -> NormalizedText {
    NormalizedText(text.utf8, range: TextRange(0, text.utf8.count))
}

@Suite("NormalizedText")
struct NormalizedTextTests {
    @Test(arguments: [
        ("a\u{00A0}b", "a b"),
        ("a\u{202F}b", "a b"),
        ("a\tb", "a b"),
        ("a\nb", "a b"),
        ("a\r\nb", "a b"),
        ("a \t\u{00A0}\n\u{202F}  b", "a b"),
        ("a\u{2003}\u{2009}b", "a b"),
        ("  leading and trailing \n", "leading and trailing"),
    ])
    func whitespaceFoldsToOneSpace(input: String, expected: String) {
        #expect(normalize(input).string == expected)
    }

    @Test func dashesBecomeHyphenMinus() {
        #expect(normalize("pre\u{2013}eclampsia \u{2014} x\u{2011}y \u{2212}1").string == "pre-eclampsia - x-y -1")
    }

    @Test func curlyQuotesBecomeStraight() {
        #expect(normalize("\u{201C}Call the registrar\u{201D}, she said; the woman\u{2019}s \u{2018}gut feeling\u{2019}").string
            == "\"Call the registrar\", she said; the woman's 'gut feeling'")
    }

    @Test func zeroWidthAndSoftHyphenAreDropped() {
        #expect(normalize("esca\u{00AD}lated\u{200B} now\u{FEFF}").string == "escalated now")
    }

    @Test func otherNonASCIIIsKept() {
        #expect(normalize("Ménière’s café").string == "Ménière's café")
    }

    @Test func originalRangeMapsBackAfterMultibyteText() throws {
        let text = "Ménière’s — café\u{00A0}notes:\n\tthe CTG was not\u{00A0}\u{00A0}escalated."
        let normalized = normalize(text)
        #expect(normalized.string == "Ménière's - café notes: the CTG was not escalated.")
        let needle = Array("not escalated".utf8)
        let bytes = normalized.bytes
        let start = try #require((0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle })
        let original = normalized.originalRange(start..<(start + needle.count))
        #expect(text.bytes(original) == "not\u{00A0}\u{00A0}escalated")
        #expect(original == text.byteRange(of: "not\u{00A0}\u{00A0}escalated"))
    }

    @Test func originalRangeCoversFoldedCharactersWhole() throws {
        let text = "Ménière’s — café"
        let normalized = normalize(text)
        // Normalised "'s - c" starts at the apostrophe (1 byte, was 3) and spans the folded dash.
        let normalizedString = normalized.string
        let start = try #require(normalizedString.byteRange(of: "'s - c"))
        let original = normalized.originalRange(start.range)
        #expect(text.bytes(original) == "’s — c")
        // A range inside a multibyte character maps to the whole character.
        let e = try #require(normalizedString.byteRange(of: "é"))
        #expect(text.bytes(normalized.originalRange(e.start..<(e.start + 1))) == "é")
    }

    @Test func subrangeOffsetsAreIntoTheWholeText() throws {
        let text = "Préambule — ignored. The CTG was not escalated."
        let sentence = try #require(text.byteRange(of: "The CTG was not escalated."))
        let normalized = NormalizedText(text.utf8, range: sentence)
        #expect(normalized.string == "The CTG was not escalated.")
        let inNormalized = try #require(normalized.string.byteRange(of: "not escalated"))
        #expect(inNormalized == TextRange(12, 25))
        let original = normalized.originalRange(inNormalized.range)
        #expect(text.bytes(original) == "not escalated")
        #expect(original.start > sentence.start)
    }

    @Test func emptyRangeMapsToAPoint() {
        let text = "ab  cd"
        let normalized = normalize(text)
        #expect(normalized.originalRange(2..<2) == TextRange(2, 2))
        #expect(normalized.originalRange(5..<5).length == 0)
        #expect(normalized.originalRange(5..<5).start == text.utf8.count)
    }

    @Test func emptyAndBlankText() {
        #expect(normalize("").bytes.isEmpty)
        #expect(normalize(" \n\t\u{00A0}").bytes.isEmpty)
    }
}
