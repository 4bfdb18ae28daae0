import Foundation
import SiftXML
import Yams

/// How to read XML that is not in the Sift schema, as XPath expressions (`--xml-mapping map.yaml`):
///
/// ```yaml
/// report: //incident                 # each match is one report
/// id: '@ref'                         # the rest are relative to the report element
/// unit: site
/// date: occurred/@date               # normalised to YYYY-MM-DD
/// metadata: {incident_type: category}
/// sections:
///   - {element: narrative, title: 'What happened'}
///   - {element: 'findings/finding', title_from: '@heading'}
/// ```
public struct XMLMapping: Sendable, Equatable {
    public struct SectionMapping: Sendable, Equatable {
        /// XPath, relative to the report element, of the elements that become sections (one each).
        public var element: String
        /// A fixed title...
        public var title: String?
        /// ...or an XPath, relative to the section element, for the title.
        public var titleFrom: String?
    }

    public var report: String
    public var id: String?
    public var unit: String?
    public var date: String?
    public var metadata: [String: String]
    public var sections: [SectionMapping]
    /// The mapping file, for diagnostics.
    public var file: String

    public init(report: String, id: String? = nil, unit: String? = nil, date: String? = nil, metadata: [String: String] = [:],
                sections: [SectionMapping], file: String = "mapping") {
        self.report = report
        self.id = id
        self.unit = unit
        self.date = date
        self.metadata = metadata
        self.sections = sections
        self.file = file
    }

    public static func load(path: String) throws(XMLMappingError) -> XMLMapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XMLMappingError(file: path, line: nil, column: nil, message: "cannot read XML mapping file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses mapping YAML; unknown keys, missing keys and invalid XPath are errors with their line.
    public static func parse(_ yaml: String, file: String) throws(XMLMappingError) -> XMLMapping {
        func fail(_ node: Node?, _ message: String) -> XMLMappingError {
            XMLMappingError(file: file, line: node?.mark?.line, column: node?.mark?.column, message: message)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            var line: Int?, column: Int?
            switch error {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): (line, column) = (mark.line, mark.column)
            default: break
            }
            throw XMLMappingError(file: file, line: line, column: column, message: "invalid YAML: \(error)")
        } catch {
            throw XMLMappingError(file: file, line: 1, column: 1, message: "invalid YAML: \(error)")
        }
        guard let root, let mapping = root.mapping else { throw fail(root, "an XML mapping must be a YAML mapping with keys report, sections, ...") }
        func xpath(_ node: Node, _ key: String) throws(XMLMappingError) -> String {
            guard let value = node.string, node.scalar != nil, !value.isEmpty else { throw fail(node, "'\(key)' must be an XPath string") }
            do { try XMLQueryDocument.validate(value) } catch { throw fail(node, "'\(key)': invalid XPath '\(value)': \(error.message)") }
            return value
        }
        var report: String?, id: String?, unit: String?, date: String?
        var metadata: [String: String] = [:]
        var sections: [SectionMapping] = []
        let allowed = ["report", "id", "unit", "date", "metadata", "sections"]
        for (key, value) in mapping {
            switch key.string ?? "" {
            case "report": report = try xpath(value, "report")
            case "id": id = try xpath(value, "id")
            case "unit": unit = try xpath(value, "unit")
            case "date": date = try xpath(value, "date")
            case "metadata":
                guard let fields = value.mapping else { throw fail(value, "'metadata' must map names to XPath") }
                for (name, path) in fields {
                    guard let name = name.string, !name.isEmpty else { throw fail(name, "metadata name must be a string") }
                    metadata[name.lowercased()] = try xpath(path, "metadata.\(name)")
                }
            case "sections":
                guard let list = value.sequence else { throw fail(value, "'sections' must be a list") }
                for item in list {
                    guard let fields = item.mapping else { throw fail(item, "each section must be a mapping with element and title or title_from") }
                    var element: String?, title: String?, titleFrom: String?
                    for (field, fieldValue) in fields {
                        switch field.string ?? "" {
                        case "element": element = try xpath(fieldValue, "element")
                        case "title":
                            guard let text = fieldValue.string, fieldValue.scalar != nil else { throw fail(fieldValue, "'title' must be a string") }
                            title = text
                        case "title_from": titleFrom = try xpath(fieldValue, "title_from")
                        default: throw fail(field, "section: unknown key '\(field.string ?? "?")' (allowed: element, title, title_from)")
                        }
                    }
                    guard let element else { throw fail(item, "section: missing required key 'element'") }
                    guard (title == nil) != (titleFrom == nil) else { throw fail(item, "section: give exactly one of 'title' and 'title_from'") }
                    sections.append(SectionMapping(element: element, title: title, titleFrom: titleFrom))
                }
            default:
                throw fail(key, "unknown key '\(key.string ?? "?")' (allowed: \(allowed.joined(separator: ", ")))")
            }
        }
        guard let report else { throw fail(root, "missing required key 'report'") }
        guard !sections.isEmpty else { throw fail(root, "missing required key 'sections' (at least one)") }
        return XMLMapping(report: report, id: id, unit: unit, date: date, metadata: metadata, sections: sections, file: file)
    }

    /// Reads the reports of `bytes` (already known to be well-formed XML).
    func reports(_ bytes: [UInt8], source: String) -> IngestResult {
        var diagnostics: [Diagnostic] = []
        let document: XMLQueryDocument
        do {
            document = try XMLQueryDocument(bytes)
        } catch {
            return IngestResult(documents: [], diagnostics: [
                Diagnostic(.error, file: source, line: error.line, column: error.column, code: "malformed-xml", "skipped: malformed XML: \(error.message)")
            ])
        }
        let stem = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        func failure(_ error: XPathError, line: Int?) -> Diagnostic {
            Diagnostic(.error, file: source, line: line, code: "xpath-error", "XML mapping \(file): \(error.description)")
        }
        let nodes: [XMLNode]
        do {
            nodes = try document.select(report)
        } catch {
            return IngestResult(documents: [], diagnostics: [failure(error, line: nil)])
        }
        guard !nodes.isEmpty else {
            return IngestResult(documents: [], diagnostics: [
                Diagnostic(.error, file: source, line: document.root.line, code: "no-reports",
                           "skipped: XML mapping \(file): '\(report)' selects no report element (root is <\(document.root.name)>)")
            ])
        }
        var documents: [Document] = []
        for (index, node) in nodes.enumerated() {
            let fallbackID = nodes.count == 1 ? stem : "\(stem)-\(index + 1)"
            do {
                func value(_ path: String?) throws(XPathError) -> String? {
                    guard let path else { return nil }
                    let text = try document.string(path, from: node)?.trimmingWhitespaceAndNewlines()
                    return text?.isEmpty == false ? text : nil
                }
                let id = try value(self.id) ?? fallbackID
                var metadata: [(key: String, value: String)] = [("id", id)]
                if let unit = try value(self.unit) { metadata.append(("unit", unit)) }
                if let raw = try value(self.date) {
                    if let normalized = IncidentDate.normalize(raw) {
                        metadata.append(("date", normalized))
                    } else {
                        diagnostics.append(Diagnostic(.warning, file: source, line: node.line, code: "unparseable-date",
                                                      "report \(id): date '\(raw)' not understood (expected DD/MM/YYYY, DD-MM-YYYY or YYYY-MM-DD); left out"))
                    }
                }
                for key in self.metadata.keys.sorted() {
                    if let text = try value(self.metadata[key]) { metadata.append((key, text)) }
                }
                var text = ""
                var declared: [DeclaredSection] = []
                for section in sections {
                    for element in try document.select(section.element, from: node) {
                        let title = try section.title ?? document.string(section.titleFrom!, from: element)?
                            .trimmingWhitespaceAndNewlines() ?? ""
                        let body = element.text.trimmingWhitespaceAndNewlines()
                        guard !body.isEmpty else { continue }
                        DocumentText.appendSection(title: title, body: body, to: &text, declared: &declared)
                    }
                }
                if declared.isEmpty {
                    diagnostics.append(Diagnostic(.warning, file: source, line: node.line, code: "no-sections",
                                                  "report \(id): the mapping's section elements select no text"))
                }
                documents.append(Document(id: id, source: source, format: .xml, metadata: metadata, text: text, declaredSections: declared))
            } catch let error as XPathError {
                diagnostics.append(failure(error, line: node.line))
            } catch {
                diagnostics.append(Diagnostic(.error, file: source, line: node.line, code: "xpath-error", "XML mapping \(file): \(error)"))
            }
        }
        if !document.unexpandedEntities.isEmpty {
            let names = Array(Set(document.unexpandedEntities)).sorted().prefix(5).joined(separator: ", ")
            diagnostics.insert(Diagnostic(.warning, file: source, code: "entity-not-expanded",
                                          "entity references not expanded (\(names)); their text is omitted"), at: 0)
        }
        return IngestResult(documents: documents, diagnostics: diagnostics)
    }
}

/// A problem in an XML mapping file, with its position.
public struct XMLMappingError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let column: Int?
    public let message: String
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): error: \(message)"
    }
}
