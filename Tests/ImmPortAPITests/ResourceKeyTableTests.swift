import FHIRModel
@testable import ImmPortAPI
import Testing

/// The key table keeps each key's type as a number beside its entry, a byte each, with the numbers past a byte's
/// kept apart: keys of many types, interleaved, come back with their own types, are found again, and share a type's
/// number, past 255 types as before it.
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
