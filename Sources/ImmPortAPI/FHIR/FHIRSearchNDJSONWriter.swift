import FHIRModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the entries of a search as NDJSON while the search runs, one line per entry handed out, through an
/// `AtomicFileWriter` (a temporary file renamed into place by `commit()`; nothing is left behind on failure).
///
/// Memory stays bounded by a page: the only state kept across pages is the search's own de-duplication table and
/// the numbers of lines that a newer version superseded.
///
/// A newer `meta.versionId` arriving after the older copy was written (HAPI can page through a resource that is
/// updated meanwhile): the newer copy is written where it arrives and the older line is left out at commit, when the
/// temporary file is copied once more without it. This is the simplest way that keeps every line final and the file
/// de-duplicated without holding resources back; it costs a second pass only when it happens, and the newer copy
/// then sits where it was received rather than where the older one was. On standard output lines cannot be taken
/// back, so both copies stay there (the later line is the newer one) and `unremovedSupersededLines` counts them.
///
/// Each resource is copied as the server sent it when its bytes are known and hold no line break (compact JSON,
/// which is what HAPI sends); otherwise, e.g. for pretty-printed pages, its tree is written compactly.
public final class FHIRSearchNDJSONWriter {
    let file: AtomicFileWriter
    let json = FHIRJSONWriter()
    /// Lines written, which is also the next entry's expected `sequence`.
    public private(set) var linesWritten = 0
    var supersededLines: Set<Int> = []
    /// Lines copied from the received bytes rather than written from the tree.
    public private(set) var linesCopied = 0

    public init(path: String) throws {
        file = try AtomicFileWriter(path: path)
    }

    /// Resources in the output once committed.
    public var resourceCount: Int { linesWritten - supersededLines.count }
    /// Lines holding a version that a later line replaced (only on standard output, where they cannot be removed).
    public var unremovedSupersededLines: Int { file.canDropLines ? 0 : supersededLines.count }

    /// Writes every entry of `page`, in order.
    public func write(_ page: FHIRSearchPage) throws {
        for entry in page.entries { try write(entry) }
    }

    public func write(_ entry: FHIRSearchEntry) throws {
        // The search numbers the entries it hands out; a gap would make the superseded line numbers wrong, and
        // only a caller that skips or reorders entries can cause one.
        precondition(entry.sequence == linesWritten, "search entries must be written in order, each once")
        if let replaced = entry.replacedSequence { supersededLines.insert(replaced) }
        if let raw = entry.receivedJSON, Self.isOneLine(raw) {
            try file.append { buffer in
                buffer.append(contentsOf: raw)
                buffer.append(0x0A)
            }
            linesCopied += 1
        } else {
            try file.append { buffer in
                json.write(entry.resource, into: &buffer)
                buffer.append(0x0A)
            }
        }
        linesWritten += 1
    }

    /// Moves the output into place, without superseded lines.
    public func commit() throws {
        try file.commit(droppingLines: supersededLines)
    }

    static func isOneLine(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            return memchr(base, 0x0A, raw.count) == nil && memchr(base, 0x0D, raw.count) == nil
        }
    }
}
