import FHIRModel
import Testing
import TestSupport

/// Reading many files on several workers gives what reading them one by one gives (synthetic files).
@Suite struct ResourceFilesTests {
    /// 200 files: one-resource JSON, NDJSON with three lines, an array, so that workers interleave.
    func writeFiles(in directory: TemporaryDirectory) throws -> [String] {
        var paths: [String] = []
        for index in 0..<200 {
            switch index % 3 {
            case 0:
                paths.append(try directory.file("\(index).json", #"{"resourceType":"Patient","id":"p\#(index)"}"#))
            case 1:
                let lines = (0..<3).map { #"{"resourceType":"Observation","id":"o\#(index)-\#($0)","status":"final"}"# }
                paths.append(try directory.file("\(index).ndjson", lines.joined(separator: "\n") + "\n"))
            default:
                paths.append(try directory.file("\(index).json", #"[{"resourceType":"Group","id":"g\#(index)"},{"resourceType":"Group","id":"h\#(index)"}]"#))
            }
        }
        return paths
    }

    func ids(_ files: [[FHIRElement]]) -> [[String]] {
        files.map { $0.map { $0["id"]?.stringValue ?? "?" } }
    }

    @Test func severalWorkersGiveTheSequentialAnswerInFileOrder() throws {
        let directory = try TemporaryDirectory()
        let paths = try writeFiles(in: directory)
        let sequential = try FHIRResourceFiles.read(paths: paths, options: .init(), workers: 1)
        let parallel = try FHIRResourceFiles.read(paths: paths, options: .init(), workers: 4)
        #expect(ids(parallel) == ids(sequential))
        #expect(parallel.count == 200)
        #expect(ids(parallel)[1] == ["o1-0", "o1-1", "o1-2"])
        #expect(parallel.map { $0.map(FHIRJSONWriter().string) } == sequential.map { $0.map(FHIRJSONWriter().string) })
    }

    /// Once `stop` answers true no further piece is begun and `Stopped` is thrown: a run whose mapping failed does
    /// not read the rest of a large directory. Without a stop, every piece is read (a file cut into 200 pieces).
    @Test func aStopEndsTheReadBeforeItsLastPieces() throws {
        let directory = try TemporaryDirectory()
        let lines = (0..<200).map { #"{"resourceType":"Observation","id":"o\#($0)","status":"final"}"# }
        let path = try directory.file("many.ndjson", lines.joined(separator: "\n") + "\n")
        let stopped = LateValue<Bool>()
        var consumed = 0
        #expect(throws: FHIRResourceFiles.Stopped.self) {
            try FHIRResourceFiles.stream(
                paths: [path], options: .init(), stop: { stopped.value == true }, workers: 2, pieceSize: 60
            ) { input in
                var count = 0
                try input.forEachResource { _, _ in count += 1 }
                return count
            } consume: { _, _ in
                consumed += 1
                stopped.set(true)
            }
        }
        #expect(consumed >= 1)
        #expect(consumed < 50)
        var all = 0
        try FHIRResourceFiles.stream(paths: [path], options: .init(), stop: { false }, workers: 2, pieceSize: 60) { input in
            var count = 0
            try input.forEachResource { _, _ in count += 1 }
            return count
        } consume: { _, count in
            all += count
        }
        #expect(all == 200)
    }

    /// A spooled resource's identity (its key and `meta.versionId`, read from `meta`'s text alone) is the one its
    /// whole tree has, whatever its meta holds or however the document is written.
    @Test func spooledIdentitiesAreTheTreesIdentities() throws {
        let directory = try TemporaryDirectory()
        let documents = [
            #"{"resourceType":"Patient","id":"a","meta":{"versionId":"3","lastUpdated":"2026-01-01T00:00:00Z","tag":[{"code":"x"}]}}"#,
            #"{"resourceType":"Patient","id":"b"}"#,
            #"{"resourceType":"Patient","meta":{"source":"s"},"id":"c"}"#,
            #"{"meta":{"tag":[],"versionId":"12"},"id":"d","resourceType":"Patient"}"#,
            #"{"resourceType":"Patient","id":"e","meta":{"versionId":7}}"#,
            #"{"resourceType":"Patient","id":"f","meta":"odd"}"#,
            #"{"resourceType":"Patient","id":"g","meta":{"versionId":"escaped"}}"#,
            #"{"resourceType":"Patient","id":"h","meta":{"versionId":"escaped inside","profile":["p"]}}"#,
            #"{ "resourceType" : "Patient" , "id" : "i" , "meta" : { "versionId" : "spaced" } }"#,
        ]
        let ndjson = try directory.file("all.ndjson", documents.joined(separator: "\n") + "\n")
        var paths = [ndjson]
        for (index, document) in documents.enumerated() { paths.append(try directory.file("\(index).json", document)) }
        let read = try FHIRResourceFiles.read(paths: paths, options: .init()).joined().map { ($0.versionId, FHIRResourceKey(resource: $0)) }
        let spool = try ByteSpool()
        let spooled = try FHIRResourceFiles.spool(paths: paths, options: .init(), into: spool).joined()
        #expect(spooled.map(\.versionId) == read.map(\.0))
        #expect(spooled.map(\.key) == read.map { $0.1! })
        #expect(spooled.prefix(documents.count).map(\.versionId) == ["3", nil, nil, "12", nil, nil, "escaped", "escaped inside", "spaced"])
        // Read for Bundle entries too: a one-resource document is still the resource (its text kept), a Bundle's
        // entries and an array's items are built whole.
        paths.append(try directory.file("bundle.json", #"{"resourceType":"Bundle","type":"collection","entry":[{"resource":"# + documents[0] + "},{\"resource\":" + documents[3] + "}]}"))
        paths.append(try directory.file("array.json", "[" + documents[0] + "," + documents[8] + "]"))
        for options in [FHIRResourceInput.Options(), FHIRResourceInput.Options(entries: true)] {
            let trees = Array(try FHIRResourceFiles.read(paths: paths, options: options).joined())
            let read = trees.map { ($0.versionId, FHIRResourceKey(resource: $0)) }
            let spooled = Array(try FHIRResourceFiles.spool(paths: paths, options: options, into: spool).joined())
            try spool.flush()
            // Whole, whatever was built of them to read their identity.
            #expect(try spooled.map { try spool.element(at: $0.span) } == trees, "entries: \(options.entries)")
            #expect(spooled.map(\.versionId) == read.map(\.0), "entries: \(options.entries)")
            #expect(spooled.map(\.key) == read.map { $0.1 ?? FHIRResourceKey(type: "Bundle", id: "") }, "entries: \(options.entries)")
        }
    }

    @Test func theFirstBadFileInOrderIsTheErrorWhateverWorkerMetItFirst() throws {
        let directory = try TemporaryDirectory()
        var paths = try writeFiles(in: directory)
        paths.insert(try directory.file("bad-early.json", #"{"resourceType":"Patient","id":}"#), at: 50)
        paths.append(try directory.file("bad-late.json", "[1, 2]"))
        for workers in [1, 2, 4] {
            #expect {
                try FHIRResourceFiles.read(paths: paths, options: .init(), workers: workers)
            } throws: { error in
                "\(error)".contains("bad-early.json")
            }
        }
    }
}
