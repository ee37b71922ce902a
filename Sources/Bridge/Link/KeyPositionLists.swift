/// For each key of a link (by its ordinal in the link's key table), the positions that have it: a record's index
/// among the endpoint's records, or a resource's place in the study's collection. Nearly every key has one, so a
/// key's first position is four bytes in one array and the rest, when there are any, are kept apart by ordinal.
///
/// Why: the link kept an optional `SharedKeyPositions` a key (24 bytes for records, 40 with a resource group's
/// alternatives), 18 MB of the largest link's tables at a million resources, where a million-resource export peaks.
struct KeyPositionLists: Sendable {
    /// Each key's first position, or `none`.
    private var first: [UInt32] = []
    /// The positions after the first of keys that have several, in the order they were added.
    private var more: [Int32: [UInt32]] = [:]
    private static let none = UInt32.max

    /// The largest position the lists take (positions are below a collection's or an answer's count, which never
    /// reach four billion: `add` refuses what does not fit).
    static let maximumPosition = Int(UInt32.max - 1)

    /// Lists for `count` keys, none of them with a position yet.
    init(count: Int) {
        first = [UInt32](repeating: Self.none, count: count)
    }

    /// No keys yet: `appendKey` adds them as the key table numbers them.
    init(reservingCapacity capacity: Int) {
        first.reserveCapacity(capacity)
    }

    var count: Int { first.count }

    /// Adds a key (the next ordinal) whose first position is `position`.
    mutating func appendKey(first position: Int) -> Bool {
        guard let value = UInt32(exactly: position), value != Self.none else { return false }
        first.append(value)
        return true
    }

    /// Adds `position` to the key at `ordinal` (its first when it has none); true when it was its first.
    @discardableResult
    mutating func add(_ position: Int, to ordinal: Int) -> Bool? {
        guard let value = UInt32(exactly: position), value != Self.none else { return nil }
        if first[ordinal] == Self.none {
            first[ordinal] = value
            return true
        }
        more[Int32(ordinal), default: []].append(value)
        return false
    }

    /// The key's positions (nil: none), as the stages that read them take them.
    subscript(ordinal: Int) -> SharedKeyPositions<Int>? {
        let position = first[ordinal]
        guard position != Self.none else { return nil }
        return SharedKeyPositions(first: Int(position), more: more[Int32(ordinal)]?.map { Int($0) } ?? [])
    }

    /// How many positions the key has.
    func positionCount(of ordinal: Int) -> Int {
        first[ordinal] == Self.none ? 0 : 1 + (more[Int32(ordinal)]?.count ?? 0)
    }

    /// Leaves the key without positions.
    mutating func removeAll(of ordinal: Int) {
        first[ordinal] = Self.none
        more[Int32(ordinal)] = nil
    }

    /// Leaves the key its first position only.
    mutating func keepFirst(of ordinal: Int) {
        more[Int32(ordinal)] = nil
    }

    /// Each position of the key, in the order added, without an array made for them.
    func forEach(of ordinal: Int, _ body: (Int) throws -> Void) rethrows {
        let position = first[ordinal]
        guard position != Self.none else { return }
        try body(Int(position))
        for position in more[Int32(ordinal)] ?? [] { try body(Int(position)) }
    }
}
