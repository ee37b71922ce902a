import FHIRModel

/// One Provenance of a merged study: its targets are every resource the merge took from one source, so a study of
/// a million resources gives a Provenance of a million targets. The targets are produced when asked for: a
/// streaming writer writes the Provenance's JSON a piece at a time (`writeJSON`), and only the plain path builds
/// its tree (`element()`); both give the same bytes.
public struct StudyProvenance: Sendable {
    public let id: String
    public let source: String
    public let recorded: String
    /// Hands each target (`Type/id`, as UTF-8: a million references are never made strings) to its argument, in
    /// order.
    let targets: @Sendable (_ each: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void

    public init(
        id: String, source: String, recorded: String,
        targets: @escaping @Sendable (_ each: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void
    ) {
        self.id = id
        self.source = source
        self.recorded = recorded
        self.targets = targets
    }

    public var key: FHIRResourceKey { FHIRResourceKey(type: "Provenance", id: id) }

    /// Hands `body` the UTF-8 of `key`'s reference (`Type/id`), built in `scratch` (kept between calls).
    static func withReference<R>(
        to key: FHIRResourceKey, scratch: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> R
    ) rethrows -> R {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: key.type.utf8)
        scratch.append(UInt8(ascii: "/"))
        scratch.append(contentsOf: key.id.utf8)
        return try scratch.withUnsafeBufferPointer(body)
    }

    /// The Provenance as one tree.
    public func element() throws -> FHIRElement {
        var targetItems: [FHIRElement] = []
        try forEachTarget { targetItems.append($0) }
        return Self.object(head + [("target", .array(targetItems))] + tail)
    }

    /// The Provenance with `target` empty, for a writer that writes the targets as `forEachTarget` makes them
    /// (`FHIRXMLBundleWriter.add(_:streaming:items:)`).
    public var withoutTargets: FHIRElement { Self.object(head + [("target", .array([]))] + tail) }

    /// Each `target` item (`{"reference": "Type/id"}`), in order.
    public func forEachTarget(_ body: (FHIRElement) throws -> Void) throws {
        try targets { try body(Self.object([("reference", .string(String(decoding: $0, as: UTF8.self)))])) }
    }

    /// The Provenance as compact JSON (the bytes `FHIRJSONWriter` writes for `element()`), handed to `write` a
    /// piece at a time: the members before `target` as the writer writes them (without the closing brace), the
    /// targets, and the members after it (without the opening brace).
    public func writeJSON(_ write: ([UInt8]) throws -> Void) throws {
        try writeJSON(prettyAt: nil, write)
    }

    /// The same as pretty JSON nested `indent` levels deep (the bytes `FHIRJSONWriter(pretty: true)` writes for
    /// `element()` there: a Bundle entry's resource).
    public func writePrettyJSON(indent: Int, _ write: ([UInt8]) throws -> Void) throws {
        try writeJSON(prettyAt: indent, write)
    }

    /// Compact (`indent` nil) or pretty: the writer's layout, a newline and two spaces a level before each member and
    /// item and before a closing bracket, `": "` between a key and its value.
    private func writeJSON(prettyAt indent: Int?, _ write: ([UInt8]) throws -> Void) throws {
        let writer = FHIRJSONWriter(pretty: indent != nil)
        let depth = indent ?? 0
        func newline(_ level: Int, into bytes: inout [UInt8]) {
            guard indent != nil else { return }
            bytes.append(0x0A)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (depth + level) * 2))
        }
        var piece: [UInt8] = []
        writer.write(Self.object(head), indent: depth, into: &piece)
        piece.removeLast(indent == nil ? 1 : 2 + depth * 2)  // `}`, and in pretty its newline and indent
        piece.append(UInt8(ascii: ","))
        newline(1, into: &piece)
        piece.append(contentsOf: (indent == nil ? "\"target\":[" : "\"target\": [").utf8)
        let reference = Array((indent == nil ? "\"reference\":" : "\"reference\": ").utf8)
        var first = true
        try targets { target in
            if !first { piece.append(UInt8(ascii: ",")) }
            first = false
            newline(2, into: &piece)
            piece.append(UInt8(ascii: "{"))
            newline(3, into: &piece)
            piece.append(contentsOf: reference)
            FHIRJSONWriter.appendString(utf8: target, into: &piece)
            newline(2, into: &piece)
            piece.append(UInt8(ascii: "}"))
            if piece.count >= 1 << 16 {
                try write(piece)
                piece.removeAll(keepingCapacity: true)
            }
        }
        if !first { newline(1, into: &piece) }  // an empty array is `[]`, as the writer writes it
        piece.append(contentsOf: "],".utf8)
        var tail: [UInt8] = []
        writer.write(Self.object(self.tail), indent: depth, into: &tail)
        piece.append(contentsOf: tail.dropFirst())  // without `{`
        try write(piece)
    }

    /// The members before `target`, in Provenance's definition order.
    var head: [(String, FHIRElement)] { [("resourceType", .string("Provenance")), ("id", .string(id))] }

    /// The members after `target`.
    var tail: [(String, FHIRElement)] {
        [
            ("recorded", .string(recorded)),
            ("agent", .array([Self.object([
                ("type", Self.object([("coding", .array([Self.object([
                    ("system", .string("http://terminology.hl7.org/CodeSystem/provenance-participant-type")),
                    ("code", .string("assembler")),
                ])]))])),
                ("who", Self.object([("display", .string("immport-bridge \(ToolVersion.current)"))])),
            ])])),
            ("entity", .array([Self.object([
                ("role", .string("source")),
                ("what", Self.object([("display", .string(source))])),
            ])])),
        ]
    }

    static func object(_ pairs: [(String, FHIRElement)]) -> FHIRElement {
        var object = FHIRObject()
        for (key, value) in pairs { object.appendUnchecked(key: key, value: value) }
        return .object(object)
    }
}
