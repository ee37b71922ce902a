import FHIRModel

/// Remembers which resources were already handed out, by `Type/id`, and which version of each.
public struct FHIRResourceDeduplicator: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// Not seen before.
        case new
        /// Seen, but this copy has a newer `meta.versionId`: it replaces the earlier one.
        case newerVersion
        /// Seen with this version or a newer one: drop it.
        case duplicate
    }

    var versions: [FHIRResourceKey: String] = [:]
    var unversioned: Set<FHIRResourceKey> = []

    public init() {}

    public var count: Int { versions.count + unversioned.count }

    public func contains(_ key: FHIRResourceKey) -> Bool { versions[key] != nil || unversioned.contains(key) }

    public mutating func admit(_ key: FHIRResourceKey, versionId: String?) -> Verdict {
        let known = versions[key]
        let seen = known != nil || unversioned.contains(key)
        guard seen else {
            if let versionId { versions[key] = versionId } else { unversioned.insert(key) }
            return .new
        }
        guard let versionId, Self.isNewer(versionId, than: known) else { return .duplicate }
        unversioned.remove(key)
        versions[key] = versionId
        return .newerVersion
    }

    /// Version ids are opaque in FHIR, but HAPI's are integers: compare numerically when both are.
    static func isNewer(_ candidate: String, than known: String?) -> Bool {
        guard let known else { return true }
        if let a = Int(candidate), let b = Int(known) { return a > b }
        return candidate.count != known.count ? candidate.count > known.count : candidate > known
    }
}
