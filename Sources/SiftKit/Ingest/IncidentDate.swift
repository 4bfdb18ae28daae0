import Foundation

/// Normalises the dates incident exports carry to `YYYY-MM-DD`: `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`,
/// `YYYY-MM-DD`, `YYYY/MM/DD`, `DD Mon YYYY` / `DD-Mon-YYYY` (English month names), each optionally
/// followed by a time (`14:30`, `14:30:00`, `T14:30:00Z`, `00:00:00.000`). Day-first, as UK exports
/// write them; a date that does not exist (31/02/2024) is not understood.
public enum IncidentDate {
    public static func normalize(_ raw: String) -> String? {
        var text = raw.trimmingWhitespaceAndNewlines()
        guard !text.isEmpty, text.count <= 40 else { return nil }
        // Drop a trailing time: "T14:30:00Z", " 14:30", " 14:30:00.000", " 2:30 PM".
        if let t = text.firstIndex(where: { $0 == "T" || $0 == " " }), text[text.index(after: t)...].contains(":") {
            let time = String(text[text.index(after: t)...]).trimmingWhitespace()
            let timeOK = time.allSatisfy { $0.isNumber || ":.+-Z ".contains($0) || "APMapm".contains($0) } && time.first?.isNumber == true
            guard timeOK else { return nil }
            text = String(text[..<t])
        }
        let parts = text.split(whereSeparator: { "/-. ".contains($0) }).map(String.init)
        guard parts.count == 3 else { return nil }
        var year: Int?, month: Int?, day: Int?
        if parts[0].count == 4, let y = Int(parts[0]) {
            year = y; month = Int(parts[1]); day = Int(parts[2])
        } else if parts[2].count == 4, let y = Int(parts[2]) {
            year = y; day = Int(parts[0])
            month = Int(parts[1]) ?? monthNumber(parts[1])
        }
        guard let year, let month, let day, (1900...2200).contains(year), (1...12).contains(month) else { return nil }
        guard parts.allSatisfy({ $0.count <= 9 }), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    static func monthNumber(_ name: String) -> Int? {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let lower = name.lowercased()
        guard lower.count >= 3 else { return nil }
        if lower == "sept" { return 9 }
        let full = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
        if let index = months.firstIndex(of: lower) ?? full.firstIndex(of: lower) { return index + 1 }
        return nil
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
