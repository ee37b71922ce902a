/// Where the XML writer's bytes go: a growable buffer, or an `AtomicFileWriter` that hands them to the kernel in
/// chunks, so a large Bundle is never held in memory as XML.
final class XMLOutputSink {
    private(set) var bytes: [UInt8] = []
    let file: AtomicFileWriter?
    /// The first write failure; libxml2 only learns that the write failed, this keeps the reason.
    var failure: (any Error)?

    init(file: AtomicFileWriter? = nil) {
        self.file = file
        if file == nil { bytes.reserveCapacity(1 << 16) }
    }

    /// Receives one chunk from libxml2's output buffer. Returns the count written, or -1 on failure.
    func receive(_ chunk: UnsafeRawBufferPointer) -> Int32 {
        guard failure == nil else { return -1 }
        guard let file else {
            bytes.append(contentsOf: chunk)
            return Int32(chunk.count)
        }
        do {
            try file.append { $0.append(contentsOf: chunk) }
        } catch {
            failure = error
            return -1
        }
        return Int32(chunk.count)
    }

    func takeBytes() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }
}
