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
        return try string(of: value)
    }

    /// The text of a member's value read and checked before (nil: not a string), as its tree's `stringValue`.
    static func string(of value: UnsafeRawBufferPointer) throws -> String? {
        try ByteSpool.memberValue(value, reader: checkedBefore).stringValue
    }

    /// Reads again what was read and checked: its keys are known to be unique.
    static let checkedBefore = FHIRJSONReader(options: .init(keysKnownUnique: true))

    /// 1 for the bytes a nested value's scan stops at: `"`, `{`, `}`, `[`, `]`.
    static let structural: [UInt8] = (0..<256).map { byte in
        [UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]")].contains(UInt8(byte)) ? 1 : 0
    }

    /// The members of a valid JSON document's top-level object, in order; nil when the document is not indexed.
    public static func scan(_ bytes: UnsafeRawBufferPointer) -> [Member]? {
        guard bytes.count <= maximumLength else { return nil }
        var members: [Member] = []
        members.reserveCapacity(40)
        let walked = forEachMember(of: bytes) { key, value in
            members.append(
                Member(
                    keyStart: UInt16(key.lowerBound), keyLength: UInt16(key.count), valueStart: UInt16(value.lowerBound),
                    valueLength: UInt16(value.count)))
            return true
        }
        return walked ? members : nil
    }

    /// The value's bytes of the top-level member `name` (a key without escapes) of a valid JSON document, its members
    /// scanned up to that one and no further: `.some(nil)` when it has no such member, nil when the scan cannot tell
    /// (not an object, or a key with escapes before it, which compared as bytes could spell `name`). For a reader
    /// that wants one member of an object it does not keep (a resource's `meta.versionId`, usually its first), where
    /// `scan` made and filled an array of every member.
    public static func value(named name: StaticString, inDocument bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer?? {
        let wanted = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var found: Range<Int>? = nil
        let walked = forEachMember(of: bytes) { key, value in
            guard key.count == wanted.count, UnsafeRawBufferPointer(rebasing: bytes[key]).elementsEqual(wanted) else { return true }
            found = value
            return false
        }
        if let found { return .some(UnsafeRawBufferPointer(rebasing: bytes[found])) }
        return walked ? .some(nil) : nil
    }

    /// Calls `body` with the ranges of each top-level member's key (inside its quotes) and value, in order, until it
    /// returns false; false when the document is not one this indexes (not an object, a key with escapes before
    /// `body` stopped). The scan trusts the document to be valid JSON.
    static func forEachMember(of bytes: UnsafeRawBufferPointer, _ body: (_ key: Range<Int>, _ value: Range<Int>) -> Bool) -> Bool {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
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
        guard i < count, base[i] == UInt8(ascii: "{") else { return false }
        i += 1
        while true {
            skipWhitespace()
            guard i < count else { return false }
            if base[i] == UInt8(ascii: "}") { return true }
            if base[i] == UInt8(ascii: ",") {
                i += 1
                skipWhitespace()
            }
            guard i < count, base[i] == UInt8(ascii: "\"") else { return false }
            let keyStart = i + 1
            if skipString() { return false }
            let keyEnd = i - 1
            skipWhitespace()
            guard i < count, base[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipWhitespace()
            let valueStart = i
            guard i < count else { return false }
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
            guard body(keyStart..<keyEnd, valueStart..<i) else { return true }
        }
    }
}
