import ImmPortAPI

/// A link's key for each of its FHIR resources, by the resource's place in the study's collection: the first key
/// part a linked resource joined under, or for a resource that did not link, the first part of the key it appeared
/// to have. What a later link's `reference` alternative reads. The places are sorted, each with where its key is
/// (a place among the link's pairs, which hold it anyway, or among the unlinked resources' keys), and searched by
/// halving: 8 bytes a resource, where a dictionary of places and texts took 37 (10 MB of the largest link's peak
/// at a million resources).
public struct LinkedKeysByPosition: Sendable {
    /// Sorted places; a place given twice keeps the pair's key over an unlinked one's, and the later of two.
    private let places: [Int32]
    /// Per place: a place in `pairs` when not negative, else `~index` in `shown`.
    private let sources: [Int32]
    private let pairs: LinkedPairs
    private let shown: [String]

    init(_ result: LinkResult, in resources: FHIRResourceCollection) {
        var shown: [String] = []
        var entries: [(place: Int32, order: Int32, source: Int32)] = []
        entries.reserveCapacity(result.pairs.count + result.unlinkedFHIR.count)
        for unlinked in result.unlinkedFHIR {
            guard let key = unlinked.key?.first, let position = resources.position(ofKey: unlinked.resource) else { continue }
            shown.append(key)
            entries.append((position.index, Int32(entries.count), ~Int32(shown.count - 1)))
        }
        for place in result.pairs.indices {
            entries.append((result.pairs.resource(at: place).index, Int32(entries.count), Int32(place)))
        }
        // By place, the last given first: the one a dictionary filled in this order would keep.
        entries.sort { $0.place != $1.place ? $0.place < $1.place : $0.order > $1.order }
        var places: [Int32] = []
        var sources: [Int32] = []
        places.reserveCapacity(entries.count)
        sources.reserveCapacity(entries.count)
        for entry in entries where places.last != entry.place {
            places.append(entry.place)
            sources.append(entry.source)
        }
        self.places = places
        self.sources = sources
        pairs = result.pairs
        self.shown = shown
    }

    /// The key of the resource at `position`, or nil when the link neither joined it nor saw a key on it.
    public func key(at position: FHIRResourceCollection.Position) -> String? {
        var (low, high) = (0, places.count)
        while low < high {
            let middle = (low + high) / 2
            if places[middle] < position.index { low = middle + 1 } else { high = middle }
        }
        guard low < places.count, places[low] == position.index else { return nil }
        let source = sources[low]
        return source >= 0 ? pairs.firstKey(at: Int(source)) : shown[Int(~source)]
    }
}
