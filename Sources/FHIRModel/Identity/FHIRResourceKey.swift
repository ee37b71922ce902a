/// `Type/id`: the identity of a resource on one server, whatever its version. Search results are de-duplicated by
/// it, and relative and absolute references name it (`FHIRReference.resourceKey`).
public struct FHIRResourceKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var type: String
    public var id: String

    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }

    /// The key of a resource object, or nil when it lacks `resourceType` or `id`.
    public init?(resource: FHIRElement) {
        guard let type = resource.resourceType, let id = resource["id"]?.stringValue, !id.isEmpty else { return nil }
        self.init(type: type, id: id)
    }

    public var description: String { "\(type)/\(id)" }

    public static func < (a: FHIRResourceKey, b: FHIRResourceKey) -> Bool { (a.type, a.id) < (b.type, b.id) }
}

extension FHIRElement {
    /// `meta.versionId`, when present.
    public var versionId: String? { self["meta"]?["versionId"]?.stringValue }
}
