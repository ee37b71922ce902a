#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Where the member `name` (a key without escapes) is among `members` of `document`.
    public static func index(named name: StaticString, among members: [Member], in document: UnsafeRawBufferPointer) -> Int? {
        let key = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return members.firstIndex { $0.key.count == key.count && UnsafeRawBufferPointer(rebasing: document[$0.key]).elementsEqual(key) }
    }

    /// The value's bytes of the member `name` (a key without escapes) among `members` of `document`.
    public static func value(
        named name: StaticString, among members: [Member], in document: UnsafeRawBufferPointer
    ) -> UnsafeRawBufferPointer? {
        index(named: name, among: members, in: document).map { UnsafeRawBufferPointer(rebasing: document[members[$0].value]) }
    }

    /// The text of the member `name` of a document read and checked before (nil: none, or not a string), as its
    /// tree's `stringValue`: a string without escapes taken from its bytes, anything else parsed.
    public static func string(
        named name: StaticString, among members: [Member], in document: UnsafeRawBufferPointer
    ) throws -> String? {
        guard let value = value(named: name, among: members, in: document) else { return nil }
        return try ByteSpool.memberValue(value, reader: checkedBefore).stringValue
    }

    /// Reads again what was read and checked: its keys are known to be unique.
    static let checkedBefore = FHIRJSONReader(options: .init(keysKnownUnique: true))

    /// 1 for the bytes a nested value's scan stops at: `"`, `{`, `}`, `[`, `]`.
    static let structural: [UInt8] = (0..<256).map { byte in
        [UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]")].contains(UInt8(byte)) ? 1 : 0
    }

    /// The members of a valid JSON document's top-level object, in order; nil when the document is not indexed.
    public static func scan(_ bytes: UnsafeRawBufferPointer) -> [Member]? {
        guard bytes.count <= maximumLength, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let count = bytes.count
        var i = 0
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { i = 3 }
        @inline(__always) func skipWhitespace() {
            while i < count, base[i] == 0x20 || base[i] == 0x0A || base[i] == 0x0D || base[i] == 0x09 { i += 1 }
        }
        /// Past the string whose opening quote is at `i`; whether it had escapes. The closing quote is found with
        /// `memchr` (a quote after an odd run of backslashes is escaped, and the search goes on).
        @inline(__always) func skipString() -> Bool {
            let start = i + 1
            var from = start
            while true {
                guard let found = memchr(base + from, Int32(UInt8(ascii: "\"")), count - from) else {
                    i = count
                    return true
                }
                let quote = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                var backslashes = 0
                while quote - 1 - backslashes >= start && base[quote - 1 - backslashes] == UInt8(ascii: "\\") { backslashes += 1 }
                if backslashes % 2 == 0 {
                    i = quote + 1
                    return memchr(base + start, Int32(UInt8(ascii: "\\")), quote - start) != nil
                }
                from = quote + 1
            }
        }
        skipWhitespace()
        guard i < count, base[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var members: [Member] = []
        members.reserveCapacity(40)
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
                    // Only quotes and brackets matter: the table says which bytes those are.
                    while i < count && Self.structural[Int(base[i])] == 0 { i += 1 }
                    guard i < count else { break }
                    let byte = base[i]
                    if byte == UInt8(ascii: "\"") {
                        _ = skipString()
                        continue
                    }
                    depth += byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") ? 1 : -1
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
