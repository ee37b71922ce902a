/// One bit per position, for a set of a large collection's positions (records a link claimed, resources a pull
/// plan's step selected): a bit each, where a `Set` would hash and hold a key.
struct PositionSet: Sendable {
    private var words: [UInt64]

    init(count: Int) { words = Array(repeating: 0, count: (count + 63) / 64) }

    func contains(_ position: Int) -> Bool { words[position >> 6] & (1 << UInt64(position & 63)) != 0 }

    mutating func insert(_ position: Int) { words[position >> 6] |= 1 << UInt64(position & 63) }

    /// Inserts `position`; false when it was in already.
    mutating func insertNew(_ position: Int) -> Bool {
        guard !contains(position) else { return false }
        insert(position)
        return true
    }
}
