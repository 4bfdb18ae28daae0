internal import CLibXML2

/// An invalid XPath expression, or one that failed while evaluating.
public struct XPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public let expression: String
    public let message: String
    public var description: String { "XPath '\(expression)': \(message)" }
}

/// A parsed XML document kept alive for XPath queries (libxml2's XPath 1.0).
///
/// Parsed like ``XMLTree``: no network, no DTD loading, no entity substitution. Entity references
/// (other than the five predefined ones) are removed from the tree right after parsing, so no
/// XPath expression (`string()`, `concat()`, ...) can expand them. No libxml2 type appears in the
/// interface. Not thread-safe: use one document from one thread at a time.
public final class XMLQueryDocument {
    private let document: xmlDocPtr
    /// Names of entity references that were removed unexpanded.
    public let unexpandedEntities: [String]
    /// True when the document carries a DOCTYPE; it is never loaded.
    public let hasDoctype: Bool
    /// Upper bound on XPath steps per evaluation, so a hostile expression cannot spin forever.
    public var operationLimit: Int = 10_000_000

    /// Parses `bytes`; throws ``XMLParseError`` with line and column.
    public init(_ bytes: [UInt8]) throws(XMLParseError) {
        let document = try XMLLibrary.readDocument(bytes)
        guard xmlDocGetRootElement(document) != nil else {
            xmlFreeDoc(document)
            throw XMLParseError(message: "document has no root element", line: 1, column: 1)
        }
        var entities: [String] = []
        XMLQueryDocument.removeEntityReferences(from: xmlDocGetRootElement(document), into: &entities)
        self.document = document
        self.unexpandedEntities = entities
        self.hasDoctype = document.pointee.intSubset != nil || document.pointee.extSubset != nil
    }

    deinit { xmlFreeDoc(document) }

    /// The root element.
    public var root: XMLNode { XMLNode(owner: self, raw: UnsafeMutableRawPointer(xmlDocGetRootElement(document)!)) }

    /// Nodes selected by `expression` evaluated with `node` (default: the root) as context node, in
    /// document order. A result that is not a node set is an error.
    public func select(_ expression: String, from node: XMLNode? = nil) throws(XPathError) -> [XMLNode] {
        try evaluate(expression, from: node) { object throws(XPathError) -> [XMLNode] in
            guard object.pointee.type == XPATH_NODESET else {
                throw XPathError(expression: expression, message: "does not select nodes")
            }
            guard let set = object.pointee.nodesetval, set.pointee.nodeNr > 0 else { return [] }
            return (0..<Int(set.pointee.nodeNr)).compactMap { index in
                set.pointee.nodeTab[index].map { XMLNode(owner: self, raw: UnsafeMutableRawPointer($0)) }
            }
        }
    }

    /// The string value of `expression` from `node`: the text of the first selected node (nil when none
    /// is selected), or the string, number or boolean the expression yields.
    public func string(_ expression: String, from node: XMLNode? = nil) throws(XPathError) -> String? {
        try evaluate(expression, from: node) { object throws(XPathError) -> String? in
            switch object.pointee.type {
            case XPATH_NODESET:
                guard let set = object.pointee.nodesetval, set.pointee.nodeNr > 0, let first = set.pointee.nodeTab[0] else { return nil }
                return XMLNode(owner: self, raw: UnsafeMutableRawPointer(first)).text
            case XPATH_STRING:
                return object.pointee.stringval.map { String(cString: $0) }
            case XPATH_NUMBER:
                let value = object.pointee.floatval
                return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
            case XPATH_BOOLEAN:
                return object.pointee.boolval != 0 ? "true" : "false"
            default:
                throw XPathError(expression: expression, message: "unsupported result type")
            }
        }
    }

    /// Checks that `expression` compiles, without a document.
    public static func validate(_ expression: String) throws(XPathError) {
        XMLLibrary.initialise()
        let collector = XPathErrorBox()
        let compiled: xmlXPathCompExprPtr? = withErrorCollector(collector) {
            expression.withCString { xmlXPathCompile(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
        }
        guard let compiled else {
            throw XPathError(expression: expression, message: collector.message ?? "invalid expression")
        }
        xmlXPathFreeCompExpr(compiled)
    }

    private func evaluate<R>(_ expression: String, from node: XMLNode?, _ body: (xmlXPathObjectPtr) throws(XPathError) -> R) throws(XPathError) -> R {
        if let node, node.owner !== self {
            throw XPathError(expression: expression, message: "context node belongs to another document")
        }
        guard let context = xmlXPathNewContext(document) else {
            throw XPathError(expression: expression, message: "could not allocate an XPath context")
        }
        defer { xmlXPathFreeContext(context) }
        context.pointee.node = (node ?? root).raw.assumingMemoryBound(to: xmlNode.self)
        context.pointee.opLimit = UInt(max(1, operationLimit))
        let collector = XPathErrorBox()
        let result: xmlXPathObjectPtr? = XMLQueryDocument.withErrorCollector(collector) {
            expression.withCString { xmlXPathEvalExpression(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self), context) }
        }
        guard let result else {
            throw XPathError(expression: expression, message: collector.message ?? "invalid expression")
        }
        defer { xmlXPathFreeObject(result) }
        return try body(result)
    }

    private static func withErrorCollector<R>(_ collector: XPathErrorBox, _ body: () -> R) -> R {
        let box = Unmanaged.passRetained(collector)
        xmlSetStructuredErrorFunc(box.toOpaque(), { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<XPathErrorBox>.fromOpaque(userData).takeUnretainedValue()
            guard collector.message == nil else { return }
            collector.message = error.pointee.message.map { String(cString: $0) }?.trimmingCharacters(in: " \n\t")
        })
        // Compilation errors also go to the generic handler; keep them off stderr.
        xmlSetGenericErrorFunc(nil, nil)
        defer {
            xmlSetStructuredErrorFunc(nil, nil)
            box.release()
        }
        return body()
    }

    /// Unlinks and frees every entity-reference node (in elements and attribute values).
    private static func removeEntityReferences(from node: xmlNodePtr?, into names: inout [String]) {
        var current = node
        while let element = current {
            let next = element.pointee.next
            if element.pointee.type == XML_ENTITY_REF_NODE {
                names.append(element.pointee.name.map { String(cString: $0) } ?? "?")
                xmlUnlinkNode(element)
                xmlFreeNode(element)
            } else if element.pointee.type == XML_ELEMENT_NODE {
                var attribute = element.pointee.properties
                while let attr = attribute {
                    var child = attr.pointee.children
                    while let value = child {
                        let nextValue = value.pointee.next
                        if value.pointee.type == XML_ENTITY_REF_NODE {
                            names.append(value.pointee.name.map { String(cString: $0) } ?? "?")
                            xmlUnlinkNode(value)
                            xmlFreeNode(value)
                        }
                        child = nextValue
                    }
                    attribute = attr.pointee.next
                }
                removeEntityReferences(from: element.pointee.children, into: &names)
            }
            current = next
        }
    }
}

/// A node of an ``XMLQueryDocument`` (element, attribute or text). Keeps its document alive.
public struct XMLNode {
    let owner: XMLQueryDocument
    let raw: UnsafeMutableRawPointer

    private var node: xmlNodePtr { raw.assumingMemoryBound(to: xmlNode.self) }

    /// Local name (`ref` for `@ref`, `#text` for text nodes).
    public var name: String {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: "#text"
        default: node.pointee.name.map { String(cString: $0) } ?? ""
        }
    }

    /// True for an attribute node.
    public var isAttribute: Bool { node.pointee.type == XML_ATTRIBUTE_NODE }

    /// 1-based line where the node starts (its element's line for attributes), 0 when unknown.
    public var line: Int {
        if isAttribute, let parent = node.pointee.parent { return Int(xmlGetLineNo(parent)) }
        return max(0, Int(xmlGetLineNo(node)))
    }

    /// The text of the node and its descendants (an attribute's value); entity references contribute nothing.
    public var text: String {
        var result: [UInt8] = []
        func collect(_ node: xmlNodePtr) {
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content {
                    var pointer = content
                    while pointer.pointee != 0 { result.append(pointer.pointee); pointer += 1 }
                }
            case XML_ELEMENT_NODE, XML_ATTRIBUTE_NODE:
                var child = node.pointee.children
                while let current = child {
                    collect(current)
                    child = current.pointee.next
                }
            default:
                break
            }
        }
        collect(node)
        return String(decoding: result, as: UTF8.self)
    }
}

private final class XPathErrorBox {
    var message: String?
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        return String(scalars)
    }
}
