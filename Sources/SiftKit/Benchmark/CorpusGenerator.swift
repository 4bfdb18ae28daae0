import Foundation

/// The forms a generated report is written in.
public enum CorpusFormat: String, Sendable, CaseIterable, Codable {
    /// Plain text with front matter, one file per report.
    case txt
    /// Sift XML (`<report id unit date>`), one file per report.
    case xml
    /// Datix-style CSV export, one row per report, one file per ``CorpusGenerator/rowsPerCSVFile`` rows.
    case csv

    /// Parses `txt,xml,csv`.
    public static func list(_ text: String) -> [CorpusFormat]? {
        var formats: [CorpusFormat] = []
        for piece in text.split(separator: ",") {
            guard let format = CorpusFormat(rawValue: piece.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            if !formats.contains(format) { formats.append(format) }
        }
        return formats.isEmpty ? nil : formats
    }
}

/// One invented report, before it is written in a format.
public struct GeneratedReport: Sendable {
    public struct Section: Sendable {
        /// Which RCA section this is (`summary`, `findings`, `recommendations`, ...).
        public var key: String
        public var title: String
        /// Paragraphs, chronology lines or list items, each written on its own line(s).
        public var lines: [String]
        /// Lines that belong together are separated by a blank line in text, by a newline elsewhere.
        public var paragraphs: Bool
    }

    /// A sentence drawn from a factor template: what a reader should make of it.
    public struct Planted: Sendable, Hashable {
        public var factor: String
        /// `positive` (the factor contributed) or a hard negative: `negated`, `hypothetical`, `praised`,
        /// `recommendation`.
        public var kind: String
        public var section: String
        public var sentence: String
    }

    public var index: Int
    public var id: String
    public var unit: String
    /// YYYY-MM-DD.
    public var date: String
    public var time: String
    public var incidentType: String
    public var format: CorpusFormat
    public var sections: [Section]
    public var planted: [Planted]

    /// Factors with a positive planted sentence.
    public var positiveFactors: Set<String> { Set(planted.filter { $0.kind == "positive" }.map(\.factor)) }
    /// Factors with only hard-negative planted sentences: Sift should not count them.
    public var hardNegativeFactors: Set<String> {
        Set(planted.filter { $0.kind != "positive" }.map(\.factor)).subtracting(positiveFactors)
    }
}

/// What a generated corpus holds.
public struct CorpusManifest: Sendable, Codable, Equatable {
    public var generator: String
    public var seed: UInt64
    public var count: Int
    public var formats: [CorpusFormat]
    /// Reports per format.
    public var reports: [String: Int]
    /// Files written, relative to the corpus folder, in byte order.
    public var files: [String]
    /// Total bytes of the files written.
    public var bytes: Int
}

/// Writes a deterministic corpus of invented maternity SI reports for benchmarks and tests: the same seed
/// and count give byte-identical files. Report `i` depends only on the seed and `i`, so a smaller corpus
/// is the first part of a larger one. Reports are spread over the formats in turn (report `i` is in
/// `formats[i % formats.count]`).
///
/// Layout: `txt/NNN/gen-XXXXXXX.txt` and `xml/NNN/gen-XXXXXXX.xml` (1,000 files per folder),
/// `csv/datix-NNNN.csv` (10,000 rows per file), and `.sift-corpus.json` (the manifest; hidden, so
/// `sift run` does not read it).
public struct CorpusGenerator: Sendable {
    public static let version = "sift-corpus-1"
    public static let rowsPerCSVFile = 10_000
    public static let filesPerFolder = 1_000
    public static let manifestName = ".sift-corpus.json"
    public static let csvHeader = ["inc_ourref", "inc_dincident", "inc_unit", "inc_notes", "inc_actiontaken", "inc_root_causes", "inc_inv_lessons"]

    public var seed: UInt64
    public var formats: [CorpusFormat]

    public init(seed: UInt64, formats: [CorpusFormat] = CorpusFormat.allCases) {
        precondition(!formats.isEmpty, "at least one format")
        self.seed = seed
        self.formats = formats
    }

    // MARK: - Reports

    /// Report `index` (0-based).
    public func report(_ index: Int) -> GeneratedReport {
        var rng = SplitMix64(seed: seed, stream: UInt64(index))
        var filler = Filler()
        let format = formats[index % formats.count]
        let id = "gen-" + pad(index + 1, 7)
        let unit = rng.pick(CorpusTemplates.units)
        let date = CorpusGenerator.date(daysAfter2022: rng.below(3 * 365 + 1))
        let time = pad(rng.below(24), 2) + ":" + pad(rng.below(60), 2)
        let incidentType = rng.pick(CorpusTemplates.incidentTypes)
        var planted: [GeneratedReport.Planted] = []

        // Factors that contributed (1-4, escalation more often), and hard negatives about other factors.
        let byFactor = Dictionary(grouping: CorpusTemplates.factorSentences, by: \.factor)
        let factorIDs = byFactor.keys.sorted()
        var positives: [String] = rng.chance(55) ? ["escalation_delay"] : []
        for factor in rng.sample(factorIDs, rng.between(1, 3)) where !positives.contains(factor) { positives.append(factor) }
        let negativePool = CorpusTemplates.factorSentences.filter { $0.kind != .positive && !positives.contains($0.factor) }
        let negatives = rng.sample(negativePool, rng.between(1, 4))

        func sentence(_ template: CorpusTemplates.Template, section: String) -> String {
            let text = filler.fill(template.text, &rng)
            planted.append(.init(factor: template.factor, kind: template.kind.rawValue, section: section, sentence: text))
            return text
        }
        func positive(_ factor: String, section: String) -> String {
            sentence(rng.pick(byFactor[factor]!.filter { $0.kind == .positive }), section: section)
        }
        func neutral(_ pool: [String], _ count: Int) -> [String] {
            rng.sample(pool, count).map { filler.fill($0, &rng) }
        }
        func paragraphs(_ sentences: [String]) -> [String] {
            var result: [String] = []
            var index = 0
            while index < sentences.count {
                let size = rng.between(2, 4)
                result.append(sentences[index..<min(sentences.count, index + size)].joined(separator: " "))
                index += size
            }
            return result
        }
        func heading(_ key: String) -> String { rng.pick(CorpusTemplates.headings[key]!) }

        var sections: [GeneratedReport.Section] = []
        let intro = "This investigation concerns \(incidentType.lowercased()) at \(unit) on \(CorpusGenerator.longDate(date))."
        sections.append(.init(key: "summary", title: heading("summary"),
                              lines: paragraphs([intro] + neutral(CorpusTemplates.background, rng.between(2, 3))), paragraphs: true))
        sections.append(.init(key: "background", title: heading("background"),
                              lines: paragraphs(neutral(CorpusTemplates.background, rng.between(3, 5))), paragraphs: true))

        // Chronology: dated, timed lines in order.
        var minutes = rng.between(6 * 60, 20 * 60)
        var chronology: [String] = []
        let day = CorpusGenerator.ukDate(date)
        let separator = rng.pick([" - ", " | ", "  ", ": "])
        let events = rng.sample(Array(CorpusTemplates.chronology.indices), rng.between(9, 15)).sorted().map {
            filler.fill(CorpusTemplates.chronology[$0], &rng)
        }
        for event in events {
            minutes += rng.between(5, 75)
            let clock = pad((minutes / 60) % 24, 2) + ":" + pad(minutes % 60, 2)
            chronology.append(day + " " + clock + separator + event)
        }
        sections.append(.init(key: "chronology", title: heading("chronology"), lines: chronology, paragraphs: false))

        // Findings: each contributing factor once, hard negatives stated as findings, neutral lines.
        var findings = positives.map { positive($0, section: "findings") }
        for template in negatives where template.kind == .negated || template.kind == .hypothetical {
            findings.append(sentence(template, section: "findings"))
        }
        findings += neutral(CorpusTemplates.neutralFindings, rng.between(2, 3))
        var shuffled: [String] = []
        while !findings.isEmpty { shuffled.append(findings.remove(at: rng.below(findings.count))) }
        sections.append(.init(key: "findings", title: heading("findings"), lines: paragraphs(shuffled), paragraphs: true))

        sections.append(.init(key: "contributory", title: heading("contributory"),
                              lines: positives.map { "- " + positive($0, section: "contributory") }, paragraphs: false))
        sections.append(.init(key: "rootcause", title: heading("rootcause"),
                              lines: [positive(positives[0], section: "rootcause")], paragraphs: true))

        var notable = negatives.filter { $0.kind == .praised }.map { sentence($0, section: "notable") }
        notable += neutral(CorpusTemplates.praise, rng.between(1, 2))
        sections.append(.init(key: "notable", title: heading("notable"), lines: notable, paragraphs: true))

        sections.append(.init(key: "lessons", title: heading("lessons"),
                              lines: paragraphs(neutral(CorpusTemplates.neutralFindings, rng.between(1, 2))), paragraphs: true))

        var recommendations = negatives.filter { $0.kind == .recommendation }.map { sentence($0, section: "recommendations") }
        recommendations += neutral(CorpusTemplates.actions, rng.between(1, 2)).map { $0 + "." }
        sections.append(.init(key: "recommendations", title: heading("recommendations"),
                              lines: recommendations.enumerated().map { "\($0.offset + 1). \($0.element)" }, paragraphs: false))
        sections.append(.init(key: "actions", title: heading("actions"),
                              lines: neutral(CorpusTemplates.actions, rng.between(2, 3)).enumerated().map {
                                  "\($0.offset + 1). \($0.element) (owner: \(rng.pick(["Director of Midwifery", "Clinical Director", "Governance Lead", "Practice Development Midwife"])); due \(rng.pick(["March", "June", "September", "December"])) \(rng.between(2024, 2026)))."
                              }, paragraphs: false))

        return GeneratedReport(index: index, id: id, unit: unit, date: date, time: time, incidentType: incidentType, format: format,
                               sections: sections, planted: planted)
    }

    // MARK: - Formats

    /// The report as a plain-text file with front matter.
    public func text(_ report: GeneratedReport) -> String {
        var out = "---\nid: \(report.id)\nunit: \(report.unit)\ndate: \(report.date)\nincident_type: \(report.incidentType)\n---\n"
        out += "SERIOUS INCIDENT INVESTIGATION REPORT\n\n"
        for (number, section) in report.sections.enumerated() {
            out += "\(number + 1). \(section.title)\n\n"
            out += section.lines.joined(separator: section.paragraphs ? "\n\n" : "\n")
            out += "\n\n"
        }
        return out
    }

    /// The report in the Sift XML schema.
    public func xml(_ report: GeneratedReport) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<report id=\"\(escape(report.id))\" unit=\"\(escape(report.unit))\" date=\"\(report.date)\">\n"
        out += "  <meta name=\"incident_type\">\(escape(report.incidentType))</meta>\n"
        for section in report.sections {
            out += "  <section title=\"\(escape(section.title))\">\n"
            out += escape(section.lines.joined(separator: section.paragraphs ? "\n\n" : "\n"))
            out += "\n  </section>\n"
        }
        out += "</report>\n"
        return out
    }

    /// The report as one Datix-style CSV row (CRLF-terminated, every cell quoted).
    public func csvRow(_ report: GeneratedReport) -> String {
        func cell(_ keys: [String]) -> String {
            report.sections.filter { keys.contains($0.key) }.map { $0.lines.joined(separator: "\n") }.joined(separator: "\n\n")
        }
        let incidentDate = CorpusGenerator.ukDate(report.date) + " " + report.time
        let cells = [report.id, incidentDate, report.unit, cell(["summary", "background", "chronology"]), cell(["recommendations", "actions"]),
                     cell(["findings", "contributory", "rootcause"]), cell(["notable", "lessons"])]
        return cells.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\r\n"
    }

    public static var csvHeaderLine: String { csvHeader.joined(separator: ",") + "\r\n" }

    // MARK: - Writing

    /// Writes reports `0..<count` under `directory` (created if needed) and returns the manifest.
    /// Files already in the folder are left alone, except the ones written.
    @discardableResult
    public func write(count: Int, to directory: String) throws -> CorpusManifest {
        let root = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var files: [String] = []
        var bytes = 0
        var perFormat: [String: Int] = [:]
        var csv = Data()
        var csvRows = 0
        var csvFiles = 0
        var madeFolders: Set<String> = []

        func put(_ relative: String, _ data: Data) throws {
            let url = root.appendingPathComponent(relative)
            let folder = url.deletingLastPathComponent().path
            if madeFolders.insert(folder).inserted {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            try data.write(to: url)
            files.append(relative)
            bytes += data.count
        }
        func flushCSV() throws {
            guard csvRows > 0 else { return }
            csvFiles += 1
            try put("csv/datix-\(pad(csvFiles, 4)).csv", csv)
            csv = Data()
            csvRows = 0
        }

        for index in 0..<count {
            let report = report(index)
            perFormat[report.format.rawValue, default: 0] += 1
            let folder = pad(index / CorpusGenerator.filesPerFolder, 3)
            switch report.format {
            case .txt: try put("txt/\(folder)/\(report.id).txt", Data(text(report).utf8))
            case .xml: try put("xml/\(folder)/\(report.id).xml", Data(xml(report).utf8))
            case .csv:
                if csvRows == 0 { csv.append(contentsOf: CorpusGenerator.csvHeaderLine.utf8) }
                csv.append(contentsOf: csvRow(report).utf8)
                csvRows += 1
                if csvRows == CorpusGenerator.rowsPerCSVFile { try flushCSV() }
            }
        }
        try flushCSV()
        files.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let manifest = CorpusManifest(generator: CorpusGenerator.version, seed: seed, count: count, formats: formats, reports: perFormat,
                                      files: files, bytes: bytes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: root.appendingPathComponent(CorpusGenerator.manifestName))
        return manifest
    }

    // MARK: - Helpers

    /// Calendar date `days` after 2022-01-01, as YYYY-MM-DD (proleptic Gregorian, no time zones involved).
    static func date(daysAfter2022 days: Int) -> String {
        var year = 2022
        var remaining = days
        func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        while remaining >= (isLeap(year) ? 366 : 365) {
            remaining -= isLeap(year) ? 366 : 365
            year += 1
        }
        var lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        if isLeap(year) { lengths[1] = 29 }
        var month = 0
        while remaining >= lengths[month] {
            remaining -= lengths[month]
            month += 1
        }
        return "\(year)-\(pad(month + 1, 2))-\(pad(remaining + 1, 2))"
    }

    /// YYYY-MM-DD as DD/MM/YYYY.
    static func ukDate(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    /// YYYY-MM-DD as "3 February 2024".
    static func longDate(_ iso: String) -> String {
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let parts = iso.split(separator: "-").map { Int($0)! }
        return "\(parts[2]) \(months[parts[1] - 1]) \(parts[0])"
    }

    private func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// Zero-padded decimal.
private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// Fills template placeholders.
private struct Filler {
    mutating func fill(_ template: String, _ rng: inout SplitMix64) -> String {
        guard template.contains("{") else { return template }
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += value(name, &rng)
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    private func value(_ name: String, _ rng: inout SplitMix64) -> String {
        let capitalised = name.first?.isUppercase == true
        let text: String
        switch name.lowercased() {
        case "mw": text = rng.pick(CorpusTemplates.midwives)
        case "sr": text = rng.pick(CorpusTemplates.seniors)
        case "obs": text = rng.pick(CorpusTemplates.observations)
        case "dur": text = rng.pick(CorpusTemplates.durations)
        case "time": text = pad(rng.below(24), 2) + ":" + pad(rng.below(60), 2)
        case "woman": text = rng.chance(50) ? "the woman" : "Mrs " + rng.pick(CorpusTemplates.initials)
        case "area": text = rng.pick(CorpusTemplates.areas)
        case "n": text = String(rng.between(3, 12))
        case "age": text = String(rng.between(19, 44))
        default: text = "{" + name + "}"
        }
        guard capitalised, let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }
}
