import FHIRModel
import ImmPortAPI

/// The records of one Shared Data answer (a file of `--from DIR`, a fetched or stored body), where the endpoint
/// declaration says they are: the one parse both the online and the directory pull use.
///
/// Most answers are an array of records, and the large ones (a study's lab tests: tens of megabytes) are the
/// slowest thing a pull reads. Their items are found without building trees (`JSONArraySplitter`) and parsed on
/// every core. Anything that path does not accept (not an array, a malformed item) is read again by the plain
/// whole-document path, which gives the error its line and column, so both paths give the same answers. A spooled
/// answer (a `--from DIR` study too large to hold) is read in blocks and its records kept as spans, never whole.
public enum SharedDataAnswer {
    /// Below this size an answer is parsed whole: splitting and dealing out small answers costs more than it saves.
    public static let parallelThreshold = 1 << 20

    /// The blocks a spooled answer is read in: memory holds one block and its items' spans, whatever the file's size.
    public static let spoolBlockSize = JSONArrayFileReader.defaultBlockSize

    /// The blocks a held answer is read in: small enough that the reader's two buffers come from the heap and are
    /// used again by the next answer, rather than mapped afresh for each.
    public static let heldBlockSize = 1 << 20

    /// Throws `FHIRJSONError` for JSON that does not parse, `BridgeFailure` for records that are not where the
    /// declaration says.
    /// `keys`: the record fields to build (`CompiledMapping.recordKeys`; nil: every field).
    static func records(
        _ bytes: [UInt8], source: String, at location: EndpointDeclaration.Records, keys: FHIRJSONKeyFilter? = nil,
        parallel: Bool? = nil
    ) throws -> [FHIRElement] {
        let useParallel = parallel ?? (bytes.count >= parallelThreshold)
        if useParallel, case .array = location, let records = parsedItems(bytes, source: source, keys: keys) {
            return records
        }
        let answer = try FHIRJSONReader(options: .init(source: source)).read(bytes)
        let records = try SharedDataDirectory.records(in: answer, at: location, source: source)
        guard let keys else { return records }
        return records.map { project($0, keys: keys) }
    }

    /// A record with only the fields `keys` keeps (what a filtered read of it builds); anything but an object as is.
    static func project(_ record: FHIRElement, keys: FHIRJSONKeyFilter) -> FHIRElement {
        guard case .object(let object) = record else { return record }
        return .object(FHIRObject(members: object.members.filter { keys.keeps($0.key) }))
    }

    /// The array's items parsed in chunks on every core (only the fields `keys` keeps built), or nil when the bytes
    /// are not a well-formed array.
    static func parsedItems(_ bytes: [UInt8], source: String, keys: FHIRJSONKeyFilter? = nil) -> [FHIRElement]? {
        guard let ranges = try? JSONArraySplitter.itemRanges(bytes) else { return nil }
        let reader = FHIRJSONReader(options: .init(source: source, topLevelKeys: keys))
        return try? bytes.withUnsafeBytes { buffer in
            let whole = UnsafeRawBufferPointerBox(buffer)
            return try ParallelMap.mapChunks(of: ranges, chunkSize: 512) { chunk in
                try chunk.map { range in try reader.read(UnsafeRawBufferPointer(rebasing: whole.buffer[range])) }
            }
        }
    }

    /// Like `parsedItems`, but for an answer file read in blocks (`itemsInBlocks`), never whole: each item `keep`
    /// accepts built as far as `keys` keeps, in record order. Nil as for `itemsInBlocks`. A held answer read whole
    /// took fresh memory the size of its file (a fifth of a reconcile's page faults) and was split on one core
    /// before any item was parsed.
    static func parsedItems(
        path: String, source: String, blockSize: Int = heldBlockSize, keys: FHIRJSONKeyFilter? = nil,
        keep: @Sendable (FHIRElement) -> Bool
    ) throws -> [FHIRElement]? {
        let records = try itemsInBlocks(path: path, source: source, blockSize: blockSize, reads: keys) { chunk throws(ItemChunk.Failure) in
            var records: [FHIRElement] = []
            try chunk.forEach(findingMembers: false) { _, record, _ in if keep(record) { records.append(record) } }
            return records
        }
        // A study's answers are held through the link and the merge: kept at their size (at a million resources,
        // 8 MB less at the run's peak).
        return records.map { $0.keptAtSize() }
    }

    /// Like `parsedItems(path:)`, but each item `keep` accepts is written to `spool` as its exact text (which parses
    /// as the same tree); only its span is kept, in record order. Nil as for `itemsInBlocks` (what was spooled by
    /// then is left unused). Throws only when the spool cannot be written.
    static func spooledItems(
        path: String, source: String, spool: ByteSpool, blockSize: Int = spoolBlockSize,
        keepReads: FHIRJSONKeyFilter? = nil, projection: FHIRJSONKeyFilter? = nil, keep: @Sendable (FHIRElement) -> Bool
    ) throws -> [ByteSpool.Span]? {
        // Each item is checked whole as JSON, but only the fields `keep` reads are built. The spool keeps the text
        // of the fields `projection` keeps (all when nil), with their places, so that each stage's read builds only
        // the fields it reads. (Writing the record anew from a tree of the mapping's fields once measured slower
        // than the reads it saved; its fields' text is copied as it is.)
        let spans = try itemsInBlocks(path: path, source: source, blockSize: blockSize, reads: keepReads) { chunk throws(ItemChunk.Failure) in
            // A chunk's kept items go into the spool together (`ByteSpool.Staged`): one turn of its lock.
            var staged = ByteSpool.Staged()
            try chunk.forEach { item, record, members in
                guard keep(record) else { return }
                if let projection {
                    staged.appendJSON(item, keeping: projection, members: members)
                } else {
                    staged.appendJSON(item, members: members)
                }
            }
            do { return try spool.append(staged) } catch { throw .other(error) }
        }
        return spans
    }

    /// A worker's share of a block's items, each read and checked whole as JSON (built as far as the reader's key
    /// filter keeps, its top-level members found by the same read).
    struct ItemChunk {
        let buffer: UnsafeRawBufferPointer
        let ranges: ArraySlice<Range<Int>>
        let reader: FHIRJSONReader

        enum Failure: Error { case malformed, other(any Error) }

        /// Each item with its tree and, when `findingMembers`, its members' places (nil otherwise: finding them is
        /// work a caller that keeps no text does not need); `.malformed` when one does not parse.
        func forEach(
            findingMembers: Bool = true, _ body: (UnsafeRawBufferPointer, FHIRElement, [JSONTopLevelMembers.Member]?) throws(Failure) -> Void
        ) throws(Failure) {
            for range in ranges {
                let item = UnsafeRawBufferPointer(rebasing: buffer[range])
                if findingMembers {
                    guard let (record, members) = try? reader.readFindingMembers(item) else { throw .malformed }
                    try body(item, record, members)
                } else {
                    guard let record = try? reader.read(item) else { throw .malformed }
                    try body(item, record, nil)
                }
            }
        }
    }

    /// An answer file read in blocks (`JSONArrayFileReader`), never whole: each block's items handed to `chunk` a
    /// chunk at a time on every core, and what the chunks make joined in record order. Nil when the file is not a
    /// well-formed array, an item does not parse or the file cannot be read: the plain path then reads it whole and
    /// gives the error its line and column. Throws only what `chunk` throws as `.other`.
    static func itemsInBlocks<Made>(
        path: String, source: String, blockSize: Int, reads: FHIRJSONKeyFilter?,
        chunk: @Sendable (ItemChunk) throws(ItemChunk.Failure) -> [Made]
    ) throws -> [Made]? {
        let reader = FHIRJSONReader(options: .init(source: source, topLevelKeys: reads))
        var made: [Made] = []
        do {
            try JSONArrayFileReader.forEachBatch(path: path, blockSize: blockSize) { buffer, ranges in
                let whole = UnsafeRawBufferPointerBox(buffer)
                // A block holds a few thousand items: chunks small enough to keep every worker busy to its end.
                let chunkSize = min(512, max(1, ranges.count / (4 * ParallelMap.defaultWorkers)))
                made += try ParallelMap.mapChunks(of: ranges, chunkSize: chunkSize) { items throws(ItemChunk.Failure) -> [Made] in
                    try chunk(ItemChunk(buffer: whole.buffer, ranges: items, reader: reader))
                }
            }
        } catch ItemChunk.Failure.other(let failure) {
            throw failure
        } catch {
            return nil
        }
        return made
    }

    /// The answer's bytes, read (never written) by every worker while `withUnsafeBytes` (or the block) keeps them
    /// alive.
    struct UnsafeRawBufferPointerBox: @unchecked Sendable {
        let buffer: UnsafeRawBufferPointer
        init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }
    }
}
