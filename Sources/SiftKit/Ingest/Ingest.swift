import Foundation
import SiftXML

/// The result of reading one input file: zero or more reports and the problems met.
public struct IngestResult: Sendable {
    public var documents: [Document]
    public var diagnostics: [Diagnostic]
    /// True when the file could not be used at all.
    public var failed: Bool { documents.isEmpty && diagnostics.contains { $0.severity == .error } }
}

/// Reads one file's bytes into reports. One implementation per input format.
public protocol Ingester: Sendable {
    /// File name extensions (lower case, without the dot) this ingester reads.
    var extensions: [String] { get }
    func ingest(bytes: [UInt8], source: String) -> IngestResult
}

/// One thing a streaming ingester hands over: a report as soon as it is complete, or a problem.
public enum IngestEvent: Sendable {
    case document(Document)
    case diagnostic(Diagnostic)
}

/// An ingester that reads the file itself, a record at a time, and hands each report over as soon as it
/// is complete (CSV exports with 100,000 rows), so that the file is never held whole in memory.
public protocol StreamingIngester: Ingester {
    func ingest(path: String, emit: (IngestEvent) -> Void)
}

/// How inputs are read: CSV column mapping or preset, XML mapping, DOCX limits.
public struct IngestOptions: Sendable {
    /// Columns named on the command line (`--columns`); overrides the preset's fields it names.
    public var csvColumns: CSVColumnMapping?
    /// A preset forced by name (`--csv-preset`); otherwise detected from the header.
    public var csvPreset: CSVPreset?
    /// How to read XML files whose root is not `<report>` or `<reports>` (`--xml-mapping`).
    public var xmlMapping: XMLMapping?
    public var docxLimits: DOCXIngester.Limits

    public init(csvColumns: CSVColumnMapping? = nil, csvPreset: CSVPreset? = nil, xmlMapping: XMLMapping? = nil,
                docxLimits: DOCXIngester.Limits = .init()) {
        self.csvColumns = csvColumns
        self.csvPreset = csvPreset
        self.xmlMapping = xmlMapping
        self.docxLimits = docxLimits
    }
}

/// Picks an ingester by extension and reads files, turning every failure into a diagnostic.
public struct IngestRegistry: Sendable {
    public var ingesters: [any Ingester]
    /// Files larger than this are refused with a diagnostic rather than read (streaming ingesters read
    /// any size, a record at a time).
    public var maximumFileSize: Int

    public init(ingesters: [any Ingester], maximumFileSize: Int = 64 << 20) {
        self.ingesters = ingesters
        self.maximumFileSize = maximumFileSize
    }

    /// Every built-in format: plain text, XML (Sift schema, or any XML through `options.xmlMapping`),
    /// DOCX and CSV.
    public init(options: IngestOptions = IngestOptions(), maximumFileSize: Int = 64 << 20) {
        self.init(ingesters: [PlainTextIngester(), XMLIngester(mapping: options.xmlMapping), DOCXIngester(limits: options.docxLimits),
                              CSVIngester(columns: options.csvColumns, preset: options.csvPreset)],
                  maximumFileSize: maximumFileSize)
    }

    /// The ingester for `path`'s extension, if any.
    public func ingester(for path: String) -> (any Ingester)? {
        let ext = (path as NSString).pathExtension.lowercased()
        return ingesters.first { $0.extensions.contains(ext) }
    }

    /// True when `path` is read by a streaming ingester (a record at a time).
    public func streams(path: String) -> Bool {
        ingester(for: path) is any StreamingIngester
    }

    /// Reads `path` and ingests it, all reports at once.
    public func ingest(path: String) -> IngestResult {
        var result = IngestResult(documents: [], diagnostics: [])
        ingest(path: path) { event in
            switch event {
            case .document(let document): result.documents.append(document)
            case .diagnostic(let diagnostic): result.diagnostics.append(diagnostic)
            }
        }
        return result
    }

    /// Reads `path` and hands each report and diagnostic to `emit` in file order; streaming ingesters
    /// hand each report over as soon as it is read.
    public func ingest(path: String, emit: (IngestEvent) -> Void) {
        guard let ingester = ingester(for: path) else {
            let known = ingesters.flatMap(\.extensions).map { "." + $0 }
            let list = known.count > 1 ? known.dropLast().joined(separator: ", ") + " or " + known.last! : known.joined()
            return emit(.diagnostic(Diagnostic(.error, file: path, code: "unknown-format", "skipped: unknown file type (expected \(list))")))
        }
        // A FIFO, socket or device would block or never end: only regular files are read (checked again on the
        // open descriptor below, in case the file is swapped after this check).
        var info = stat()
        guard stat(path, &info) == 0 else {
            return emit(.diagnostic(Diagnostic(.error, file: path, code: "unreadable", "skipped: cannot read file (\(FileReader.errorMessage()))")))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return emit(.diagnostic(Diagnostic(.error, file: path, code: "not-regular-file",
                                               "skipped: not a regular file (\(FileReader.kind(of: info.st_mode)))")))
        }
        if let streaming = ingester as? any StreamingIngester {
            return streaming.ingest(path: path, emit: emit)
        }
        let bytes: [UInt8]
        switch FileReader.readAll(path, maximumSize: maximumFileSize) {
        case .success(let read): bytes = read
        case .failure(let failure): return emit(.diagnostic(failure.diagnostic(for: path)))
        }
        let result = ingester.ingest(bytes: bytes, source: path)
        for diagnostic in result.diagnostics { emit(.diagnostic(diagnostic)) }
        for document in result.documents { emit(.document(document)) }
    }
}

/// Decodes bytes as UTF-8 (with or without BOM). Invalid sequences become U+FFFD and are reported
/// with the byte offset of the first one. UTF-16 (by BOM) is decoded too, with a warning.
enum TextDecoder {
    static func decode(_ bytes: [UInt8], source: String) -> (text: String, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            let encoding: String.Encoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            if let text = String(data: Data(bytes[2...]), encoding: encoding) {
                diagnostics.append(Diagnostic(.warning, file: source, code: "utf16", "file is UTF-16; decoded, but offsets refer to its UTF-8 form"))
                return (text, diagnostics)
            }
        }
        var body = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { body = bytes[3...] }
        if let nul = body.firstIndex(of: 0) {
            diagnostics.append(Diagnostic(.warning, file: source, code: "nul-bytes",
                                          "NUL byte at offset \(nul); NUL bytes are ignored"))
        }
        if let text = String(validating: body, as: UTF8.self) {
            return (text, diagnostics)
        }
        let offset = firstInvalidUTF8Offset(body) ?? 0
        let (line, column) = lineAndColumn(of: offset, in: body)
        diagnostics.append(Diagnostic(.warning, file: source, line: line, column: column, code: "invalid-utf8",
                                      "invalid UTF-8 at byte \(offset); replaced with U+FFFD"))
        return (String(decoding: body, as: UTF8.self), diagnostics)
    }

    static func firstInvalidUTF8Offset(_ bytes: ArraySlice<UInt8>) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var consumed = 0
        // Track bytes consumed by counting scalar widths.
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                consumed += UTF8.width(scalar)
                offset = consumed
            case .emptyInput:
                return nil
            case .error:
                return bytes.startIndex + offset
            }
        }
    }

    static func lineAndColumn(of offset: Int, in bytes: ArraySlice<UInt8>) -> (Int, Int) {
        var line = 1
        var lineStart = bytes.startIndex
        for index in bytes.startIndex..<min(offset, bytes.endIndex) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }
}
