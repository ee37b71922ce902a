import FHIRModel

/// The de-duplicator's table: resource keys in insertion order (an entry is a position), found by their stored hash;
/// what the de-duplicator keeps of each (a version, a tag) it keeps by the position.
///
/// Not a `Dictionary`: with 100k keys, a dictionary of keys and versions spent most of its time re-hashing every key
/// through `Hasher` as it grew and missing the cache on its wide buckets. Here the keys' ids sit in an array in
/// insertion order, and the hash index is an array of 4-byte slots (open
/// addressing, linear probing, at most half full), each holding the entry's position and the top five bits of its
/// hash: a probe compares those before it looks at the entry, which leaves one probe in 32 that meets another key to
/// compare it with the entry. (Slots of eight bytes, with half the hash, were 8 MB more at a million resources, in
/// every stage of an export.) Entries keep the key without its hash (eight bytes a resource, eight megabytes at a
/// million): growing the index hashes the keys again, which a caller that knows its count avoids with
/// `reserveCapacity`.
/// An entry keeps its key's type as a number, its place among the table's types (a study has a dozen), not as a
/// string of its own: sixteen bytes less a resource, at a million the margin a large export's memory needs. The
/// numbers sit beside the ids, a byte each (`typeBytes`), and the de-duplicator's values in arrays of its own: an id
/// is 16 bytes, and a version and a tag beside it in one entry made the entry 24 (eight megabytes at a million
/// resources, in every stage of an export, where the collection needs neither once it is read).
struct ResourceKeyTable: Sendable {
    /// Each entry's id, by position.
    private(set) var ids: [String] = []
    /// Each entry's hash while the table is filled, so that growing does not hash every key again (on the one core
    /// that adds a directory's resources, about 0.7% of a million-resource export); let go once the table is brought
    /// to its size (`keepAtSize`), after which growing hashes the keys again.
    private var hashes: [Int] = []
    private var keepsHashes = true
    /// Each entry's type number, or `Self.largeType` for a number that does not fit a byte, found in `largeTypes`
    /// by the entry's position (a collection of more than 254 types, which FHIR does not define, still works).
    private var typeBytes: [UInt8] = []
    private var largeTypes: [Int: UInt32] = [:]
    private static var largeType: UInt8 { .max }
    /// Each type once, in first-seen order, with its number; `lastType` is the number of the type inserted last
    /// (resources come a type at a time, so it is nearly always the next one's).
    private var types: [String] = []
    private var typeNumbers: [String: UInt32] = [:]
    private var lastType: UInt32 = 0
    /// 0 for an empty slot, else (top bits of the hash) << `positionBits` | (entry position + 1).
    private var slots: [UInt32]
    private var mask: Int
    /// How many low bits of a slot hold the position: 27, the rest the hash's top bits, until the table holds
    /// 2^27 - 1 entries (a hundred million); 32 past that, with no hash bits (every probe then compares).
    private var positionBits: UInt32 = 27

    /// `positionBits` below 27 is for tests: the table goes over to positions only after that many bits' worth.
    init(minimumCapacity: Int = 0, positionBits: UInt32 = 27) {
        self.positionBits = positionBits
        var size = 16
        while size < minimumCapacity * 2 { size *= 2 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        ids.reserveCapacity(minimumCapacity)
        hashes.reserveCapacity(minimumCapacity)
        typeBytes.reserveCapacity(minimumCapacity)
    }

    var count: Int { ids.count }

    enum Lookup {
        case found(Int)
        /// Not present; inserting it takes this slot.
        case vacant(Int)
    }

    @inline(__always)
    func lookup(_ key: HashedResourceKey) -> Lookup {
        let tag = tag(key.hash)
        let positionBits = positionBits
        let positionMask = Self.positionMask(positionBits)
        var slot = key.hash & mask
        return slots.withUnsafeBufferPointer { slots in
            ids.withUnsafeBufferPointer { ids in
                while true {
                    let stored = slots[slot]
                    if stored == 0 { return .vacant(slot) }
                    if stored >> positionBits == tag {
                        let position = Int(stored & positionMask) - 1
                        if ids[position] == key.key.id, types[Int(typeNumber(at: position))] == key.key.type {
                            return .found(position)
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// Appends an entry in the slot `lookup` returned for its key.
    mutating func insert(_ key: HashedResourceKey, at slot: Int) {
        let type = typeNumber(adding: key.key.type)
        if type < UInt32(Self.largeType) {
            typeBytes.append(UInt8(type))
        } else {
            largeTypes[ids.count] = type
            typeBytes.append(Self.largeType)
        }
        ids.append(key.key.id)
        if keepsHashes { hashes.append(key.hash) }
        slots[slot] = tag(key.hash) << positionBits | UInt32(ids.count)
        if ids.count * 2 > slots.count {
            grow()
        } else if positionBits < 32, ids.count == Self.positionMask(positionBits) {
            // The next position would not fit beside the hash bits: the slots keep positions only from here on.
            positionBits = 32
            rebuild(size: slots.count)
        }
    }

    /// The key of the entry at `position`.
    func key(at position: Int) -> FHIRResourceKey {
        FHIRResourceKey(type: types[Int(typeNumber(at: position))], id: ids[position])
    }

    /// The number of `type`, or nil when no key has it.
    func typeNumber(of type: String) -> UInt32? { typeNumbers[type] }

    /// The type number of the key at `position`.
    func typeNumber(at position: Int) -> UInt32 {
        let byte = typeBytes[position]
        return byte == Self.largeType ? largeTypes[position]! : UInt32(byte)
    }

    /// The number of `type`, given it when new.
    private mutating func typeNumber(adding type: String) -> UInt32 {
        if Int(lastType) < types.count, types[Int(lastType)] == type { return lastType }
        if let number = typeNumbers[type] {
            lastType = number
            return number
        }
        let number = UInt32(types.count)
        types.append(type)
        typeNumbers[type] = number
        lastType = number
        return number
    }

    mutating func reserveCapacity(_ count: Int) {
        ids.reserveCapacity(count)
        if keepsHashes { hashes.reserveCapacity(count) }
        typeBytes.reserveCapacity(count)
        while count * 2 > slots.count { grow() }
    }

    /// Lets go of the room the entries took growing (the slots stay: their count is a power of two).
    mutating func keepAtSize() {
        ids = ids.keptAtSize()
        typeBytes = typeBytes.keptAtSize()
        hashes = []
        keepsHashes = false
    }

    private mutating func grow() { rebuild(size: slots.count * 2) }

    /// Puts every entry in new slots, `size` of them.
    private mutating func rebuild(size: Int) {
        var rebuilt = [UInt32](repeating: 0, count: size)
        let newMask = size - 1
        for position in ids.indices {
            let hash = keepsHashes ? hashes[position] : HashedResourceKey(key(at: position)).hash
            var slot = hash & newMask
            while rebuilt[slot] != 0 { slot = (slot + 1) & newMask }
            rebuilt[slot] = tag(hash) << positionBits | UInt32(position + 1)
        }
        slots = rebuilt
        mask = newMask
    }

    /// The hash's top bits that a slot keeps (none once positions take the whole slot). The slot's place comes from
    /// the hash's low bits, so these tell apart keys that share it.
    @inline(__always) private func tag(_ hash: Int) -> UInt32 {
        positionBits >= 32 ? 0 : UInt32(truncatingIfNeeded: UInt(bitPattern: hash) >> UInt(32 + positionBits))
    }

    @inline(__always) static func positionMask(_ bits: UInt32) -> UInt32 { bits >= 32 ? .max : (1 << bits) - 1 }
}
