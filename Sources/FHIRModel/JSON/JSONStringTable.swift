#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The strings the JSON reader made recently, found again by their bytes: FHIR repeats the same keys and many of
/// the same values (`system`, `http://loinc.org`, `final`) in every resource, and handing out the string already
/// made skips validating, allocating and later freeing a new one. Shared strings are ordinary immutable values.
///
/// Direct-mapped and fixed in size: a new string replaces the one in its slot, so memory is bounded and a run of
/// unique values (identifiers, timestamps) only evicts, never grows the table.
struct JSONStringTable {
    /// A string of up to 16 bytes is identified exactly by its length and two (possibly overlapping) words of
    /// its bytes; a longer one by its length, a hash and, to be sure, its bytes. A string of more than 15 bytes
    /// seen once has its length and words noted and `string` empty: it is kept when it comes again (`string(_:_:)`).
    struct Slot {
        var length: Int
        var word0: UInt64
        var word1: UInt64
        var string: String
    }

    static let slotBits = 12
    static let slotCount = 1 << slotBits
    /// Longer strings are rarely repeated, and hashing them costs more than it saves.
    static let maximumLength = 64

    let slots: UnsafeMutablePointer<Slot>

    init() {
        slots = UnsafeMutablePointer<Slot>.allocate(capacity: JSONStringTable.slotCount)
        slots.initialize(repeating: Slot(length: -1, word0: 0, word1: 0, string: ""), count: JSONStringTable.slotCount)
    }

    func deallocate() {
        slots.deinitialize(count: JSONStringTable.slotCount)
        slots.deallocate()
    }

    /// The string for `length` bytes at `start`, which the reader has checked are valid UTF-8.
    @inline(__always)
    func string(_ start: UnsafePointer<UInt8>, _ length: Int) -> String {
        let word0: UInt64
        let word1: UInt64
        if length <= 16 {
            (word0, word1) = JSONStringTable.words(start, length)
        } else if length <= JSONStringTable.maximumLength {
            word0 = JSONStringTable.hash(start, length)
            word1 = UnsafeRawPointer(start).loadUnaligned(as: UInt64.self)
        } else {
            return String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        }
        let mixed = (word0 ^ (word1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15
        let slot = slots + Int(truncatingIfNeeded: mixed >> (64 - UInt64(JSONStringTable.slotBits)))
        let sighted = slot.pointee.length == length && slot.pointee.word0 == word0 && slot.pointee.word1 == word1
        if sighted {
            // Up to 16 bytes the words are the bytes: a 16-byte slot that holds a string holds this one.
            if length <= 15 { return slot.pointee.string }
            if length == 16 ? !slot.pointee.string.isEmpty : JSONStringTable.equal(slot.pointee.string, start, length) {
                return slot.pointee.string
            }
        }
        let made = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        // A string of more than 15 bytes (one of its own, not held in the `String`) is kept only when it comes a
        // second time: before, the slot notes its bytes and holds none. Most such strings come once (ids,
        // references, timestamps), and a kept one is released when a later string takes its slot: that release
        // went to a string made long before, out of the cache, and was 1% of a reconcile. Shorter strings cost
        // no reference counting to keep.
        let keeps = length <= 15 || sighted
        slot.pointee = Slot(length: length, word0: word0, word1: word1, string: keeps ? made : "")
        return made
    }

    /// Two words that, with the length, determine 0...16 bytes; never reads outside them.
    @inline(__always)
    static func words(_ start: UnsafePointer<UInt8>, _ length: Int) -> (UInt64, UInt64) {
        let raw = UnsafeRawPointer(start)
        if length >= 8 {
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self))
        }
        if length >= 4 {
            let low = UInt64(raw.loadUnaligned(as: UInt32.self))
            let high = UInt64(raw.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self))
            return (low | high << 32, 0)
        }
        var word: UInt64 = 0
        for i in 0..<length { word = word << 8 | UInt64(start[i]) }
        return (word, 0)
    }

    /// Through the string's own storage, not a mutable copy (`withUTF8` wants one, and making it retained and
    /// released the slot's string for every look-up). A string made here is always contiguous UTF-8; one that were
    /// not would only be a miss.
    static func equal(_ string: String, _ start: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        string.utf8.withContiguousStorageIfAvailable { utf8 in
            utf8.count == length && memcmp(utf8.baseAddress!, start, length) == 0
        } ?? false
    }

    /// A 64-bit hash of 17...64 bytes, read eight at a time.
    @inline(__always)
    static func hash(_ start: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(truncatingIfNeeded: length) &* multiplier
        let raw = UnsafeRawPointer(start)
        var i = 0
        while i + 8 < length {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* multiplier
            h ^= h >> 29
            i += 8
        }
        h = (h ^ raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)) &* multiplier
        return h ^ (h >> 32)
    }
}
