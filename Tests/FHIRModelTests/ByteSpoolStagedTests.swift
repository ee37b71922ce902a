@testable import FHIRModel
import Testing

/// Documents staged and appended together (`ByteSpool.Staged`) are kept exactly as `appendJSON` keeps each one:
/// the same bytes at the same places, read back as the same trees.
@Suite struct ByteSpoolStagedTests {
    /// Objects (indexed), an object with an escaped key and an array (kept plain), of varied sizes; generated.
    static func documents(_ count: Int, seed: Int) -> [[UInt8]] {
        (0..<count).map { index in
            let n = (index * 7919 + seed) % 97
            switch n % 5 {
            case 0: return Array("[\(n), \"x\"]".utf8)
            case 1: return Array("{\"a\\u0062\": \(n)}".utf8)
            default:
                let padding = String(repeating: "p", count: n * 40)
                return Array("{\"resourceType\": \"Basic\", \"id\": \"b\(index)\", \"text\": \"\(padding)\", \"n\": [\(n), {\"k\": true}]}".utf8)
            }
        }
    }

    @Test func stagedDocumentsAreWhereAndWhatOneByOneAppendsMakeThem() throws {
        let documents = Self.documents(1500, seed: 3)
        let single = try ByteSpool()
        let staged = try ByteSpool()
        var singleSpans: [ByteSpool.Span] = []
        var stagedSpans: [ByteSpool.Span] = []
        var batch = ByteSpool.Staged()
        for (index, document) in documents.enumerated() {
            singleSpans.append(try single.appendJSON(document))
            // Some go in alone between batches of varied sizes (past the flush threshold too).
            if index % 97 == 0 {
                stagedSpans += try staged.append(batch)
                batch.removeAll()
                stagedSpans.append(try staged.appendJSON(document))
            } else {
                batch.appendJSON(document)
            }
        }
        stagedSpans += try staged.append(batch)
        #expect(stagedSpans == singleSpans)
        let filter = FHIRJSONKeyFilter(keys: ["id", "n"])
        for (index, span) in singleSpans.enumerated() {
            let plain = try FHIRJSONReader().read(documents[index])
            #expect(try staged.element(at: span) == plain)
            #expect(try staged.element(at: span, keys: filter) == (try single.element(at: span, keys: filter)))
            #expect(try staged.withBytes(of: span) { Array($0) } == (try single.withBytes(of: span) { Array($0) }))
        }
        #expect(try staged.append(ByteSpool.Staged()).isEmpty)
    }

    @Test func batchesFromManyWorkersEachReadBackTheirOwnDocuments() throws {
        let spool = try ByteSpool()
        let perWorker = (0..<8).map { Self.documents(150, seed: $0) }
        let spans = try ParallelMap.map(count: perWorker.count, workers: 4) { worker in
            var batch = ByteSpool.Staged()
            var spans: [ByteSpool.Span] = []
            for document in perWorker[worker] {
                batch.appendJSON(document)
                if batch.byteCount > 20_000 {
                    spans += try spool.append(batch)
                    batch.removeAll()
                }
            }
            return spans + (try spool.append(batch))
        }
        try spool.flush()
        for worker in perWorker.indices {
            #expect(spans[worker].count == perWorker[worker].count)
            for (span, document) in zip(spans[worker], perWorker[worker]) {
                #expect(try spool.element(at: span) == (try FHIRJSONReader().read(document)))
            }
        }
    }
}
