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

    @usableFromInline var storage: [Member]
    /// False when no key starts with `_`: a primitive's extension sibling (`_birthDate`) then cannot exist, and a
    /// lookup for one need not scan the object. Never false when such a key exists (it may stay true after one is
    /// removed); not part of equality.
    @inlinable public var mayHaveUnderscoreKeys: Bool { underscoreHint }
    @usableFromInline var underscoreHint: Bool
    /// The members in order (read-only: changes go through the key subscript and the mutating methods).
    @inlinable public var members: [Member] { storage }

    @inlinable public init() {
        storage = []
        underscoreHint = false
    }
    @inlinable public init(members: [Member]) {
        storage = members
        underscoreHint = members.contains { FHIRObject.isUnderscored($0.key) }
    }
    /// For a reader that already knows whether a key started with `_`.
    @inlinable public init(members: [Member], mayHaveUnderscoreKeys: Bool) {
        storage = members
        underscoreHint = mayHaveUnderscoreKeys
    }
    @inlinable public init(minimumCapacity: Int) {
        storage = []
        storage.reserveCapacity(minimumCapacity)
        underscoreHint = false
    }

    @inlinable static func isUnderscored(_ key: String) -> Bool { key.utf8.first == UInt8(ascii: "_") }

    public static func == (a: FHIRObject, b: FHIRObject) -> Bool { a.storage == b.storage }
    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { storage.count }
    @inlinable public subscript(position: Int) -> Member { storage[position] }

    @inlinable public var keys: [String] { storage.map(\.key) }

    @inlinable public func index(forKey key: String) -> Int? {
        let length = key.utf8.count
        return storage.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where buffer[i].key.utf8.count == length && buffer[i].key == key { return i }
            return nil
        }
    }

    /// The value for `key` and where it is, looking first at `guess`: objects of one shape (the Observations of
    /// a file) hold a member at the same place, so a caller that remembers where it found it last mostly reads one
    /// member instead of scanning (and pulling into the cache) all those before it.
    @inlinable public func value(forKey key: String, guessing guess: Int) -> (value: FHIRElement, index: Int)? {
        let length = key.utf8.count
        return storage.withUnsafeBufferPointer { buffer in
            // The guess, then its neighbours (one optional member more or less before it), then everything.
            @inline(__always) func matches(_ i: Int) -> Bool {
                i >= 0 && i < buffer.count && buffer[i].key.utf8.count == length && buffer[i].key == key
            }
            if matches(guess) { return (buffer[guess].value, guess) }
            // Wrapping: any Int is a valid guess, and out of range is just a miss.
            if matches(guess &+ 1) { return (buffer[guess &+ 1].value, guess &+ 1) }
            if matches(guess &- 1) { return (buffer[guess &- 1].value, guess &- 1) }
            for i in buffer.indices where buffer[i].key.utf8.count == length && buffer[i].key == key {
                return (buffer[i].value, i)
            }
            return nil
        }
    }

    /// The members in place, for scans that compare keys without copying (and retaining) every member.
    @inlinable public func withMembers<R>(_ body: (UnsafeBufferPointer<Member>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Key equality with the length compared first: `==` on two different strings calls out of line even when
    /// both are short, and most keys a lookup passes differ in length from the one it looks for.
    @inlinable @inline(__always)
    public static func sameKey(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a == b
    }

    /// The value for `key`. Setting appends a new key at the end, replaces an existing one in place, and nil removes.
    @inlinable public subscript(key: String) -> FHIRElement? {
        get {
            // Compared in place through the buffer: iterating the array would copy (and retain) every member. The
            // key's length is taken once: a lookup is mostly a scan of lengths.
            let length = key.utf8.count
            return storage.withUnsafeBufferPointer { buffer in
                for i in buffer.indices where buffer[i].key.utf8.count == length && buffer[i].key == key {
                    return buffer[i].value
                }
                return nil
            }
        }
        set {
            if let index = index(forKey: key) {
                if let newValue { storage[index].value = newValue } else { storage.remove(at: index) }
            } else if let newValue {
                storage.append(Member(key: key, value: newValue))
                if FHIRObject.isUnderscored(key) { underscoreHint = true }
            }
        }
    }

    /// Appends without looking for an existing key: the reader has already rejected duplicates.
    @inlinable public mutating func appendUnchecked(key: String, value: FHIRElement) {
        storage.append(Member(key: key, value: value))
        if FHIRObject.isUnderscored(key) { underscoreHint = true }
    }

    /// Inserts at `index` without looking for an existing key (the caller has removed it).
    @inlinable public mutating func insertUnchecked(key: String, value: FHIRElement, at index: Int) {
        storage.insert(Member(key: key, value: value), at: index)
        if FHIRObject.isUnderscored(key) { underscoreHint = true }
    }

    @discardableResult
    @inlinable public mutating func removeValue(forKey key: String) -> FHIRElement? {
        guard let index = index(forKey: key) else { return nil }
        return storage.remove(at: index).value
    }

    /// Replaces the value of the member at `index`, keeping its key and position.
    @inlinable public mutating func replaceValue(at index: Int, with value: FHIRElement) {
        storage[index].value = value
    }

    /// Reorders members by `rank` (lower first); members with equal rank keep their relative order.
    public mutating func sortMembers(by rank: (String) -> Int) {
        let ranked = storage.enumerated().map { (rank: rank($0.element.key), offset: $0.offset, member: $0.element) }
        storage = ranked.sorted { ($0.rank, $0.offset) < ($1.rank, $1.offset) }.map(\.member)
    }
}
