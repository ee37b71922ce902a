import FHIRModel

/// Resources in first-seen order, one per `Type/id`, keeping the newest `meta.versionId`. For callers that asked
/// for everything at once (the command line's NDJSON output, the bridge's pull, tests); the searches themselves
/// stream.
///
/// The resources sit in an array in first-seen order; the deduplicator's table (one lookup per key, hashing it
/// once) remembers each one's position, so walking a type's resources hashes nothing and a look-up by key hashes once.
///
/// A collection made with a `ByteSpool` holds spooled resources as spans of their JSON in the spool's file, not as
/// trees: a study of a million resources is then a few dozen bytes a resource in memory, and each is parsed again
/// when it is read. A collection holds trees (`add(_:)`), spans (`add(spooled:key:versionId:)`) or both; reading
/// gives the same trees either way.
public struct FHIRResourceCollection: Sendable {
    /// One kept resource: its tree, or where its JSON is in the spool.
    public enum Stored: Sendable {
        case tree(FHIRElement)
        case spooled(ByteSpool.Span)
    }

    public private(set) var keys: [FHIRResourceKey] = []
    /// Parallel to `keys`.
    private var elements: [Stored] = []
    /// Each kept resource's position in `elements`, as the deduplicator's tag.
    var deduplicator = FHIRResourceDeduplicator()
    /// Copies that were dropped because the same or a newer version was already kept.
    public private(set) var duplicatesDropped = 0
    /// Where spooled resources are; nil when every resource is held as a tree.
    public let spool: ByteSpool?

    public init(spool: ByteSpool? = nil) {
        self.spool = spool
    }

    public var count: Int { keys.count }

    /// Adds or replaces; returns false when the resource was a duplicate. Resources without type or id are kept
    /// under a synthetic key so that nothing is dropped silently.
    @discardableResult
    public mutating func add(_ resource: FHIRElement) -> Bool {
        let key = FHIRResourceKey(resource: resource)
            ?? FHIRResourceKey(type: resource.resourceType ?? "?", id: "#\(keys.count)")
        return add(.tree(resource), key: key, versionId: resource.versionId)
    }

    /// Adds a resource already in `spool` (its key and version read before its tree was dropped), with the rules
    /// of `add(_:)`.
    @discardableResult
    public mutating func add(spooled resource: FHIRResourceFiles.Spooled) -> Bool {
        precondition(spool != nil, "a spooled resource needs the collection's spool")
        let key = resource.key ?? FHIRResourceKey(type: resource.resourceType ?? "?", id: "#\(keys.count)")
        return add(.spooled(resource.span), key: key, versionId: resource.versionId)
    }

    /// Adds another collection's resource as that collection keeps it (the same spool: a selection of a larger
    /// collection copies spans, not trees).
    @discardableResult
    public mutating func add(_ key: FHIRResourceKey, from other: FHIRResourceCollection) -> Bool {
        guard let position = other.deduplicator.tag(of: key) else { return false }
        precondition(other.spool == nil || other.spool === spool, "spooled resources move only between collections of one spool")
        return add(other.elements[position], key: key, versionId: nil)
    }

    private mutating func add(_ stored: Stored, key: FHIRResourceKey, versionId: String?) -> Bool {
        let admitted = deduplicator.admit(key, versionId: versionId, tag: elements.count)
        switch admitted.verdict {
        case .new:
            keys.append(key)
            elements.append(stored)
            return true
        case .newerVersion:
            // The table now points past the end; put the newer copy back where the first one was.
            let position = admitted.replacedTag!
            elements[position] = stored
            deduplicator.retag(key, position)
            return true
        case .duplicate:
            duplicatesDropped += 1
            return false
        }
    }

    public func contains(_ key: FHIRResourceKey) -> Bool { deduplicator.tag(of: key) != nil }

    /// The resource kept under `key`; throws only when a spooled resource cannot be read back.
    public func resource(_ key: FHIRResourceKey) throws -> FHIRElement? {
        guard let position = deduplicator.tag(of: key) else { return nil }
        return try tree(at: position, keys: nil)
    }

    /// Like `resource(_:)`, building only the top-level members `keys` names (a spooled resource is parsed with
    /// that filter; a held tree is handed out whole).
    public func resource(_ key: FHIRResourceKey, keys filter: FHIRJSONKeyFilter?) throws -> FHIRElement? {
        guard let position = deduplicator.tag(of: key) else { return nil }
        return try tree(at: position, keys: filter)
    }

    private func tree(at position: Int, keys filter: FHIRJSONKeyFilter?) throws -> FHIRElement {
        switch elements[position] {
        case .tree(let tree): return tree
        case .spooled(let span): return try spool!.element(at: span, keys: filter)
        }
    }

    /// Every resource in first-seen order, one at a time (a spooled collection parses each as it is handed out).
    public func forEachResource(_ body: (FHIRResourceKey, FHIRElement) throws -> Void) throws {
        for index in keys.indices { try body(keys[index], try tree(at: index, keys: nil)) }
    }

    /// The resources of one type, in first-seen order, one at a time, found without hashing a key.
    public func forEachResource(
        ofType type: String, keys filter: FHIRJSONKeyFilter? = nil, _ body: (FHIRResourceKey, FHIRElement) throws -> Void
    ) throws {
        for index in keys.indices where keys[index].type == type { try body(keys[index], try tree(at: index, keys: filter)) }
    }

    /// Resources in first-seen order, all at once (for small collections: a spooled one is parsed whole).
    public func ordered() throws -> [FHIRElement] {
        var all: [FHIRElement] = []
        all.reserveCapacity(count)
        try forEachResource { _, resource in all.append(resource) }
        return all
    }

    public func keys(ofType type: String) -> [FHIRResourceKey] { keys.filter { $0.type == type } }

    /// The resources of one type with their keys, in first-seen order, all at once.
    public func resources(ofType type: String) throws -> [(key: FHIRResourceKey, resource: FHIRElement)] {
        var found: [(key: FHIRResourceKey, resource: FHIRElement)] = []
        try forEachResource(ofType: type) { key, resource in found.append((key, resource)) }
        return found
    }
}
