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
    public var pairs: [LinkedPair] = []
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

    /// Each linked FHIR resource's key (its first part, the accession), and for resources that did not link, the
    /// first part of the key they appeared to have, by the resource's place in `resources` (the study's
    /// collection): what a later link's `reference` alternative reads. Places, not keys: 27 bytes an entry, not 64.
    public func keyIndex(in resources: FHIRResourceCollection) -> [FHIRResourceCollection.Position: String] {
        var index: [FHIRResourceCollection.Position: String] = [:]
        index.reserveCapacity(pairs.count + unlinkedFHIR.count)
        for unlinked in unlinkedFHIR {
            if let shown = unlinked.key?.first, let position = resources.position(ofKey: unlinked.resource) { index[position] = shown }
        }
        for pair in pairs { index[pair.resource] = pair.firstKey }
        return index
    }

    /// The pairs' places in `pairs`, sorted by accession (first key part), for references from emitted resources:
    /// four bytes a pair, searched by halving (a dictionary of accessions took 40). Of pairs sharing an accession
    /// (one-to-many links), the last comes first, as a dictionary filled in pair order would keep it.
    public func pairsByAccession() -> [Int32] {
        var order = (0..<Int32(pairs.count)).map { $0 }
        order.sort { a, b in
            let (x, y) = (pairs[Int(a)].firstKey, pairs[Int(b)].firstKey)
            return x != y ? x < y : a > b
        }
        return order
    }

    /// The pair of `pairs` (a result's, held apart from the rest of it by a caller that only looks pairs up) that
    /// `pairsByAccession()` (`order`) finds for `accession`, if any.
    static func pair(accession: String, in order: [Int32], of pairs: [LinkedPair]) -> LinkedPair? {
        var (low, high) = (0, order.count)
        while low < high {
            let middle = (low + high) / 2
            if pairs[Int(order[middle])].firstKey < accession { low = middle + 1 } else { high = middle }
        }
        guard low < order.count, pairs[Int(order[low])].firstKey == accession else { return nil }
        return pairs[Int(order[low])]
    }

    init(link: CompiledLink) {
        self.link = link
        conventions = Array(repeating: [:], count: link.keyParts.count)
    }
}

/// One FHIR resource and the record(s) it was joined with (one, or several under `one-to-many`). Most pairs have
/// one record and a one-part key, and a study has as many pairs as resources: those are held without arrays, and
/// the resource as its place in the study's collection (`LinkedStudy.resourceKey(of:)` gives its key): 40 bytes a
/// pair where a key would make it 72.
public struct LinkedPair: Sendable {
    let keyParts: KeyParts
    let joined: Joined
    public var resource: FHIRResourceCollection.Position

    enum Joined: Sendable {
        case one(Int)
        case many([Int])
    }

    enum KeyParts: Sendable {
        case one(String)
        case many([String])
    }

    init(resource: FHIRResourceCollection.Position, records: SharedKeyPositions<Int>, key: LinkKey) {
        self.resource = resource
        joined = records.more.isEmpty ? .one(records.first) : .many(records.all)
        switch key {
        case .one(let part): keyParts = .one(part)
        case .many(let parts): keyParts = .many(parts)
        }
    }

    public var records: [Int] {
        switch joined {
        case .one(let record): [record]
        case .many(let records): records
        }
    }

    /// The first record joined (nil only for a pair without records, which the link does not make).
    public var firstRecord: Int? {
        switch joined {
        case .one(let record): record
        case .many(let records): records.first
        }
    }

    /// The normalised key, one value per key part.
    public var key: [String] {
        switch keyParts {
        case .one(let part): [part]
        case .many(let parts): parts
        }
    }

    /// The key's first part: the accession.
    public var firstKey: String {
        switch keyParts {
        case .one(let part): part
        case .many(let parts): parts.first ?? ""
        }
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
