import FHIRModel
import Testing

/// `FHIRObject.value(forKey:guessing:)`: any guess gives the same answer as the key subscript, only faster when it is
/// right (or next to right).
@Suite struct FHIRObjectLookupTests {
    @Test func everyGuessGivesTheSubscriptsAnswer() throws {
        let element: FHIRElement = [
            "resourceType": "Observation", "id": "o1", "status": "final", "valueQuantity": ["value": 1],
            "\u{212A}ey": "kelvin sign", "Key": "ascii",
        ]
        let object = try #require(element.objectValue)
        let keys = ["resourceType", "id", "status", "valueQuantity", "Key", "\u{212A}ey", "code", "", "valueQuantit"]
        for key in keys {
            for guess in [-3, -1, 0, 1, 2, 3, 4, 5, 6, 7, 100, Int.max, Int.min] {
                let found = object.value(forKey: key, guessing: guess)
                #expect(found?.value == object[key], "key \(key) guess \(guess)")
                if let found { #expect(object.members[found.index].key == key) }
            }
        }
        #expect(object.value(forKey: "valueQuantity", guessing: 4)?.index == 3)
    }
}
