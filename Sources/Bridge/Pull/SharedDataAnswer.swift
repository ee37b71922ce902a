import FHIRModel
import ImmPortAPI

/// The records of one Shared Data answer (a file of `--from DIR`, a fetched or stored body), where the endpoint
/// declaration says they are: the one parse both the online and the directory pull use.
///
/// Most answers are an array of records, and the large ones (a study's lab tests: tens of megabytes) are the
/// slowest thing a pull reads. Their items are found without building trees (`JSONArraySplitter`) and parsed on
/// every core. Anything that path does not accept (not an array, a malformed item) is read again by the plain
/// whole-document path, which gives the error its line and column, so both paths give the same answers.
public enum SharedDataAnswer {
    /// Below this size an answer is parsed whole: splitting and dealing out small answers costs more than it saves.
    public static let parallelThreshold = 1 << 20

    /// Throws `FHIRJSONError` for JSON that does not parse, `BridgeFailure` for records that are not where the
    /// declaration says.
    static func records(
        _ bytes: [UInt8], source: String, at location: EndpointDeclaration.Records, parallel: Bool? = nil
    ) throws -> [FHIRElement] {
        let useParallel = parallel ?? (bytes.count >= parallelThreshold)
        if useParallel, case .array = location, let records = parsedItems(bytes, source: source) {
            return records
        }
        let answer = try FHIRJSONReader(options: .init(source: source)).read(bytes)
        return try SharedDataDirectory.records(in: answer, at: location, source: source)
    }

    /// The array's items parsed in chunks on every core, or nil when the bytes are not a well-formed array.
    static func parsedItems(_ bytes: [UInt8], source: String) -> [FHIRElement]? {
        guard let ranges = try? JSONArraySplitter.itemRanges(bytes) else { return nil }
        let reader = FHIRJSONReader(options: .init(source: source))
        return try? bytes.withUnsafeBytes { buffer in
            let whole = UnsafeRawBufferPointerBox(buffer)
            return try ParallelMap.mapChunks(of: ranges, chunkSize: 512) { chunk in
                try chunk.map { range in try reader.read(UnsafeRawBufferPointer(rebasing: whole.buffer[range])) }
            }
        }
    }

    /// Like `parsedItems`, but each item that `keep` accepts is written to `spool` as its exact text (which parses
    /// as the same tree) and only its span is kept; nil when the bytes are not a well-formed array (the plain path
    /// then gives the error). Throws only when the spool cannot be written.
    static func spooledItems(
        _ bytes: [UInt8], source: String, spool: ByteSpool, keep: @Sendable (FHIRElement) -> Bool
    ) throws -> [ByteSpool.Span]? {
        guard let ranges = try? JSONArraySplitter.itemRanges(bytes) else { return nil }
        let reader = FHIRJSONReader(options: .init(source: source))
        enum Outcome: Error { case malformed, spoolFailed(any Error) }
        do {
            return try bytes.withUnsafeBytes { buffer throws(Outcome) -> [ByteSpool.Span] in
                let whole = UnsafeRawBufferPointerBox(buffer)
                return try ParallelMap.mapChunks(of: ranges, chunkSize: 512) { chunk throws(Outcome) -> [ByteSpool.Span] in
                    var spans: [ByteSpool.Span] = []
                    for range in chunk {
                        let item = UnsafeRawBufferPointer(rebasing: whole.buffer[range])
                        guard let record = try? reader.read(item) else { throw .malformed }
                        guard keep(record) else { continue }
                        do { spans.append(try spool.append(item)) } catch { throw .spoolFailed(error) }
                    }
                    return spans
                }
            }
        } catch Outcome.spoolFailed(let failure) {
            throw failure
        } catch {
            return nil
        }
    }

    /// The answer's bytes, read (never written) by every worker while `withUnsafeBytes` keeps them alive.
    struct UnsafeRawBufferPointerBox: @unchecked Sendable {
        let buffer: UnsafeRawBufferPointer
        init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }
    }
}
