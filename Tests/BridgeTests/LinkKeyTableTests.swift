@testable import Bridge
import Testing

/// `LinkKeyTable` numbers keys as a dictionary filled in the same order would, finds them again, and gives each
/// back as it came: keys of one part and of several, parts that run into each other, empty and non-ASCII parts,
/// and a table that grows from no room.
@Suite struct LinkKeyTableTests {
    static func keys() -> [LinkKey] {
        var keys: [LinkKey] = [.one(""), .many(["", ""]), .many([""]), .one("a"), .many(["a"]), .many(["ab", "c"]), .many(["a", "bc"]),
                               .many(["a", "b", "c"]), .one("ü日本"), .many(["ü", "日本"]), .one(String(repeating: "long ", count: 60))]
        for index in 0..<5000 {
            switch index % 4 {
            case 0: keys.append(.one("SUB\(index / 3)"))  // repeats
            case 1: keys.append(.many(["BS\(index / 5)", ["hemoglobin", "glucose", "WBC"][index % 3]]))
            case 2: keys.append(.many(["BS\(index / 5)", "hemoglobin", "\(index % 7)"]))
            default: keys.append(.one("\(index % 11)"))
            }
        }
        return keys
    }

    @Test(arguments: [0, 100_000])
    func numbersFindsAndGivesBackKeysAsADictionary(reserved: Int) {
        var table = LinkKeyTable(reservingCapacity: reserved)
        var model: [LinkKey: Int32] = [:]
        var order: [LinkKey] = []
        for (index, key) in Self.keys().enumerated() {
            if index == 3000 { table.trim() }
            let expected = model[key]
            let (ordinal, inserted) = table.insert(key)
            #expect(inserted == (expected == nil), "\(key)")
            if let expected {
                #expect(ordinal == expected)
            } else {
                #expect(ordinal == Int32(order.count))
                model[key] = ordinal
                order.append(key)
            }
        }
        #expect(table.count == order.count)
        for (ordinal, key) in order.enumerated() {
            #expect(table.key(at: ordinal) == key)
            #expect(table.ordinal(of: key) == Int32(ordinal))
        }
        for absent: LinkKey in [.one("SUB99999"), .many(["BS1", "nothing"]), .one("ab"), .many(["abc"]), .many(["a", "b"])] {
            #expect(table.ordinal(of: absent) == nil, "\(absent)")
        }
    }
}
