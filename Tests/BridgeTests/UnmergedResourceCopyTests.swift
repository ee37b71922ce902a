import Foundation
import Testing
import TestSupport

@testable import Bridge
@testable import FHIRModel
import ImmPortAPI
import SyntheticFHIR

/// A pulled resource no link merges into is copied as it was spooled, its `meta` tagged as text
/// (`MergeStage.Options.copiesUnmergedResources`, `ByteSpool.documentsWrittenBack`): the same bytes as building and
/// writing it, and built after all whenever the copy could differ. (SYNTHETIC resources.)
struct UnmergedResourceCopyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Each document with its `meta` replaced by "M<index>", or nil where the writer's bytes could differ.
    @Test func documentsAreWrittenBackOnlyWhereTheWriterWouldGiveTheirText() throws {
        let documents = [
            #"{"resourceType":"Observation","id":"o1","meta":{"versionId":"1"},"status":"final"}"#,
            // Escaped where the writer would not escape, and white space between tokens: the writer's bytes differ.
            #"{"resourceType":"Observation","id":"o2","meta":{"versionId":"1"},"status":"fin\u0061l"}"#,
            #"{"resourceType":"Observation","id":"o3","meta":{"versionId":"1"},"code":{"text": "x"}}"#,
            // No member to replace.
            #"{"resourceType":"Observation","id":"o4","status":"final"}"#,
            // A primitive's extension and a nested "meta" are copied as they are; only the top level's is replaced.
            #"{"resourceType":"Observation","id":"o5","_status":{"extension":[{"url":"u","valueString":"v"}]},"contained":[{"meta":{}}],"meta":{}}"#,
            // `replace` declines (given index 5).
            #"{"resourceType":"Observation","id":"o6","meta":{"versionId":"1"}}"#,
        ]
        let spool = try ByteSpool()
        var spans = try documents.map { try spool.appendJSON(Array($0.utf8)) }
        // Appended without an index (as a writer's own bytes are): not written back.
        spans.append(try spool.append(Array(documents[0].utf8)))
        try spool.flush()
        var given: [Int: String] = [:]
        let written = try spool.documentsWrittenBack(at: spans, replacing: "meta") { index, meta in
            given[index] = String(decoding: meta, as: UTF8.self)
            return index == 5 ? nil : Array("\"M\(index)\"".utf8)
        }
        let texts = written.map { $0.map { String(decoding: $0, as: UTF8.self) } }
        #expect(texts == [
            #"{"resourceType":"Observation","id":"o1","meta":"M0","status":"final"}"#,
            nil, nil, nil,
            #"{"resourceType":"Observation","id":"o5","_status":{"extension":[{"url":"u","valueString":"v"}]},"contained":[{"meta":{}}],"meta":"M4"}"#,
            nil, nil,
        ])
        // `replace` is asked only of documents every member of which is written back, with the member's text.
        #expect(given == [0: #"{"versionId":"1"}"#, 4: "{}", 5: #"{"versionId":"1"}"#])
        // What is written back is what the writer writes of the tree with that member replaced.
        for index in [0, 4] {
            guard case .object(var tree) = try FHIRJSONReader().read(Array(documents[index].utf8)), let meta = tree.index(forKey: "meta") else {
                Issue.record("document \(index) is not an object with meta")
                continue
            }
            tree.replaceValue(at: meta, with: .string("M\(index)"))
            #expect(written[index] == FHIRJSONWriter().write(.object(tree)))
        }
    }

    /// A merge of a spooled study whose Observations come in every shape the copy declines: the same bytes, the same
    /// newest `lastUpdated` (the Provenances' time) and the same counts with and without copying.
    @Test func theMergeCopiesAndBuildsAlike() async throws {
        let temporary = try TemporaryDirectory()
        let source = temporary.path + "/study"
        // SYNTHETIC: the generated study, with Observations added that no link merges into differently.
        let study = SyntheticImmPortStudy(subjects: 12, fhirLayout: .ndjson)
        try study.write(to: source)
        let observations = source + "/fhir/Observation.ndjson"
        var lines = try String(contentsOfFile: observations, encoding: .utf8)
        let subject = #""subject":{"reference":"Patient/SUB99990000001"}"#
        for (id, rest) in [
            ("X1", #""meta":{"versionId":"3","lastUpdated":"2031-01-01T00:00:00Z"},"status":"final","#),
            ("X2", #""meta":{"lastUpdated":"2030-01-01T00:00:00Z"},"status":"fin\u0061l","#),
            ("X3", #""status": "final","#),
            ("X4", #""meta":{"lastUpdated":"2029-01-01T00:00:00Z","tag":{"code":"t"}},"_status":{"id":"s"},"#),
            ("X5", #""meta":{"source":"urn:here","profile":["p"]},"#),
        ] {
            lines += #"{"resourceType":"Observation","id":"\#(id)",\#(rest)"code":{"text":"Extra"},\#(subject)}"# + "\n"
        }
        try lines.write(toFile: observations, atomically: false, encoding: .utf8)

        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [Self.root + "/Mappings/immport.yaml"], diagnostics: diagnostics))
        // The copy applies to types no link merges into: Observations among them.
        #expect(!mapping.links.contains { $0.declaration.resourceType.value == "Observation" && !$0.declaration.merge.isEmpty })
        let plan = try PullPlan.load(path: Self.root + "/Mappings/pull-plan.json")
        let stage = PullStage(plan: plan, mapping: mapping, source: .directory(source), diagnostics: diagnostics, spool: try ByteSpool())
        let pulled = try await stage.run(accession: "SDY99990")
        #expect(pulled.fhir.spool != nil)
        let linked = try LinkStage.run(pulled, mapping: mapping, diagnostics: diagnostics)

        func merged(copying: Bool) throws -> (lines: [String], summary: [String], provenance: String) {
            var options = MergeStage.Options(fhirSource: "fhir-source", sharedDataSource: "sd-source")
            options.writesResources = true
            options.copiesUnmergedResources = copying
            options.chunkSize = 5
            var lines: [String] = []
            var provenance = ""
            let summary = try MergeStage.stream(linked, options: options, diagnostics: DiagnosticsCollector()) { output in
                switch output {
                case .written(let window):
                    for resource in window { lines.append("\(resource.type ?? "-") \(resource.key?.description ?? "-") " + String(decoding: resource.json, as: UTF8.self)) }
                case .resources(let trees): lines += trees.map { String(decoding: FHIRJSONWriter().write($0), as: UTF8.self) }
                case .provenance(let made): provenance = String(decoding: FHIRJSONWriter().write(try made.element()), as: UTF8.self)
                }
            }
            // (The emits' counts sorted: a dictionary's order is not the same from one to the next.)
            let counts = [summary.pulled, summary.merged, summary.referencesLeftOut].map(String.init)
            return (lines, counts + summary.emitted.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }, provenance)
        }
        let copied = try merged(copying: true)
        let built = try merged(copying: false)
        #expect(copied.lines.count == built.lines.count)
        #expect(copied.lines.indices.first { copied.lines[$0] != built.lines[$0] }.map { "\(copied.lines[$0])\n<>\n\(built.lines[$0])" } == nil)
        #expect(copied.summary == built.summary)
        // The newest lastUpdated comes from a copied Observation's meta.
        #expect(copied.provenance == built.provenance && copied.provenance.contains("2031-01-01T00:00:00Z"))
        #expect(copied.lines.contains { $0.hasPrefix("Observation Observation/X3 ") && $0.contains(#""status":"final""#) })
        #expect(copied.lines.contains { $0.contains(#""id":"X5","meta":{"source":"fhir-source","profile":["p"],"tag":["#) })
    }
}
