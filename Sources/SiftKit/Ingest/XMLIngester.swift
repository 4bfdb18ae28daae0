import Foundation
import SiftXML

/// Reads reports in the Sift XML schema:
///
/// ```xml
/// <report id="si-001" unit="Northgate" date="2024-03-01">
///   <meta name="incident_type">PPH</meta>
///   <section title="Chronology">...</section>
/// </report>
/// ```
/// or a `<reports>` root holding many `<report>` elements. libxml2 parses without network access,
/// DTD loading or entity substitution. XML with any other root is read through an ``XMLMapping``
/// (XPath) when one is given.
public struct XMLIngester: Ingester {
    public let extensions = ["xml"]
    /// How to read XML whose root is not `<report>` or `<reports>`.
    public var mapping: XMLMapping?

    public init(mapping: XMLMapping? = nil) {
        self.mapping = mapping
    }

    public func ingest(bytes: [UInt8], source: String) -> IngestResult {
        let tree: XMLTree
        do {
            tree = try XMLTree.parse(bytes)
        } catch {
            return IngestResult(documents: [], diagnostics: [
                Diagnostic(.error, file: source, line: error.line, column: error.column, code: "malformed-xml", "skipped: malformed XML: \(error.message)")
            ])
        }
        var diagnostics: [Diagnostic] = []
        if !tree.unexpandedEntities.isEmpty {
            let names = Array(Set(tree.unexpandedEntities)).sorted().prefix(5).joined(separator: ", ")
            diagnostics.append(Diagnostic(.warning, file: source, code: "entity-not-expanded",
                                          "entity references not expanded (\(names)); their text is omitted"))
        }
        let stem = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        var reports: [XMLElement]
        switch tree.root.name {
        case "report": reports = [tree.root]
        case "reports":
            reports = tree.root.elements.filter { $0.name == "report" }
            for other in tree.root.elements where other.name != "report" {
                diagnostics.append(Diagnostic(.warning, file: source, line: other.line, code: "unknown-element",
                                              "ignored <\(other.name)> inside <reports>"))
            }
        default:
            if let mapping {
                return mapping.reports(bytes, source: source)
            }
            return IngestResult(documents: [], diagnostics: diagnostics + [
                Diagnostic(.error, file: source, line: tree.root.line, code: "unknown-schema",
                           "skipped: root element <\(tree.root.name)> is not <report> or <reports> (Sift XML schema); give --xml-mapping to read other XML")
            ])
        }
        var documents: [Document] = []
        for (index, report) in reports.enumerated() {
            let fallbackID = reports.count == 1 ? stem : "\(stem)-\(index + 1)"
            documents.append(document(from: report, source: source, fallbackID: fallbackID, diagnostics: &diagnostics))
        }
        if documents.isEmpty {
            diagnostics.append(Diagnostic(.error, file: source, code: "no-reports", "skipped: <reports> holds no <report>"))
        }
        return IngestResult(documents: documents, diagnostics: diagnostics)
    }

    private func document(from report: XMLElement, source: String, fallbackID: String, diagnostics: inout [Diagnostic]) -> Document {
        var metadata: [(key: String, value: String)] = []
        let id = report.attribute("id")?.trimmingWhitespace() ?? fallbackID
        metadata.append(("id", id.isEmpty ? fallbackID : id))
        for attribute in report.attributes where attribute.name != "id" {
            metadata.append((attribute.name.lowercased(), attribute.value))
        }
        var text = ""
        var declared: [DeclaredSection] = []
        for child in report.elements {
            switch child.name {
            case "meta":
                guard let name = child.attribute("name") else {
                    diagnostics.append(Diagnostic(.warning, file: source, line: child.line, code: "meta-without-name", "<meta> without a name attribute ignored"))
                    continue
                }
                metadata.append((name.lowercased(), child.text.trimmingWhitespaceAndNewlines()))
            case "section":
                let title = (child.attribute("title") ?? "").trimmingWhitespaceAndNewlines()
                let titleStart = text.utf8.count
                text += title
                let titleEnd = text.utf8.count
                text += "\n\n"
                let bodyStart = text.utf8.count
                text += child.text.trimmingWhitespaceAndNewlines()
                let bodyEnd = text.utf8.count
                text += "\n\n"
                declared.append(DeclaredSection(title: title, titleRange: TextRange(titleStart, titleEnd), bodyRange: TextRange(bodyStart, bodyEnd)))
            default:
                diagnostics.append(Diagnostic(.warning, file: source, line: child.line, code: "unknown-element",
                                              "ignored <\(child.name)> inside <report>"))
            }
        }
        return Document(id: id.isEmpty ? fallbackID : id, source: source, format: .xml, metadata: metadata, text: text, declaredSections: declared)
    }
}
