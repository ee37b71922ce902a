@testable import Bridge
import Testing

/// The merge's emitted-key index: an id is taken once per type, across any number of growths of the index, ids that
/// are prefixes of one another or differ only in type stay apart, and the lines come back in emission order.
@Suite struct EmittedKeysTests {
    @Test(arguments: [0, 20_000])
    func anIdIsTakenOncePerTypeAndTheLinesKeepTheirOrder(reserved: Int) {
        var keys = EmittedKeys(reservingCapacity: reserved, lineLength: 20)
        func insert(_ type: String, _ id: String) -> Bool { keys.insert(type: type, id: id) }
        var expected: [String] = []
        for index in 0..<5_000 {
            #expect(insert("Observation", "o-\(index)"))
            expected.append("Observation/o-\(index)")
        }
        #expect(insert("Observation", "o-1") == false)
        #expect(insert("Observation", "o-4999") == false)
        // Every taken id again, after growing: each refused, and nothing of them kept.
        for index in stride(from: 0, to: 5_000, by: 7) { #expect(insert("Observation", "o-\(index)") == false) }
        // A prefix of a taken id, an id that a taken one is a prefix of, the same id of another type: all new.
        #expect(insert("Observation", "o-"))
        #expect(insert("Observation", "o-49999"))
        #expect(insert("AdverseEvent", "o-1"))
        expected += ["Observation/o-", "Observation/o-49999", "AdverseEvent/o-1"]
        #expect(keys.count == 5_003)
        var lines: [String] = []
        keys.forEach { lines.append(String(decoding: $0, as: UTF8.self)) }
        #expect(lines == expected)
    }
}
