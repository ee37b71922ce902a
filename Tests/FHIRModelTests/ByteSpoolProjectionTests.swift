@testable import FHIRModel
import Testing

/// A document staged with only some of its members (`ByteSpool.Staged.appendJSON(_:keeping:)`, what a spooled Shared
/// Data answer keeps of each record) reads back as the tree a filtered read of the whole document builds, whatever
/// the reader's own filter; a document that cannot be indexed is kept whole and reads back the same way.
@Suite struct ByteSpoolProjectionTests {
    static let documents: [String] = [
        #"{"studyAccession":"SDY1","subjectAccession":" SUB1 ","gender":"Female","age":63.00,"race":null,"flag":true}"#,
        // Spacing, nesting, escapes in values, kept members first and last, a member kept with an object value.
        "{ \"gender\" : \"Male\" ,\n \"nested\": {\"a\": [1, {\"b\": \"}\\\"]\"}]}, \"subjectAccession\":\"SUB\\u0032\",\t\"age\": -1.5e3 }",
        // Nothing kept.
        #"{"other":1,"more":[1,2,3]}"#,
        // Everything kept.
        #"{"gender":"x","subjectAccession":"y"}"#,
        // An escaped key: not indexed, so kept whole.
        #"{"gen\u0064er":"Female","subjectAccession":"SUB3","other":"z"}"#,
        // Not an object: kept whole.
        #"[1,2]"#,
        #"{}"#,
    ]

    @Test func projectedDocumentsReadBackAsFilteredReadsOfTheWhole() throws {
        let projection = FHIRJSONKeyFilter(keys: ["subjectAccession", "gender", "age", "nested"])
        let spool = try ByteSpool()
        var staged = ByteSpool.Staged()
        for document in Self.documents { Array(document.utf8).withUnsafeBytes { staged.appendJSON($0, keeping: projection) } }
        let spans = try spool.append(staged)
        for (document, span) in zip(Self.documents, spans) {
            // Any reader's filter within the projection (every stage's is: `CompiledMapping.recordKeys`) sees what it
            // would in the whole record.
            for keys in [projection, FHIRJSONKeyFilter(keys: ["subjectAccession"]), FHIRJSONKeyFilter(keys: ["age", "gender"])] {
                let expected = try FHIRJSONReader(options: .init(topLevelKeys: keys)).read(document)
                #expect(try spool.element(at: span, keys: keys) == expected, "\(document) \(keys.keys)")
            }
            // Read whole, an indexed record is its projection; one that is not indexed (an escaped key, not an
            // object) was kept whole.
            let indexed = Array(document.utf8).withUnsafeBytes { ByteSpool.index(of: $0) } != nil
            let whole = try FHIRJSONReader(options: .init(topLevelKeys: indexed ? projection : nil)).read(document)
            #expect(try spool.element(at: span) == whole, "\(document)")
        }
        // The kept text is shorter than the whole where members were dropped.
        #expect(try spool.withBytes(of: spans[2]) { $0.count } < Self.documents[2].utf8.count)
        #expect(try spool.withBytes(of: spans[0]) { $0.count } < Self.documents[0].utf8.count + 3 + 8 * 6)
    }
}
