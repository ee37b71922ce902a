/// Writes the element tree as JSON bytes: compact (one line, no spaces) or pretty (two-space indent).
///
/// Numbers are written as their literal text and strings with the minimal escaping (`"`, `\`, control characters),
/// so a compact write of a tree read from compact minimal-escaped JSON gives back the same bytes.
public struct FHIRJSONWriter: Sendable {
    public var pretty: Bool

    public init(pretty: Bool = false) { self.pretty = pretty }

    public func write(_ element: FHIRElement) -> [UInt8] {
        var out: [UInt8] = []
        write(element, into: &out)
        return out
    }

    public func string(_ element: FHIRElement) -> String {
        String(decoding: write(element), as: UTF8.self)
    }

    /// Appends the JSON form of `element` to `out`.
    public func write(_ element: FHIRElement, into out: inout [UInt8]) {
        write(element, indent: 0, into: &out)
    }

    /// Appends `element` as a value nested `indent` levels deep (pretty output), for writers that stream the
    /// enclosing document themselves.
    public func write(_ element: FHIRElement, indent: Int, into out: inout [UInt8]) {
        var sink = JSONByteSink.reused()
        if pretty {
            FHIRJSONWriter.writePretty(element, indent: indent, into: &sink)
        } else {
            FHIRJSONWriter.writeCompact(element, into: &sink)
        }
        sink.copy(to: &out)
    }

    static func writeCompact(_ element: FHIRElement, into out: inout JSONByteSink) {
        switch element {
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            // Through the buffer, members are borrowed rather than copied (no reference counting per member).
            object.members.withUnsafeBufferPointer { members in
                for i in members.indices {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    appendString(members[i].key, into: &out)
                    out.append(UInt8(ascii: ":"))
                    writeCompact(members[i].value, into: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            items.withUnsafeBufferPointer { items in
                for i in items.indices {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    writeCompact(items[i], into: &out)
                }
            }
            out.append(UInt8(ascii: "]"))
        default:
            appendScalar(element, into: &out)
        }
    }

    static func writePretty(_ element: FHIRElement, indent: Int, into out: inout JSONByteSink) {
        switch element {
        case .object(let object):
            if object.isEmpty {
                out.append("{}")
                return
            }
            out.append(UInt8(ascii: "{"))
            var first = true
            for member in object.members {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(indent + 1, into: &out)
                appendString(member.key, into: &out)
                out.append(": ")
                writePretty(member.value, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            if items.isEmpty {
                out.append("[]")
                return
            }
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(indent + 1, into: &out)
                writePretty(item, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        default:
            appendScalar(element, into: &out)
        }
    }

    @inline(__always) static func newline(_ indent: Int, into out: inout JSONByteSink) {
        out.reserve(1 + indent * 2)
        out.appendReserved(0x0A)
        for _ in 0..<(indent * 2) { out.appendReserved(0x20) }
    }

    @inline(__always) static func appendScalar(_ element: FHIRElement, into out: inout JSONByteSink) {
        switch element {
        case .null: out.append("null")
        case .boolean(let value): out.append(value ? "true" : "false")
        case .number(let number):
            appendRaw(number.text, into: &out)
        case .string(let string): appendString(string, into: &out)
        case .array, .object: preconditionFailure("not a scalar")
        }
    }

    /// Appends `string` as a JSON string with minimal escaping. Through its UTF-8 (`appendString(utf8:into:)`): a
    /// string that needs no escaping, nearly every one, goes straight into `out`, where a buffer was allocated for
    /// each (an emitted resource's every text).
    public static func appendString(_ string: String, into out: inout [UInt8]) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { appendString(utf8: $0, into: &out) }
        if done == nil {
            var copy = string
            copy.withUTF8 { appendString(utf8: $0, into: &out) }
        }
    }

    /// Appends the UTF-8 `utf8` as a JSON string with minimal escaping: the bytes `appendString(_:into:)` appends
    /// for the string it encodes, without the string (a Provenance's million targets).
    public static func appendString(utf8: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let count = utf8.count
        let bytes = utf8.baseAddress ?? hexDigits.utf8Start
        guard cleanPrefix(bytes, count, word: FHIRJSONWriter.needsEscape, byte: FHIRJSONWriter.needsEscape) == count else {
            var sink = JSONByteSink(capacity: count + 16)
            appendString(utf8: UnsafeBufferPointer(start: bytes, count: count), into: &sink)
            sink.copy(to: &out)
            return
        }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
        out.append(UInt8(ascii: "\""))
    }

    static let hexDigits: StaticString = "0123456789abcdef"

    /// Appends the UTF-8 of `text` as it is.
    @inline(__always) static func appendRaw(_ text: String, into out: inout JSONByteSink) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { out.append($0.baseAddress!, $0.count) }
        if done == nil {
            for byte in text.utf8 { out.append(byte) }
        }
    }

    @inline(__always) static func appendString(_ string: String, into out: inout JSONByteSink) {
        // Native strings (all the reader makes) are contiguous; others are first made so.
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { appendString(utf8: $0, into: &out) }
        if done == nil {
            var copy = string
            copy.withUTF8 { appendString(utf8: $0, into: &out) }
        }
    }

    @inline(__always) static func appendString(utf8: UnsafeBufferPointer<UInt8>, into out: inout JSONByteSink) {
        let count = utf8.count
        let bytes = utf8.baseAddress ?? hexDigits.utf8Start
        // Room for the quotes and the text when nothing needs escaping, the common case.
        out.reserve(count + 2)
        out.appendReserved(UInt8(ascii: "\""))
        let i = cleanPrefix(bytes, count, word: FHIRJSONWriter.needsEscape, byte: FHIRJSONWriter.needsEscape)
        if i == count {
            out.appendReserved(bytes, count)
            out.appendReserved(UInt8(ascii: "\""))
            return
        }
        appendEscaping(bytes, count, cleanPrefix: i, into: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// How many leading bytes need no escaping: eight at a time while `word` flags none, then byte by byte. Shared
    /// by the JSON and XML writers, which differ only in the bytes they escape.
    @inline(__always)
    static func cleanPrefix(
        _ bytes: UnsafePointer<UInt8>, _ count: Int, word: (UInt64) -> UInt64, byte: (UInt8) -> Bool
    ) -> Int {
        var i = 0
        while i + 8 <= count {
            if word(UInt64(littleEndian: UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self))) != 0 { break }
            i += 8
        }
        while i < count, !byte(bytes[i]) { i += 1 }
        return i
    }

    @inline(__always) static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\")
    }

    /// High bit set in a byte of `word` that is `"`, `\` or below 0x20; exact for the lowest such byte.
    @inline(__always) static func needsEscape(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (word &- (ones &* 0x20)) & ~word
        return (zeroQuote | zeroBackslash | control) & highs
    }

    static func appendEscaping(
        _ bytes: UnsafePointer<UInt8>, _ count: Int, cleanPrefix: Int, into out: inout JSONByteSink
    ) {
        out.append(bytes, cleanPrefix)
        var runStart = cleanPrefix
        var i = cleanPrefix
        while i < count {
            let b = bytes[i]
            if !needsEscape(b) {
                i += 1
                continue
            }
            if runStart < i { out.append(bytes + runStart, i - runStart) }
            out.reserve(6)
            out.appendReserved(UInt8(ascii: "\\"))
            switch b {
            case 0x22: out.appendReserved(0x22)
            case 0x5C: out.appendReserved(0x5C)
            case 0x0A: out.appendReserved(UInt8(ascii: "n"))
            case 0x0D: out.appendReserved(UInt8(ascii: "r"))
            case 0x09: out.appendReserved(UInt8(ascii: "t"))
            case 0x08: out.appendReserved(UInt8(ascii: "b"))
            case 0x0C: out.appendReserved(UInt8(ascii: "f"))
            default:
                let hex = hexDigits.utf8Start
                out.appendReserved(UInt8(ascii: "u"))
                out.appendReserved(0x30)
                out.appendReserved(0x30)
                out.appendReserved(hex[Int(b >> 4)])
                out.appendReserved(hex[Int(b & 0xF)])
            }
            i += 1
            runStart = i
        }
        if runStart < count { out.append(bytes + runStart, count - runStart) }
    }
}
