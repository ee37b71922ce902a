import FHIRModel

/// An emit template that writes each record's resource as compact JSON straight from the template, without making
/// its tree: the bytes `FHIRJSONWriter` gives for `EmitTemplate.instantiate`'s tree (a test holds the two to each
/// other), when nothing changes that tree after it is made (the template is in definition order and does not set
/// `meta` itself, so neither a reorder nor a tagging of its own `meta` follows).
///
/// Why: an export writes what its emits make, and making a tree per record to write it at once was a third of the
/// merge (a fifth of the study's resources are emitted, and each was built, written and freed). Constants and keys
/// are written once here; per record only the placeholders are filled.
///
/// A writer reads its template's texts on every record of a chunk: one is made per chunk from that chunk's own
/// template (`EmitTemplate.unshared`), so that two cores do not count references on the same strings.
struct EmitTemplateWriter {
    /// A compiled part with its constant JSON written out.
    indirect enum Piece {
        case json([UInt8])
        case text([MappingTemplateText.Piece])
        case number(field: String)
        case reference(link: String, keyField: String)
        /// An array (`[`, items without keys) or an object (`{`, each member's key written as `"key":`).
        case container(open: UInt8, close: UInt8, [Element])
        case absent
    }

    /// An item of an array (no key) or a member of an object.
    struct Element {
        let key: [UInt8]?
        let piece: Piece
    }

    /// `{"resourceType":"TYPE","id":`
    private let head: [UInt8]
    /// `,"meta":{...}` when the emitted resources get one, else empty.
    private let meta: [UInt8]
    /// The template's top-level members.
    private let body: [Element]

    /// nil when `instantiate`'s tree would be changed before it is written (see the type's header): such templates
    /// keep the tree.
    init?(_ template: EmitTemplate, resourceType: String, meta: FHIRElement?, inDefinitionOrder: Bool) {
        guard inDefinitionOrder, !template.setsMeta else { return nil }
        var head: [UInt8] = []
        head.append(contentsOf: #"{"resourceType":"#.utf8)
        FHIRJSONWriter.appendString(resourceType, into: &head)
        head.append(contentsOf: #","id":"#.utf8)
        self.head = head
        var metaJSON: [UInt8] = []
        if let meta {
            metaJSON.append(contentsOf: #","meta":"#.utf8)
            FHIRJSONWriter().write(meta, into: &metaJSON)
        }
        self.meta = metaJSON
        switch Self.piece(template.compiled) {
        case .container(_, _, let members): body = members
        default: body = []
        }
    }

    static func piece(_ part: EmitTemplate.Part) -> Piece {
        switch part {
        case .constant(let element): .json(FHIRJSONWriter().write(element))
        case .text(let pieces): .text(pieces)
        case .number(let field): .number(field: field)
        case .reference(let link, let keyField): .reference(link: link, keyField: keyField)
        case .array(let items): .container(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), items.map { Element(key: nil, piece: piece($0)) })
        case .object(let members):
            .container(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), members.map { Element(key: keyJSON($0.key), piece: piece($0.part)) })
        case .absent: .absent
        }
    }

    static func keyJSON(_ key: String) -> [UInt8] {
        var json: [UInt8] = []
        FHIRJSONWriter.appendString(key, into: &json)
        json.append(UInt8(ascii: ":"))
        return json
    }

    /// The resource `EmitTemplate.instantiate` makes for `record` with the same `id`, `fill` and meta, written.
    func write(id: String, fill: EmitTemplate.Fill, missingReferences: inout Int) -> [UInt8] {
        var json: [UInt8] = []
        json.reserveCapacity(head.count + meta.count + 64 * (body.count + 1))
        json.append(contentsOf: head)
        FHIRJSONWriter.appendString(id, into: &json)
        json.append(contentsOf: meta)
        // The body's members follow `id` (and `meta`): each written one after a comma.
        _ = writeElements(body, afterOthers: true, fill: fill, into: &json, missingReferences: &missingReferences)
        json.append(UInt8(ascii: "}"))
        return json
    }

    /// Appends `piece` filled, or leaves `json` as it found it and returns false where `Fill.build` gives nil (an
    /// element whose placeholders all came out empty, a reference not found, a container left empty).
    private func write(_ piece: Piece, fill: EmitTemplate.Fill, into json: inout [UInt8], missingReferences: inout Int) -> Bool {
        switch piece {
        case .absent:
            return false
        case .json(let constant):
            json.append(contentsOf: constant)
            return true
        case .number(let field):
            guard let literal = fill.value(field), let number = FHIRNumber(literal) else { return false }
            FHIRJSONWriter().write(.number(number), into: &json)
            return true
        case .text(let pieces):
            guard let text = fill.text(pieces) else { return false }
            FHIRJSONWriter.appendString(text, into: &json)
            return true
        case .reference(let link, let keyField):
            guard let target = fill.target(link: link, keyField: keyField) else {
                missingReferences += 1
                return false
            }
            json.append(contentsOf: #"{"reference":"#.utf8)
            FHIRJSONWriter.appendString(target, into: &json)
            json.append(UInt8(ascii: "}"))
            return true
        case .container(let open, let close, let elements):
            return writeContainer(open: open, close: close, elements, fill: fill, into: &json, missingReferences: &missingReferences)
        }
    }

    /// An array or object of the elements that are written (each with its key, in an object); nothing, and false,
    /// when none is: `Fill.build` leaves an empty container out.
    private func writeContainer(
        open: UInt8, close: UInt8, _ elements: [Element], fill: EmitTemplate.Fill, into json: inout [UInt8], missingReferences: inout Int
    ) -> Bool {
        let start = json.count
        json.append(open)
        guard writeElements(elements, afterOthers: false, fill: fill, into: &json, missingReferences: &missingReferences) else {
            json.removeSubrange(start...)
            return false
        }
        json.append(close)
        return true
    }

    /// Appends each element that is written (its key first, in an object), comma-separated, and a comma before the
    /// first too when it comes `afterOthers`; whether anything precedes the next element now (any was written, or
    /// `afterOthers`). Through the buffer the elements are read in place rather than copied (a copy retained each
    /// one's texts).
    private func writeElements(
        _ elements: [Element], afterOthers: Bool, fill: EmitTemplate.Fill, into json: inout [UInt8], missingReferences: inout Int
    ) -> Bool {
        var any = afterOthers
        elements.withUnsafeBufferPointer { elements in
            for index in elements.indices {
                let mark = json.count
                if any { json.append(UInt8(ascii: ",")) }
                if let key = elements[index].key { json.append(contentsOf: key) }
                if write(elements[index].piece, fill: fill, into: &json, missingReferences: &missingReferences) {
                    any = true
                } else {
                    json.removeSubrange(mark...)
                }
            }
        }
        return any
    }
}
