import FHIRModel

/// A `FHIRResourceKey` with its hash computed once, when it is made.
///
/// The de-duplication table hashes a key on every lookup and again each time it grows; hashing two strings each time
/// was the largest cost of de-duplicating a big search. With the hash stored, those hash one integer, and the
/// strings are compared only when two hashes are equal. The hash is the standard library's (seeded per process), so
/// a server cannot choose ids that collide.
struct HashedResourceKey: Hashable, Sendable {
    let key: FHIRResourceKey
    let hash: Int

    init(_ key: FHIRResourceKey) {
        self.key = key
        hash = key.hashValue
    }

    /// With its hash already worked out (`key.hashValue`, by another thread of the same process).
    init(_ key: FHIRResourceKey, hash: Int) {
        self.key = key
        self.hash = hash
    }

    static func == (a: HashedResourceKey, b: HashedResourceKey) -> Bool { a.hash == b.hash && a.key == b.key }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}
