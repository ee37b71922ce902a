import FHIRModel

/// The `Type/id` of every resource the merge has emitted so far, one line each (what the Shared Data Provenance
/// lists as its targets), with a hash index over the lines for the merge's question "is this id taken already?".
/// A set of the ids as strings took about 190 bytes an id at a million resources; the index takes 16 to 32 bytes
/// beside the line it points into, and compares the line's bytes, so two ids never pass for one. Past
/// `memoryLimit` bytes the lines go to a temporary file (`ByteSpool`): at a million resources they were 18 MB,
/// and growing them had both copies at the run's peak; the index reads a line back only when its hash's top bits
/// match, which is nearly only for an id taken already.
struct EmittedKeys {
    /// `Type/id\n` per emitted resource, in emission order, from byte `spooled` of all lines on.
    private var lines: [UInt8] = []
    /// The lines before `lines`, written to `spool`: `spooled` bytes.
    private var spool: ByteSpool?
    private var spooled = 0
    private let memoryLimit: Int
    /// Open addressing, linear probing, at most three quarters full (half full took 8 MB at a million resources):
    /// 0 for an empty slot, else the upper 24 bits of the line's hash above its offset (among all lines) + 1 (40
    /// bits), so that a probe passes over other lines without reading them.
    private var slots = [UInt64](repeating: 0, count: 1024)
    private(set) var count = 0

    static let defaultMemoryLimit = 4 << 20

    /// An index with room for `count` keys of about `lineLength` bytes, so that the merge, which knows how many
    /// records its emits read, does not hash every line again each time the index doubles.
    init(reservingCapacity count: Int = 0, lineLength: Int = 0, memoryLimit: Int = defaultMemoryLimit) {
        var size = 1024
        while size * 3 < count * 4 { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
        self.memoryLimit = memoryLimit
        lines.reserveCapacity(min(count * lineLength, memoryLimit + 256))
    }

    /// Adds `type/id` unless it is there; false when it was. The line is written where it would go and taken back
    /// when it is there already: no array is made for it. Throws only when the temporary file fails.
    mutating func insert(type: String, id: String) throws -> Bool {
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
            if stored >> Self.offsetBits == tag, try matches(start..<end, at: Int(stored & Self.offsetMask) - 1) {
                lines.removeSubrange(start...)
                return false
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = tag << Self.offsetBits | UInt64(spooled + start + 1)
        lines.append(UInt8(ascii: "\n"))
        count += 1
        if count * 4 > slots.count * 3 { try grow() }
        if lines.count > memoryLimit { try spoolLines() }
        return true
    }

    /// Each line without its newline, in emission order.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try forEachLine { _, line in try body(line) }
    }

    /// Each line without its newline and where it begins among all lines: the spooled ones read back a block at a
    /// time, then the ones in memory.
    private func forEachLine(_ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var start = 0
        if let spool, spooled > 0 {
            var carried: [UInt8] = []
            var offset = 0
            while offset < spooled {
                let length = min(Self.readBlock, spooled - offset)
                try spool.withBytes(of: ByteSpool.Span(offset: offset, length: length)) { block in
                    carried.append(contentsOf: block)
                }
                offset += length
                var lineStart = 0
                try carried.withUnsafeBufferPointer { bytes in
                    for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
                        try body(start, UnsafeBufferPointer(rebasing: bytes[lineStart..<index]))
                        start += index + 1 - lineStart
                        lineStart = index + 1
                    }
                }
                carried.removeSubrange(..<lineStart)
            }
        }
        try lines.withUnsafeBufferPointer { bytes in
            var lineStart = 0
            for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
                try body(spooled + lineStart, UnsafeBufferPointer(rebasing: bytes[lineStart..<index]))
                lineStart = index + 1
            }
        }
    }

    /// Whether the line at `offset` (among all lines) is the bytes of `candidate` (a range of `lines` past the
    /// last line).
    private func matches(_ candidate: Range<Int>, at offset: Int) throws -> Bool {
        if offset >= spooled {
            let offset = offset - spooled
            let end = offset + candidate.count
            guard end < candidate.lowerBound, lines[end] == UInt8(ascii: "\n") else { return false }
            return lines.withUnsafeBytes { bytes in
                UnsafeRawBufferPointer(rebasing: bytes[offset..<end]).elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[candidate]))
            }
        }
        guard let spool, offset + candidate.count < spooled else { return false }
        return try spool.withBytes(of: ByteSpool.Span(offset: offset, length: candidate.count + 1)) { stored in
            lines.withUnsafeBytes { bytes in
                stored.last == UInt8(ascii: "\n") && stored.dropLast().elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[candidate]))
            }
        }
    }

    /// Moves the lines in memory to the temporary file (made the first time).
    private mutating func spoolLines() throws {
        if spool == nil { spool = try ByteSpool() }
        _ = try spool!.append(lines)
        spooled += lines.count
        lines.removeAll(keepingCapacity: true)
    }

    private static let readBlock = 1 << 20
    private static let offsetBits: UInt64 = 40
    private static let offsetMask: UInt64 = (1 << 40) - 1

    @inline(__always) private static func tag(_ hash: Int) -> UInt64 { UInt64(UInt(bitPattern: hash)) >> offsetBits }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    private mutating func grow() throws {
        var larger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = larger.count - 1
        try forEachLine { offset, line in
            let hash = Self.hash(UnsafeRawBufferPointer(line))
            var slot = hash & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = Self.tag(hash) << Self.offsetBits | UInt64(offset + 1)
        }
        slots = larger
    }
}
