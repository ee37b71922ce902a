/// Where the XML writer's bytes go: a growable buffer, or an `AtomicFileWriter` that hands them to the kernel in
/// chunks, so a large Bundle is never held in memory as XML.
final class XMLOutputSink {
    private(set) var bytes: [UInt8] = []
    let file: AtomicFileWriter?

    init(file: AtomicFileWriter? = nil) {
        self.file = file
    }

    /// Receives one chunk of the writer's buffer.
    func receive(_ chunk: UnsafeRawBufferPointer) throws {
        guard let file else {
            bytes.append(contentsOf: chunk)
            return
        }
        try file.append { $0.append(contentsOf: chunk) }
    }

    func takeBytes() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }
}
