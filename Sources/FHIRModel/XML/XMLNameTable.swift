#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Names (element names, type names) found by their UTF-8 bytes: a JSON key's storage or the name libxml2 hands
/// over, without making a Swift `String` or hashing one with `Hasher` (which costs more than the rest of a lookup).
///
/// Filled once when a layout is built, then only read, so any thread may look names up. Open addressing; a name of
/// up to 16 bytes is identified by its length and two words of its bytes (as in `JSONStringTable`), a longer one by
/// its length, a hash and its bytes.
final class XMLNameTable: @unchecked Sendable {
    private struct Slot {
        var length: Int32 = -1
        var value: Int32 = 0
        var word0: UInt64 = 0
        var word1: UInt64 = 0
        /// The bytes of a name longer than 16 bytes (owned by the table).
        var longBytes: UnsafeMutablePointer<UInt8>?
    }

    private var slots: UnsafeMutablePointer<Slot>
    private var bits: Int
    private(set) var count = 0

    init(minimumCapacity: Int) {
        var bits = 4
        while 1 << bits < minimumCapacity * 2 { bits += 1 }
        self.bits = bits
        slots = UnsafeMutablePointer<Slot>.allocate(capacity: 1 << bits)
        slots.initialize(repeating: Slot(), count: 1 << bits)
    }

    deinit {
        for i in 0..<(1 << bits) { slots[i].longBytes?.deallocate() }
        slots.deallocate()
    }

    @inline(__always)
    private static func key(_ start: UnsafePointer<UInt8>, _ length: Int) -> (UInt64, UInt64) {
        if length <= 16 { return JSONStringTable.words(start, length) }
        return (JSONStringTable.hash(start, length), UnsafeRawPointer(start).loadUnaligned(as: UInt64.self))
    }

    @inline(__always)
    private func firstSlot(_ word0: UInt64, _ word1: UInt64, _ length: Int) -> Int {
        let mixed = (word0 ^ (word1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> UInt64(64 - bits))
    }

    /// The value stored for the name, or nil.
    @inline(__always)
    func find(_ start: UnsafePointer<UInt8>, _ length: Int) -> Int32? {
        let (word0, word1) = XMLNameTable.key(start, length)
        let mask = (1 << bits) - 1
        var i = firstSlot(word0, word1, length)
        while true {
            let slot = slots + i
            let stored = Int(slot.pointee.length)
            if stored < 0 { return nil }
            if stored == length, slot.pointee.word0 == word0, slot.pointee.word1 == word1,
                length <= 16 || memcmp(slot.pointee.longBytes!, start, length) == 0
            {
                return slot.pointee.value
            }
            i = (i + 1) & mask
        }
    }

    func find(_ name: String) -> Int32? {
        var name = name
        return name.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return nil }
            return find(base, utf8.count)
        }
    }

    /// Stores `value` for `name` unless the name is there already; returns the value the name has afterwards.
    @discardableResult
    func insert(_ name: String, value: Int32) -> Int32 {
        if let known = find(name) { return known }
        if (count + 1) * 2 > 1 << bits { grow() }
        var name = name
        name.withUTF8 { utf8 in
            let length = utf8.count
            // An empty name never occurs in FHIR; it would need a readable first word below, so keep it out.
            precondition(length > 0, "empty name")
            let (word0, word1) = XMLNameTable.key(utf8.baseAddress!, length)
            var slot = Slot(length: Int32(length), value: value, word0: word0, word1: word1)
            if length > 16 {
                slot.longBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: length)
                slot.longBytes!.initialize(from: utf8.baseAddress!, count: length)
            }
            place(slot)
        }
        count += 1
        return value
    }

    private func place(_ slot: Slot) {
        let mask = (1 << bits) - 1
        var i = firstSlot(slot.word0, slot.word1, Int(slot.length))
        while slots[i].length >= 0 { i = (i + 1) & mask }
        slots[i] = slot
    }

    private func grow() {
        let old = slots
        let oldCount = 1 << bits
        bits += 1
        slots = UnsafeMutablePointer<Slot>.allocate(capacity: 1 << bits)
        slots.initialize(repeating: Slot(), count: 1 << bits)
        for i in 0..<oldCount where old[i].length >= 0 { place(old[i]) }
        old.deallocate()
    }
}
