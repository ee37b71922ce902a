import FHIRModel

/// A file holding one JSON array, read with plain `read` in blocks and handed out a batch of whole items at a time:
/// memory holds a block and the item straddling it, never the whole file (Shared Data answers reach hundreds of
/// megabytes). The items are found by `JSONArraySplitter`, as in a whole buffer.
public enum JSONArrayFileReader {
    public static let defaultBlockSize = 4 << 20

    /// Calls `batch` with the items each block completes, in order: a buffer and the items' ranges in it (valid only
    /// during the call). Throws `JSONArraySplitter.Malformed` when the file is not a well-formed array (found where
    /// the fault is, so possibly after some batches), `FileIOError` when it cannot be opened or read, and what
    /// `batch` throws.
    public static func forEachBatch(
        path: String, blockSize: Int = defaultBlockSize, _ batch: (UnsafeRawBufferPointer, [Range<Int>]) throws -> Void
    ) throws {
        let fd = try FileBytes.openForReading(path: path)
        defer { FileBytes.closeDescriptor(fd) }
        let block = max(1, blockSize)
        var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * block, alignment: 1)
        defer { storage.deallocate() }
        // storage[0..<kept] holds the file's bytes from offset keptFrom: the unfinished item, then the new block.
        var kept = 0
        var keptFrom = 0
        var splitter = JSONArraySplitter()
        var ranges: [Range<Int>] = []
        while true {
            if storage.count - kept < block {
                // An item longer than a block: room for all of it.
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(2 * storage.count, kept + block), alignment: 1)
                larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<kept]))
                storage.deallocate()
                storage = larger
            }
            let got = SystemIO.read(fd, into: storage.baseAddress! + kept, count: block)
            if got < 0 { throw FileIOError(path: path, operation: "read", code: SystemIO.lastError) }
            if got == 0 { break }
            ranges.removeAll(keepingCapacity: true)
            try splitter.feed(UnsafeRawBufferPointer(rebasing: storage[kept..<kept + got]), into: &ranges)
            kept += got
            if !ranges.isEmpty {
                try batch(UnsafeRawBufferPointer(rebasing: storage[0..<kept]), ranges.map { ($0.lowerBound - keptFrom)..<($0.upperBound - keptFrom) })
            }
            let needed = (splitter.pendingItemStart ?? splitter.consumed) - keptFrom
            if needed > 0 {
                storage.baseAddress!.copyMemory(from: storage.baseAddress! + needed, byteCount: kept - needed)
                kept -= needed
                keptFrom += needed
            }
        }
        try splitter.finish()
    }
}
