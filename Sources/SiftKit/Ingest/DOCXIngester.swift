import Foundation
import SiftXML
import ZIPFoundation

/// Reads Word `.docx` reports: `word/document.xml` (parsed by libxml2 without entity expansion) in
/// paragraph order. Headings (styles Heading 1-9 and Title, an outline level, or a short paragraph whose
/// text is all bold) become declared sections; text before the first heading is a section with an empty
/// title; tables become one line per row, cells separated by " | "; list paragraphs become "- item"
/// lines. Headers, footers, comments, footnotes, deleted text and field codes are left out. A document
/// without any heading is laid out as plain text so that the sectionizer finds typed headings.
///
/// Zip bombs are refused: limits on the entry count, the declared total size and every entry's
/// compression ratio, and bytes are counted while extracting (extraction stops at the limit).
public struct DOCXIngester: Ingester {
    public let extensions = ["docx"]

    public struct Limits: Sendable, Equatable {
        /// Most entries a package may list.
        public var maximumEntries: Int
        /// Most bytes all entries may declare, uncompressed, together.
        public var maximumTotalUncompressedSize: UInt64
        /// Most bytes one part read (document.xml, styles.xml, core.xml) may expand to.
        public var maximumPartSize: Int
        /// Highest uncompressed / compressed ratio for an entry larger than `ratioThreshold` bytes.
        public var maximumCompressionRatio: Double
        public var ratioThreshold: UInt64

        public init(maximumEntries: Int = 5_000, maximumTotalUncompressedSize: UInt64 = 512 << 20, maximumPartSize: Int = 64 << 20,
                    maximumCompressionRatio: Double = 200, ratioThreshold: UInt64 = 1 << 20) {
            self.maximumEntries = maximumEntries
            self.maximumTotalUncompressedSize = maximumTotalUncompressedSize
            self.maximumPartSize = maximumPartSize
            self.maximumCompressionRatio = maximumCompressionRatio
            self.ratioThreshold = ratioThreshold
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    struct Failure: Error {
        var code: String
        var message: String
        var line: Int? = nil
        var column: Int? = nil
    }

    public func ingest(bytes: [UInt8], source: String) -> IngestResult {
        do {
            return try read(bytes, source: source)
        } catch let failure as Failure {
            return IngestResult(documents: [], diagnostics: [Diagnostic(.error, file: source, line: failure.line, column: failure.column,
                                                                        code: failure.code, "skipped: " + failure.message)])
        } catch {
            return IngestResult(documents: [], diagnostics: [Diagnostic(.error, file: source, code: "corrupt-docx", "skipped: cannot read .docx: \(error)")])
        }
    }

    private func read(_ bytes: [UInt8], source: String) throws -> IngestResult {
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            let marker = Array("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            if DOCXIngester.contains(bytes, marker) {
                throw Failure(code: "encrypted-docx", message: "password-protected (encrypted) Word document; save an unprotected copy as .docx")
            }
            throw Failure(code: "legacy-doc", message: "Word 97-2003 binary document (OLE compound file), not .docx; save it as .docx")
        }
        guard bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) else {
            throw Failure(code: "corrupt-docx", message: "not a .docx: the file is not a zip package")
        }
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw Failure(code: "corrupt-docx", message: "corrupt zip package (\(error))")
        }
        // Declared sizes first: entry count, total, ratio.
        var count = 0
        var total: UInt64 = 0
        var names: Set<String> = []
        for entry in archive {
            count += 1
            guard count <= limits.maximumEntries else {
                throw Failure(code: "zip-bomb", message: "zip package lists more than \(limits.maximumEntries) entries")
            }
            names.insert(entry.path)
            total += entry.uncompressedSize
            guard total <= limits.maximumTotalUncompressedSize else {
                throw Failure(code: "zip-bomb", message: "zip entries declare more than \(limits.maximumTotalUncompressedSize) bytes uncompressed")
            }
            if entry.uncompressedSize > limits.ratioThreshold {
                let ratio = Double(entry.uncompressedSize) / Double(max(entry.compressedSize, 1))
                guard ratio <= limits.maximumCompressionRatio else {
                    throw Failure(code: "zip-bomb", message: "entry \(entry.path) expands \(Int(ratio)) times (limit \(Int(limits.maximumCompressionRatio)))")
                }
            }
        }
        if names.contains("EncryptedPackage") || names.contains("EncryptionInfo") {
            throw Failure(code: "encrypted-docx", message: "password-protected (encrypted) Word document; save an unprotected copy as .docx")
        }
        guard names.contains("word/document.xml") else {
            throw Failure(code: "missing-document-xml", message: "no word/document.xml in the package (not a Word document, or damaged)")
        }
        var diagnostics: [Diagnostic] = []
        let documentXML = try extract("word/document.xml", from: archive)
        let tree: XMLTree
        do {
            tree = try XMLTree.parse(documentXML)
        } catch {
            throw Failure(code: "malformed-xml", message: "word/document.xml: malformed XML: \(error.message)", line: error.line, column: error.column)
        }
        if !tree.unexpandedEntities.isEmpty {
            diagnostics.append(Diagnostic(.warning, file: source, code: "entity-not-expanded",
                                          "word/document.xml: entity references not expanded; their text is omitted"))
        }
        var styles = WordStyles()
        if names.contains("word/styles.xml") {
            if let parsed = try? XMLTree.parse(try extract("word/styles.xml", from: archive)) {
                styles = WordStyles(parsed.root)
            } else {
                diagnostics.append(Diagnostic(.warning, file: source, code: "malformed-xml", "word/styles.xml unreadable; heading styles by id only"))
            }
        }
        var metadata: [(key: String, value: String)] = []
        let stem = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        metadata.append(("id", stem))
        if names.contains("docProps/core.xml") {
            if let core = try? XMLTree.parse(try extract("docProps/core.xml", from: archive)) {
                for element in core.root.elements {
                    let value = element.text.trimmingWhitespaceAndNewlines()
                    guard !value.isEmpty else { continue }
                    if element.name == "title" { metadata.append(("title", value)) }
                    if element.name == "created" { metadata.append(("created", value)) }
                }
            } else {
                diagnostics.append(Diagnostic(.warning, file: source, code: "malformed-xml", "docProps/core.xml unreadable; title and date left out"))
            }
        }
        guard tree.root.name == "document", let body = tree.root.elements.first(where: { $0.name == "body" }) else {
            throw Failure(code: "missing-document-xml", message: "word/document.xml has no <w:body>", line: tree.root.line)
        }
        var reader = WordBodyReader(styles: styles)
        reader.read(body)
        let (text, declared) = WordBodyReader.layout(reader.blocks)
        let document = Document(id: stem, source: source, format: .docx, metadata: metadata, text: text, declaredSections: declared)
        return IngestResult(documents: [document], diagnostics: diagnostics)
    }

    /// Extracts one part, counting bytes as they come and stopping at the limits whatever the header says.
    private func extract(_ path: String, from archive: Archive) throws -> [UInt8] {
        guard let entry = archive[path] else { throw Failure(code: "missing-document-xml", message: "no \(path) in the package") }
        var bytes: [UInt8] = []
        let limit = limits.maximumPartSize
        let compressed = max(entry.compressedSize, 1)
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                bytes.append(contentsOf: chunk)
                if bytes.count > limit {
                    throw Failure(code: "zip-bomb", message: "\(path) expands past \(limit) bytes; extraction stopped")
                }
                if UInt64(bytes.count) > limits.ratioThreshold, Double(bytes.count) / Double(compressed) > limits.maximumCompressionRatio {
                    throw Failure(code: "zip-bomb", message: "\(path) expands more than \(Int(limits.maximumCompressionRatio)) times; extraction stopped")
                }
                if UInt64(bytes.count) > entry.uncompressedSize {
                    throw Failure(code: "zip-bomb", message: "\(path) is larger than its declared \(entry.uncompressedSize) bytes; extraction stopped")
                }
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(code: "corrupt-docx", message: "\(path): corrupt or encrypted zip entry (\(error))")
        }
        return bytes
    }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var index = 0
        while index <= bytes.count - needle.count {
            if bytes[index] == first && bytes[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}

/// Heading and list information from word/styles.xml.
struct WordStyles {
    struct Style {
        var name: String
        var basedOn: String?
        var outlineLevel: Int?
        var isList: Bool
    }
    var styles: [String: Style] = [:]

    init() {}

    init(_ root: XMLElement) {
        for style in root.elements where style.name == "style" {
            guard let id = style.attribute("styleId") else { continue }
            let name = style.elements.first { $0.name == "name" }?.attribute("val") ?? id
            let basedOn = style.elements.first { $0.name == "basedOn" }?.attribute("val")
            let pPr = style.elements.first { $0.name == "pPr" }
            let outline = pPr?.elements.first { $0.name == "outlineLvl" }?.attribute("val").flatMap(Int.init)
            let isList = pPr?.elements.contains { $0.name == "numPr" } ?? false
            styles[id] = Style(name: name, basedOn: basedOn, outlineLevel: outline, isList: isList)
        }
    }

    /// Whether style `id` is a heading: ids Heading1-9 / Title, names "heading 1-9" / "Title", an outline level 0-8,
    /// or based on such a style.
    func isHeading(_ id: String) -> Bool {
        var current: String? = id
        var seen: Set<String> = []
        while let styleID = current, seen.insert(styleID).inserted, seen.count < 10 {
            if WordStyles.headingName(styleID) { return true }
            guard let style = styles[styleID] else { return false }
            if WordStyles.headingName(style.name) || (style.outlineLevel.map { (0...8).contains($0) } ?? false) { return true }
            current = style.basedOn
        }
        return false
    }

    func isList(_ id: String) -> Bool { styles[id]?.isList ?? false }

    static func headingName(_ name: String) -> Bool {
        let compact = name.lowercased().replacingOccurrences(of: " ", with: "")
        if compact == "title" { return true }
        guard compact.hasPrefix("heading"), compact.count == 8, let digit = compact.last?.wholeNumberValue else { return false }
        return (1...9).contains(digit)
    }
}

/// Turns `<w:body>` into blocks: paragraphs (headings, list items, plain) and table rows.
struct WordBodyReader {
    enum Kind: Equatable { case heading, listItem, paragraph, tableRow(Int) }
    struct Block { var kind: Kind; var text: String }

    let styles: WordStyles
    var blocks: [Block] = []
    var tableCount = 0

    init(styles: WordStyles) { self.styles = styles }

    mutating func read(_ container: XMLElement) {
        for child in container.elements {
            switch child.name {
            case "p": paragraph(child)
            case "tbl": table(child)
            case "sectPr", "del", "moveFrom", "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "proofErr": break
            default: read(child)  // sdt/sdtContent, customXml, ins, ...
            }
        }
    }

    mutating func paragraph(_ p: XMLElement) {
        let properties = p.elements.first { $0.name == "pPr" }
        let style = properties?.elements.first { $0.name == "pStyle" }?.attribute("val")
        let numbering = properties?.elements.first { $0.name == "numPr" }
        let numID = numbering?.elements.first { $0.name == "numId" }?.attribute("val")
        let outline = properties?.elements.first { $0.name == "outlineLvl" }?.attribute("val").flatMap(Int.init)
        var runs: [(text: String, bold: Bool)] = []
        WordBodyReader.collectRuns(p, into: &runs)
        let text = runs.map(\.text).joined().trimmingWhitespaceAndNewlines()
        guard !text.isEmpty else { return }
        let isList = (numbering != nil && numID != "0") || (numbering == nil && style.map(styles.isList) == true)
        let styledHeading = style.map(styles.isHeading) == true || (outline.map { (0...8).contains($0) } ?? false)
        let visible = runs.filter { !$0.text.trimmingWhitespace().isEmpty }
        let boldTitle = !visible.isEmpty && visible.allSatisfy(\.bold) && WordBodyReader.isShortTitle(text)
        if (styledHeading || boldTitle) && !text.contains("\n") {
            blocks.append(Block(kind: .heading, text: text))
        } else if isList {
            blocks.append(Block(kind: .listItem, text: "- " + text))
        } else {
            blocks.append(Block(kind: .paragraph, text: text))
        }
    }

    /// Short enough to be a title line: at most 12 words and 100 characters, not ending like a sentence.
    static func isShortTitle(_ text: String) -> Bool {
        guard text.count <= 100, text.split(separator: " ").count <= 12, let last = text.last else { return false }
        return !".;,!?".contains(last) && text.contains(where: \.isLetter)
    }

    mutating func table(_ tbl: XMLElement) {
        tableCount += 1
        let table = tableCount
        for row in tbl.elements where row.name == "tr" {
            var cells: [String] = []
            for cell in row.elements where cell.name == "tc" || cell.name == "sdt" {
                cells.append(WordBodyReader.cellText(cell))
            }
            guard cells.contains(where: { !$0.isEmpty }) else { continue }
            blocks.append(Block(kind: .tableRow(table), text: cells.joined(separator: " | ")))
        }
    }

    /// A cell's paragraphs (and nested tables) on one line.
    static func cellText(_ cell: XMLElement) -> String {
        var parts: [String] = []
        func visit(_ element: XMLElement) {
            for child in element.elements {
                switch child.name {
                case "p":
                    var runs: [(text: String, bold: Bool)] = []
                    collectRuns(child, into: &runs)
                    let text = runs.map(\.text).joined().split(whereSeparator: \.isNewline).joined(separator: " ")
                        .trimmingWhitespace()
                    if !text.isEmpty { parts.append(text) }
                case "tcPr", "del", "moveFrom": break
                default: visit(child)
                }
            }
        }
        visit(cell)
        return parts.joined(separator: " ")
    }

    /// Visible text of runs in order, with whether each run is bold. Deleted text, field codes, footnote and
    /// comment references, drawings and text boxes are left out.
    static func collectRuns(_ element: XMLElement, into runs: inout [(text: String, bold: Bool)]) {
        for child in element.elements {
            switch child.name {
            case "r":
                let rPr = child.elements.first { $0.name == "rPr" }
                let b = rPr?.elements.first { $0.name == "b" }
                let bold = b.map { !["0", "false", "off"].contains(($0.attribute("val") ?? "true").lowercased()) } ?? false
                var text = ""
                for part in child.elements {
                    switch part.name {
                    case "t": text += part.text
                    case "tab", "ptab": text += "\t"
                    case "br", "cr": text += "\n"
                    case "noBreakHyphen": text += "-"
                    default: break  // delText, instrText, footnoteReference, commentReference, drawing, pict, ...
                    }
                }
                runs.append((text, bold))
            case "pPr", "del", "moveFrom", "commentRangeStart", "commentRangeEnd", "bookmarkStart", "bookmarkEnd", "proofErr": break
            default: collectRuns(child, into: &runs)  // hyperlink, ins, moveTo, smartTag, fldSimple, sdt, ...
            }
        }
    }

    /// Lays blocks out as report text. With headings: a declared section per heading (and one with an empty title
    /// for text before the first). Without: plain text, for the sectionizer.
    static func layout(_ blocks: [Block]) -> (String, [DeclaredSection]) {
        func body(_ blocks: ArraySlice<Block>) -> String {
            var text = ""
            var previous: Kind?
            for block in blocks {
                if let previous {
                    let tight = (previous == .listItem && block.kind == .listItem) || (previous == block.kind && block.kind != .paragraph)
                    text += tight ? "\n" : "\n\n"
                }
                text += block.text
                previous = block.kind
            }
            return text
        }
        guard blocks.contains(where: { $0.kind == .heading }) else {
            let text = body(blocks[...])
            return (text.isEmpty ? text : text + "\n", [])
        }
        var text = ""
        var declared: [DeclaredSection] = []
        var index = 0
        let firstHeading = blocks.firstIndex { $0.kind == .heading }!
        if firstHeading > 0 {
            DocumentText.appendSection(title: "", body: body(blocks[..<firstHeading]), to: &text, declared: &declared)
        }
        index = firstHeading
        while index < blocks.count {
            let title = blocks[index].text
            var end = index + 1
            while end < blocks.count, blocks[end].kind != .heading { end += 1 }
            DocumentText.appendSection(title: title, body: body(blocks[(index + 1)..<end]), to: &text, declared: &declared)
            index = end
        }
        return (text, declared)
    }
}
