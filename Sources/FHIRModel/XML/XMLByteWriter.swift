/// Writes XML markup into a byte buffer handed to an `XMLOutputSink` in chunks.
///
/// This replaces libxml2's xmlTextWriter, which cost more than everything else in writing FHIR XML: a malloc'd
/// stack entry and a copy of the name per element, a C string made from every Swift name and value, a linked list
/// walked per call, and every byte run through its UTF-8 output "encoder". The bytes are the ones xmlTextWriter
/// (libxml2 2.9) wrote, so output is unchanged: the same declaration, `<name/>` for an element without content,
/// attribute values in double quotes with `& < > "` and tab, line feed and carriage return escaped (non-ASCII as it
/// is), and with indentation on, its rules (one element per line indented two spaces a level, a raw narrative
/// written where the cursor is and its parent's end tag right after it). Characters XML 1.0 cannot carry (the other
/// control characters) are refused instead of written into a document no parser would read.
struct XMLByteWriter: ~Copyable {
    private var buffer: JSONByteSink
    let sink: XMLOutputSink
    let indent: Bool
    /// Open elements.
    private var depth = 0
    /// The innermost open element's start tag is still open (`<name` written, no content yet).
    private var startTagOpen = false
    /// xmlTextWriter's "doindent": whether an end tag after content goes on its own indented line (not after raw
    /// markup, which ends where it ends).
    private var indentEndTag = true

    /// Bytes kept before they are handed to the sink (a file sink writes them on; memory is bounded by this).
    static let chunkSize = 1 << 16

    init(sink: XMLOutputSink, indent: Bool) {
        self.sink = sink
        self.indent = indent
        buffer = JSONByteSink.reused()
    }

    mutating func startDocument() {
        buffer.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    }

    @inline(__always) private mutating func writeIndent(_ levels: Int) {
        buffer.reserve(levels * 2)
        for _ in 0..<(levels * 2) { buffer.appendReserved(0x20) }
    }

    mutating func startElement(_ name: UnsafeBufferPointer<UInt8>) {
        if startTagOpen {
            buffer.append(UInt8(ascii: ">"))
            if indent { buffer.append(0x0A) }
        }
        depth += 1
        startTagOpen = true
        if indent { writeIndent(depth - 1) }
        buffer.reserve(name.count + 1)
        buffer.appendReserved(UInt8(ascii: "<"))
        buffer.appendReserved(name.baseAddress!, name.count)
    }

    mutating func startElement(_ name: String) {
        var name = name
        name.withUTF8 { startElement($0) }
    }

    /// Ends the innermost open element: `/>` when it has no content, else its end tag.
    mutating func endElement(_ name: UnsafeBufferPointer<UInt8>) throws {
        if startTagOpen {
            if indent { indentEndTag = true }
            buffer.append(UInt8(ascii: "/"))
            buffer.append(UInt8(ascii: ">"))
        } else {
            if indent && indentEndTag { writeIndent(depth - 1) }
            indentEndTag = true
            buffer.reserve(name.count + 3)
            buffer.appendReserved(UInt8(ascii: "<"))
            buffer.appendReserved(UInt8(ascii: "/"))
            buffer.appendReserved(name.baseAddress!, name.count)
            buffer.appendReserved(UInt8(ascii: ">"))
        }
        if indent { buffer.append(0x0A) }
        depth -= 1
        startTagOpen = false
        if buffer.count >= XMLByteWriter.chunkSize { try handOn() }
    }

    mutating func endElement(_ name: String) throws {
        var name = name
        try name.withUTF8 { try endElement($0) }
    }

    /// ` name="value"` on the open start tag, the value escaped.
    mutating func attribute(_ name: StaticString, _ value: UnsafeBufferPointer<UInt8>) throws {
        buffer.reserve(name.utf8CodeUnitCount + value.count + 4)
        buffer.appendReserved(0x20)
        buffer.appendReserved(name.utf8Start, name.utf8CodeUnitCount)
        buffer.appendReserved(UInt8(ascii: "="))
        buffer.appendReserved(UInt8(ascii: "\""))
        try appendEscaped(value)
        buffer.append(UInt8(ascii: "\""))
    }

    mutating func attribute(_ name: UnsafeBufferPointer<UInt8>, _ value: String) throws {
        buffer.reserve(name.count + 3)
        buffer.appendReserved(0x20)
        buffer.appendReserved(name.baseAddress!, name.count)
        buffer.appendReserved(UInt8(ascii: "="))
        buffer.appendReserved(UInt8(ascii: "\""))
        try appendEscaped(value)
        buffer.append(UInt8(ascii: "\""))
    }

    mutating func attribute(_ name: StaticString, _ value: String) throws {
        let done: Void? = try value.utf8.withContiguousStorageIfAvailable { try attribute(name, $0) }
        if done == nil {
            var copy = value
            try copy.withUTF8 { try attribute(name, $0) }
        }
    }

    private mutating func appendEscaped(_ value: String) throws {
        let done: Void? = try value.utf8.withContiguousStorageIfAvailable { try appendEscaped($0) }
        if done == nil {
            var copy = value
            try copy.withUTF8 { try appendEscaped($0) }
        }
    }

    /// High bit set in a byte of `word` that an attribute value cannot hold as it is: the JSON writer's classifier
    /// (`"`, `\`, below 0x20) plus `&`, `<`, `>` and 0xEF (the lead byte of U+FFFE and U+FFFF, which are not XML
    /// characters). A backslash, and 0xEF leading any other character, are flagged needlessly; the byte loop passes
    /// them through. Exact for the lowest flagged byte.
    @inline(__always) static func needsEscape(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let ampersand = word ^ (ones &* 0x26)
        let less = word ^ (ones &* 0x3C)
        let greater = word ^ (ones &* 0x3E)
        let lead = word ^ (ones &* 0xEF)
        let zeros = ((ampersand &- ones) & ~ampersand) | ((less &- ones) & ~less) | ((greater &- ones) & ~greater)
            | ((lead &- ones) & ~lead)
        return FHIRJSONWriter.needsEscape(word) | (zeros & 0x8080_8080_8080_8080)
    }

    @inline(__always) static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">")
            || b == 0xEF
    }

    private mutating func appendEscaped(_ value: UnsafeBufferPointer<UInt8>) throws {
        let count = value.count
        guard let bytes = value.baseAddress, count > 0 else { return }
        var i = FHIRJSONWriter.cleanPrefix(bytes, count, word: XMLByteWriter.needsEscape, byte: XMLByteWriter.needsEscape)
        buffer.append(bytes, i)
        var runStart = i
        while i < count {
            let b = bytes[i]
            guard XMLByteWriter.needsEscape(b) else {
                i += 1
                continue
            }
            if b == 0xEF {
                // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are outside XML 1.0's characters; the rest of U+F000-U+FFFD
                // is written as it is.
                if i + 2 < count, bytes[i + 1] == 0xBF, bytes[i + 2] & 0xFE == 0xBE {
                    throw XMLWriteFailure(
                        "a value contains the noncharacter U+FFF\(bytes[i + 2] == 0xBE ? "E" : "F"), which XML 1.0 cannot carry")
                }
                i += 1
                continue
            }
            if runStart < i { buffer.append(bytes + runStart, i - runStart) }
            switch b {
            case UInt8(ascii: "&"): buffer.append("&amp;")
            case UInt8(ascii: "<"): buffer.append("&lt;")
            case UInt8(ascii: ">"): buffer.append("&gt;")
            case UInt8(ascii: "\""): buffer.append("&quot;")
            case 0x0A: buffer.append("&#10;")
            case 0x0D: buffer.append("&#13;")
            case 0x09: buffer.append("&#9;")
            default:
                let hex = FHIRJSONWriter.hexDigits.utf8Start
                throw XMLWriteFailure(
                    "a value contains the control character U+00\(Character(Unicode.Scalar(hex[Int(b >> 4)])))"
                        + "\(Character(Unicode.Scalar(hex[Int(b & 0xF)]))), which XML 1.0 cannot carry")
            }
            i += 1
            runStart = i
        }
        if runStart < count { buffer.append(bytes + runStart, count - runStart) }
    }

    /// Writes markup exactly as given (the narrative `div`); the caller guarantees it is well-formed.
    mutating func raw(_ text: String) {
        if startTagOpen {
            buffer.append(UInt8(ascii: ">"))
            startTagOpen = false
        }
        if indent { indentEndTag = false }
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { buffer.append($0.baseAddress!, $0.count) }
        if done == nil {
            var copy = text
            copy.withUTF8 { buffer.append($0.baseAddress!, $0.count) }
        }
    }

    /// Ends the document (all elements must be closed) and hands everything to the sink.
    mutating func finish() throws {
        precondition(depth == 0, "XMLByteWriter.finish with \(depth) open elements")
        if !indent { buffer.append(0x0A) }
        try handOn()
    }

    /// Hands the buffered bytes to the sink (between Bundle entries, and whenever a chunk is full).
    mutating func handOn() throws {
        guard buffer.count > 0 else { return }
        try sink.receive(UnsafeRawBufferPointer(start: buffer.base, count: buffer.count))
        buffer.removeAll()
    }
}

/// Why a tree cannot be written as FHIR XML; the encoder adds where (the element path) on the way out.
struct XMLWriteFailure: Error {
    var message: String
    /// Element names from the innermost outwards.
    var path: [String] = []

    init(_ message: String) { self.message = message }
}
