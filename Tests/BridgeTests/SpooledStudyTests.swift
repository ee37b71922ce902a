@testable import Bridge
@testable import FHIRModel
import Foundation
import ImmPortAPI
import SyntheticFHIR
import Testing
import TestSupport

/// A study held in a `ByteSpool` (spans, parsed again when read) gives what the same study held as trees gives: the
/// spool's bytes, the directory's resources and answers, and the whole streamed export, byte for byte.
@Suite struct SpooledStudyTests {
    static let root = SharedData.packageRoot

    @Test func theSpoolGivesBackWhatWasAppendedFromAnyThreadBufferedOrWritten() throws {
        let spool = try ByteSpool()
        // Pieces of every size, from two workers at once, crossing the megabyte at which the buffer is written.
        let pieces: [[UInt8]] = (0..<600).map { index in
            Array("{\"resourceType\":\"Basic\",\"id\":\"b\(index)\",\"text\":\"\(String(repeating: "x", count: index * 7))\"}".utf8)
        }
        let spans = try ParallelMap.map(count: pieces.count, workers: 2) { index in try spool.append(pieces[index]) }
        // Some are still in the buffer, some in the file: read one by one, and a run at a time.
        for (index, span) in spans.enumerated() {
            #expect(try spool.withBytes(of: span) { Array($0) } == pieces[index])
        }
        var inRuns: [[UInt8]] = []
        try spool.forEachBytes(of: spans) { index, bytes in
            #expect(index == inRuns.count)
            inRuns.append(Array(bytes))
        }
        #expect(inRuns == pieces)
        try spool.flush()
        #expect(try spool.elements(at: spans, keys: nil) == pieces.map { try FHIRJSONReader().read($0) })
        // A slice lends its storage, a collection with none (reversed) is copied first (`withElementBuffer`):
        // both read the same documents.
        #expect(try spool.elements(at: spans[100..<300], keys: nil) == pieces[100..<300].map { try FHIRJSONReader().read($0) })
        #expect(try spool.elements(at: spans.reversed(), keys: nil) == pieces.reversed().map { try FHIRJSONReader().read($0) })
        var reversedRuns: [[UInt8]] = []
        try spool.forEachBytes(of: spans.reversed()) { _, bytes in reversedRuns.append(Array(bytes)) }
        #expect(reversedRuns == pieces.reversed())
        for (index, span) in spans.enumerated() {
            #expect(try spool.element(at: span) == (try FHIRJSONReader().read(pieces[index])))
        }
        #expect(try spool.element(at: spans[3], keys: FHIRJSONKeyFilter(keys: ["id"])) == ["id": "b3"])
        // The file has no name on disk: nothing is left behind.
        #expect(!FileManager.default.fileExists(atPath: spool.name))
    }

    /// Records read by any indices (the merge's joins: out of order, repeated) are those read one at a time, from a
    /// spool (a run at a time) and from trees alike.
    @Test func recordsAtAnyIndicesAreTheOnesReadOneAtATime() throws {
        let spool = try ByteSpool()
        let records: [FHIRElement] = try (0..<300).map { try FHIRJSONReader().read("{\"subjectAccession\": \"SUB\($0)\", \"n\": \($0)}") }
        let spans = try records.map { try spool.appendJSON(FHIRJSONWriter().write($0)) }
        let indices = [5, 4, 299, 5, 0, 150, 151, 152, 3, 299]
        let filter = FHIRJSONKeyFilter(keys: ["n"])
        for list in [RecordList(spool: spool, spans: spans), RecordList(records)] {
            #expect(try list.records(at: indices, keys: nil) == indices.map { try list.record(at: $0) })
            #expect(try list.records(at: indices, keys: filter) == indices.map { try list.record(at: $0, keys: filter) })
            #expect(try list.records(at: [Int](), keys: nil).isEmpty)
        }
        #expect(try RecordList(spool: spool, spans: spans).records(at: indices, keys: nil) == indices.map { records[$0] })
    }

    /// A document appended with its members' places (`appendJSON`) reads back, whole or filtered, as the reader
    /// reads it, over every resource and record of Fixtures/ and documents the index passes over (escaped keys,
    /// a top level that is not an object, odd spacing, primitive extensions).
    @Test func anIndexedDocumentReadsAsTheReaderReadsIt() throws {
        var documents: [[UInt8]] = [
            Array(#"{"a\u0062":1,"c":[1,{"d":"}"}],"e":"\\"}"#.utf8), Array(#"[{"a":1}]"#.utf8), Array(#""text""#.utf8),
            Array(" \n{ \"id\" : \"x\" ,\t\"_id\" :{\"extension\":[]} , \"n\" : -1.50e3 , \"t\":true,\"z\":null }\n".utf8),
            Array(#"{}"#.utf8), Array(#"{"valueQuantity":{"value":1},"valueString":"a\"b","code":{"text":"{[\"]}"}}"#.utf8),
        ]
        for folder in ["fhir", "shared-data/api/study/labtest", "shared-data/api/study/biosample"] {
            let path = Self.root + "/Fixtures/" + folder
            for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() where name.hasSuffix(".json") {
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))
                documents.append(bytes)
                // An answer's records, one by one.
                if case .array(let items) = try FHIRJSONReader().read(bytes) {
                    documents += items.map { FHIRJSONWriter().write($0) }
                }
            }
        }
        let filters: [FHIRJSONKeyFilter?] = [
            nil, FHIRJSONKeyFilter(), FHIRJSONKeyFilter(keys: ["resourceType", "id", "ab", "n"], prefixes: ["value", "_"]),
            FHIRJSONKeyFilter(keys: ["subjectAccession", "labTestNameReported", "code", "specimen", "subject"]),
        ]
        let spool = try ByteSpool()
        let spans = try documents.map { try spool.appendJSON($0) }
        try spool.flush()
        for (document, span) in zip(documents, spans) {
            for filter in filters {
                let expected = try FHIRJSONReader(options: .init(topLevelKeys: filter)).read(document)
                #expect(try spool.element(at: span, keys: filter) == expected, "\(String(decoding: document.prefix(80), as: UTF8.self))")
            }
        }
        for filter in filters {
            #expect(try spool.elements(at: spans, keys: filter) == documents.map { try FHIRJSONReader(options: .init(topLevelKeys: filter)).read($0) })
        }
        // Indexed where it can be: a small object without escaped keys.
        #expect(Array("{}".utf8).withUnsafeBytes { JSONTopLevelMembers.scan($0) } == [])
        #expect(documents[0].withUnsafeBytes { JSONTopLevelMembers.scan($0) } == nil)
        #expect(documents[3].withUnsafeBytes { JSONTopLevelMembers.scan($0) }?.count == 5)
    }

    /// `auto` spools only a directory whose JSON passes the threshold: Fixtures/ (kilobytes) stays trees.
    @Test func theAutomaticPolicySpoolsOnlyLargeDirectories() throws {
        let fixtures = Self.root + "/Fixtures"
        let size = SpoolPolicy.jsonBytes(under: fixtures + "/fhir") + SpoolPolicy.jsonBytes(under: fixtures + "/shared-data")
        #expect(size > 50_000 && size < SpoolPolicy.automaticThreshold)
        #expect(!SpoolPolicy.automatic.spools(directory: fixtures))
        #expect(SpoolPolicy.always.spools(directory: fixtures) && !SpoolPolicy.never.spools(directory: fixtures))
        #expect(SpoolPolicy(rawValue: "auto") == .automatic)
    }

    /// `memory` (a reconcile's default) spools only when trees (twice the JSON) would pass a quarter of the memory
    /// the process may use.
    @Test func theMemoryPolicySpoolsOnlyWhatWouldCrowdMemory() throws {
        let gigabyte = 1 << 30
        #expect(!SpoolPolicy.treesCrowdMemory(jsonBytes: 112 << 20, usableMemory: 16 * gigabyte))
        #expect(!SpoolPolicy.treesCrowdMemory(jsonBytes: 2 * gigabyte - 1, usableMemory: 16 * gigabyte))
        #expect(SpoolPolicy.treesCrowdMemory(jsonBytes: 2 * gigabyte + 1, usableMemory: 16 * gigabyte))
        #expect(SpoolPolicy.treesCrowdMemory(jsonBytes: 112 << 20, usableMemory: 400 << 20))
        #expect(SpoolPolicy.treesCrowdMemory(jsonBytes: Int.max / 2 + 1, usableMemory: 16 * gigabyte))
        #expect(SystemIO.usableMemory > 64 << 20)
        // A container's limit, when it is lower; `max` or no file: the machine's memory.
        let limit = Array("1073741824\n".utf8)
        #expect(SystemIO.usableMemory(physical: 16 * gigabyte, cgroupLimit: limit) == gigabyte)
        #expect(SystemIO.usableMemory(physical: gigabyte / 2, cgroupLimit: limit) == gigabyte / 2)
        #expect(SystemIO.usableMemory(physical: 16 * gigabyte, cgroupLimit: Array("max\n".utf8)) == 16 * gigabyte)
        #expect(SystemIO.usableMemory(physical: 16 * gigabyte, cgroupLimit: nil) == 16 * gigabyte)
        #expect(!SpoolPolicy.memoryShare.spools(directory: Self.root + "/Fixtures"))
        #expect(SpoolPolicy(rawValue: "memory") == .memoryShare)
    }

    /// A reconcile of a spooled study (`IMMPORT_BRIDGE_SPOOL=always`, or a study too large for trees), and one
    /// whose trees are built whole, give every finding, matched ones included, that trees built as far as the links
    /// read give.
    @Test(arguments: ["fixtures", "generated-ndjson"])
    func aSpooledReconcileFindsWhatTreesFind(_ layout: String) async throws {
        let temporary = try TemporaryDirectory()
        let (source, studies) = try ReconcileTestStudies.source(layout, in: temporary)
        func findings(_ policy: SpoolPolicy, wholeTrees: Bool = false) async throws -> [String] {
            var pipeline = BridgePipeline(
                mappingPaths: [Self.root + "/Mappings/immport.yaml"], source: .directory(source), diagnostics: DiagnosticsCollector())
            pipeline.linksOnly = true
            pipeline.spoolPolicy = policy
            pipeline.buildsWholeTrees = wholeTrees
            var found: [String] = []
            var summary = ReconcileSummary()
            try await pipeline.forEachLinkedStudy(studies: studies) { _, linked in
                try ReconcileStage(includeMatched: true).run(linked, summary: &summary) { found.append(ReconcileTestStudies.line($0)) }
            }
            return found
        }
        // Trees built as far as the links read (a reconcile's default), whole trees, and a spool.
        let trees = try await findings(.never)
        #expect(trees.count > 100)
        for (name, other) in [("whole trees", try await findings(.never, wholeTrees: true)), ("spooled", try await findings(.always))] {
            #expect(other.count == trees.count, "\(name)")
            #expect(other.indices.first { other[$0] != trees[$0] }.map { "\(other[$0]) <> \(trees[$0])" } == nil, "\(name)")
        }
    }

    /// Every shape a file of resources comes in, spooled (as its text where the input has it in one piece, as
    /// compact JSON otherwise), reads back as the trees the plain reader builds.
    @Test func spooledFilesReadBackAsThePlainReadersTrees() throws {
        let temporary = try TemporaryDirectory()
        let patient = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"2\"},\"name\":[{\"family\":\"Ünïcode\"}],\"birthDate\":\"1970\"}"
        let group = "{\"resourceType\":\"Group\",\"id\":\"g1\",\"type\":\"person\",\"membership\":\"definitional\",\"quantity\":1.50}"
        let files: [(String, String)] = [
            ("lines.ndjson", patient + "\n\n" + group + "\n"),
            ("one.json", "\u{FEFF}  {\n  \"resourceType\": \"Patient\", \"id\": \"p2\", \"active\": true\n}\n"),
            ("array.json", "[" + patient + ", " + group + "]"),
            ("bundle.json", "{\"resourceType\":\"Bundle\",\"id\":\"b\",\"type\":\"collection\",\"entry\":[{\"resource\":" + group + "}]}"),
            ("one.xml", "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"p3\"/><active value=\"true\"/></Patient>"),
        ]
        var paths: [String] = []
        for (name, text) in files {
            try Array(text.utf8).withUnsafeBytes { bytes in
                let writer = try AtomicFileWriter(path: temporary.path + "/" + name)
                try writer.write(Array(bytes))
                try writer.commit()
            }
            paths.append(temporary.path + "/" + name)
        }
        let options = FHIRResourceInput.Options(version: .r5)
        let plain = try FHIRResourceFiles.read(paths: paths, options: options)
        let spool = try ByteSpool()
        let spooled = try FHIRResourceFiles.spool(paths: paths, options: options, into: spool)
        #expect(spooled.map(\.count) == plain.map(\.count) && plain.map(\.count) == [2, 1, 2, 1, 1])
        for (file, resources) in plain.enumerated() {
            for (index, resource) in resources.enumerated() {
                let entry = spooled[file][index]
                #expect(try spool.element(at: entry.span) == resource, "\(files[file].0) #\(index)")
                #expect(entry.key == FHIRResourceKey(resource: resource) && entry.versionId == resource.versionId)
            }
        }
    }

    @Test func aSpooledDirectoryHoldsTheSameResources() throws {
        let plain = try PullStage.readDirectory(Self.root + "/Fixtures")
        let spooled = try PullStage.readDirectory(Self.root + "/Fixtures", spool: try ByteSpool())
        #expect(spooled.keys == plain.keys && spooled.count > 50)
        #expect(try spooled.ordered() == (try plain.ordered()))
        for key in plain.keys { #expect(try spooled.resource(key) == (try plain.resource(key)), "\(key)") }
        // A chunk of positions as an array, a slice (lent as a buffer) or a reversed view (copied first:
        // `withElementBuffer`), from the spool and from trees, gives the resources one by one.
        let filter = FHIRJSONKeyFilter(keys: ["id", "subject", "status"])
        for collection in [spooled, plain] {
            let positions = collection.positionsSortedByKey()
            let slice = positions[3..<(positions.count - 5)]
            for chunk in [positions, Array(slice), Array(positions.reversed())] {
                #expect(try collection.resources(at: chunk, keys: nil) == chunk.map { try collection.resource(at: $0) })
                #expect(try collection.resources(at: chunk, keys: filter) == chunk.map { try collection.resource(at: $0, keys: filter) })
            }
            #expect(try collection.resources(at: slice, keys: filter) == slice.map { try collection.resource(at: $0, keys: filter) })
            #expect(try collection.resources(at: positions.reversed(), keys: nil) == positions.reversed().map { try collection.resource(at: $0) })
            let partly = try collection.partlyParsedResources(at: positions.reversed(), keys: filter)
            #expect(partly.count == positions.count)
            for ((tree, unparsed), position) in zip(partly, positions.reversed()) {
                var written: [UInt8] = []
                FHIRJSONWriter().write(tree, unparsed: unparsed, into: &written)
                #expect(written == FHIRJSONWriter().write(try collection.resource(at: position)))
            }
        }
    }

    /// Read in blocks of the default size and in blocks of 7 bytes (every item cut, most of them several times).
    @Test(arguments: [SharedDataAnswer.spoolBlockSize, 7])
    func spooledAnswersAreTheSameRecordsQueriesIncluded(_ blockSize: Int) throws {
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [Self.root + "/Mappings/immport.yaml"], diagnostics: diagnostics))
        let directory = SharedDataDirectory(root: Self.root + "/Fixtures/shared-data")
        let spool = try ByteSpool()
        var spooledAnswers = 0
        for study in ["SDY99901", "SDY99902"] {
            for (name, endpoint) in mapping.endpoints.sorted(by: { $0.key < $1.key }) {
                let plain = try directory.records(of: endpoint, study: study)
                // Threshold 0: every array answer is spooled, however small.
                let spooled = try directory.records(of: endpoint, study: study, spool: spool, spoolThreshold: 0, spoolBlockSize: blockSize)
                #expect(try spooled.records.all() == (try plain.records.all()), "\(study) \(name)")
                if case .array = endpoint.declaration.records.value, spooled.records.count > 0 { spooledAnswers += 1 }
            }
        }
        #expect(spooledAnswers > 8)
    }

    /// The link reads records and resources, and their keys, on every core in chunks: one per chunk (many jobs and
    /// windows) on a spooled generated study gives the link, and the diagnostics, of one chunk for all.
    @Test func anyChunkSizeGivesTheSameLink() async throws {
        let temporary = try TemporaryDirectory()
        // SYNTHETIC: the generated study, small enough for a debug build.
        try SyntheticImmPortStudy(subjects: 60, fhirLayout: .ndjson).write(to: temporary.path + "/study")
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [Self.root + "/Mappings/immport.yaml"], diagnostics: diagnostics))
        let plan = try PullPlan.load(path: Self.root + "/Mappings/pull-plan.json")
        let spool = try ByteSpool()
        let stage = PullStage(plan: plan, mapping: mapping, source: .directory(temporary.path + "/study"), diagnostics: diagnostics, spool: spool)
        let pulled = try await stage.run(accession: "SDY99990")
        func describe(_ linked: LinkedStudy) -> [String] {
            linked.links.map { result in
                "\(result.name) \(result.pairs.map { "\(linked.resourceKey(of: $0))=\($0.records)/\($0.key)" }) \(result.unlinkedFHIR.map { "\($0.resource):\($0.key ?? [])" }) "
                    + "\(result.unlinkedSharedData.map { "\($0.record):\($0.key ?? [])" }) \(result.duplicates.map { "\($0.side) \($0.key) \($0.resources) \($0.records)" }) "
                    + "\(result.conventions.map { $0.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" } })"
            }
        }
        let (plainDiagnostics, chunkedDiagnostics) = (DiagnosticsCollector(), DiagnosticsCollector())
        let plain = describe(try LinkStage.run(pulled, mapping: mapping, diagnostics: plainDiagnostics, chunkSize: 1_000_000))
        let chunked = describe(try LinkStage.run(pulled, mapping: mapping, diagnostics: chunkedDiagnostics, chunkSize: 1))
        #expect(chunked == plain)
        // Every key alternative through FHIRPath, none read directly (`DirectKeyRead`): the same link and notes.
        let evaluatedDiagnostics = DiagnosticsCollector()
        let evaluated = describe(try LinkStage.run(pulled, mapping: mapping, diagnostics: evaluatedDiagnostics, chunkSize: 64, directKeyReads: false))
        #expect(evaluated == plain)
        #expect(evaluatedDiagnostics.diagnostics == plainDiagnostics.diagnostics)
        // What the key reading says comes in resource order, however the resources were spread over the cores.
        #expect(chunkedDiagnostics.diagnostics == plainDiagnostics.diagnostics)
        #expect(!plainDiagnostics.diagnostics.isEmpty)
        #expect(plain.joined().count > 10_000)
    }

    /// The streamed export (spooled pull, merge in windows, `NDJSONExportWriter`) against the plain one (every
    /// study held, then `ExportStage`): the same files with the same bytes, and the same diagnostics.
    /// Under `writesResources` (as `export --format ndjson` streams) the merge writes each pulled resource
    /// itself, copying the members it does not touch as the spool holds them: the same bytes again.
    @Test(arguments: ["fixtures", "generated-files", "generated-ndjson"], [false, true])
    func theStreamedExportWritesThePlainExportsBytes(_ layout: String, writesResources: Bool) async throws {
        let temporary = try TemporaryDirectory()
        var source = Self.root + "/Fixtures"
        var studies = ["SDY99901", "SDY99902"]
        if layout != "fixtures" {
            source = temporary.path + "/study"
            // SYNTHETIC: the generated study, small enough for a debug build.
            let study = SyntheticImmPortStudy(subjects: 120, fhirLayout: layout == "generated-ndjson" ? .ndjson : .files)
            try study.write(to: source)
            studies = ["SDY99990"]
        }
        func pipeline(_ diagnostics: DiagnosticsCollector) -> BridgePipeline {
            BridgePipeline(mappingPaths: [Self.root + "/Mappings/immport.yaml"], source: .directory(source), diagnostics: diagnostics)
        }
        let plainDiagnostics = DiagnosticsCollector()
        let bundles = try await pipeline(plainDiagnostics).merge(studies: studies).studies
        let plainFiles = try ExportStage(format: .ndjson, output: temporary.path + "/plain", bundleType: .collection, base: "b").write(bundles)

        let streamedDiagnostics = DiagnosticsCollector()
        var streaming = pipeline(streamedDiagnostics)
        streaming.spoolPolicy = .always
        let writer = try NDJSONExportWriter(directory: temporary.path + "/streamed", severalStudies: studies.count > 1, chunkSize: 3)
        let reports = try await streaming.streamMerged(studies: studies, writesResources: writesResources) { try writer.write($0) }
        let streamedFiles = try writer.commit()

        #expect(streamedFiles.map { ($0 as NSString).lastPathComponent } == plainFiles.map { ($0 as NSString).lastPathComponent })
        for (plain, streamed) in zip(plainFiles, streamedFiles) {
            #expect(try FileBytes.read(path: plain) == (try FileBytes.read(path: streamed)), "\(plain)")
        }
        #expect(reports.map(\.line) == bundles.map(\.report.line))
        #expect(streamedDiagnostics.diagnostics.map(\.description) == plainDiagnostics.diagnostics.map(\.description))
        #expect(plainFiles.count >= 6)
    }
}
