/// Writes element trees as FHIR XML through an `XMLByteWriter`, following the definition tables: the resource type
/// as the root element in the FHIR namespace, children in definition order whatever the JSON order, primitives as
/// `value` attributes merged with their `_name` partners, `id`/`url` as attributes, resource wrappers and the XHTML
/// narrative. Every value is written with its exact text.
///
/// Each object's members are planned (matched with their definitions, `name` paired with `_name`, put in
/// definition order) on one stack shared by the whole document rather than in arrays of their own, and errors learn
/// their element path on the way out instead of a path being kept for every element written.
struct FHIRXMLEncoder: ~Copyable {
    static let fhirNamespace = "http://hl7.org/fhir"

    let layout: FHIRXMLLayout
    var out: XMLByteWriter
    /// The planned members of the objects being written, the innermost object's on top.
    private var plan: ScratchStack<Planned>
    /// A Bundle written entry by entry: its members and where the ones after `entry` wait on `plan`.
    private var bundleHeader = FHIRObject()
    private var bundleAfter = 0..<0
    /// A repeating member whose items are produced as it is written (`FHIRXMLBundleWriter.add(_:streaming:items:)`):
    /// it takes the place of the first empty array of that name written after it is set, then is cleared.
    var streamedItems: (name: String, items: (_ emit: (FHIRElement) throws -> Void) throws -> Void)?

    /// One member of an object: indices into the type's members and into the object's (-1: absent).
    struct Planned {
        var member: Int32
        /// Definition order; attributes (`id`, `url`) have `Planned.attribute`.
        var order: Int32
        var value: Int32 = -1
        var partner: Int32 = -1
    }

    static let attribute = Int32.min

    init(layout: FHIRXMLLayout, out: consuming XMLByteWriter) {
        self.layout = layout
        self.out = out
        plan = ScratchStack(capacity: 64)
    }

    deinit { plan.deallocate() }

    /// The public error for a failure, with its element path (`Patient.name.given`).
    static func located(_ failure: XMLWriteFailure) -> FHIRXMLError {
        FHIRXMLError(
            reason: .unwritable(failure.message),
            location: failure.path.isEmpty ? nil : failure.path.reversed().joined(separator: "."))
    }

    /// Writes one resource as an element, declaring the FHIR namespace when `root`.
    mutating func writeResource(_ resource: FHIRElement, root: Bool) throws {
        guard case .object(let object) = resource else {
            throw XMLWriteFailure("a resource must be a JSON object, found \(resource.kindName)")
        }
        guard let name = object["resourceType"]?.stringValue else { throw XMLWriteFailure("resource without resourceType") }
        guard let type = layout.type(name), type.isConcreteResource else {
            throw XMLWriteFailure("\"\(name)\" is not a FHIR \(layout.definitions.version) resource type")
        }
        do {
            out.startElement(type.utf8)
            if root { try out.attribute("xmlns", FHIRXMLEncoder.fhirNamespace) }
            try writeContent(object, type: type, skipResourceType: true)
            try out.endElement(type.utf8)
        } catch var failure as XMLWriteFailure {
            failure.path.append(name)
            throw failure
        }
    }

    /// Writes a Bundle's start tag and its members that come before `entry`, for streaming entries after it.
    mutating func writeBundleStart(_ header: FHIRObject) throws {
        guard let type = layout.type("Bundle"), let entry = layout.member("entry", in: type) else {
            throw XMLWriteFailure("no definition for Bundle")
        }
        do {
            out.startElement(type.utf8)
            try out.attribute("xmlns", FHIRXMLEncoder.fhirNamespace)
            bundleHeader = header
            let planned = try planMembers(header, type: type, skipResourceType: true)
            try writeAttributes(planned, of: header, type: type)
            var k = planned.lowerBound
            while k < planned.upperBound, plan.base[k].order < entry.order {
                if plan.base[k].order != FHIRXMLEncoder.attribute { try write(plan.base[k], of: header, type: type) }
                k += 1
            }
            bundleAfter = k..<planned.upperBound
        } catch var failure as XMLWriteFailure {
            failure.path.append("Bundle")
            throw failure
        }
    }

    mutating func writeBundleEntry(_ entry: FHIRElement) throws {
        guard let type = layout.type("Bundle"), let member = layout.member("entry", in: type) else {
            throw XMLWriteFailure("no definition for Bundle.entry")
        }
        do {
            do {
                try writeOne(entry, member: member)
            } catch var failure as XMLWriteFailure {
                failure.path.append(member.name)
                throw failure
            }
        } catch var failure as XMLWriteFailure {
            failure.path.append("Bundle")
            throw failure
        }
    }

    mutating func writeBundleEnd() throws {
        guard let type = layout.type("Bundle") else { throw XMLWriteFailure("no definition for Bundle") }
        do {
            for k in bundleAfter where plan.base[k].order != FHIRXMLEncoder.attribute {
                try write(plan.base[k], of: bundleHeader, type: type)
            }
            plan.pop(0)
            try out.endElement(type.utf8)
        } catch var failure as XMLWriteFailure {
            failure.path.append("Bundle")
            throw failure
        }
    }

    /// Matches members with definitions, pairs `name` with `_name`, and sorts into definition order, on top of
    /// `plan`; returns where they are there (the caller pops them).
    mutating func planMembers(_ object: FHIRObject, type: FHIRXMLLayout.TypeLayout, skipResourceType: Bool) throws -> Range<Int> {
        let base = plan.count
        var sorted = true
        var lastOrder = Int32.min
        for i in object.indices {
            let found = FHIRXMLEncoder.find(object[i].key, in: type)
            guard let (index, isPartner) = found else {
                let key = object[i].key
                if skipResourceType && key == "resourceType" { continue }
                throw XMLWriteFailure("unknown element \"\(key)\" in \(type.name)")
            }
            let form = type.members[index].form
            if case .attribute = form {
                if isPartner {
                    throw XMLWriteFailure("\"\(object[i].key)\": \(type.members[index].name) is written as an XML attribute and cannot carry extensions")
                }
                plan.push(Planned(member: Int32(index), order: FHIRXMLEncoder.attribute, value: Int32(i)))
                continue
            }
            if isPartner {
                guard case .primitive = form else {
                    throw XMLWriteFailure("\"\(object[i].key)\": \(type.members[index].name) is not a primitive element")
                }
            }
            // `name` and `_name` make one planned member; they are usually neighbours.
            var j = plan.count - 1
            while j >= base, plan.base[j].member != Int32(index) { j -= 1 }
            if j >= base {
                if isPartner {
                    if plan.base[j].partner >= 0 { throw XMLWriteFailure("duplicate \"\(object[i].key)\"") }
                    plan.base[j].partner = Int32(i)
                } else {
                    if plan.base[j].value >= 0 { throw XMLWriteFailure("duplicate \"\(object[i].key)\"") }
                    plan.base[j].value = Int32(i)
                }
                continue
            }
            let order = Int32(type.members[index].order)
            if order < lastOrder { sorted = false }
            lastOrder = order
            plan.push(Planned(
                member: Int32(index), order: order, value: isPartner ? -1 : Int32(i), partner: isPartner ? Int32(i) : -1))
        }
        let range = base..<plan.count
        if !sorted {
            // JSON members may come in any order; XML requires definition order. Stable (insertion sort: a handful
            // of members), so attributes stay in JSON order.
            for k in range.dropFirst() {
                let item = plan.base[k]
                var j = k - 1
                while j >= base, plan.base[j].order > item.order {
                    plan.base[j + 1] = plan.base[j]
                    j -= 1
                }
                plan.base[j + 1] = item
            }
        }
        // The members of a choice share one definition order; XML allows only one of them.
        var previous = -1
        for k in range where plan.base[k].order != FHIRXMLEncoder.attribute {
            if previous >= 0, plan.base[previous].order == plan.base[k].order {
                let first = type.members[Int(plan.base[previous].member)].name
                let second = type.members[Int(plan.base[k].member)].name
                throw XMLWriteFailure("both \"\(first)\" and \"\(second)\" set in \(type.name): a choice element takes one type")
            }
            previous = k
        }
        return range
    }

    /// The member a JSON key names (`name` or its partner `_name`): its index in the type's members.
    @inline(__always)
    static func find(_ key: String, in type: FHIRXMLLayout.TypeLayout) -> (Int, Bool)? {
        func look(_ utf8: UnsafeBufferPointer<UInt8>) -> (Int, Bool)? {
            guard let base = utf8.baseAddress, !utf8.isEmpty else { return nil }
            let isPartner = base[0] == UInt8(ascii: "_")
            let start = isPartner ? base + 1 : base
            let count = isPartner ? utf8.count - 1 : utf8.count
            guard count > 0, let index = type.memberIndex(utf8: start, count: count)
            else { return nil }
            return (index, isPartner)
        }
        if let found = key.utf8.withContiguousStorageIfAvailable(look) { return found }
        var copy = key
        return copy.withUTF8(look)
    }

    mutating func writeContent(_ object: FHIRObject, type: FHIRXMLLayout.TypeLayout, skipResourceType: Bool = false) throws {
        let planned = try planMembers(object, type: type, skipResourceType: skipResourceType)
        try writeAttributes(planned, of: object, type: type)
        for k in planned where plan.base[k].order != FHIRXMLEncoder.attribute {
            try write(plan.base[k], of: object, type: type)
        }
        plan.pop(planned.lowerBound)
    }

    /// `id` before `url` whatever the JSON order, as the official examples write them.
    mutating func writeAttributes(_ planned: Range<Int>, of object: FHIRObject, type: FHIRXMLLayout.TypeLayout) throws {
        for pass in 0..<2 {
            for k in planned where plan.base[k].order == FHIRXMLEncoder.attribute {
                let member = type.members[Int(plan.base[k].member)]
                guard (member.name == "id") == (pass == 0) else { continue }
                let value = object[Int(plan.base[k].value)].value
                guard case .string(let text) = value else {
                    throw XMLWriteFailure("\"\(member.name)\" must be a string, found \(value.kindName)")
                }
                try Self.checkLexicalForm(text, of: member)
                try out.attribute(member.utf8, text)
            }
        }
    }

    mutating func write(_ planned: Planned, of object: FHIRObject, type: FHIRXMLLayout.TypeLayout) throws {
        let member = type.members[Int(planned.member)]
        do {
            if case .primitive(let kind) = member.form {
                // (Spelled out: FHIRElement is ExpressibleByNilLiteral, so a bare `nil` in a ternary would become `.null`.)
                let value: FHIRElement? = planned.value >= 0 ? Optional.some(object[Int(planned.value)].value) : Optional.none
                let partner: FHIRElement? =
                    planned.partner >= 0 ? Optional.some(object[Int(planned.partner)].value) : Optional.none
                try writePrimitives(member, value: value, partner: partner, kind: kind)
                return
            }
            guard planned.value >= 0 else { throw XMLWriteFailure("extension partner without a value") }
            let value = object[Int(planned.value)].value
            if member.isArray {
                guard case .array(let items) = value else {
                    throw XMLWriteFailure("\(member.name) repeats: expected an array, found \(value.kindName)")
                }
                if items.isEmpty, let streamed = streamedItems, streamed.name == member.name {
                    streamedItems = nil
                    try streamed.items { item in try writeOne(item, member: member) }
                } else {
                    for item in items { try writeOne(item, member: member) }
                }
            } else {
                if case .array = value {
                    throw XMLWriteFailure("\(member.name) does not repeat: expected one value, found an array")
                }
                try writeOne(value, member: member)
            }
        } catch var failure as XMLWriteFailure {
            failure.path.append(member.name)
            throw failure
        }
    }

    mutating func writeOne(_ value: FHIRElement, member: FHIRXMLLayout.Member) throws {
        switch member.form {
        case .xhtml:
            guard case .string(let div) = value else { throw XMLWriteFailure("div must be a string, found \(value.kindName)") }
            let markup: String
            do {
                markup = try XHTMLNarrative.markupToWrite(div)
            } catch let error as FHIRXMLError {
                throw XMLWriteFailure("invalid narrative div: \(error.reasonText)")
            }
            out.raw(markup)
        case .resource:
            out.startElement(member.utf8)
            try writeResource(value, root: false)
            try out.endElement(member.utf8)
        case .complex(let typeIndex):
            guard case .object(let object) = value else {
                throw XMLWriteFailure("\(member.name) must be an object, found \(value.kindName)")
            }
            guard let type = layout.type(at: typeIndex) else {
                throw XMLWriteFailure("no definition for the type of \(member.name)")
            }
            out.startElement(member.utf8)
            try writeContent(object, type: type)
            try out.endElement(member.utf8)
        case .primitive, .attribute:
            throw XMLWriteFailure("internal: \(member.name) is not an element")
        }
    }

    mutating func writePrimitives(
        _ member: FHIRXMLLayout.Member, value: FHIRElement?, partner: FHIRElement?, kind: FHIRPrimitiveKind
    ) throws {
        guard member.isArray else {
            if case .array = value ?? .null { throw XMLWriteFailure("\(member.name) does not repeat: found an array") }
            try writePrimitive(member, value: value ?? .null, extensions: partner ?? .null, kind: kind)
            return
        }
        var values: [FHIRElement] = []
        var extensions: [FHIRElement] = []
        if let value {
            guard case .array(let items) = value else {
                throw XMLWriteFailure("\(member.name) repeats: expected an array, found \(value.kindName)")
            }
            values = items
        }
        if let partner {
            guard case .array(let items) = partner else {
                throw XMLWriteFailure("_\(member.name) must be an array aligned with \(member.name), found \(partner.kindName)")
            }
            extensions = items
        }
        if !values.isEmpty && !extensions.isEmpty && values.count != extensions.count {
            throw XMLWriteFailure("\(member.name) has \(values.count) values but _\(member.name) has \(extensions.count) items")
        }
        for i in 0..<max(values.count, extensions.count) {
            try writePrimitive(
                member, value: i < values.count ? values[i] : .null,
                extensions: i < extensions.count ? extensions[i] : .null, kind: kind)
        }
    }

    mutating func writePrimitive(
        _ member: FHIRXMLLayout.Member, value: FHIRElement, extensions: FHIRElement, kind: FHIRPrimitiveKind
    ) throws {
        let name = member.name
        let text: String?
        switch (value, kind) {
        case (.null, _): text = nil
        case (.string(let s), .string), (.string(let s), .integer64): text = s
        case (.boolean(let b), .boolean): text = b ? "true" : "false"
        case (.number(let n), .integer), (.number(let n), .decimal): text = n.text
        // R4 has no integer64; R5 writes it as a JSON string, but accept a number too (it is the same XML).
        case (.number(let n), .integer64): text = n.text
        default: throw XMLWriteFailure("\(name) must be a JSON \(Self.kindName(kind)), found \(value.kindName)")
        }
        var partner: FHIRObject?
        switch extensions {
        case .null: partner = nil
        case .object(let object): partner = object
        default: throw XMLWriteFailure("_\(name) must be an object (id, extension), found \(extensions.kindName)")
        }
        if text == nil && partner == nil { throw XMLWriteFailure("\(name) has neither a value nor an id or extension") }
        out.startElement(member.utf8)
        if let id = partner?["id"] {
            guard case .string(let id) = id else { throw XMLWriteFailure("_\(name).id must be a string") }
            try out.attribute("id", id)
        }
        if let text {
            try Self.checkLexicalForm(text, of: member)
            try out.attribute("value", text)
        }
        if let partner {
            for item in partner where item.key != "id" && item.key != "extension" {
                throw XMLWriteFailure("unknown element \"\(item.key)\" in _\(name) (only id and extension)")
            }
            if let extensionList = partner["extension"] {
                guard case .array(let items) = extensionList, let extensionMember = layout.extensionMember else {
                    throw XMLWriteFailure("_\(name).extension must be an array")
                }
                for item in items { try writeOne(item, member: extensionMember) }
            }
        }
        try out.endElement(member.utf8)
    }

    /// Refuses a value the official XSD would reject (`2020-13-45` as a date, `%zz` in a URI, an empty string):
    /// written, it would make a file that does not validate. Control characters are refused as they are escaped.
    @inline(__always)
    static func checkLexicalForm(_ text: String, of member: FHIRXMLLayout.Member) throws {
        let form = member.lexical
        if text.isEmpty {
            throw XMLWriteFailure("\(member.name) is an empty string, which FHIR does not allow (leave the element out)")
        }
        // Strings: control characters are refused as they are written (XMLByteWriter); only U+FFFE/U+FFFF remain.
        let problem = form == .string ? nil : form.problem(in: text)
        if let problem = problem ?? form.xmlSchemaProblem(in: text) {
            let shown = text.count > 60 ? "\(text.prefix(60))..." : text
            throw XMLWriteFailure(
                "\(member.name) value \"\(shown)\" cannot be written as FHIR XML: \(problem) (expected \(form.expected))")
        }
    }

    static func kindName(_ kind: FHIRPrimitiveKind) -> String {
        switch kind {
        case .boolean: return "boolean"
        case .integer, .decimal: return "number"
        case .string, .integer64: return "string"
        }
    }
}
