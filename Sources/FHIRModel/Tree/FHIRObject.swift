/// A JSON object that keeps its members in the order they were read or added.
///
/// FHIR objects are small (rarely more than 30 members), so lookups scan a contiguous array: faster than hashing
/// for these sizes and one allocation per object.
public struct FHIRObject: Sendable, Hashable, RandomAccessCollection {
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: FHIRElement
        @inlinable public init(key: String, value: FHIRElement) {
            self.key = key
            self.value = value
        }
    }

    @usableFromInline var members: [Member]

    @inlinable public init() { members = [] }
    @inlinable public init(members: [Member]) { self.members = members }
    @inlinable public init(minimumCapacity: Int) {
        members = []
        members.reserveCapacity(minimumCapacity)
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { members.count }
    @inlinable public subscript(position: Int) -> Member { members[position] }

    @inlinable public var keys: [String] { members.map(\.key) }

    @inlinable public func index(forKey key: String) -> Int? {
        members.firstIndex { $0.key == key }
    }

    /// The value for `key`. Setting appends a new key at the end, replaces an existing one in place, and nil removes.
    @inlinable public subscript(key: String) -> FHIRElement? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = index(forKey: key) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Appends without looking for an existing key: the reader has already rejected duplicates.
    @inlinable public mutating func appendUnchecked(key: String, value: FHIRElement) {
        members.append(Member(key: key, value: value))
    }

    @discardableResult
    @inlinable public mutating func removeValue(forKey key: String) -> FHIRElement? {
        guard let index = index(forKey: key) else { return nil }
        return members.remove(at: index).value
    }

    /// Replaces the value of the member at `index`, keeping its key and position.
    @inlinable public mutating func replaceValue(at index: Int, with value: FHIRElement) {
        members[index].value = value
    }

    /// Reorders members by `rank` (lower first); members with equal rank keep their relative order.
    public mutating func sortMembers(by rank: (String) -> Int) {
        let ranked = members.enumerated().map { (rank: rank($0.element.key), offset: $0.offset, member: $0.element) }
        members = ranked.sorted { ($0.rank, $0.offset) < ($1.rank, $1.offset) }.map(\.member)
    }
}
