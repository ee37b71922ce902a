@testable import FHIRModel
import SyntheticFHIR
import Testing

/// Filtered top-level objects read one after another on a thread reuse the last one's keys (`JSONKeyShape`): the
/// answers must be what a whole read and a projection give, duplicates included, whatever the objects before.
@Suite struct JSONKeyShapeTests {
    static let keepAC = FHIRJSONKeyFilter(keys: ["a", "c"])

    static func filtered(_ text: String, _ filter: FHIRJSONKeyFilter) -> Result<FHIRElement, FHIRJSONError> {
        Result { try FHIRJSONReader(options: .init(topLevelKeys: filter)).read(Array(text.utf8)) }
            .mapError { $0 as! FHIRJSONError }
    }

    /// The plain answer: the whole object read (refused on a duplicate), then only the kept members.
    static func plain(_ text: String, _ filter: FHIRJSONKeyFilter) -> FHIRElement? {
        guard let whole = try? FHIRJSONReader().read(Array(text.utf8)), case .object(let object) = whole else { return nil }
        return .object(FHIRObject(members: object.members.filter { filter.keeps($0.key) }))
    }

    /// `\u00e9` for é: a key spelt with escapes.
    static func escaped(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    static func expectSame(_ text: String, _ filter: FHIRJSONKeyFilter, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let expected = plain(text, filter)
        switch filtered(text, filter) {
        case .success(let element):
            #expect(element == expected, "\(text)", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(expected == nil, "\(text): \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func aDuplicateIsFoundWhereverTheObjectDepartsFromTheShape() {
        let shape = #"{"a":1,"b":2,"c":3}"#
        for duplicate in [
            #"{"a":1,"c":2,"c":3}"#,  // departs at the second key; the third is the shape's own third
            #"{"a":1,"b":2,"b":3}"#,  // departs at the third key, with the second's text
            #"{"a":1,"b":2,"c":3,"a":4}"#,  // the shape whole, then one of its keys again
            #"{"a":1,"b":2,"c":3,"\u0062":4}"#,  // the same, spelt with an escape
        ] {
            #expect((try? Self.filtered(shape, Self.keepAC).get()) != nil)
            #expect(throws: FHIRJSONError.self, "\(duplicate)") { try Self.filtered(duplicate, Self.keepAC).get() }
        }
    }

    @Test func objectsShorterLongerAndWithEscapesKeepWhatTheFilterKeeps() {
        for text in [
            #"{"a":1,"b":2,"c":3}"#, #"{"a":1,"b":2,"c":3}"#, #"{"a":1}"#, #"{"a":1,"b":2,"c":3}"#,
            #"{"a":1,"b":2,"c":3,"d":4}"#, #"{"a":1,"b":2,"c":3,"d":4}"#, #"{"\u0061":1,"b":2,"c":3}"#,
            #"{"a":1,"\u0063":2}"#, #"{"b":2,"a":1,"c":3}"#, #"{}"#, #"{"a":[1,{"a":2,"a":3}]}"#,
        ] {
            Self.expectSame(text, Self.keepAC)
        }
    }

    /// The same keys read with another filter on the same thread get that filter's answers, not the noted ones.
    @Test func anotherFilterGetsItsOwnAnswers() {
        let text = #"{"a":1,"b":2,"c":3}"#
        for filter in [Self.keepAC, FHIRJSONKeyFilter(keys: ["b"]), Self.keepAC, FHIRJSONKeyFilter(keys: ["a", "c"]), FHIRJSONKeyFilter(keys: [], prefixes: ["c"])] {
            Self.expectSame(text, filter)
            Self.expectSame(text, filter)
        }
    }

    /// Objects made from a few keys, in random orders and lengths, now and then with a repeated key or an escaped
    /// one, read one after another: every answer is the plain one.
    @Test func randomObjectsGiveThePlainAnswers() {
        var generator = SplitMix64(seed: 20261206)  // SyntheticFHIR's seeded generator
        let names = ["a", "b", "c", "d", "ab", "_a", "valueString", "é"]
        let filters = [Self.keepAC, FHIRJSONKeyFilter(keys: ["b", "é"], prefixes: ["value"]), FHIRJSONKeyFilter(keys: ["d"])]
        var last = [String]()
        for round in 0..<4000 {
            // Mostly the last object's keys again (what the shape is for), sometimes changed a little or anew.
            var keys = last
            switch generator.next() % 6 {
            case 0: keys = (0..<Int(generator.next() % 7)).map { _ in names[Int(generator.next() % UInt64(names.count))] }
            case 1 where !keys.isEmpty: keys[Int(generator.next() % UInt64(keys.count))] = names[Int(generator.next() % UInt64(names.count))]
            case 2: keys.append(names[Int(generator.next() % UInt64(names.count))])
            case 3 where !keys.isEmpty: keys.removeLast()
            default: break
            }
            last = keys
            let members = keys.enumerated().map { index, key -> String in
                let spelt = generator.next() % 9 == 0 ? key.unicodeScalars.map(Self.escaped).joined() : key
                return "\"\(spelt)\":\(index)"
            }
            let text = "{" + members.joined(separator: ",") + "}"
            Self.expectSame(text, filters[round / 500 % filters.count])
        }
    }
}

