/// A half-open range of UTF-8 byte offsets into a report's text.
public struct TextRange: Hashable, Sendable, Codable, Comparable {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) {
        precondition(start <= end, "range start after end")
        self.start = start
        self.end = end
    }
    public init(_ range: Range<Int>) { self.init(range.lowerBound, range.upperBound) }
    public var range: Range<Int> { start..<end }
    public var length: Int { end - start }
    public static func < (lhs: TextRange, rhs: TextRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }
}

/// The input format a report came from.
public enum InputFormat: String, Sendable, Codable, CaseIterable {
    case text
    case xml
    case docx
    case csv
}

/// A section declared by the input itself (an XML `<section title>`, a Word heading, a CSV free-text
/// column), before segmentation. An empty title marks text before the first heading.
public struct DeclaredSection: Sendable, Hashable {
    public var title: String
    /// Range of the title line inside ``Document/text``.
    public var titleRange: TextRange
    /// Range of the section body inside ``Document/text``.
    public var bodyRange: TextRange
}

/// One ingested report: its text and what is known about it. Offsets of every later stage point
/// into ``text``.
public struct Document: Sendable {
    /// Unique within a run: front-matter `id`, XML `id` attribute, else the file name without extension.
    public var id: String
    /// The file it came from, as given on the command line (joined with the walked path).
    public var source: String
    public var format: InputFormat
    /// Metadata in the order it was written (front matter or XML `meta`), keys lower-cased.
    public var metadata: [(key: String, value: String)]
    /// The report text. For plain text, the decoded file (BOM removed); for XML, the section titles and bodies laid
    /// out one after another.
    public var text: String
    /// Where the body starts in ``text`` (after front matter).
    public var bodyStart: Int
    /// Sections the input declared (XML); empty when headings are to be found in the text.
    public var declaredSections: [DeclaredSection]

    public init(id: String, source: String, format: InputFormat, metadata: [(key: String, value: String)] = [], text: String,
                bodyStart: Int = 0, declaredSections: [DeclaredSection] = []) {
        self.id = id
        self.source = source
        self.format = format
        self.metadata = metadata
        self.text = text
        self.bodyStart = bodyStart
        self.declaredSections = declaredSections
    }

    /// The metadata value for `key` (case-insensitive), if any.
    public func meta(_ key: String) -> String? {
        let key = key.lowercased()
        return metadata.first { $0.key == key }?.value
    }

    /// The unit that wrote the report, if known.
    public var unit: String? { meta("unit") }
    /// The incident or report date (YYYY-MM-DD as written), if known.
    public var date: String? { meta("date") }
}
