import Foundation

/// Reads `.txt` and `.md` reports with optional front matter: `key: value` lines closed by a `---` line
/// (an opening `---` line is allowed too).
public struct PlainTextIngester: Ingester {
    public let extensions = ["txt", "md", "text"]

    public init() {}

    public func ingest(bytes: [UInt8], source: String) -> IngestResult {
        if PlainTextIngester.looksBinary(bytes) {
            // An image or program renamed .txt: tagging it would only add an empty report to every denominator.
            return IngestResult(documents: [], diagnostics: [
                Diagnostic(.error, file: source, code: "binary", "skipped: binary file, not text (NUL bytes and invalid UTF-8 in the first 8 KiB)")
            ])
        }
        var (text, diagnostics) = TextDecoder.decode(bytes, source: source)
        if text.utf8.contains(0) { text = text.replacingOccurrences(of: "\u{0}", with: "") }
        let frontMatter = FrontMatter.parse(text, source: source)
        diagnostics += frontMatter.diagnostics
        let stem = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        var metadata = frontMatter.fields
        let id = metadata.first { $0.key == "id" }?.value.trimmingWhitespace() ?? stem
        if !metadata.contains(where: { $0.key == "id" }) { metadata.insert(("id", id), at: 0) }
        let document = Document(id: id.isEmpty ? stem : id, source: source, format: .text, metadata: metadata, text: text,
                                bodyStart: frontMatter.bodyStart)
        return IngestResult(documents: [document], diagnostics: diagnostics)
    }

    /// Like git: a NUL byte in the first 8 KiB, unless the file is UTF-16 (BOM) or otherwise valid UTF-8 there
    /// (a text report with a stray NUL is still read, with a warning).
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) { return false }
        let head = bytes.prefix(8192)
        guard head.contains(0) else { return false }
        // An invalid sequence cut by the 8 KiB boundary does not count.
        guard let invalid = TextDecoder.firstInvalidUTF8Offset(head) else { return false }
        return head.count < 8192 || invalid < head.count - 4
    }
}

/// Front matter at the top of a plain-text report.
struct FrontMatter {
    var fields: [(key: String, value: String)] = []
    /// UTF-8 offset where the body starts.
    var bodyStart = 0
    var diagnostics: [Diagnostic] = []

    static func parse(_ text: String, source: String) -> FrontMatter {
        var result = FrontMatter()
        var offset = 0
        var fields: [(String, String)] = []
        var lineNumber = 0
        var opened = false
        for (rawLine, lineLength) in text.linesWithLengths(limit: 200) {
            lineNumber += 1
            let line = String(rawLine).trimmingWhitespaceAndNewlines()
            defer { offset += lineLength }
            if line == "---" {
                if lineNumber == 1 && fields.isEmpty && !opened { opened = true; continue }
                if fields.isEmpty { return result }
                result.fields = fields.map { (key: $0.0, value: $0.1) }
                result.bodyStart = min(offset + lineLength, text.utf8.count)
                return result
            }
            if line.isEmpty { continue }
            if let colon = line.firstIndex(of: ":"), colon != line.startIndex {
                let key = String(line[..<colon]).trimmingWhitespace()
                let isKey = key.count <= 40 && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == " " }
                if isKey {
                    let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
                    fields.append((key.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_"), value))
                    continue
                }
            }
            // A line that is not `key: value`: no front matter, unless it was clearly started.
            if opened || fields.count >= 2 {
                result.diagnostics.append(Diagnostic(.warning, file: source, line: lineNumber, column: 1, code: "broken-front-matter",
                                                     "front matter line is not 'key: value'; front matter ignored, whole file read as text"))
            }
            return result
        }
        if opened || fields.count >= 2 {
            result.diagnostics.append(Diagnostic(.warning, file: source, line: 1, column: 1, code: "broken-front-matter",
                                                 "front matter is not closed by a '---' line; read as text"))
        }
        return result
    }
}
