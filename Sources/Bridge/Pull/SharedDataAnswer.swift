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

    /// Like `parsedItems`, but for an answer file read in blocks (`JSONArrayFileReader`), never whole: each block's
    /// items are parsed on every core, and each one `keep` accepts is written to `spool` as its exact text (which
    /// parses as the same tree); only its span is kept, in record order. Nil when the file is not a well-formed
    /// array, an item does not parse or the file cannot be read: the plain path then reads it whole and gives the
    /// error its line and column (what was spooled by then is left unused). Throws only when the spool cannot be
    /// written.
    static func spooledItems(
        path: String, source: String, spool: ByteSpool, blockSize: Int = spoolBlockSize,
        keepReads: FHIRJSONKeyFilter? = nil, projection: FHIRJSONKeyFilter? = nil, keep: @Sendable (FHIRElement) -> Bool
    ) throws -> [ByteSpool.Span]? {
        // Each item is checked whole as JSON, but only the fields `keep` reads are built. The spool keeps the text
        // of the fields `projection` keeps (all when nil), with their places, so that each stage's read builds only
        // the fields it reads. (Writing the record anew from a tree of the mapping's fields once measured slower
        // than the reads it saved; its fields' text is copied as it is.)
        let reader = FHIRJSONReader(options: .init(source: source, topLevelKeys: keepReads))
        enum Outcome: Error { case malformed, spoolFailed(any Error) }
        var spans: [ByteSpool.Span] = []
        do {
            try JSONArrayFileReader.forEachBatch(path: path, blockSize: blockSize) { buffer, ranges in
                let whole = UnsafeRawBufferPointerBox(buffer)
                // A block holds a few thousand items: chunks small enough to keep every worker busy to its end.
                let chunkSize = min(512, max(1, ranges.count / (4 * ParallelMap.defaultWorkers)))
                // A chunk's kept items go into the spool together (`ByteSpool.Staged`): one turn of its lock.
                spans += try ParallelMap.mapChunks(of: ranges, chunkSize: chunkSize) { chunk throws(Outcome) -> [ByteSpool.Span] in
                    var staged = ByteSpool.Staged()
                    for range in chunk {
                        let item = UnsafeRawBufferPointer(rebasing: whole.buffer[range])
                        // The item's members are found by the read that checks it, not by a second scan.
                        guard let (record, members) = try? reader.readFindingMembers(item) else { throw .malformed }
                        guard keep(record) else { continue }
                        if let projection {
                            staged.appendJSON(item, keeping: projection, members: members)
                        } else {
                            staged.appendJSON(item, members: members)
                        }
                    }
                    do { return try spool.append(staged) } catch { throw .spoolFailed(error) }
                }
            }
        } catch Outcome.spoolFailed(let failure) {
            throw failure
        } catch {
            return nil
        }
        // Grown by doubling, the array can be twice the spans' size, and a study's answers are held through the
        // link and the merge: kept at their size (at a million resources, 8 MB less at the run's peak).
        return spans.withUnsafeBufferPointer { Array($0) }
    }

    /// The answer's bytes, read (never written) by every worker while `withUnsafeBytes` (or the block) keeps them
    /// alive.
    struct UnsafeRawBufferPointerBox: @unchecked Sendable {
        let buffer: UnsafeRawBufferPointer
        init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }
    }
}
