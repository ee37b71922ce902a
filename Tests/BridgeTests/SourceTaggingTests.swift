@testable import Bridge
@testable import FHIRModel
import SyntheticFHIR
import Testing

/// A `meta` left as text is tagged as text (`MergeStage.taggedMeta`): the bytes are those of tagging the tree
/// (`MergeStage.tagged`) and writing its `meta`, whatever the `meta` holds and wherever its members are.
@Suite struct SourceTaggingTests {
    static let source: FHIRElement = "https://fhir.example/fhir"
    static let tag = MergeStage.SourceTags().merged

    /// The tree's tagged `meta`, written.
    static func treeTagged(_ meta: FHIRElement) -> [UInt8] {
        let resource: FHIRElement = .object(FHIRObject(members: [.init(key: "resourceType", value: "Basic"), .init(key: "id", value: "b"), .init(key: "meta", value: meta)]))
        return FHIRJSONWriter().write(MergeStage.tagged(resource, source: source, tag: tag)["meta"] ?? .null)
    }

    @Test func aMetaTaggedAsTextIsTheTreesTaggedMeta() throws {
        let members: [(String, String)] = [
            ("versionId", #""3""#), ("lastUpdated", #""2026-02-03T08:30:00.000+00:00""#), ("source", ##""#old""##),
            ("profile", #"["http://p"]"#), ("security", #"[{"code":"R"}]"#), ("tag", #"[{"system":"s","code":"c"}]"#),
            ("extension", #"[{"url":"u","valueString":"v\"q"}]"#),
        ]
        var texts = ["{}", #"{"tag":[]}"#, #"{"tag":{"code":"not an array"}}"#, #"{"tag":"x"}"#, #"{"source":null}"#]
        // Every subset of the members, in order and shuffled (a seeded order: FHIR's is not guaranteed by servers).
        var generator = SplitMix64(seed: 20261206)  // SyntheticFHIR's seeded generator
        for mask in 1..<(1 << members.count) {
            var chosen = members.indices.filter { mask & (1 << $0) != 0 }.map { members[$0] }
            texts.append("{" + chosen.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
            for index in chosen.indices.reversed() where index > 0 {
                chosen.swapAt(index, Int(generator.next() % UInt64(index + 1)))
            }
            texts.append("{" + chosen.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
        }
        let sourceJSON = FHIRJSONWriter().write(Self.source)
        let tagJSON = FHIRJSONWriter().write(Self.tag)
        for text in texts {
            let bytes = Array(text.utf8)
            let meta = try FHIRJSONReader().read(bytes)
            let asText = try #require(bytes.withUnsafeBytes { MergeStage.taggedMeta($0, source: sourceJSON, tag: tagJSON) }, "\(text)")
            #expect(String(decoding: asText, as: UTF8.self) == String(decoding: Self.treeTagged(meta), as: UTF8.self), "\(text)")
        }
        #expect(texts.count > 250)
        // What the text cannot be read for is left to the tree.
        #expect(Array(#"{"v\u0065rsionId":"1"}"#.utf8).withUnsafeBytes { MergeStage.taggedMeta($0, source: sourceJSON, tag: tagJSON) } == nil)
        #expect(Array("null".utf8).withUnsafeBytes { MergeStage.taggedMeta($0, source: sourceJSON, tag: tagJSON) } == nil)
    }

    /// A pulled resource read in part from a spool (its `meta` left as text where the writer would write it back)
    /// merges to the bytes of the same resource merged as a whole tree: a `meta` tagged as text, one with an escaped
    /// key or spacing (built after all), `null`, and none.
    @Test func aResourceReadInPartMergesToTheWholeTreesBytes() throws {
        let merge = MergeStage.PulledResourceMerge(
            links: [], conflictFields: [], codeMaps: [:], extensionBase: "https://example.org/ext",
            order: FHIRCanonicalOrder(definitions: FHIRDefinitions.forVersion(.r5)), tags: MergeStage.SourceTags(), source: Self.source,
            writes: true)
        let metas = [
            #","meta":{"versionId":"2","lastUpdated":"2026-01-01T00:00:00Z","tag":[{"code":"t"}]}"#,
            #","meta":{"v\u0065rsionId":"2","lastUpdated":"2026-01-02T00:00:00Z"}"#, #","meta":{ "lastUpdated" : "2026-01-03" }"#,
            #","meta":null"#, "", #","meta":{"lastUpdated":"2026-\u00301"}"#,
            // An escape the writer writes (so left as text), in a key (so not read as text): built after all.
            #","meta":{"x\\ny":"1","lastUpdated":"2026-01-04"}"#,
        ]
        var asText = 0
        let spool = try ByteSpool()
        for meta in metas {
            let document = Array(#"{"resourceType":"Patient","id":"p1"\#(meta),"gender":"female","name":[{"family":"F"}]}"#.utf8)
            let span = try spool.appendJSON(document)
            let partly = try spool.withBytes(of: span) {
                try ByteSpool.partlyParsedElement(from: $0, reader: FHIRJSONReader(), keys: FHIRJSONKeyFilter(keys: ["resourceType", "id"]))
            }
            if partly.1.range(of: "meta") != nil { asText += 1 }
            let whole = (try FHIRJSONReader().read(document), UnparsedMembers())
            func written(_ read: (FHIRElement, UnparsedMembers)) -> (json: [UInt8], lastUpdated: String?) {
                let merged = merge.merge(read, joins: [MergeStage.Join]()) { _ in .null }
                guard case .written(let resource) = merged.output else { return ([], nil) }
                return (resource.json, merged.lastUpdated)
            }
            let (partlyJSON, partlyUpdated) = written(partly)
            let (wholeJSON, wholeUpdated) = written(whole)
            #expect(String(decoding: partlyJSON, as: UTF8.self) == String(decoding: wholeJSON, as: UTF8.self), "\(meta)")
            #expect(partlyUpdated == wholeUpdated, "\(meta)")
            #expect(!partlyJSON.isEmpty)
        }
        // The plain meta, null and the escaped key's were left as text.
        #expect(asText == 3)
    }
}
