import FHIRModel

/// One Provenance of a merged study: its targets are every resource the merge took from one source, so a study of
/// a million resources gives a Provenance of a million targets. The targets are produced when asked for: a
/// streaming writer writes the Provenance's JSON a piece at a time (`writeJSON`), and only the plain path builds
/// its tree (`element()`); both give the same bytes.
public struct StudyProvenance: Sendable {
    public let id: String
    public let source: String
    public let recorded: String
    /// Hands each target (`Type/id`) to its argument, in order.
    let targets: @Sendable (_ each: (String) throws -> Void) throws -> Void

    public init(
        id: String, source: String, recorded: String, targets: @escaping @Sendable (_ each: (String) throws -> Void) throws -> Void
    ) {
        self.id = id
        self.source = source
        self.recorded = recorded
        self.targets = targets
    }

    public var key: FHIRResourceKey { FHIRResourceKey(type: "Provenance", id: id) }

    /// The Provenance as one tree.
    public func element() throws -> FHIRElement {
        var all: [String] = []
        try targets { all.append($0) }
        return MergeStage.provenance(id: id, targets: all, source: source, recorded: recorded)
    }

    /// The Provenance as compact JSON (the bytes `FHIRJSONWriter` writes for `element()`), handed to `write` a
    /// piece at a time: the members around `target` as the writer writes them, the targets in between.
    public func writeJSON(_ write: ([UInt8]) throws -> Void) throws {
        let writer = FHIRJSONWriter()
        let skeleton = writer.write(MergeStage.provenance(id: id, targets: [], source: source, recorded: recorded))
        // `"target":[]` comes right after resourceType and id, whose values hold no quotes (ids cannot).
        let marker = Array("\"target\":[]".utf8)
        guard let at = Self.firstIndex(of: marker, in: skeleton) else {
            preconditionFailure("the Provenance skeleton has no empty target array")
        }
        let close = at + marker.count - 1
        var piece = Array(skeleton[..<close])
        var first = true
        let reference = Array("{\"reference\":".utf8)
        try targets { target in
            if !first { piece.append(UInt8(ascii: ",")) }
            first = false
            piece.append(contentsOf: reference)
            writer.write(.string(target), into: &piece)
            piece.append(UInt8(ascii: "}"))
            if piece.count >= 1 << 16 {
                try write(piece)
                piece.removeAll(keepingCapacity: true)
            }
        }
        piece.append(contentsOf: skeleton[close...])
        try write(piece)
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return start }
        }
        return nil
    }
}
