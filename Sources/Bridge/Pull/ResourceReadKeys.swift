import FHIRModel

/// What a run reads of each resource type: the members its expressions read (`FHIRPathExpression.focusKeys`), or
/// every member. A directory's resources are then built no further than that (`PullStage.readDirectory`).
///
/// Why per type: one expression that may read anything (the pull plan's `*`, any reference of a ResearchSubject)
/// would otherwise have every resource built whole. Each resource is first built to the members any type reads
/// (`common`); a resource of a type read whole (`wholeTypes`) is built again from its text.
public struct ResourceReadKeys: Sendable {
    /// Per resource type: the members read; nil for every member.
    private var byType: [String: FHIRJSONKeyFilter?] = [:]

    public init() {}

    /// Records that resources of `type` are read as far as `keys` (nil: every member).
    public mutating func add(_ keys: FHIRJSONKeyFilter?, for type: String) {
        let known = byType[type] ?? FHIRJSONKeyFilter(keys: ["resourceType", "id"])
        byType[type] = FHIRJSONKeyFilter.union(known, keys)
    }

    public mutating func add(_ other: ResourceReadKeys) {
        for (type, keys) in other.byType { add(keys, for: type) }
    }

    /// The members of `type` read; nil for every member. A type nothing reads is read as far as its type and id.
    public func keys(of type: String) -> FHIRJSONKeyFilter? {
        byType[type] ?? FHIRJSONKeyFilter(keys: ["resourceType", "id"])
    }

    /// Every member that some type reads (types read whole left out): what each resource is first built to.
    public var common: FHIRJSONKeyFilter {
        byType.values.reduce(FHIRJSONKeyFilter(keys: ["resourceType", "id"])) { common, keys in
            keys.map { FHIRJSONKeyFilter.union(common, $0)! } ?? common
        }
    }

    /// The types read whole.
    public var wholeTypes: Set<String> {
        Set(byType.compactMap { $0.value == nil ? $0.key : nil })
    }
}
