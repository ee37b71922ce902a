#if canImport(Glibc)
import Glibc
#endif

/// The distinct keys of a link's records, each with its ordinal (first-seen order), found by hash: the link's
/// table of keys. The keys are bytes in one buffer (a tag, then each part's length and UTF-8), where a dictionary of
/// `LinkKey`s and an array of them in order took 131 bytes a key of two parts (an array of strings each, its hash
/// through every string): 37 MB of a million-resource export's peak, in its largest link. Here a key takes its
/// bytes, 8 for where they start and 11 to 21 of index. Looking a key up neither copies nor encodes it: its hash
/// and the comparison read its parts where they are.
struct LinkKeyTable: Sendable {
    /// Per key: 0 for `.one`, 1 for `.many`; for `.many` the part count; then each part's length and bytes
    /// (numbers as LEB128).
    private var bytes: [UInt8] = []
    /// Where each key's bytes start, by ordinal.
    private var starts: [Int] = []
    /// Open addressing, linear probing, at most three quarters full: 0 for an empty slot, else the upper 32 bits of
    /// the key's hash above its ordinal + 1.
    private var slots: [UInt64]

    init(reservingCapacity count: Int = 0) {
        slots = [UInt64](repeating: 0, count: Self.slotCount(for: count))
        starts.reserveCapacity(count)
    }

    var count: Int { starts.count }

    /// The ordinal of `key`, or nil when it is not in the table.
    func ordinal(of key: LinkKey) -> Int32? {
        var key = key
        let hash = Self.hash(&key)
        let tag = UInt64(UInt(bitPattern: hash)) >> 32
        let mask = slots.count - 1
        var slot = hash & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { return nil }
            if stored >> 32 == tag, matches(&key, at: Int(stored & 0xFFFF_FFFF) - 1) { return Int32(stored & 0xFFFF_FFFF) - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// The ordinal of `key`, added (with the next ordinal) when it is new.
    mutating func insert(_ key: LinkKey) -> (ordinal: Int32, inserted: Bool) {
        var key = key
        let hash = Self.hash(&key)
        let tag = UInt64(UInt(bitPattern: hash)) >> 32
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            let stored = slots[slot]
            if stored >> 32 == tag, matches(&key, at: Int(stored & 0xFFFF_FFFF) - 1) { return (Int32(stored & 0xFFFF_FFFF) - 1, false) }
            slot = (slot + 1) & mask
        }
        let ordinal = starts.count
        starts.append(bytes.count)
        Self.encode(&key, into: &bytes)
        slots[slot] = tag << 32 | UInt64(ordinal + 1)
        if starts.count * 4 > slots.count * 3 { grow() }
        return (Int32(ordinal), true)
    }

    /// The key at `ordinal`.
    func key(at ordinal: Int) -> LinkKey {
        bytes.withUnsafeBufferPointer { bytes in
            var reader = Reader(bytes: bytes, offset: starts[ordinal])
            if reader.number() == 0 { return .one(reader.text()) }
            return .many((0..<reader.number()).map { _ in reader.text() })
        }
    }

    /// Lets go of the room the bytes' doubling left unused, once every key is in.
    mutating func trim() {
        bytes = bytes.keptAtSize()
    }

    /// The key's parts as a `LinkKey` would give them.
    func parts(at ordinal: Int) -> [String] { key(at: ordinal).parts }

    private static func slotCount(for count: Int) -> Int {
        var size = 16
        while size * 3 < count * 4 { size *= 2 }
        return size
    }

    private mutating func grow() {
        var larger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = larger.count - 1
        for ordinal in starts.indices {
            var key = key(at: ordinal)
            let hash = Self.hash(&key)
            var slot = hash & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = (UInt64(UInt(bitPattern: hash)) >> 32) << 32 | UInt64(ordinal + 1)
        }
        slots = larger
    }

    /// The key's hash: its case, then each part's length and bytes, as `encode` writes them.
    private static func hash(_ key: inout LinkKey) -> Int {
        var hasher = Hasher()
        switch key {
        case .one(var part):
            hasher.combine(UInt8(0))
            part.withUTF8 { hasher.combine($0.count); hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        case .many(let parts):
            hasher.combine(UInt8(1))
            hasher.combine(parts.count)
            for var part in parts { part.withUTF8 { hasher.combine($0.count); hasher.combine(bytes: UnsafeRawBufferPointer($0)) } }
        }
        return hasher.finalize()
    }

    private static func encode(_ key: inout LinkKey, into bytes: inout [UInt8]) {
        func text(_ part: String) {
            var part = part
            part.withUTF8 { utf8 in
                LEB128.append(utf8.count, to: &bytes)
                bytes.append(contentsOf: utf8)
            }
        }
        switch key {
        case .one(let part):
            bytes.append(0)
            text(part)
        case .many(let parts):
            bytes.append(1)
            LEB128.append(parts.count, to: &bytes)
            for part in parts { text(part) }
        }
    }

    /// Whether the key at `ordinal` is `key`, compared part by part where its bytes are.
    private func matches(_ key: inout LinkKey, at ordinal: Int) -> Bool {
        // Read through a pointer: a reader holding the array would retain it for every look-up, and the cores look
        // up in the one table at once.
        bytes.withUnsafeBufferPointer { bytes in
            var reader = Reader(bytes: bytes, offset: starts[ordinal])
            switch key {
            case .one(var part):
                return reader.number() == 0 && part.withUTF8 { reader.textEquals($0) }
            case .many(let parts):
                guard reader.number() == 1, reader.number() == parts.count else { return false }
                for var part in parts where !part.withUTF8({ reader.textEquals($0) }) { return false }
                return true
            }
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset: Int

        mutating func number() -> Int { LEB128.read(bytes, at: &offset) }

        mutating func text() -> String {
            let count = number()
            defer { offset += count }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + count]), as: UTF8.self)
        }

        /// Whether the next text is `utf8` (read past either way).
        mutating func textEquals(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
            let count = number()
            defer { offset += count }
            guard count == utf8.count else { return false }
            return count == 0 || memcmp(bytes.baseAddress! + offset, utf8.baseAddress!, count) == 0
        }
    }
}
