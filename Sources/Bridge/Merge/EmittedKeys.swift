/// The `Type/id` of every resource the merge has emitted so far, one line each (what the Shared Data Provenance
/// lists as its targets), with a hash index over the lines for the merge's question "is this id taken already?".
/// A set of the ids as strings took about 190 bytes an id at a million resources; the index takes 16 to 32 bytes
/// beside the line it points into, and compares the line's bytes, so two ids never pass for one.
struct EmittedKeys {
    /// `Type/id\n` per emitted resource, in emission order.
    private(set) var lines: [UInt8] = []
    /// Open addressing, linear probing, at most half full: 0 for an empty slot, else the upper 24 bits of the line's
    /// hash above its offset + 1 (40 bits), so that a probe passes over other lines without reading them.
    private var slots = [UInt64](repeating: 0, count: 1024)
    private(set) var count = 0

    /// An index with room for `count` keys of about `lineLength` bytes, so that the merge, which knows how many
    /// records its emits read, does not hash every line again each time the index doubles.
    init(reservingCapacity count: Int = 0, lineLength: Int = 0) {
        var size = 1024
        while size < count * 2 { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
        lines.reserveCapacity(count * lineLength)
    }

    /// Adds `type/id` unless it is there; false when it was. The line is written where it would go and taken back
    /// when it is there already: no array is made for it.
    mutating func insert(type: String, id: String) -> Bool {
        let start = lines.count
        var type = type
        var id = id
        type.withUTF8 { lines.append(contentsOf: $0) }
        lines.append(UInt8(ascii: "/"))
        id.withUTF8 { lines.append(contentsOf: $0) }
        let end = lines.count
        let hash = lines.withUnsafeBytes { Self.hash(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
        let tag = Self.tag(hash)
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            let stored = slots[slot]
            if stored >> Self.offsetBits == tag, matches(start..<end, at: Int(stored & Self.offsetMask) - 1) {
                lines.removeSubrange(start...)
                return false
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = tag << Self.offsetBits | UInt64(start + 1)
        lines.append(UInt8(ascii: "\n"))
        count += 1
        if count * 2 > slots.count { grow() }
        return true
    }

    /// Each line without its newline, in emission order.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try lines.withUnsafeBufferPointer { lines in
            try forEachLine { range in try body(UnsafeBufferPointer(rebasing: lines[range])) }
        }
    }

    /// The byte range of each line, without its newline.
    private func forEachLine(_ body: (Range<Int>) throws -> Void) rethrows {
        var start = 0
        for (offset, byte) in lines.enumerated() where byte == UInt8(ascii: "\n") {
            try body(start..<offset)
            start = offset + 1
        }
    }

    /// Whether the line at `offset` is the bytes of `candidate` (a range of `lines` past the last line).
    private func matches(_ candidate: Range<Int>, at offset: Int) -> Bool {
        let end = offset + candidate.count
        guard end < candidate.lowerBound, lines[end] == UInt8(ascii: "\n") else { return false }
        return lines.withUnsafeBytes { bytes in
            UnsafeRawBufferPointer(rebasing: bytes[offset..<end]).elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[candidate]))
        }
    }

    private static let offsetBits: UInt64 = 40
    private static let offsetMask: UInt64 = (1 << 40) - 1

    @inline(__always) private static func tag(_ hash: Int) -> UInt64 { UInt64(UInt(bitPattern: hash)) >> offsetBits }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    private mutating func grow() {
        var larger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = larger.count - 1
        forEachLine { range in
            let hash = lines[range].withUnsafeBytes(Self.hash)
            var slot = hash & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = Self.tag(hash) << Self.offsetBits | UInt64(range.lowerBound + 1)
        }
        slots = larger
    }
}
