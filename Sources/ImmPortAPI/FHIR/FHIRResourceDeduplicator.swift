import FHIRModel

/// Remembers which resources were already handed out, by `Type/id`, and which version of each.
///
/// One table entry per resource (its version and a caller's tag, or its position as the tag), found with one
/// lookup. Keys carry their hash, computed once (by a search, where the page is parsed, off the consumer's task), and
/// the table (`ResourceKeyTable`) never hashes them again, not even when it grows: a pull of 100k resources does this
/// 100k times.
public struct FHIRResourceDeduplicator: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// Not seen before.
        case new
        /// Seen, but this copy has a newer `meta.versionId`: it replaces the earlier one.
        case newerVersion
        /// Seen with this version or a newer one: drop it.
        case duplicate
    }

    /// Versions that are not a number written plainly (HAPI's are), by their place: `-2 - place` as a code.
    private var versionTexts: [String] = []

    /// A version as a table entry keeps it: a number that writes as the text it came as, -1 for none, else
    /// `-2 - place` in `versionTexts`. `versionText` gives the text back.
    private mutating func versionCode(_ text: String?) -> Int32 {
        guard let text else { return -1 }
        if let number = Int32(text), number >= 0, String(number) == text { return number }
        versionTexts.append(text)
        return -2 - Int32(versionTexts.count - 1)
    }

    private func versionText(_ code: Int32) -> String? {
        if code >= 0 { return String(code) }
        return code == -1 ? nil : versionTexts[Int(-2 - code)]
    }

    var seen = ResourceKeyTable()
    /// Each kept copy's version, as `versionCode` gives it, by its key's position (a version as a string took
    /// sixteen bytes, eight megabytes at a million resources; mostly every key has the same one: `VersionCodes`).
    private var versions = VersionCodes()
    /// Each kept copy's tag, by its key's position; empty when the tags are the positions (`tagsArePositions`).
    private var tags: [Int32] = []
    /// Whether every copy is admitted with its key's position as its tag (a collection's table, whose resources sit
    /// at the positions of their keys): then the tags are not kept, four bytes a resource less (four megabytes at a
    /// million, in every stage of an export).
    let tagsArePositions: Bool

    public init() { tagsArePositions = false }

    /// A de-duplicator whose tags are its keys' positions (`key(at:)`): a copy's tag when admitted is the count of
    /// keys before it, and a newer version keeps its key's tag. The tags given to `admit` are then not kept.
    init(tagsArePositions: Bool) { self.tagsArePositions = tagsArePositions }

    public var count: Int { seen.count }

    public func contains(_ key: FHIRResourceKey) -> Bool {
        if case .found = seen.lookup(HashedResourceKey(key)) { return true }
        return false
    }

    /// Makes room for `count` resources at once, so a large pull does not rehash the table as it grows.
    public mutating func reserveCapacity(_ count: Int) {
        seen.reserveCapacity(count)
        versions.reserveCapacity(count)
        if !tagsArePositions { tags.reserveCapacity(count) }
    }

    /// Lets go of the room the table took growing.
    mutating func keepAtSize() {
        seen.keepAtSize()
        versions.keepAtSize()
        tags = tags.keptAtSize()
    }

    public mutating func admit(_ key: FHIRResourceKey, versionId: String?) -> Verdict {
        admit(key, versionId: versionId, tag: 0).verdict
    }

    /// Like `admit(_:versionId:)`, remembering `tag` with the copy that is kept; for a newer version, also returns
    /// the tag of the copy it replaces (a streaming writer tags each resource with its output line).
    public mutating func admit(_ key: FHIRResourceKey, versionId: String?, tag: Int) -> (verdict: Verdict, replacedTag: Int?) {
        admit(HashedResourceKey(key), versionId: versionId, tag: tag)
    }

    mutating func admit(_ key: HashedResourceKey, versionId: String?, tag: Int) -> (verdict: Verdict, replacedTag: Int?) {
        switch seen.lookup(key) {
        case .vacant(let slot):
            seen.insert(key, at: slot)
            versions.append(versionCode(versionId))
            // (A tag is a position or a line: a table of more than 2^31 would not fit in memory.)
            if !tagsArePositions { tags.append(Int32(tag)) }
            return (.new, nil)
        case .found(let position):
            guard let versionId, Self.isNewer(versionId, than: versionText(versions[position])) else { return (.duplicate, nil) }
            versions[position] = versionCode(versionId)
            let replaced = self.tag(at: position)
            if !tagsArePositions { tags[position] = Int32(tag) }
            return (.newerVersion, replaced)
        }
    }

    /// The tag remembered with the copy kept of `key`, or nil when the key was never admitted.
    @inline(__always)
    public func tag(of key: FHIRResourceKey) -> Int? {
        if case .found(let position) = seen.lookup(HashedResourceKey(key)) { return tag(at: position) }
        return nil
    }

    @inline(__always) private func tag(at position: Int) -> Int { tagsArePositions ? position : Int(tags[position]) }

    /// The `index`th distinct key admitted (admission order; a newer version keeps its key's place).
    public func key(at index: Int) -> FHIRResourceKey { seen.key(at: index) }

    /// The `index`th key's id (its type not made).
    public func id(at index: Int) -> String { seen.ids[index] }

    /// The `index`th key's type, as a number that is the same for every key of one type (nil: no key has `type`):
    /// a walk over one type's keys compares numbers, not strings.
    func typeNumber(of type: String) -> UInt32? { seen.typeNumber(of: type) }
    func typeNumber(at index: Int) -> UInt32 { seen.typeNumber(at: index) }

    /// Changes the tag remembered for an admitted key (its version stays). Not for a de-duplicator whose tags are
    /// its positions, which cannot change.
    public mutating func retag(_ key: FHIRResourceKey, _ tag: Int) {
        precondition(!tagsArePositions, "a de-duplicator whose tags are its positions cannot retag")
        if case .found(let position) = seen.lookup(HashedResourceKey(key)) { tags[position] = Int32(tag) }
    }

    /// Version ids are opaque in FHIR, but HAPI's are integers: compare numerically when both are.
    public static func isNewer(_ candidate: String, than known: String?) -> Bool {
        guard let known else { return true }
        if let a = Int(candidate), let b = Int(known) { return a > b }
        return candidate.count != known.count ? candidate.count > known.count : candidate > known
    }
}
