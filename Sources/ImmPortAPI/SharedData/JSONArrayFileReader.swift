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
        let blocks = Blocks(fd: fd, path: path, blockSize: blockSize)
        defer { blocks.deallocate() }
        // The next block is read and split on a thread of its own while `batch` has the one before (`pipeline`):
        // splitting was done on one core while the others waited for the batch.
        try ParallelMap.pipeline(producing: { (_: Int) throws -> (UnsafeRawBufferPointer, [Range<Int>])? in try blocks.next() }) { read in
            try batch(read.0, read.1)
        }
        try blocks.splitter.finish()
    }

    /// The file's blocks and the split, in two buffers taken in turn: a batch's buffer is left as it is while the
    /// next block goes into the other one (with the unfinished item copied over). Used by one thread at a time
    /// (`pipeline` calls `next` after the last call has returned), hence unchecked.
    final class Blocks: @unchecked Sendable {
        let fd: Int32
        let path: String
        let block: Int
        private var buffers: [UnsafeMutableRawBufferPointer]
        /// The buffer the last batch was handed in (the other one is filled next).
        private var current = 0
        /// `buffers[current][0..<kept]` holds the file's bytes from offset `keptFrom`.
        private var kept = 0
        private var keptFrom = 0
        var splitter = JSONArraySplitter()
        private var ranges: [Range<Int>] = []

        init(fd: Int32, path: String, blockSize: Int) {
            self.fd = fd
            self.path = path
            block = max(1, blockSize)
            buffers = [
                UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * block, alignment: 1),
                UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * block, alignment: 1),
            ]
        }

        func deallocate() { for buffer in buffers { buffer.deallocate() } }

        /// The next batch: a buffer and the items it completes (whole items only; an item longer than a block is
        /// read on until it ends); nil at the end of the file.
        func next() throws -> (UnsafeRawBufferPointer, [Range<Int>])? {
            // The bytes still needed (the unfinished item) go to the front of the other buffer.
            let needed = (splitter.pendingItemStart ?? splitter.consumed) - keptFrom
            let target = 1 - current
            let tail = kept - max(0, needed)
            if buffers[target].count < tail + block {
                buffers[target].deallocate()
                buffers[target] = UnsafeMutableRawBufferPointer.allocate(byteCount: max(2 * buffers[target].count, tail + block), alignment: 1)
            }
            if tail > 0 {
                buffers[target].baseAddress!.copyMemory(from: buffers[current].baseAddress! + (kept - tail), byteCount: tail)
            }
            keptFrom += kept - tail
            kept = tail
            current = target
            while true {
                if buffers[current].count - kept < block {
                    // An item longer than a block: room for all of it (this buffer is no batch's yet).
                    let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(2 * buffers[current].count, kept + block), alignment: 1)
                    larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffers[current][0..<kept]))
                    buffers[current].deallocate()
                    buffers[current] = larger
                }
                let got = SystemIO.read(fd, into: buffers[current].baseAddress! + kept, count: block)
                if got < 0 { throw FileIOError(path: path, operation: "read", code: SystemIO.lastError) }
                if got == 0 { return nil }
                ranges.removeAll(keepingCapacity: true)
                try splitter.feed(UnsafeRawBufferPointer(rebasing: buffers[current][kept..<kept + got]), into: &ranges)
                kept += got
                if !ranges.isEmpty {
                    return (
                        UnsafeRawBufferPointer(rebasing: buffers[current][0..<kept]),
                        ranges.map { ($0.lowerBound - keptFrom)..<($0.upperBound - keptFrom) })
                }
                // Nothing completed: what the split has passed over (spacing) is let go before reading on.
                let passed = (splitter.pendingItemStart ?? splitter.consumed) - keptFrom
                if passed > 0 {
                    buffers[current].baseAddress!.copyMemory(from: buffers[current].baseAddress! + passed, byteCount: kept - passed)
                    kept -= passed
                    keptFrom += passed
                }
            }
        }
    }
}
