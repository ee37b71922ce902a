import FHIRModel

/// A YAML value of a mapping file with the place it was written: what the loader decodes, so that every problem it
/// finds can name its file, line and column.
struct MappingNode: Sendable {
    enum Value: Sendable {
        case scalar(String)
        case sequence([MappingNode])
        /// Pairs in the order written (YAML mappings keep it, and so do overrides).
        case mapping([(key: MappingNode, value: MappingNode)])
    }

    /// How a scalar was written: decides where its text starts relative to `location` (a FHIRPath error's column
    /// inside a quoted string is one further right than in a plain one).
    enum ScalarStyle: Sendable {
        case plain, singleQuoted, doubleQuoted, block
    }

    var value: Value
    /// The node's first character (for a scalar, its opening quote or block indicator).
    var location: SourceLocation
    var style: ScalarStyle = .plain
    /// YAML's plain `null`, `~` and empty values: "not given", as opposed to the string "null" in quotes.
    var isNull: Bool = false

    var scalar: String? {
        if case .scalar(let text) = value, !isNull { return text }
        return nil
    }

    var kindName: String {
        if isNull { return "null" }
        switch value {
        case .scalar: return "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
