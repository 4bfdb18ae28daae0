/// A problem with one input or one report, reported without stopping the batch.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable, Comparable {
        case warning
        case error
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
    }
    public var severity: Severity
    /// The file (or `file#id` for one report inside a multi-report file).
    public var file: String
    /// 1-based line, when there is one.
    public var line: Int?
    /// 1-based column, when there is one.
    public var column: Int?
    /// Short machine-readable kind, e.g. `malformed-xml`, `unknown-format`, `duplicate-id`.
    public var code: String
    public var message: String

    public init(_ severity: Severity, file: String, line: Int? = nil, column: Int? = nil, code: String, _ message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.code = code
        self.message = message
    }

    /// `file:line:col: severity: message`, the form editors and CI logs understand.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(severity.rawValue): \(message) [\(code)]"
    }
}
