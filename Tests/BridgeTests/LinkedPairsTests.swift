@testable import Bridge
import FHIRModel
import ImmPortAPI
import Testing

/// `LinkedPairs` packs most pairs in 24 bytes and the rest (several records, keys of several parts) in a byte
/// buffer: every pair reads back as it was added, through the subscript and through each accessor.
@Suite struct LinkedPairsTests {
    /// Positions of a small collection (a position is made only by its collection).
    static func positions(_ count: Int) -> [FHIRResourceCollection.Position] {
        var fhir = FHIRResourceCollection()
        for index in 0..<count {
            fhir.add(try! FHIRJSONReader().read(#"{"resourceType":"Patient","id":"p\#(index)"}"#))
        }
        return (0..<count).map { fhir.position(ofKey: FHIRResourceKey(type: "Patient", id: "p\($0)"))! }
    }

    struct Added {
        var resource: FHIRResourceCollection.Position
        var records: [Int]
        var key: [String]
    }

    @Test func everyPairReadsBackAsAdded() throws {
        let places = Self.positions(8)
        let added = [
            Added(resource: places[0], records: [3], key: ["SUB1"]),
            Added(resource: places[1], records: [4, 9, 2], key: ["SUB2"]),
            Added(resource: places[2], records: [5], key: ["BS1", "hemoglobin"]),
            Added(resource: places[3], records: [200, 7], key: ["BS2", "", "ü & 日本", String(repeating: "long part ", count: 40)]),
            Added(resource: places[4], records: [Int(Int32.max) + 5], key: ["SUB3"]),
            Added(resource: places[5], records: [0], key: [""]),
            Added(resource: places[6], records: [1 << 40, 6], key: ["SUB4", "x"]),
            Added(resource: places[7], records: [8], key: ["a much longer accession than fifteen bytes"]),
            Added(resource: places[0], records: [9], key: ["BS3", "hemoglobin"]),
            Added(resource: places[1], records: [10, 11], key: ["BS4", "", "hemoglobin"]),
        ]
        var pairs = LinkedPairs()
        for (index, pair) in added.enumerated() {
            // Trimmed half way, as a link trims when its pairs are made: appending after it still works.
            if index == added.count / 2 { pairs.trim() }
            var positions = SharedKeyPositions(first: pair.records[0])
            for record in pair.records.dropFirst() { positions.append(record) }
            let added = pairs.append(resource: pair.resource, records: positions, key: LinkKey(pair.key))
            #expect(added)
        }
        #expect(pairs.count == added.count)
        for (index, expected) in added.enumerated() {
            let pair = pairs[index]
            #expect(pair.resource == expected.resource)
            #expect(pair.records == expected.records)
            #expect(pair.firstRecord == expected.records[0])
            #expect(pair.key == expected.key)
            #expect(pair.firstKey == expected.key[0])
            #expect(pairs.resource(at: index) == expected.resource)
            #expect(pairs.firstRecord(at: index) == expected.records[0])
            #expect(pairs.firstKey(at: index) == expected.key[0])
            #expect(pairs.keyText(at: index) == expected.key.joined(separator: "|"))
        }
    }

    /// Pairs made without their keys keep their resources and records; their keys read as empty and no accession
    /// finds them.
    @Test func pairsWithoutKeysKeepResourcesAndRecords() {
        let places = Self.positions(3)
        var pairs = LinkedPairs(keepsKeys: false)
        let added: [(Int, [Int], LinkKey)] = [(0, [4], .one("SUB1")), (1, [5, 6], .one("SUB2")), (2, [7], .many(["BS1", "hemoglobin"]))]
        for (place, records, key) in added {
            var positions = SharedKeyPositions(first: records[0])
            for record in records.dropFirst() { positions.append(record) }
            let appended = pairs.append(resource: places[place], records: positions, key: key)
            #expect(appended)
        }
        pairs.trim()
        for (index, (place, records, _)) in added.enumerated() {
            #expect(pairs[index].resource == places[place])
            #expect(pairs[index].records == records)
            #expect(pairs.firstRecord(at: index) == records[0])
            #expect(pairs[index].key == [""])
            #expect(pairs.keyText(at: index) == "")
        }
        #expect(pairs.placesByAccession().isEmpty)
        #expect(pairs.resource(accession: "SUB1", in: pairs.placesByAccession()) == nil)
        #expect(pairs.resource(accession: "", in: pairs.placesByAccession()) == nil)
    }

    /// By accession, the last pair of an accession is found, as a dictionary filled in pair order keeps it; an
    /// accession no pair has finds nothing.
    @Test func accessionsFindTheLastPairOfTheirKey() {
        let places = Self.positions(6)
        let accessions = ["SUB3", "SUB1", "SUB2", "SUB1", "SUB10", "SUB3"]
        var pairs = LinkedPairs()
        var expected: [String: FHIRResourceCollection.Position] = [:]
        for (index, accession) in accessions.enumerated() {
            let key: LinkKey = index % 2 == 0 ? .one(accession) : .many([accession, "part \(index)"])
            let added = pairs.append(resource: places[index], records: SharedKeyPositions(first: index), key: key)
            #expect(added)
            expected[accession] = places[index]
        }
        let order = pairs.placesByAccession()
        #expect(order.map { pairs.firstKey(at: Int($0)) } == accessions.sorted())
        for (accession, place) in expected { #expect(pairs.resource(accession: accession, in: order) == place) }
        #expect(pairs.resource(accession: "SUB2x", in: order) == nil)
        #expect(pairs.resource(accession: "", in: order) == nil)
        #expect(LinkedPairs().resource(accession: "SUB1", in: []) == nil)
    }
}

extension LinkedPairsTests {
    /// Pairs made with their resources' ids keep no first key part while each is its resource's id, and answer as
    /// pairs that keep them: the same keys, order by accession and accessions found. A key that is not its resource's
    /// id (here the fourth or the last) makes them keep every key from there on, with the same answers.
    @Test(arguments: [nil, 3, 5])
    func pairsKeyedByTheirIdsAnswerAsPairsThatKeepTheirKeys(differentAt: Int?) {
        var fhir = FHIRResourceCollection()
        let ids = ["SUB3", "SUB1", "SUB2", "SUB10", "BS1", "SUB4"]
        for id in ids { fhir.add(try! FHIRJSONReader().read(#"{"resourceType":"Patient","id":"\#(id)"}"#)) }
        fhir.keepAtSize()
        var plain = LinkedPairs()
        var byIDs = LinkedPairs(keepsKeys: true, ids: fhir.ids)
        // Two pairs of the first resource (one-to-many), keyed by its id.
        let resources = [0, 0, 1, 2, 3, 4, 5]
        for (index, place) in resources.enumerated() {
            let position = fhir.position(ofKey: FHIRResourceKey(type: "Patient", id: ids[place]))!
            let accession = index == differentAt ? "OTHER\(index)" : ids[place]
            let key: LinkKey = index == 4 ? .many([accession, "hemoglobin"]) : .one(accession)
            var records = SharedKeyPositions(first: index)
            if index == 2 { records.append(40) }
            let addedPlain = plain.append(resource: position, records: records, key: key)
            let addedByIDs = byIDs.append(resource: position, records: records, key: key)
            #expect(addedPlain && addedByIDs)
        }
        plain.trim()
        byIDs.trim()
        #expect(byIDs.keysAreIDs == (differentAt == nil))
        for index in resources.indices {
            #expect(byIDs[index].key == plain[index].key && byIDs[index].records == plain[index].records)
            #expect(byIDs.firstKey(at: index) == plain.firstKey(at: index) && byIDs.keyText(at: index) == plain.keyText(at: index))
        }
        let order = byIDs.placesByAccession()
        #expect(order == plain.placesByAccession())
        for accession in ids + ["OTHER3", "OTHER5", "SUB", ""] {
            #expect(byIDs.resource(accession: accession, in: order) == plain.resource(accession: accession, in: order))
        }
    }
}
