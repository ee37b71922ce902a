/// The text transforms that apply to keys (docs/mappings.md, "Key parts"), applied to both sides alike so that
/// " sub9990101" and "SUB9990101" meet.
enum KeyNormaliser {
    static func apply(_ transforms: [MappingTransform], to text: String) -> String {
        var value = text
        for transform in transforms { value = apply(transform, to: value) }
        return value
    }

    /// One text transform (any other leaves the text as it is).
    static func apply(_ transform: MappingTransform, to text: String) -> String {
        switch transform {
        case .trim: trimmed(text)
        case .upper: hasASCII(text, in: UInt8(ascii: "a")...UInt8(ascii: "z")) ? text.uppercased() : text
        case .lower: lowercased(text)
        case .collapseSpace: collapsed(text)
        default: text
        }
    }

    /// Lower-cased; the text as it is when no letter could change (`lowercased()` copies even then).
    static func lowercased(_ text: String) -> String {
        hasASCII(text, in: UInt8(ascii: "A")...UInt8(ascii: "Z")) ? text.lowercased() : text
    }

    /// Whether a case change could change the text: it has a letter of `range`, or is not all ASCII. Keys are
    /// mostly accessions already in upper case, and `uppercased()` copies even when nothing changes.
    static func hasASCII(_ text: String, in range: ClosedRange<UInt8>) -> Bool {
        text.utf8.contains { range.contains($0) || $0 >= 0x80 }
    }

    /// Without white space at either end. Most values have none, and then the text is returned as it is: trimming
    /// by Characters (grapheme breaking, reversed views) was a third of a reconcile's time.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return text }
        if isPlainASCII(first) && isPlainASCII(last) { return text }
        if !isWhitespace(first) && !isWhitespace(last) { return text }
        guard let start = scalars.firstIndex(where: { !isWhitespace($0) }),
            let end = scalars.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(scalars[start...end])
    }

    /// A printable ASCII character other than space: never white space, answered without Unicode's tables.
    static func isPlainASCII(_ scalar: Unicode.Scalar) -> Bool { scalar.value > 0x20 && scalar.value < 0x7F }

    /// Unicode's White_Space, from its tables only beyond ASCII (where it is tab to carriage return, and space):
    /// looking every character up was most of comparing texts.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }

    /// Trimmed, with every run of white space inside made one space; returned as it is when already so.
    static func collapsed(_ text: String) -> String {
        var previousWasSpace = true  // a leading space is a run to remove
        var clean = true
        for scalar in text.unicodeScalars {
            let isSpace = isWhitespace(scalar)
            if isSpace && (previousWasSpace || scalar != " ") { clean = false; break }
            previousWasSpace = isSpace
        }
        if clean && !previousWasSpace { return text }
        return text.unicodeScalars.split(whereSeparator: { isWhitespace($0) })
            .map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }
}
