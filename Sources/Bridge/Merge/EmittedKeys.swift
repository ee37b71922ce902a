/// The `Type/id` of every resource the merge has emitted so far, one line each (what the Shared Data Provenance
/// lists as its targets), with a hash index over the lines for the merge's question "is this id taken already?".
/// A set of the ids as strings took about 190 bytes an id at a million resources; the index takes 16 to 32 bytes
/// beside the line it points into, and compares the line's bytes, so two ids never pass for one.
struct EmittedKeys {
    /// `Type/id\n` per emitted resource, in emission order.
    private(set) var lines: [UInt8] = []
    /// Open addressing, linear probing, at most half full: 0 for an empty slot, else a line's offset + 1.
    private var slots = [Int](repeating: 0, count: 1024)
    private(set) var count = 0

    /// Adds `type/id` unless it is there; false when it was.
    mutating func insert(type: String, id: String) -> Bool {
        var line = Array(type.utf8)
        line.append(UInt8(ascii: "/"))
        line.append(contentsOf: id.utf8)
        let mask = slots.count - 1
        var slot = line.withUnsafeBytes(Self.hash) & mask
        while slots[slot] != 0 {
            if matches(line, at: slots[slot] - 1) { return false }
            slot = (slot + 1) & mask
        }
        slots[slot] = lines.count + 1
        lines.append(contentsOf: line)
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

    private func matches(_ line: [UInt8], at offset: Int) -> Bool {
        let end = offset + line.count
        guard end < lines.count, lines[end] == UInt8(ascii: "\n") else { return false }
        return lines[offset..<end].elementsEqual(line)
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    private mutating func grow() {
        var larger = [Int](repeating: 0, count: slots.count * 2)
        let mask = larger.count - 1
        forEachLine { range in
            var slot = lines[range].withUnsafeBytes(Self.hash) & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = range.lowerBound + 1
        }
        slots = larger
    }
}
