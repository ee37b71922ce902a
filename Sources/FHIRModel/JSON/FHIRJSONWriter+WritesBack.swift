extension FHIRJSONWriter {
    /// Whether `json` (a valid JSON value) is exactly what a compact write of the tree it parses to gives: no space
    /// outside strings, and in strings only the escapes the writer makes (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`,
    /// `\u00xx` for other control characters, lowercase). Numbers and other text are kept as written by both the
    /// reader and the writer. A scan, building nothing: what `UnparsedMembers` may keep as text.
    public static func writesBack(_ json: UnsafeRawBufferPointer) -> Bool {
        guard let base = json.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let count = json.count
        var i = 0
        while i < count {
            let byte = base[i]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { return false }
            i += 1
            guard byte == UInt8(ascii: "\"") else { continue }
            // A string: to its closing quote, checking each escape. Most of a resource's bytes are in strings:
            // they are passed over eight at a time to the next quote or backslash (`JSONByteSearch`).
            i = JSONByteSearch.nextQuoteOrBackslash(base, from: i, count: count)
            // At a quote or a backslash, or at the end.
            while i < count {
                if base[i] == UInt8(ascii: "\"") { break }
                guard i + 1 < count else { return false }
                switch base[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"),
                    UInt8(ascii: "b"), UInt8(ascii: "f"):
                    i += 2
                case UInt8(ascii: "u"):
                    // Only `\u00xx` below 0x20, lowercase, for a control character without a short escape.
                    guard i + 5 < count, base[i + 2] == 0x30, base[i + 3] == 0x30, base[i + 4] == 0x30 || base[i + 4] == 0x31
                    else { return false }
                    let last = base[i + 5]
                    let low: UInt8
                    switch last {
                    case 0x30...0x39: low = last - 0x30
                    case 0x61...0x66: low = last - 0x61 + 10
                    default: return false
                    }
                    let code = (base[i + 4] - 0x30) << 4 | low
                    if code == 0x08 || code == 0x09 || code == 0x0A || code == 0x0C || code == 0x0D { return false }
                    i += 6
                default:
                    return false
                }
                i = JSONByteSearch.nextQuoteOrBackslash(base, from: i, count: count)
            }
            i += 1
        }
        return true
    }

    /// Appends the compact JSON of `element`, an object whose `null` members named in `unparsed` are written as
    /// the text kept there (`UnparsedMembers`); the same bytes as `write(_:into:)` of the whole tree.
    public func write(_ element: FHIRElement, unparsed: UnparsedMembers, into out: inout [UInt8]) {
        guard !pretty, !unparsed.isEmpty, case .object(let object) = element else {
            write(element, into: &out)
            return
        }
        var sink = JSONByteSink.reused()
        sink.append(UInt8(ascii: "{"))
        unparsed.bytes.withUnsafeBufferPointer { text in
            object.members.withUnsafeBufferPointer { members in
                for i in members.indices {
                    if i > 0 { sink.append(UInt8(ascii: ",")) }
                    FHIRJSONWriter.appendString(members[i].key, into: &sink)
                    sink.append(UInt8(ascii: ":"))
                    if case .null = members[i].value, let range = unparsed.range(of: members[i].key) {
                        if !unparsed.replacements.isEmpty, let replaced = unparsed.replacements.first(where: { $0.key == members[i].key }) {
                            replaced.value.withUnsafeBufferPointer { if let base = $0.baseAddress { sink.append(base, $0.count) } }
                        } else {
                            sink.append(text.baseAddress! + range.lowerBound, range.count)
                        }
                    } else {
                        FHIRJSONWriter.writeCompact(members[i].value, into: &sink)
                    }
                }
            }
        }
        sink.append(UInt8(ascii: "}"))
        sink.copy(to: &out)
    }
}
