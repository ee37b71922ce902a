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
            // eight at a time are passed over while none of them is a quote or a backslash.
            i = Self.skipPlainStringBytes(base, from: i, count: count)
            while i < count {
                let inner = base[i]
                if inner == UInt8(ascii: "\"") { break }
                if inner != UInt8(ascii: "\\") {
                    i = Self.skipPlainStringBytes(base, from: i + 1, count: count)
                    continue
                }
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

    /// The first place at or after `start` that may hold a quote or a backslash, passing over eight bytes at a time
    /// that hold neither (a word has a byte equal to `c` when `(x ^ c) - 0x01..` borrows into a clear high bit);
    /// the last few bytes are left to the caller's loop. `writesBack` takes each byte in order from there, as it
    /// did every byte before (`UnparsedMembersTests` hold it to the writer's output at every alignment).
    @inline(__always)
    static func skipPlainStringBytes(_ base: UnsafePointer<UInt8>, from start: Int, count: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = ones &* 0x22
        let backslashes = ones &* 0x5C
        var i = start
        let raw = UnsafeRawPointer(base)
        while i + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let q = word ^ quotes
            let b = word ^ backslashes
            let found = ((q &- ones) & ~q | (b &- ones) & ~b) & highs
            if found != 0 { break }
            i += 8
        }
        return i
    }
}
