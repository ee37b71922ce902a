/// Spooled documents written back as compact JSON without building them: what a writer does with a resource it
/// changes in one member only (the merge's source tagging of a resource no link merges into).
extension ByteSpool {
    /// The documents at `spans`, in order, each as the compact JSON `FHIRJSONWriter` writes of its tree with the
    /// value of member `key` replaced by the text `replace` makes of that member's text (called with the document's
    /// index in `spans`): the members copied as they were spooled. Nil for a document this cannot write so, which
    /// the caller builds instead: not indexed, no member `key`, a key with an escape, a member whose text writing
    /// its tree would not give back (`FHIRJSONWriter.writesBack(_:)`), or `replace` giving nil.
    ///
    /// Why: building such a resource's tree (even of its type and id only, the rest left as text,
    /// `partlyParsedElements`) and writing it cost several times copying it.
    public func documentsWrittenBack(
        at spans: some RandomAccessCollection<Span>, replacing key: String,
        _ replace: (_ index: Int, _ value: UnsafeRawBufferPointer) -> [UInt8]?
    ) throws -> [[UInt8]?] {
        var written: [[UInt8]?] = []
        written.reserveCapacity(spans.count)
        var name = key
        try name.withUTF8 { key in
            try forEachBytes(of: spans) { index, bytes in
                written.append(Self.writtenBack(bytes, replacing: UnsafeRawBufferPointer(key)) { replace(index, $0) })
            }
        }
        return written
    }

    /// One document of `documentsWrittenBack`.
    static func writtenBack(
        _ bytes: UnsafeRawBufferPointer, replacing key: UnsafeRawBufferPointer, _ replace: (UnsafeRawBufferPointer) -> [UInt8]?
    ) -> [UInt8]? {
        guard let document = IndexedDocument(bytes) else { return nil }
        var replaced: Int?
        for index in 0..<document.count {
            let name = document.key(index)
            // A key is written from its text: one without an escape is written back as it is.
            guard !name.contains(UInt8(ascii: "\\")), FHIRJSONWriter.writesBack(document.value(index)) else { return nil }
            if replaced == nil, name.elementsEqual(key) { replaced = index }
        }
        guard let replaced, let replacement = replace(document.value(replaced)) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(document.json.count + replacement.count)
        out.append(UInt8(ascii: "{"))
        for index in 0..<document.count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: document.key(index))
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
            if index == replaced {
                out.append(contentsOf: replacement)
            } else {
                out.append(contentsOf: document.value(index))
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
