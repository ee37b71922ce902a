import FHIRModel
import ImmPortAPI

/// What an emit template's `$reference { link, key }` resolves through: for each link a template names, its pairs
/// by the accession of their first key part, normalised as that part is. Built once per study, and only for the
/// links named (most are not).
struct EmitReferences: Sendable {
    /// A class: a look-up (one per emitted reference) takes one reference to it, not one to each of its parts.
    final class Target: Sendable {
        let normalise: [MappingTransform]
        /// The link's pairs, and their order by accession (`LinkedPairs.placesByAccession`).
        let pairs: LinkedPairs
        let placesByAccession: [Int32]
        let resources: FHIRResourceCollection

        init(normalise: [MappingTransform], link: LinkResult, resources: FHIRResourceCollection) {
            self.normalise = normalise
            pairs = link.pairs
            placesByAccession = link.pairs.placesByAccession()
            self.resources = resources
        }

        /// `Type/id` of the resource the link joined under `key`, or nil when it joined none. (A method of the
        /// class, so that its members are read without each being retained for the call.)
        func reference(key: String) -> String? {
            let normalised = KeyNormaliser.apply(normalise, to: key)
            return pairs.resource(accession: normalised, in: placesByAccession).map { resources.key(at: $0).description }
        }
    }

    /// By link name; a template names a few links, found by comparing names sooner than by hashing one per reference.
    private var targets: [(name: String, target: Target)] = []

    /// Adds the links `names` that are not there yet.
    mutating func add(_ names: Set<String>, from linked: LinkedStudy) {
        for name in names.sorted() where !targets.contains(where: { $0.name == name }) {
            guard let result = linked[link: name], let part = result.link.declaration.key.first else { continue }
            targets.append((name, Target(normalise: part.normalise.map(\.value), link: result, resources: linked.pulled.fhir)))
        }
    }

    /// `Type/id` of the resource `link` joined under `key`, or nil when it joined none.
    func reference(link: String, key: String) -> String? {
        for entry in targets where entry.name == link { return entry.target.reference(key: key) }
        return nil
    }
}
