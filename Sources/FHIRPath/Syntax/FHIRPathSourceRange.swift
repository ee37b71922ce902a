/// Where a piece of the expression came from: character offsets into the source, plus the line and column of the
/// start (one-based) for messages.
public struct FHIRPathSourceRange: Sendable, Hashable {
    public var start: Int
    public var end: Int
    public var line: Int
    public var column: Int

    public init(start: Int, end: Int, line: Int, column: Int) {
        self.start = start
        self.end = end
        self.line = line
        self.column = column
    }

    /// The smallest range covering both.
    func union(_ other: FHIRPathSourceRange) -> FHIRPathSourceRange {
        let first = start <= other.start ? self : other
        return FHIRPathSourceRange(
            start: first.start, end: Swift.max(end, other.end), line: first.line, column: first.column)
    }
}
