import FHIRModel

/// Resources in first-seen order, one per `Type/id`, keeping the newest `meta.versionId`. For callers that asked
/// for everything at once (the command line's NDJSON output, tests); the searches themselves stream.
///
/// The resources sit in an array in first-seen order; the deduplicator's table (one lookup per key, hashing it
/// once) remembers each one's position, so walking a type's resources hashes nothing and a look-up by key hashes once.
public struct FHIRResourceCollection: Sendable {
    public private(set) var keys: [FHIRResourceKey] = []
    /// Parallel to `keys`.
    private var elements: [FHIRElement] = []
    /// Each kept resource's position in `elements`, as the deduplicator's tag.
    var deduplicator = FHIRResourceDeduplicator()
    /// Copies that were dropped because the same or a newer version was already kept.
    public private(set) var duplicatesDropped = 0

    public init() {}

    public var count: Int { keys.count }

    /// Adds or replaces; returns false when the resource was a duplicate. Resources without type or id are kept
    /// under a synthetic key so that nothing is dropped silently.
    @discardableResult
    public mutating func add(_ resource: FHIRElement) -> Bool {
        let key = FHIRResourceKey(resource: resource)
            ?? FHIRResourceKey(type: resource.resourceType ?? "?", id: "#\(keys.count)")
        let admitted = deduplicator.admit(key, versionId: resource.versionId, tag: elements.count)
        switch admitted.verdict {
        case .new:
            keys.append(key)
            elements.append(resource)
            return true
        case .newerVersion:
            // The table now points past the end; put the newer copy back where the first one was.
            let position = admitted.replacedTag!
            elements[position] = resource
            deduplicator.retag(key, position)
            return true
        case .duplicate:
            duplicatesDropped += 1
            return false
        }
    }

    public subscript(key: FHIRResourceKey) -> FHIRElement? {
        deduplicator.tag(of: key).map { elements[$0] }
    }

    /// Resources in first-seen order.
    public var ordered: [FHIRElement] { elements }

    public func keys(ofType type: String) -> [FHIRResourceKey] { keys.filter { $0.type == type } }

    /// The resources of one type with their keys, in first-seen order, found without hashing a key.
    public func resources(ofType type: String) -> [(key: FHIRResourceKey, resource: FHIRElement)] {
        var found: [(key: FHIRResourceKey, resource: FHIRElement)] = []
        for index in keys.indices where keys[index].type == type { found.append((keys[index], elements[index])) }
        return found
    }
}
