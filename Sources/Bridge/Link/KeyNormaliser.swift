/// The text transforms that apply to keys (docs/mappings.md, "Key parts"), applied to both sides alike so that
/// " sub9990101" and "SUB9990101" meet.
enum KeyNormaliser {
    static func apply(_ transforms: [MappingTransform], to text: String) -> String {
        var value = text
        for transform in transforms {
            switch transform {
            case .trim: value = trimmed(value)
            case .upper: value = value.uppercased()
            case .lower: value = value.lowercased()
            case .collapseSpace: value = trimmed(value).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            default: break
            }
        }
        return value
    }

    static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
