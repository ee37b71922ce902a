import FHIRModel
import ImmPortAPI

/// The link stage's result: for every link of the mapping, which FHIR resource is which Shared Data record(s), and
/// what could not be joined. Every entity of either side of a link is in exactly one of `pairs`, `unlinkedFHIR`,
/// `unlinkedSharedData` and `duplicates`.
public struct LinkedStudy: Sendable {
    /// What was linked; read-only, since pairs name their resources by place in `pulled.fhir` (a study changed
    /// after the link is linked again).
    public private(set) var pulled: PulledStudy
    public var mapping: CompiledMapping
    /// In the mapping's link order (a link after the links its key reads).
    public var links: [LinkResult]

    public subscript(link name: String) -> LinkResult? { links.first { $0.name == name } }

    /// The `Type/id` of a pair's resource.
    public func resourceKey(of pair: LinkedPair) -> FHIRResourceKey { pulled.fhir.key(at: pair.resource) }
}

public struct LinkResult: Sendable {
    public var link: CompiledLink
    public var pairs = LinkedPairs()
    public var unlinkedFHIR: [UnlinkedResource] = []
    /// Record indices in the endpoint's records.
    public var unlinkedSharedData: [UnlinkedRecord] = []
    public var duplicates: [LinkDuplicate] = []
    /// Per key part, how many linked resources each FHIR-side alternative keyed (index into the part's
    /// alternatives): the convention the server used, reported once per study.
    public var conventions: [[Int: Int]] = []

    public var name: String { link.name }

    // Look-ups are built when a later stage asks for them, not kept with every result: a million pairs are
    // memory enough without two dictionaries beside them.

    /// Each of the link's FHIR resources' keys by its place in `resources` (the study's collection), for a later
    /// link's `reference` alternative (`LinkedKeysByPosition`).
    public func keysByPosition(in resources: FHIRResourceCollection) -> LinkedKeysByPosition {
        LinkedKeysByPosition(self, in: resources)
    }

    init(link: CompiledLink) {
        self.link = link
        conventions = Array(repeating: [:], count: link.keyParts.count)
    }
}

public struct UnlinkedResource: Sendable {
    public var resource: FHIRResourceKey
    /// The key it had (when no Shared Data record has it), or the value that looked most like its key (when a part
    /// found no match: the candidate shaped like an accession); nil when it had no candidate at all.
    public var key: [String]?
}

public struct UnlinkedRecord: Sendable {
    public var record: Int
    public var key: [String]?
}

/// Entities that share one key on one side, where the link wants one: none of them is linked under `report`, all
/// but the first under `first`.
public struct LinkDuplicate: Sendable {
    public enum Side: String, Sendable {
        case fhir, sharedData = "shared-data"
    }

    public var side: Side
    public var key: [String]
    public var resources: [FHIRResourceKey]
    public var records: [Int]
}
