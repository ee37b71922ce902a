import FHIRModel

/// Finds the byte ranges of the items of a top-level JSON array without building trees, so that records can be
/// parsed one at a time and each keeps its exact source text. Strings, escapes and nesting are tracked; anything
/// else is left to the JSON reader that parses each item.
public struct JSONArraySplitter {
    public struct Malformed: Error {
        public var offset: Int
        public var reason: String
    }

    /// Ranges of the array's items; throws when the body is not an array or ends early (truncated).
    public static func itemRanges(_ bytes: [UInt8]) throws(Malformed) -> [Range<Int>] {
        var i = firstValueOffset(bytes)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else {
            throw Malformed(offset: i, reason: "expected a JSON array")
        }
        i += 1
        var ranges: [Range<Int>] = []
        i = skipWhitespace(bytes, i)
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { return try finish(bytes, i + 1, ranges) }
        while true {
            i = skipWhitespace(bytes, i)
            let start = i
            var depth = 0
            var inString = false
            scan: while i < bytes.count {
                let byte = bytes[i]
                if inString {
                    if byte == UInt8(ascii: "\\") { i += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        if depth == 0 { break scan }
                        depth -= 1
                    case UInt8(ascii: ","):
                        if depth == 0 { break scan }
                    default: break
                    }
                }
                i += 1
            }
            guard i < bytes.count else { throw Malformed(offset: bytes.count, reason: "unexpected end of input inside the array (truncated?)") }
            var end = i
            while end > start, isWhitespace(bytes[end - 1]) { end -= 1 }
            guard end > start else { throw Malformed(offset: i, reason: "empty array item") }
            ranges.append(start..<end)
            if bytes[i] == UInt8(ascii: "]") { return try finish(bytes, i + 1, ranges) }
            guard bytes[i] == UInt8(ascii: ",") else { throw Malformed(offset: i, reason: "expected ',' or ']'") }
            i += 1
        }
    }

    static func finish(_ bytes: [UInt8], _ index: Int, _ ranges: [Range<Int>]) throws(Malformed) -> [Range<Int>] {
        guard skipWhitespace(bytes, index) == bytes.count else { throw Malformed(offset: index, reason: "content after the array") }
        return ranges
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// Where the document's value starts: after a byte order mark, as the JSON reader skips one, and whitespace.
    static func firstValueOffset(_ bytes: [UInt8]) -> Int {
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        return skipWhitespace(bytes, bom ? 3 : 0)
    }

    static func skipWhitespace(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < bytes.count, isWhitespace(bytes[i]) { i += 1 }
        return i
    }
}
