@testable import Bridge
import FHIRModel
import ImmPortAPI
import Testing

/// `LinkedKeysByPosition` answers as a dictionary of places filled with the unlinked resources' keys and then the
/// pairs' would: on every link of the Fixtures study, for every resource of the study, and with a place given
/// twice.
@Suite struct LinkedKeysByPositionTests {
    static func dictionary(_ result: LinkResult, in resources: FHIRResourceCollection) -> [FHIRResourceCollection.Position: String] {
        var index: [FHIRResourceCollection.Position: String] = [:]
        for unlinked in result.unlinkedFHIR {
            if let shown = unlinked.key?.first, let position = resources.position(ofKey: unlinked.resource) { index[position] = shown }
        }
        for pair in result.pairs { index[pair.resource] = pair.firstKey }
        return index
    }

    @Test func answersAsADictionaryOfPlaces() throws {
        let (study, _) = try LinkStageTests.linked()
        let resources = study.pulled.fhir
        let positions = resources.keys.compactMap(resources.position(ofKey:))
        var checked = 0
        for var result in study.links {
            // A resource unlinked under one key and linked under another, and one unlinked twice: the pair's key
            // and the later one are kept.
            if let pair = result.pairs.first {
                result.unlinkedFHIR.append(UnlinkedResource(resource: resources.key(at: pair.resource), key: ["SHADOWED"]))
            }
            if let other = positions.first(where: { position in !result.pairs.contains { $0.resource == position } }) {
                result.unlinkedFHIR.append(UnlinkedResource(resource: resources.key(at: other), key: ["FIRST"]))
                result.unlinkedFHIR.append(UnlinkedResource(resource: resources.key(at: other), key: ["SECOND", "x"]))
            }
            let expected = Self.dictionary(result, in: resources)
            let index = result.keysByPosition(in: resources)
            for position in positions {
                #expect(index.key(at: position) == expected[position], "link \(result.name): \(resources.key(at: position))")
                if expected[position] != nil { checked += 1 }
            }
        }
        #expect(checked > 20)
    }
}
