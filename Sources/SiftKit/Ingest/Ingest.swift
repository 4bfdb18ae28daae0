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

/// Picks an ingester by extension and reads files, turning every failure into a diagnostic.
public struct IngestRegistry: Sendable {
    public var ingesters: [any Ingester]
    /// Files larger than this are refused with a diagnostic rather than read.
    public var maximumFileSize: Int

    public init(ingesters: [any Ingester] = [PlainTextIngester(), XMLIngester()], maximumFileSize: Int = 64 << 20) {
        self.ingesters = ingesters
        self.maximumFileSize = maximumFileSize
    }

    /// The ingester for `path`'s extension, if any.
    public func ingester(for path: String) -> (any Ingester)? {
        let ext = (path as NSString).pathExtension.lowercased()
        return ingesters.first { $0.extensions.contains(ext) }
    }

    /// Reads `path` and ingests it.
    public func ingest(path: String) -> IngestResult {
        guard let ingester = ingester(for: path) else {
            return IngestResult(documents: [], diagnostics: [Diagnostic(.error, file: path, code: "unknown-format",
                                                                         "skipped: unknown file type (expected .txt, .md or .xml)")])
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > maximumFileSize {
            return IngestResult(documents: [], diagnostics: [Diagnostic(.error, file: path, code: "too-large",
                                                                         "skipped: file is \(size) bytes, over the \(maximumFileSize)-byte limit")])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return IngestResult(documents: [], diagnostics: [Diagnostic(.error, file: path, code: "unreadable", "skipped: cannot read file")])
        }
        return ingester.ingest(bytes: [UInt8](data), source: path)
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
