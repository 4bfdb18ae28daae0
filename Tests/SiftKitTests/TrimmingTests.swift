import Foundation
import Testing
@testable import SiftKit

/// The ingesters' trimming removes exactly what Foundation's `trimmingCharacters(in:)` removes.
@Suite("Trimming without Foundation")
struct TrimmingTests {
    /// Every ASCII character, Unicode spaces and line separators, characters next to them that are not spaces,
    /// and characters outside the BMP (a surrogate pair in NSString).
    static let pieces: [String] = (0..<128).map { String(Unicode.Scalar(UInt8($0))) } + [
        "\u{85}", "\u{A0}", "\u{AD}", "\u{1680}", "\u{180E}", "\u{2000}", "\u{200A}", "\u{200B}", "\u{2028}", "\u{2029}", "\u{202F}",
        "\u{205F}", "\u{3000}", "\u{FEFF}", "é", "e\u{301}", "\u{301}", "😀", "\r\n", "中",
    ]

    @Test func sameAsFoundationOnRandomText() {
        var rng = SplitMix64(seed: 11)
        for round in 0..<3000 {
            var text = ""
            for _ in 0..<(round % 9) { text += Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))] }
            #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines),
                    "\(Array(text.unicodeScalars))")
            #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces), "\(Array(text.unicodeScalars))")
        }
    }

    @Test func eachSingleCharacterAtBothEnds() {
        for piece in Self.pieces {
            for text in [piece, piece + "x" + piece, "x" + piece, piece + "x", piece + piece + "a b" + piece] {
                #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines))
                #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
            }
        }
        #expect("\u{3000} \t\r\n Root cause \u{A0}\n".trimmingWhitespaceAndNewlines() == "Root cause")
        #expect(" \tRoot cause\n ".trimmingWhitespace() == "Root cause\n")
    }
}
