/// Reads NDJSON one line at a time: each non-blank line is one JSON document. Errors name the file and the line.
/// (`FHIRResourceInput` reads files of resources through it; use that unless you want raw JSON values.)
public struct NDJSONReader: ~Copyable {
    var lines: LineReader
    let source: String
    public var maxDepth = 512
    /// Members of each document's top-level object to build (nil: all); see `FHIRJSONReader.Options`.
    public var topLevelKeys: FHIRJSONKeyFilter?
    /// When set, each line's members to build are chosen by its type instead (`FHIRResourceTypeKeys`).
    public var topLevelKeysByType: FHIRResourceTypeKeys?

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.init(lines: try LineReader(path: path, chunkSize: chunkSize), source: path == "-" ? "<stdin>" : path)
    }

    init(lines: consuming LineReader, source: String) {
        self.lines = lines
        self.source = source
    }

    /// Find each line's top-level members (`lineMembers`) for callers that keep a resource as its text (a spool,
    /// which reads the text through `withLineBytes`).
    public var keepsLineBytes = false
    /// With `keepsLineBytes`: where the members of the document last returned are in its line
    /// (`withLineBytes`), found as it was read (`FHIRJSONReader.readFindingMembers`; nil where
    /// `JSONTopLevelMembers.scan` gives nil).
    public private(set) var lineMembers: [JSONTopLevelMembers.Member]?

    /// Hands `body` the exact text of the document last returned, valid until the next `next()`.
    public func withLineBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try lines.withLastLine(body) }

    /// Where the document last returned begins in its file (nil for standard input).
    public var lineFileOffset: Int? { lines.lastLineFileOffset }

    /// The one-based line number of the document last returned.
    public var lineNumber: Int { lines.lineNumber }

    /// The next document, or nil at the end of the stream. Blank lines are skipped.
    public mutating func next() throws -> FHIRElement? {
        var result: FHIRElement?
        let source = self.source
        let depth = maxDepth
        let keys = topLevelKeys
        let keysByType = topLevelKeysByType
        let keepsLine = keepsLineBytes
        var keptMembers: [JSONTopLevelMembers.Member]?
        while result == nil {
            let lineNumber = lines.lineNumber + 1
            let more = try lines.nextLine { line in
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
                let reader = FHIRJSONReader(
                    options: .init(
                        maxDepth: depth, source: source, lineOffset: lineNumber - 1,
                        topLevelKeys: keysByType.map { $0.keys(forText: line) } ?? keys,
                        allowsByteOrderMark: lineNumber == 1))
                if keepsLine {
                    (result, keptMembers) = try reader.readFindingMembers(line)
                } else {
                    result = try reader.read(line)
                }
            }
            if !more { return nil }
        }
        if keepsLine { lineMembers = keptMembers }
        return result
    }

    /// Calls `body` with every document in the stream.
    public mutating func forEach(_ body: (FHIRElement) throws -> Void) throws {
        while let element = try next() { try body(element) }
    }
}
