@testable import Bridge
import Testing

/// `EmittedKeys` answers "taken already?" as a set of the keys would, and lists the keys in emission order, whether
/// its lines stay in memory or go to its temporary file a few at a time, and whether its index was sized ahead or
/// grew.
@Suite struct EmittedKeysTests {
    /// Keys with repeats near and far apart, ids that are prefixes of one another, and lengths from 1 to 300 bytes
    /// (SYNTHETIC).
    static func keys() -> [(type: String, id: String)] {
        var keys: [(String, String)] = []
        for index in 0..<3000 {
            let type = ["Observation", "Specimen", "AdverseEvent"][index % 3]
            let id: String
            switch index % 7 {
            case 0: id = "LT\(index / 2)"  // repeats two apart
            case 1: id = "LT\(index / 2)0"  // a longer id beginning with another
            case 2: id = String(repeating: "x", count: 1 + index % 300)
            case 3: id = "\(index % 97)"  // repeats far apart
            default: id = "id-\(index)-ü"
            }
            keys.append((type, id))
        }
        return keys
    }

    @Test(arguments: [(0, EmittedKeys.defaultMemoryLimit), (0, 1), (0, 200), (4000, 64), (4000, EmittedKeys.defaultMemoryLimit)])
    func answersAsASetAndListsInOrder(reserved: Int, memoryLimit: Int) throws {
        var emitted = EmittedKeys(reservingCapacity: reserved, lineLength: 16, memoryLimit: memoryLimit)
        var model = Set<String>()
        var listed: [String] = []
        for (type, id) in Self.keys() {
            let line = "\(type)/\(id)"
            let added = try emitted.insert(type: type, id: id)
            #expect(added == model.insert(line).inserted, "\(line)")
            if added { listed.append(line) }
        }
        #expect(emitted.count == listed.count)
        var read: [String] = []
        try emitted.forEach { read.append(String(decoding: $0, as: UTF8.self)) }
        #expect(read == listed)
    }
}
