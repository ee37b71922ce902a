@testable import FHIRModel
import Testing

/// `FHIRJSONKeyFilter.keptName(utf8:)` hands out a kept key as a `String` (the filter's own for a key it names):
/// it must keep exactly what `keeps(_:)` keeps, and give the key's own text.
@Suite struct KeyFilterNameTests {
    static let candidates = [
        "", "id", "i", "idx", "subjectAccession", "subjectAccessio", "subjectAccessionX", "biosampleAccession",
        "labTestNameReported", "valueQuantity", "value", "valu", "_value", "_id", "résumé", "résumé2", "Id", "ID",
        // The Kelvin sign: a key beyond ASCII that Unicode's equality makes `K`'s (and of another byte length).
        "\u{212A}", "K", "\u{212A}ey", "Key", "keyé", String(repeating: "x", count: 63), String(repeating: "x", count: 64),
        String(repeating: "x", count: 70), "abcdefgh", "abcdefghé", "éabcdefgh",
    ]

    @Test func keptNamesAreTheKeysTheFilterKeeps() {
        var many = Set((0..<40).map { "key\($0)" })
        many.insert("subjectAccession")
        let filters = [
            FHIRJSONKeyFilter(),
            FHIRJSONKeyFilter(keys: ["id", "subjectAccession", "biosampleAccession", "labTestNameReported", "résumé"]),
            // Keys whose lengths are and are not those of the candidates, 63 bytes and longer among them.
            FHIRJSONKeyFilter(keys: ["K", "Key", String(repeating: "x", count: 64), "abcdefgh", "\u{212A}"]),
            FHIRJSONKeyFilter(keys: ["id"], prefixes: ["value", "_"]),
            FHIRJSONKeyFilter(keys: [""], prefixes: [""]),
            // More than the list compares one by one: through the set.
            FHIRJSONKeyFilter(keys: many, prefixes: ["val"]),
        ]
        var kept = 0
        for filter in filters {
            for key in Self.candidates + many.sorted() {
                let name = Array(key.utf8).withUnsafeBufferPointer { filter.keptName(utf8: $0) }
                let keeps = filter.keeps(key)
                #expect(Array(key.utf8).withUnsafeBufferPointer { filter.keeps(utf8: $0) } == keeps, "\(key)")
                #expect(name == (keeps ? key : nil), "\(key)")
                if keeps { kept += 1 }
            }
        }
        #expect(kept > 70)
    }
}
