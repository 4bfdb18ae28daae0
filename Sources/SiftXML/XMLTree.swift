internal import CLibXML2

/// An XML element read by libxml2 and copied into Swift values, so that no libxml2 pointer
/// outlives the parse.
public struct XMLElement: Sendable, Equatable {
    /// The element's name (local name; namespaces are not resolved).
    public var name: String
    /// Attributes in document order.
    public var attributes: [(name: String, value: String)]
    /// Child elements and text, in document order.
    public var children: [XMLContent]
    /// Line where the element starts (1-based).
    public var line: Int

    public init(name: String, attributes: [(name: String, value: String)] = [], children: [XMLContent] = [], line: Int = 0) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.line = line
    }

    /// The value of attribute `name`, if present.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Direct child elements.
    public var elements: [XMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// Concatenated text of this element and its descendants. Entity references that were
    /// not predefined are never expanded; they contribute nothing.
    public var text: String {
        var result = ""
        func collect(_ element: XMLElement) {
            for child in element.children {
                switch child {
                case .text(let text): result += text
                case .element(let element): collect(element)
                }
            }
        }
        collect(self)
        return result
    }

    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.children == rhs.children && lhs.line == rhs.line
            && lhs.attributes.map(\.name) == rhs.attributes.map(\.name)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
    }
}

/// A child of an ``XMLElement``.
public enum XMLContent: Sendable, Equatable {
    case element(XMLElement)
    case text(String)
}

/// A parsed XML document: its root element and what the parser noticed without failing.
public struct XMLTree: Sendable {
    /// The root element.
    public var root: XMLElement
    /// Names of entity references that were left unexpanded (user-defined or external entities).
    public var unexpandedEntities: [String]
    /// True when the document carries a DOCTYPE (internal or external subset); it is never loaded.
    public var hasDoctype: Bool

    /// Parses `bytes` with libxml2: no network, no DTD loading, no entity substitution,
    /// libxml2's default size and depth limits. Throws ``XMLParseError`` with line and column.
    public static func parse(_ bytes: [UInt8], maximumDepth: Int = 256) throws(XMLParseError) -> XMLTree {
        let document = try XMLLibrary.readDocument(bytes)
        defer { xmlFreeDoc(document) }
        guard let rootNode = xmlDocGetRootElement(document) else {
            throw XMLParseError(message: "document has no root element", line: 1, column: 1)
        }
        var entities: [String] = []
        let root = try convert(rootNode, depth: 0, maximumDepth: maximumDepth, entities: &entities)
        return XMLTree(root: root, unexpandedEntities: entities, hasDoctype: document.pointee.intSubset != nil || document.pointee.extSubset != nil)
    }

    private static func convert(_ node: xmlNodePtr, depth: Int, maximumDepth: Int, entities: inout [String]) throws(XMLParseError) -> XMLElement {
        let line = Int(xmlGetLineNo(node))
        guard depth < maximumDepth else {
            throw XMLParseError(message: "elements nested deeper than \(maximumDepth) levels", line: line, column: 0)
        }
        var element = XMLElement(name: string(node.pointee.name) ?? "", line: line)
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = string(current.pointee.name) ?? ""
            var value = ""
            var valueNode = current.pointee.children
            while let child = valueNode {
                if child.pointee.type == XML_TEXT_NODE, let content = string(child.pointee.content) { value += content }
                valueNode = child.pointee.next
            }
            element.attributes.append((name, value))
            attribute = current.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(.element(try convert(current, depth: depth + 1, maximumDepth: maximumDepth, entities: &entities)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = string(current.pointee.content) { element.children.append(.text(content)) }
            case XML_ENTITY_REF_NODE:
                entities.append(string(current.pointee.name) ?? "?")
            default:
                break  // comments, processing instructions
            }
            child = current.pointee.next
        }
        return element
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}

/// Malformed XML, with the position libxml2 reported.
public struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    /// 1-based line, 0 when unknown.
    public let line: Int
    /// 1-based column, 0 when unknown.
    public let column: Int
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// Holds the first error libxml2 reports during one parse.
private final class FirstErrorBox {
    var error: XMLParseError?
}

enum XMLLibrary {
    static let initialised: Bool = {
        xmlInitParser()
        return true
    }()
    static func initialise() { _ = initialised }

    /// Parses `bytes` into a libxml2 document (caller frees it): no network, no DTD loading, no entity
    /// substitution. Throws the first error libxml2 reported, with line and column.
    static func readDocument(_ bytes: [UInt8]) throws(XMLParseError) -> xmlDocPtr {
        XMLLibrary.initialise()
        guard let context = xmlNewParserCtxt() else {
            throw XMLParseError(message: "could not allocate an XML parser", line: 0, column: 0)
        }
        defer { xmlFreeParserCtxt(context) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOBLANKS.rawValue)
        // libxml2 keeps only the last error on the context; the first one is where the document went
        // wrong, so collect it through a structured error handler (libxml2 keeps that per thread).
        let firstError = FirstErrorBox()
        let box = Unmanaged.passRetained(firstError)
        xmlSetStructuredErrorFunc(box.toOpaque(), { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<FirstErrorBox>.fromOpaque(userData).takeUnretainedValue()
            guard collector.error == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let message = error.pointee.message.map { String(cString: $0) }?.trimmingTrailingWhitespace() ?? "malformed XML"
            collector.error = XMLParseError(message: message, line: Int(error.pointee.line), column: Int(error.pointee.int2))
        })
        defer {
            xmlSetStructuredErrorFunc(nil, nil)
            box.release()
        }
        let document: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(context, chars.baseAddress, Int32(clamping: chars.count), nil, nil, options)
            }
        }
        guard let document, context.pointee.wellFormed != 0 else {
            if let document { xmlFreeDoc(document) }
            if let first = firstError.error { throw first }
            let error = context.pointee.lastError
            let message = error.message.map { String(cString: $0) }?.trimmingTrailingWhitespace() ?? "malformed XML"
            throw XMLParseError(message: message, line: Int(error.line), column: Int(error.int2))
        }
        return document
    }
}

extension String {
    fileprivate func trimmingTrailingWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
