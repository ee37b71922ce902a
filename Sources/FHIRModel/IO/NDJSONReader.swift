/// Reads NDJSON one line at a time: each non-blank line is one JSON document. Errors name the file and the line.
/// (`FHIRResourceInput` reads files of resources through it; use that unless you want raw JSON values.)
public struct NDJSONReader: ~Copyable {
    var lines: LineReader
    let source: String
    public var maxDepth = 512
    /// Members of each document's top-level object to build (nil: all); see `FHIRJSONReader.Options`.
    public var topLevelKeys: FHIRJSONKeyFilter?

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.init(lines: try LineReader(path: path, chunkSize: chunkSize), source: path == "-" ? "<stdin>" : path)
    }

    init(lines: consuming LineReader, source: String) {
        self.lines = lines
        self.source = source
    }

    /// Keep each line's bytes (`lineBytes`) for callers that keep a resource as its text (a spool).
    public var keepsLineBytes = false
    /// With `keepsLineBytes`: the exact text of the document last returned.
    public private(set) var lineBytes: [UInt8] = []
    /// With `keepsLineBytes`: where the members of that document's top-level object are in `lineBytes`, found as it
    /// was read (`FHIRJSONReader.readFindingMembers`; nil where `JSONTopLevelMembers.scan` gives nil).
    public private(set) var lineMembers: [JSONTopLevelMembers.Member]?

    /// The one-based line number of the document last returned.
    public var lineNumber: Int { lines.lineNumber }

    /// The next document, or nil at the end of the stream. Blank lines are skipped.
    public mutating func next() throws -> FHIRElement? {
        var result: FHIRElement?
        let source = self.source
        let depth = maxDepth
        let keys = topLevelKeys
        let keepsLine = keepsLineBytes
        var kept: [UInt8] = []
        var keptMembers: [JSONTopLevelMembers.Member]?
        while result == nil {
            let lineNumber = lines.lineNumber + 1
            let more = try lines.nextLine { line in
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
                let reader = FHIRJSONReader(
                    options: .init(
                        maxDepth: depth, source: source, lineOffset: lineNumber - 1, topLevelKeys: keys,
                        allowsByteOrderMark: lineNumber == 1))
                if keepsLine {
                    (result, keptMembers) = try reader.readFindingMembers(line)
                    kept = Array(line)
                } else {
                    result = try reader.read(line)
                }
            }
            if !more { return nil }
        }
        if keepsLine {
            lineBytes = kept
            lineMembers = keptMembers
        }
        return result
    }

    /// Calls `body` with every document in the stream.
    public mutating func forEach(_ body: (FHIRElement) throws -> Void) throws {
        while let element = try next() { try body(element) }
    }
}
