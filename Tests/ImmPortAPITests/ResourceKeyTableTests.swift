import FHIRModel
@testable import ImmPortAPI
import Testing

/// The key table keeps each key's type as a number beside its entry, a byte each, with the numbers past a byte's
/// kept apart: keys of many types, interleaved, come back with their own types, are found again, and share a type's
/// number, past 255 types as before it, and after the table is brought to its size.
@Suite struct ResourceKeyTableTests {
    @Test(arguments: [3, 254, 255, 256, 600])
    func keysOfManyTypesKeepTheirTypes(typeCount: Int) {
        var deduplicator = FHIRResourceDeduplicator()
        var keys: [FHIRResourceKey] = []
        // Types interleaved (each id under every type in turn), so that a type's keys are not all in one run.
        for id in 0..<3 {
            for type in 0..<typeCount {
                let key = FHIRResourceKey(type: "Type\(type)", id: "id\(id)")
                #expect(deduplicator.admit(key, versionId: nil, tag: keys.count).verdict == .new)
                keys.append(key)
            }
        }
        #expect(deduplicator.count == keys.count)
        // Brought to its size (as a directory's table is once read), it answers the same.
        deduplicator.keepAtSize()
        for (position, key) in keys.enumerated() {
            #expect(deduplicator.key(at: position) == key)
            #expect(deduplicator.tag(of: key) == position)
            #expect(deduplicator.typeNumber(at: position) == deduplicator.typeNumber(of: key.type))
            #expect(deduplicator.admit(key, versionId: nil, tag: -1).verdict == .duplicate)
        }
        let numbers = Set((0..<typeCount).compactMap { deduplicator.typeNumber(of: "Type\($0)") })
        #expect(numbers.count == typeCount)
        #expect(deduplicator.typeNumber(of: "Type\(typeCount)") == nil)
        #expect(!deduplicator.contains(FHIRResourceKey(type: "Type0", id: "id3")))
    }
}

extension ResourceKeyTableTests {
    /// A slot holds a position and the hash's top bits until positions need the whole slot: keys admitted before and
    /// after the table goes over (here after 15, with four bits for positions) are all found, and only they are.
    @Test(arguments: [4 as UInt32, 27])
    func keysAreFoundOnBothSidesOfSlotsGivenToPositions(positionBits: UInt32) {
        var table = ResourceKeyTable<Int>(positionBits: positionBits)
        let keys = (0..<200).map { HashedResourceKey(FHIRResourceKey(type: $0 % 3 == 0 ? "Patient" : "Observation", id: "r\($0)")) }
        for (index, key) in keys.enumerated() {
            guard case .vacant(let slot) = table.lookup(key) else {
                Issue.record("\(key.key) found before it was added")
                continue
            }
            table.insert(key, index, at: slot)
            // Everything added so far is found where it was added, whatever the table's state now.
            for (earlier, known) in keys[...index].enumerated() {
                guard case .found(let position) = table.lookup(known) else {
                    Issue.record("\(known.key) not found after \(index + 1) keys")
                    return
                }
                #expect(position == earlier && table[position] == earlier)
            }
        }
        for absent in ["r200", "r-1", "R1"] {
            if case .found = table.lookup(HashedResourceKey(FHIRResourceKey(type: "Observation", id: absent))) {
                Issue.record("Observation/\(absent) found")
            }
        }
        if case .found = table.lookup(HashedResourceKey(FHIRResourceKey(type: "Patient", id: "r1"))) { Issue.record("Patient/r1 found") }
    }
}
