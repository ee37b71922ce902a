/// Tells FHIR XML, JSON and NDJSON apart from a document's first bytes, for inputs whose name does not say.
public enum FHIRContentSniffer {
    public enum Guess: String, Sendable {
        case json
        case ndjson
        case xml
    }

    /// The format of a document from its first bytes: `<` is XML; `{` or `[` is JSON, or NDJSON when a complete
    /// top-level object is followed, on a later line, by another `{`. Nil when it is neither (or empty).
    public static func detect(_ bytes: UnsafeRawBufferPointer) -> Guess? {
        var i = 0
        let n = bytes.count
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < n, isWhitespace(bytes[i]) { i += 1 }
        guard i < n else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "<"): return .xml
        case UInt8(ascii: "["): return .json
        case UInt8(ascii: "{"): return secondObjectFollows(bytes, from: i) ? .ndjson : .json
        default: return nil
        }
    }

    public static func detect(_ bytes: [UInt8]) -> Guess? { bytes.withUnsafeBytes { detect($0) } }

    /// Reads the first 64 KiB of a file to detect its format (a `.ndjson` name settles a lone first line).
    public static func detect(path: String) throws -> Guess? {
        var head: [UInt8] = []
        var reader = try LineReader(path: path, chunkSize: 1 << 16)
        while head.count < 1 << 16, try reader.nextLine({ head.append(contentsOf: $0); head.append(0x0A) }) {}
        let found = detect(head)
        if found == .json, path.hasSuffix(".ndjson") { return .ndjson }
        return found
    }

    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// Skips the first JSON object (minding strings) and looks at what follows it.
    static func secondObjectFollows(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                depth += 1
            } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 {
                    var j = i + 1
                    var sawNewline = false
                    while j < bytes.count, isWhitespace(bytes[j]) {
                        if bytes[j] == 0x0A { sawNewline = true }
                        j += 1
                    }
                    return sawNewline && j < bytes.count && bytes[j] == UInt8(ascii: "{")
                }
            }
            i += 1
        }
        return false
    }
}
