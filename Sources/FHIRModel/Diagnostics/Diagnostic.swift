/// One recoverable problem found while reading, validating, pulling or mapping: reported, not printed.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error, warning, note

        var rank: Int {
            switch self {
            case .error: return 2
            case .warning: return 1
            case .note: return 0
            }
        }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    public var message: String
    /// Where in the resource, FHIRPath-like: `Patient.name[0].given[1]`.
    public var location: String?
    /// The file, stream or URL the problem came from (never carrying a secret).
    public var source: String?
    /// One-based line in `source`, when known (NDJSON line, XML line).
    public var line: Int?
    /// One-based column in `line`, when known (mapping and plan files, JSON and XML positions).
    public var column: Int?
    /// One-based Bundle entry or array item in `source`, when known.
    public var entry: Int?

    public init(
        _ severity: Severity, _ message: String, location: String? = nil, source: String? = nil, line: Int? = nil,
        column: Int? = nil, entry: Int? = nil
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.source = source
        self.line = line
        self.column = column
        self.entry = entry
    }

    public init(_ severity: Severity, _ message: String, at place: SourceLocation, location: String? = nil) {
        self.init(
            severity, message, location: location, source: place.source, line: place.line, column: place.column,
            entry: place.entry)
    }

    /// Where the problem was read, when its source is known.
    public var sourceLocation: SourceLocation? {
        source.map { SourceLocation(source: $0, line: line, column: column, entry: entry) }
    }

    /// `FILE:LINE:COLUMN: severity: location: message`, leaving out what is not known.
    public var description: String {
        var prefix = ""
        if let sourceLocation { prefix += "\(sourceLocation): " }
        prefix += "\(severity.rawValue): "
        if let location { prefix += "\(location): " }
        return prefix + message
    }
}
