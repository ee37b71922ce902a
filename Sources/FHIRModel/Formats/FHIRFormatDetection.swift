extension FHIRFormat {
    /// The one rule that tells an input's format when the user did not name it (`--from`), from its first bytes:
    ///
    /// - `<` (after a byte-order mark and white space) is XML;
    /// - a file named `.ndjson` or `.jsonl` is NDJSON (a file of one line is then one resource, not a document);
    /// - a file named `.json` is one JSON document (RFC 8259: a second top-level value is an error, not a line);
    /// - a first line that holds exactly one complete JSON object or array, followed by another non-blank line, is
    ///   NDJSON: one value a line;
    /// - anything else is one JSON document (a resource, a Bundle, an array of resources; what is not a resource is
    ///   refused by the reader with its position).
    ///
    /// Only the first line is looked at (a pretty-printed document's first line is `{`), so the answer costs one
    /// scan of that line, not a parse. Returns nil when `head` ends before the answer is known and more bytes may
    /// follow (`atEnd` false): the caller reads on and asks again.
    public static func detect(head: UnsafeRawBufferPointer, atEnd: Bool, path: String? = nil) -> FHIRFormat? {
        let n = head.count
        var i = 0
        if n >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { i = 3 }
        while i < n, isWhitespace(head[i]) { i += 1 }
        guard i < n else { return atEnd ? .json : nil }
        let first = head[i]
        if first == UInt8(ascii: "<") { return .xml }
        if let path, let named = FHIRFormat.named(byPath: path), named == .ndjson || named == .json { return named }
        guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return .json }
        // Scan the first value; a line break inside it means a document, not a line of NDJSON.
        var depth = 0
        var inString = false
        var escaped = false
        while i < n {
            let b = head[i]
            i += 1
            if b == 0x0A { return .json }
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return afterFirstValue(head, from: i, atEnd: atEnd) }
            default: break
            }
        }
        return atEnd ? .json : nil
    }

    public static func detect(head: [UInt8], atEnd: Bool, path: String? = nil) -> FHIRFormat? {
        head.withUnsafeBytes { detect(head: $0, atEnd: atEnd, path: path) }
    }

    /// The format a file name's extension names (`.json`, `.ndjson`, `.jsonl`, `.xml`), or nil.
    static func named(byPath path: String) -> FHIRFormat? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let fileExtension = path[path.index(after: dot)...].lowercased()
        return allCases.first { $0.fileExtensions.contains(fileExtension) }
    }

    /// After a first value that closed on its line: the rest of the line must be blank, and another non-blank line
    /// must follow, for the input to be NDJSON.
    static func afterFirstValue(_ head: UnsafeRawBufferPointer, from start: Int, atEnd: Bool) -> FHIRFormat? {
        var i = start
        var sawNewline = false
        while i < head.count {
            let b = head[i]
            if b == 0x0A {
                sawNewline = true
            } else if !isWhitespace(b) {
                return sawNewline ? .ndjson : .json
            }
            i += 1
        }
        return atEnd ? .json : nil
    }

    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
