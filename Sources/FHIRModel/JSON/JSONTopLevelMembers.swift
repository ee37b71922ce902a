/// Where each member of a JSON document's top-level object is: its key's bytes and its value's bytes. Found once,
/// when a document that was already read and checked is kept (`ByteSpool.appendJSON`), so that a later read that
/// builds only a few members (`FHIRJSONKeyFilter`) parses just their values, instead of scanning past every other
/// member again: a link reads one or two fields of a Shared Data record of thirty-five.
///
/// The scan trusts the document to be valid JSON (it checks nothing and never fails on valid input); it gives up
/// (nil) on what it does not index: a top level that is not an object, a key with escapes (compared as bytes, it
/// could differ from the key it spells), or offsets beyond 16 bits.
public enum JSONTopLevelMembers {
    /// One member: offsets into the document, 16 bits each (documents longer than that are not indexed).
    public struct Member: Sendable, Equatable {
        public var keyStart: UInt16
        public var keyLength: UInt16
        public var valueStart: UInt16
        public var valueLength: UInt16

        public var key: Range<Int> { Int(keyStart)..<Int(keyStart) + Int(keyLength) }
        public var value: Range<Int> { Int(valueStart)..<Int(valueStart) + Int(valueLength) }
    }

    public static let maximumLength = Int(UInt16.max)

    /// The members of a valid JSON document's top-level object, in order; nil when the document is not indexed.
    public static func scan(_ bytes: UnsafeRawBufferPointer) -> [Member]? {
        guard bytes.count <= maximumLength, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let count = bytes.count
        var i = 0
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { i = 3 }
        @inline(__always) func skipWhitespace() {
            while i < count, base[i] == 0x20 || base[i] == 0x0A || base[i] == 0x0D || base[i] == 0x09 { i += 1 }
        }
        /// Past the string whose opening quote is at `i`; whether it had escapes.
        @inline(__always) func skipString() -> Bool {
            i += 1
            var escaped = false
            while i < count {
                let byte = base[i]
                if byte == UInt8(ascii: "\"") { i += 1; return escaped }
                if byte == UInt8(ascii: "\\") { escaped = true; i += 2 } else { i += 1 }
            }
            return escaped
        }
        skipWhitespace()
        guard i < count, base[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var members: [Member] = []
        while true {
            skipWhitespace()
            guard i < count else { return nil }
            if base[i] == UInt8(ascii: "}") { return members }
            if base[i] == UInt8(ascii: ",") {
                i += 1
                skipWhitespace()
            }
            guard i < count, base[i] == UInt8(ascii: "\"") else { return nil }
            let keyStart = i + 1
            if skipString() { return nil }
            let keyEnd = i - 1
            skipWhitespace()
            guard i < count, base[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipWhitespace()
            let valueStart = i
            guard i < count else { return nil }
            switch base[i] {
            case UInt8(ascii: "\""):
                _ = skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                repeat {
                    let byte = base[i]
                    if byte == UInt8(ascii: "\"") {
                        _ = skipString()
                        continue
                    }
                    if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
                    if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { depth -= 1 }
                    i += 1
                } while depth > 0 && i < count
            default:
                // A number or a literal: up to the next separator.
                while i < count {
                    let byte = base[i]
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                        break
                    }
                    i += 1
                }
            }
            members.append(
                Member(
                    keyStart: UInt16(keyStart), keyLength: UInt16(keyEnd - keyStart), valueStart: UInt16(valueStart),
                    valueLength: UInt16(i - valueStart)))
        }
    }
}
