import FHIRModel
import ImmPortAPI

/// The link stage's result: for every link of the mapping, which FHIR resource is which Shared Data record(s), and
/// what could not be joined. Every entity of either side of a link is in exactly one of `pairs`, `unlinkedFHIR`,
/// `unlinkedSharedData` and `duplicates`.
public struct LinkedStudy: Sendable {
    public var pulled: PulledStudy
    public var mapping: CompiledMapping
    /// In the mapping's link order (a link after the links its key reads).
    public var links: [LinkResult]

    public subscript(link name: String) -> LinkResult? { links.first { $0.name == name } }
}

public struct LinkResult: Sendable {
    public var link: CompiledLink
    public var pairs: [LinkedPair] = []
    public var unlinkedFHIR: [UnlinkedResource] = []
    /// Record indices in the endpoint's records.
    public var unlinkedSharedData: [UnlinkedRecord] = []
    public var duplicates: [LinkDuplicate] = []
    /// Per key part, how many linked resources each FHIR-side alternative keyed (index into the part's
    /// alternatives): the convention the server used, reported once per study.
    public var conventions: [[Int: Int]] = []

    public var name: String { link.name }

    /// The key (its first part, the accession) a linked FHIR resource was joined on.
    public func accession(of resource: FHIRResourceKey) -> String? { accessionByResource[resource] }

    /// The FHIR resource linked under an accession (first key part), for references from emitted resources.
    public func resource(forAccession accession: String) -> FHIRResourceKey? { resourceByAccession[accession] }

    var accessionByResource: [FHIRResourceKey: String] = [:]
    /// For resources that did not link: the first part of the key they appeared to have.
    var shownKeyByResource: [FHIRResourceKey: String] = [:]
    var resourceByAccession: [String: FHIRResourceKey] = [:]

    init(link: CompiledLink) {
        self.link = link
        conventions = Array(repeating: [:], count: link.keyParts.count)
    }
}

/// One FHIR resource and the record(s) it was joined with (one, or several under `one-to-many`).
public struct LinkedPair: Sendable {
    public var resource: FHIRResourceKey
    public var records: [Int]
    /// The normalised key, one value per key part.
    public var key: [String]
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
