import FHIRModel

/// Resources in first-seen order, one per `Type/id`, keeping the newest `meta.versionId`. For callers that asked
/// for everything at once (the command line's NDJSON output, tests); the searches themselves stream.
public struct FHIRResourceCollection: Sendable {
    public private(set) var keys: [FHIRResourceKey] = []
    public private(set) var resources: [FHIRResourceKey: FHIRElement] = [:]
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
        switch deduplicator.admit(key, versionId: resource.versionId) {
        case .new:
            keys.append(key)
            resources[key] = resource
            return true
        case .newerVersion:
            resources[key] = resource
            return true
        case .duplicate:
            duplicatesDropped += 1
            return false
        }
    }

    public subscript(key: FHIRResourceKey) -> FHIRElement? { resources[key] }

    /// Resources in first-seen order.
    public var ordered: [FHIRElement] { keys.compactMap { resources[$0] } }

    public func keys(ofType type: String) -> [FHIRResourceKey] { keys.filter { $0.type == type } }
}
