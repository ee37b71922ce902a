import FHIRModel

/// A FHIRPath expression as written in a mapping file: its text and where that text starts, so a syntax or type
/// error's column inside the expression becomes a column in the file.
public struct MappingExpression: Sendable {
    public var text: String
    /// The scalar's place (its opening quote, for a quoted string).
    public var location: SourceLocation
    var style: MappingNode.ScalarStyle

    init?(_ node: MappingNode, what: String, _ decoder: MappingDecoder) {
        guard let text = decoder.string(node, what: what) else { return nil }
        guard !text.value.allSatisfy(\.isWhitespace) else {
            decoder.error("\(what) is empty", at: node)
            return nil
        }
        self.text = text.value
        self.location = node.location
        self.style = node.style
    }

    init(text: String, location: SourceLocation) {
        self.text = text
        self.location = location
        self.style = .plain
    }

    /// The file position of line `line`, column `column` (one-based) of the expression. Exact for plain and quoted
    /// scalars written on one line without escapes; for block scalars (`|`, `>`), the expression's line N is the
    /// file's line after the indicator plus N, at the block's indentation (read from `fileLines`).
    func fileLocation(line: Int, column: Int, fileLines: [Substring]?) -> SourceLocation {
        var place = location
        guard let startLine = location.line, let startColumn = location.column else { return place }
        switch style {
        case .plain:
            place.line = startLine + line - 1
            place.column = line == 1 ? startColumn + column - 1 : column
        case .singleQuoted, .doubleQuoted:
            place.line = startLine + line - 1
            place.column = line == 1 ? startColumn + column : column
        case .block:
            let fileLine = startLine + line
            place.line = fileLine
            var indent = 0
            if let fileLines, fileLine - 1 < fileLines.count {
                indent = fileLines[fileLine - 1].prefix { $0 == " " }.count
            }
            place.column = indent + column
        }
        return place
    }
}
