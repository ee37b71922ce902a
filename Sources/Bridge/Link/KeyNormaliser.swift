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
            case .collapseSpace: value = collapsed(value)
            default: break
            }
        }
        return value
    }

    /// Without white space at either end. Most values have none, and then the text is returned as it is: trimming
    /// by Characters (grapheme breaking, reversed views) was a third of a reconcile's time.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return text }
        if !first.properties.isWhitespace && !last.properties.isWhitespace { return text }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }

    /// Trimmed, with every run of white space inside made one space; returned as it is when already so.
    static func collapsed(_ text: String) -> String {
        var previousWasSpace = true  // a leading space is a run to remove
        var clean = true
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.isWhitespace
            if isSpace && (previousWasSpace || scalar != " ") { clean = false; break }
            previousWasSpace = isSpace
        }
        if clean && !previousWasSpace { return text }
        return text.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace })
            .map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }
}
