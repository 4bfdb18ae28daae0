import CSV
import Foundation
import Testing
@testable import SiftKit

/// Reading CSV a run of whole records at a time (``CSVRecords``) gives the rows CSV.swift's own stream reader gives.
@Suite("CSV read in runs of records")
struct CSVRecordsTests {
    /// Header and rows through CSVRecords.
    static func rowsInRuns(_ bytes: [UInt8]) -> [[String]]? {
        let reader = CSVRecords(CheckedInputStream(InputStream(data: Data(bytes))))
        guard let header = try? reader.readHeader() else { return nil }
        var rows = [header]
        while let row = reader.next() { rows.append(row) }
        #expect(reader.error == nil)
        return rows
    }

    /// Header and rows through CSV.swift reading the checked stream a byte at a time (how Sift read CSV before).
    static func rowsFromStream(_ bytes: [UInt8]) -> [[String]]? {
        guard let reader = try? CSVReader(stream: CheckedInputStream(InputStream(data: Data(bytes))), hasHeaderRow: true) else { return nil }
        var rows = [reader.headerRow ?? []]
        while let row = reader.next() { rows.append(row) }
        return rows
    }

    static let cells = ["a", "plain text", "", "é", "😀 x", "1,5", "\"quoted\"", "\"with, comma\"", "\"two\nlines\"", "\"crlf\r\nin cell\"",
                        "\"lone\rcr\"", "\"doubled \"\" quote\"", "\"stray\" quote\"", "\"unclosed", "trailing\"", "\u{FEFF}bom"]
    static let breaks = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"]

    static func randomCSV(_ rng: inout SplitMix64, rows: Int, allowUnclosed: Bool) -> String {
        var text = "id,notes,more\r\n"
        for row in 0..<rows {
            var fields: [String] = []
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                var cell = cells[Int(rng.next() % UInt64(cells.count))]
                if cell == "\"unclosed" && (!allowUnclosed || row < rows - 1) { cell = "x" }
                fields.append(cell + String(repeating: "y", count: Int(rng.next() % 300)))
            }
            text += fields.joined(separator: ",") + breaks[Int(rng.next() % UInt64(breaks.count))]
        }
        return text
    }

    @Test func randomFilesOverManyRuns() {
        var rng = SplitMix64(seed: 5)
        for round in 0..<12 {
            let text = Self.randomCSV(&rng, rows: 200 + 150 * round, allowUnclosed: round % 3 == 0)
            let bytes = Array((round % 2 == 0 ? "\u{FEFF}" : "").utf8) + Array(text.utf8)
            #expect(bytes.count > 1 << 16 || round < 2)
            let runs = Self.rowsInRuns(bytes)
            #expect(runs != nil)
            #expect(runs == Self.rowsFromStream(bytes), "round \(round)")
        }
    }

    /// A line break, a quote or a character split across the 64 KiB read boundary.
    @Test(arguments: ["\r\n", "\r", "\n", "\"\"", "é", "😀", "\r\nb", "\"\r\n"])
    func boundaryFallsInside(sequence: String) {
        let header = "id,notes\n"
        for shift in 0..<4 {
            for quoted in [false, true] {
                var body = header + "1,"
                let target = (1 << 16) - 1 - shift
                if quoted { body += "\"" }
                body += String(repeating: "z", count: max(0, target - body.utf8.count))
                body += sequence + "tail" + (quoted ? "\"" : "") + "\r\n2,end\r\n"
                let bytes = Array(body.utf8)
                let runs = Self.rowsInRuns(bytes)
                #expect(runs == Self.rowsFromStream(bytes), "shift \(shift) quoted \(quoted)")
                #expect(runs?.last == ["2", "end"])
            }
        }
    }

    @Test func emptyAndHeaderOnlyFiles() {
        for text in ["", "\u{FEFF}", "id,notes", "id,notes\r\n", "\n", "\r\n\r\n", "\"id\",\"notes\"\r", "\u{FEFF}\"id\",notes\n1,2"] {
            let bytes = Array(text.utf8)
            #expect(Self.rowsInRuns(bytes) == Self.rowsFromStream(bytes), "\(Array(text.unicodeScalars))")
        }
        #expect(Self.rowsInRuns(Array("\u{FEFF}\"id\",notes\n1,2".utf8)) == [["id", "notes"], ["1", "2"]])
    }

    @Test func invalidUTF8IsRepairedAsBefore() {
        var bytes = Array("id,notes\n1,caf".utf8) + [0xE9] + Array(" ok\n2,".utf8)
        bytes += Array(repeating: UInt8(ascii: "w"), count: 70_000) + [0xF0, 0x9F] + Array("\n3,x\n".utf8)
        let runs = Self.rowsInRuns(bytes)
        #expect(runs == Self.rowsFromStream(bytes))
        #expect(runs?[1] == ["1", "caf\u{FFFD} ok"])
    }
}
