import Foundation
import SyntheticFHIR
import Testing
import TestSupport
@testable import FHIRModel

/// The members a read finds as it checks a document (`FHIRJSONReader.readFindingMembers`) are the ones the separate
/// scan finds (`JSONTopLevelMembers.scan`), nil where it gives nil, and the tree is `read`'s, whatever the filter:
/// the spool keeps the read's answer in place of the scan's.
@Suite struct ReadFindingMembersTests {
    /// Documents the scan passes over or that place members oddly (escaped keys, a top level that is not an object,
    /// spacing everywhere, a byte order mark, non-ASCII keys, nested brackets in strings), then Fixtures/ (resources
    /// and Shared Data answers with their records one by one) and generated resources (SYNTHETIC).
    static func documents() throws -> [[UInt8]] {
        var documents: [[UInt8]] = [
            Array(#"{"a\u0062":1,"c":[1,{"d":"}"}],"e":"\\"}"#.utf8), Array(#"[{"a":1}]"#.utf8), Array(#""text""#.utf8),
            Array(" \n{ \"id\" : \"x\" ,\t\"_id\" :{\"extension\":[]} , \"n\" : -1.50e3 , \"t\":true,\"z\":null }\n".utf8),
            Array(#"{}"#.utf8), Array(" { } ".utf8), Array("17".utf8), Array("null".utf8),
            Array(#"{"valueQuantity":{"value":1},"valueString":"a\"b","code":{"text":"{[\"]}"}}"#.utf8),
            [0xEF, 0xBB, 0xBF] + Array(#"{"resourceType":"Basic","id":"bom"}"#.utf8),
            Array(#"{"clé":"v","id":"é\u00e9","n":0,"resourceType":"Basic"}"#.utf8),
            Array(#"{"id":"x","k\"q":1}"#.utf8), Array(#"{"a":{"b\\":2},"c":[[],{}],"d":-0.0e-0}"#.utf8),
            // Past 16-bit offsets: not indexed.
            Array("{\"resourceType\":\"Basic\",\"text\":\"\(String(repeating: "x", count: 70_000))\",\"id\":\"big\"}".utf8),
        ]
        for folder in ["fhir", "shared-data/api/study/labtest", "shared-data/api/study/biosample", "shared-data/api/study/demographic"] {
            let path = SharedData.packageRoot + "/Fixtures/" + folder
            for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() where name.hasSuffix(".json") {
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))
                documents.append(bytes)
                if case .array(let items) = try FHIRJSONReader().read(bytes) { documents += items.map { FHIRJSONWriter().write($0) } }
            }
        }
        let data = SyntheticFHIR(patients: 40, observations: 200, studies: 2, seed: 11, version: .r5)
        for kind in SyntheticFHIR.Kind.allCases {
            for index in 0..<data.count(of: kind) { documents.append(FHIRJSONWriter().write(data.resource(kind, index))) }
        }
        return documents
    }

    @Test func theReadFindsTheMembersTheScanFinds() throws {
        let filters: [FHIRJSONKeyFilter?] = [
            nil, FHIRJSONKeyFilter(), FHIRJSONKeyFilter(keys: ["resourceType", "id", "meta"]),
            FHIRJSONKeyFilter(keys: ["resourceType", "id", "ab", "n"], prefixes: ["value", "_"]),
        ]
        var indexed = 0
        var notIndexed = 0
        for document in try Self.documents() {
            let scanned = document.withUnsafeBytes { JSONTopLevelMembers.scan($0) }
            if scanned == nil { notIndexed += 1 } else { indexed += 1 }
            for filter in filters {
                for keysKnownUnique in [false, true] {
                    let reader = FHIRJSONReader(options: .init(topLevelKeys: filter, keysKnownUnique: keysKnownUnique))
                    let (tree, members) = try document.withUnsafeBytes { try reader.readFindingMembers($0) }
                    let text = String(decoding: document.prefix(80), as: UTF8.self)
                    #expect(members == scanned, "\(text)")
                    #expect(tree == (try reader.read(document)), "\(text)")
                }
            }
        }
        // Both kinds were seen.
        #expect(indexed > 100)
        #expect(notIndexed >= 6)
    }

    /// One member looked up by a scan that stops at it (`value(named:inDocument:)`, how a resource's version is read
    /// from its `meta`) is the member the whole scan finds, and its value the tree's; where the scan cannot tell (a
    /// key with escapes before it), it says so rather than guess.
    @Test func aMemberLookedUpAloneIsTheOneTheScanFinds() throws {
        var found = 0
        var untold = 0
        let documents = try Self.documents() + [
            #"{"s\u006frce":"x","versionId":"after an escaped key"}"#, #"{"versionId":"4","s\u006frce":"x"}"#,
        ].map { Array($0.utf8) }
        for document in documents {
            let tree = try FHIRJSONReader().read(document)
            let text = String(decoding: document.prefix(80), as: UTF8.self)
            try document.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws in
                let scanned = bytes.count <= JSONTopLevelMembers.maximumLength ? JSONTopLevelMembers.scan(bytes) : nil
                for name: StaticString in ["resourceType", "id", "meta", "versionId", "n", "absent"] {
                    let key = String(decoding: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), as: UTF8.self)
                    switch JSONTopLevelMembers.value(named: name, inDocument: bytes) {
                    case .some(let value?):
                        found += 1
                        let parsed = try FHIRJSONReader().read(value)
                        #expect(parsed == tree[key], "\(key) in \(text)")
                        if let scanned {
                            #expect(JSONTopLevelMembers.value(named: name, among: scanned, in: bytes).map(Array.init) == Array(value), "\(text)")
                        }
                    case .some(nil):
                        #expect(tree[key] == nil, "\(key) in \(text)")
                    case nil:
                        untold += 1
                        #expect(scanned == nil, "\(key) in \(text)")
                    }
                }
            }
        }
        #expect(found > 300)
        #expect(untold > 0)
    }

    /// A malformed document is refused with `read`'s error, found members or not.
    @Test func aMalformedDocumentGetsReadsError() {
        for text in [#"{"a":1,"a":2}"#, #"{"a":}"#, #"{"a":1"#, #"{"a":1} x"#, "", #"{"":1}"#] {
            let bytes = Array(text.utf8)
            let plain = #expect(throws: FHIRJSONError.self) { try FHIRJSONReader().read(bytes) }
            let finding = #expect(throws: FHIRJSONError.self) { try bytes.withUnsafeBytes { try FHIRJSONReader().readFindingMembers($0) } }
            #expect(plain?.description == finding?.description, "\(text)")
        }
    }

    /// NDJSON lines read to be kept (`FHIRResourceInput.withSourceText`) come with the members of their text, and
    /// with where the text is in the file.
    @Test func keptLinesComeWithTheirMembers() throws {
        let lines = [#"{"resourceType":"Basic","id":"a","n":1}"#, #"  {"resourceType" : "Basic", "id":"b"}  "#, #"{"resourceType":"Basic","i\u0064":"c"}"#]
        let bytes = Array(lines.joined(separator: "\n").utf8)
        let options = FHIRResourceInput.Options(topLevelKeys: FHIRJSONKeyFilter(keys: ["resourceType", "id"]), keepsSourceText: true)
        let input = FHIRResourceInput(ndjsonLines: bytes, in: 0..<bytes.count, path: "lines.ndjson", firstLine: 1, fileOffset: 100, options: options)
        var seen = 0
        try input.forEachResource { _, _ in
            let text = try #require(input.withSourceText { Array($0) })
            #expect(input.sourceTextMembers == text.withUnsafeBytes { JSONTopLevelMembers.scan($0) })
            let offset = try #require(input.sourceTextFileOffset)
            #expect(Array(bytes[(offset - 100)..<(offset - 100 + text.count)]) == text)
            seen += 1
        }
        #expect(seen == 3)
    }

    /// A spooled resource's version is read from its text (`FHIRResourceFiles.versionId(of:members:)`) as its
    /// tree has it, with the members found or without, whatever `meta` holds.
    @Test func aSpooledResourcesVersionIsItsTreesVersion() throws {
        var documents = try Self.documents()
        documents += [
            #"{"resourceType":"Basic","id":"a","meta":{"versionId":"7"}}"#, #"{"resourceType":"Basic","meta":{"lastUpdated":"x","versionId":"v\"q"}}"#,
            #"{"resourceType":"Basic","meta":{"v\u0065rsionId":"esc"}}"#, #"{"resourceType":"Basic","meta":"text"}"#,
            #"{"resourceType":"Basic","meta":{"versionId":3}}"#, #"{"resourceType":"Basic","meta":{"tag":[{"versionId":"deep"}]}}"#,
            #"{"resourceType":"Basic","text":"meta","versionId":"top"}"#, #"{"m\u0065ta":{"versionId":"9"},"resourceType":"Basic"}"#,
            #"{"resourceType":"Basic","meta":{ "versionId" : "spaced" , "source":"s" }}"#, #"{"resourceType":"Basic","meta":{}}"#,
            #"{"resourceType":"Basic","meta":null}"#, #"{"resourceType":"Basic","meta":{"versionId":"é"}}"#,
            #"{"resourceType":"Basic","meta":{"s\u006frce":"x","versionId":"after an escaped key"}}"#,
            #"{"resourceType":"Basic","meta":{"versionId":"before an escaped key","s\u006frce":"x"}}"#,
        ].map { Array($0.utf8) }
        var versions = 0
        for document in documents {
            guard case .object = try FHIRJSONReader().read(document) else { continue }
            let expected = try FHIRJSONReader().read(document).versionId
            if expected != nil { versions += 1 }
            let (_, members) = try document.withUnsafeBytes { try FHIRJSONReader().readFindingMembers($0) }
            let text = String(decoding: document.prefix(80), as: UTF8.self)
            let (found, foundUnindexed) = try document.withUnsafeBytes { document in
                (try FHIRResourceFiles.versionId(of: document, members: members), try FHIRResourceFiles.versionId(of: document, members: nil))
            }
            #expect(found == expected, "\(text)")
            #expect(foundUnindexed == expected, "\(text)")
        }
        #expect(versions > 50)
    }
}
