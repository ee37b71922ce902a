import FHIRModel

/// `Type/id`: the identity under which search results are de-duplicated.
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

    /// Parses a literal reference: `Patient/1`, `Patient/1/_history/2`, or an absolute URL ending that way.
    /// Nil for contained (`#x`), `urn:` and other references that do not name a type and id.
    public init?(reference: String) {
        guard !reference.hasPrefix("#"), !reference.hasPrefix("urn:") else { return nil }
        var parts = reference.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let question = parts.last?.firstIndex(of: "?") { parts[parts.count - 1] = String(parts[parts.count - 1][..<question]) }
        if parts.count >= 4, parts[parts.count - 2] == "_history" { parts.removeLast(2) }
        guard parts.count >= 2 else { return nil }
        let type = parts[parts.count - 2]
        let id = parts[parts.count - 1]
        guard let first = type.first, first.isUppercase, type.allSatisfy({ $0.isLetter }), !id.isEmpty else { return nil }
        self.init(type: type, id: id)
    }

    public var description: String { "\(type)/\(id)" }

    public static func < (a: FHIRResourceKey, b: FHIRResourceKey) -> Bool { (a.type, a.id) < (b.type, b.id) }
}

extension FHIRElement {
    /// `meta.versionId`, when present.
    public var versionId: String? { self["meta"]?["versionId"]?.stringValue }
}
