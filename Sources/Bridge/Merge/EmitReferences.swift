import FHIRModel
import ImmPortAPI

/// What an emit template's `$reference { link, key }` resolves through: for each link a template names, its pairs
/// by the accession of their first key part, normalised as that part is. Built once per study, and only for the
/// links named (most are not).
struct EmitReferences: Sendable {
    /// A class: a look-up (one per emitted reference) takes one reference to it, not one to each of its parts.
    final class Target: Sendable {
        let normalise: [MappingTransform]
        /// The link's pairs, and their order by accession (`LinkResult.pairsByAccession`).
        let pairs: [LinkedPair]
        let pairsByAccession: [Int32]
        let resources: FHIRResourceCollection

        init(normalise: [MappingTransform], link: LinkResult, resources: FHIRResourceCollection) {
            self.normalise = normalise
            pairs = link.pairs
            pairsByAccession = link.pairsByAccession()
            self.resources = resources
        }
    }

    private var targets: [String: Target] = [:]

    /// Adds the links `names` that are not there yet.
    mutating func add(_ names: Set<String>, from linked: LinkedStudy) {
        for name in names where targets[name] == nil {
            guard let result = linked[link: name], let part = result.link.declaration.key.first else { continue }
            targets[name] = Target(normalise: part.normalise.map(\.value), link: result, resources: linked.pulled.fhir)
        }
    }

    /// `Type/id` of the resource `link` joined under `key`, or nil when it joined none.
    func reference(link: String, key: String) -> String? {
        guard let target = targets[link] else { return nil }
        let normalised = KeyNormaliser.apply(target.normalise, to: key)
        return LinkResult.pair(accession: normalised, in: target.pairsByAccession, of: target.pairs).map {
            target.resources.key(at: $0.resource).description
        }
    }
}
