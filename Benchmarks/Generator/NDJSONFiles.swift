import FHIRModel

extension SyntheticFHIR {
    /// Writes one NDJSON file per resource kind into `directory` (which must exist), each through an
    /// `AtomicFileWriter`, one resource at a time. Returns the files written with their sizes in bytes.
    @discardableResult
    public func writeNDJSON(to directory: String, kinds: [Kind] = Kind.allCases) throws -> [(path: String, bytes: Int)] {
        var written: [(path: String, bytes: Int)] = []
        for kind in kinds {
            let path = directory.hasSuffix("/") ? directory + kind.fileName : directory + "/" + kind.fileName
            let file = try AtomicFileWriter(path: path)
            var total = 0
            for index in 0..<count(of: kind) {
                let element = resource(kind, index)
                try file.append { buffer in
                    let before = buffer.count
                    MinimalJSONEncoder.encode(element, into: &buffer)
                    buffer.append(0x0A)
                    total += buffer.count - before
                }
            }
            try file.commit()
            written.append((path, total))
        }
        return written
    }
}
