/// Where something was read: a file, stream or URL, the line and column in it, and the Bundle entry or array item
/// inside it. Every located error and diagnostic prints its place through `description`, so the whole tool reports
/// places one way: `FILE:LINE:COLUMN` (what editors and CI annotators parse), then `entry N` when inside one.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file path, `<stdin>`, or a redacted URL (never carrying a secret).
    public var source: String
    /// One-based line, when known.
    public var line: Int?
    /// One-based column (in bytes of the line), when known; only meaningful with a line.
    public var column: Int?
    /// One-based Bundle entry or JSON array item the place is in, when the source holds several resources.
    public var entry: Int?

    public init(source: String, line: Int? = nil, column: Int? = nil, entry: Int? = nil) {
        self.source = source
        self.line = line
        self.column = column
        self.entry = entry
    }

    /// `FILE`, `FILE:LINE`, `FILE:LINE:COLUMN`, each followed by `: entry N` when inside an entry.
    public var description: String {
        var text = source
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        if let entry { text += ": entry \(entry)" }
        return text
    }
}
