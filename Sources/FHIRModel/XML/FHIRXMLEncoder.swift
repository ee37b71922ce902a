/// Writes element trees as FHIR XML through an `XMLStreamWriter`, following the definition tables: the resource
/// type as the root element in the FHIR namespace, children in definition order whatever the JSON order, primitives
/// as `value` attributes merged with their `_name` partners, `id`/`url` as attributes, resource wrappers and the
/// XHTML narrative. Every value is written with its exact text.
final class FHIRXMLEncoder {
    static let fhirNamespace = "http://hl7.org/fhir"

    let layout: FHIRXMLLayout
    let out: XMLStreamWriter
    /// Element names from the resource down, for error locations.
    private var path: [String] = []

    init(layout: FHIRXMLLayout, out: XMLStreamWriter) {
        self.layout = layout
        self.out = out
    }

    func fail(_ message: String) -> FHIRXMLError {
        FHIRXMLError(reason: .unwritable(message), location: path.isEmpty ? nil : path.joined(separator: "."))
    }

    /// Writes one resource as an element, declaring the FHIR namespace when `root`.
    func writeResource(_ resource: FHIRElement, root: Bool) throws {
        guard case .object(let object) = resource else { throw fail("a resource must be a JSON object, found \(resource.kindName)") }
        guard let name = object["resourceType"]?.stringValue else { throw fail("resource without resourceType") }
        guard let type = layout.type(name), type.isConcreteResource else {
            throw fail("\"\(name)\" is not a FHIR \(layout.definitions.version) resource type")
        }
        path.append(name)
        defer { path.removeLast() }
        try out.startElement(name)
        if root { try out.attribute("xmlns", FHIRXMLEncoder.fhirNamespace) }
        try writeContent(object, type: type, skipping: "resourceType")
        try out.endElement()
    }

    /// Writes a Bundle's start tag and its members that come before `entry`, for streaming entries after it.
    func writeBundleStart(_ header: FHIRObject) throws -> (type: FHIRXMLLayout.TypeLayout, after: [Planned]) {
        guard let type = layout.type("Bundle"), let entry = layout.member("entry", in: type) else {
            throw fail("no definition for Bundle")
        }
        path.append("Bundle")
        try out.startElement("Bundle")
        try out.attribute("xmlns", FHIRXMLEncoder.fhirNamespace)
        let plan = try planMembers(header, type: type, skipping: "resourceType")
        try writeAttributes(plan.attributes)
        for planned in plan.children where planned.member.order < entry.order { try write(planned) }
        path.removeLast()
        return (type, plan.children.filter { $0.member.order >= entry.order })
    }

    func writeBundleEntry(_ entry: FHIRElement, type: FHIRXMLLayout.TypeLayout) throws {
        guard let member = layout.member("entry", in: type) else { throw fail("no definition for Bundle.entry") }
        path.append("Bundle")
        defer { path.removeLast() }
        try write(Planned(member: member, value: entry, extensions: nil, forceSingle: true))
    }

    func writeBundleEnd(_ after: [Planned]) throws {
        path.append("Bundle")
        defer { path.removeLast() }
        for planned in after { try write(planned) }
        try out.endElement()
    }

    struct Planned {
        let member: FHIRXMLLayout.Member
        var value: FHIRElement?
        var extensions: FHIRElement?
        /// Set for one streamed Bundle entry (an array member written one item at a time).
        var forceSingle = false
    }

    struct Plan {
        var attributes: [(name: String, value: FHIRElement)] = []
        var children: [Planned] = []
    }

    /// Matches members with definitions, pairs `name` with `_name`, and sorts into definition order.
    func planMembers(_ object: FHIRObject, type: FHIRXMLLayout.TypeLayout, skipping skip: String?) throws -> Plan {
        var plan = Plan()
        plan.children.reserveCapacity(object.count)
        var sorted = true
        var lastOrder = -1
        for item in object {
            let key = item.key
            if let skip, key == skip { continue }
            let isExtensionPartner = key.utf8.first == UInt8(ascii: "_")
            let name = isExtensionPartner ? String(key.dropFirst()) : key
            guard let member = layout.member(name, in: type) else {
                throw fail("unknown element \"\(key)\" in \(type.name)")
            }
            if case .attribute = member.form {
                if isExtensionPartner { throw fail("\"\(key)\": \(name) is written as an XML attribute and cannot carry extensions") }
                plan.attributes.append((name, item.value))
                continue
            }
            if isExtensionPartner {
                guard case .primitive = member.form else { throw fail("\"\(key)\": \(name) is not a primitive element") }
            }
            if let index = plan.children.lastIndex(where: { $0.member.name == name }) {
                if isExtensionPartner {
                    if plan.children[index].extensions != nil { throw fail("duplicate \"\(key)\"") }
                    plan.children[index].extensions = item.value
                } else {
                    if plan.children[index].value != nil { throw fail("duplicate \"\(key)\"") }
                    plan.children[index].value = item.value
                }
                continue
            }
            if member.order < lastOrder { sorted = false }
            lastOrder = member.order
            // (Spelled out: FHIRElement is ExpressibleByNilLiteral, so a bare `nil` in a ternary would become `.null`.)
            let value: FHIRElement? = isExtensionPartner ? Optional.none : Optional.some(item.value)
            let partner: FHIRElement? = isExtensionPartner ? Optional.some(item.value) : Optional.none
            plan.children.append(Planned(member: member, value: value, extensions: partner))
        }
        if !sorted {
            // JSON members may come in any order; XML requires definition order. Stable, so repeats keep theirs.
            plan.children = plan.children.enumerated().sorted {
                ($0.element.member.order, $0.offset) < ($1.element.member.order, $1.offset)
            }.map(\.element)
        }
        // The members of a choice share one definition order; XML allows only one of them.
        if plan.children.count > 1 {
            for i in 1..<plan.children.count where plan.children[i].member.order == plan.children[i - 1].member.order {
                throw fail("both \"\(plan.children[i - 1].member.name)\" and \"\(plan.children[i].member.name)\" set in \(type.name): a choice element takes one type")
            }
        }
        return plan
    }

    func writeContent(_ object: FHIRObject, type: FHIRXMLLayout.TypeLayout, skipping skip: String? = nil) throws {
        let plan = try planMembers(object, type: type, skipping: skip)
        try writeAttributes(plan.attributes)
        for planned in plan.children { try write(planned) }
    }

    /// `id` before `url` whatever the JSON order, as the official examples write them.
    func writeAttributes(_ attributes: [(name: String, value: FHIRElement)]) throws {
        for attribute in attributes.sorted(by: { $0.name == "id" && $1.name != "id" }) {
            guard case .string(let text) = attribute.value else {
                throw fail("\"\(attribute.name)\" must be a string, found \(attribute.value.kindName)")
            }
            try out.attribute(attribute.name, text)
        }
    }

    func write(_ planned: Planned) throws {
        let member = planned.member
        path.append(member.name)
        defer { path.removeLast() }
        if case .primitive(let kind) = member.form {
            try writePrimitives(planned, kind: kind)
            return
        }
        guard let value = planned.value else { throw fail("extension partner without a value") }
        if member.isArray && !planned.forceSingle {
            guard case .array(let items) = value else {
                throw fail("\(member.name) repeats: expected an array, found \(value.kindName)")
            }
            for item in items { try writeOne(item, member: member) }
        } else {
            if case .array = value { throw fail("\(member.name) does not repeat: expected one value, found an array") }
            try writeOne(value, member: member)
        }
    }

    func writeOne(_ value: FHIRElement, member: FHIRXMLLayout.Member) throws {
        switch member.form {
        case .xhtml:
            guard case .string(let div) = value else { throw fail("div must be a string, found \(value.kindName)") }
            do {
                try out.raw(XHTMLNarrative.markupToWrite(div))
            } catch let error as FHIRXMLError {
                throw fail("invalid narrative div: \(error.reasonText)")
            }
        case .resource:
            try out.startElement(member.name)
            try writeResource(value, root: false)
            try out.endElement()
        case .complex(let typeIndex):
            guard case .object(let object) = value else {
                throw fail("\(member.name) must be an object, found \(value.kindName)")
            }
            guard let type = layout.type(at: typeIndex) else { throw fail("no definition for type \(member.typeCode)") }
            try out.startElement(member.name)
            try writeContent(object, type: type)
            try out.endElement()
        case .primitive, .attribute:
            throw fail("internal: \(member.name) is not an element")
        }
    }

    func writePrimitives(_ planned: Planned, kind: FHIRPrimitiveKind) throws {
        let member = planned.member
        if member.isArray {
            var values: [FHIRElement] = []
            var extensions: [FHIRElement] = []
            if let value = planned.value {
                guard case .array(let items) = value else {
                    throw fail("\(member.name) repeats: expected an array, found \(value.kindName)")
                }
                values = items
            }
            if let partner = planned.extensions {
                guard case .array(let items) = partner else {
                    throw fail("_\(member.name) must be an array aligned with \(member.name), found \(partner.kindName)")
                }
                extensions = items
            }
            if !values.isEmpty && !extensions.isEmpty && values.count != extensions.count {
                throw fail("\(member.name) has \(values.count) values but _\(member.name) has \(extensions.count) items")
            }
            for i in 0..<max(values.count, extensions.count) {
                try writePrimitive(
                    member.name, value: i < values.count ? values[i] : .null,
                    extensions: i < extensions.count ? extensions[i] : .null, kind: kind)
            }
        } else {
            if case .array = planned.value ?? .null { throw fail("\(member.name) does not repeat: found an array") }
            try writePrimitive(member.name, value: planned.value ?? .null, extensions: planned.extensions ?? .null, kind: kind)
        }
    }

    func writePrimitive(_ name: String, value: FHIRElement, extensions: FHIRElement, kind: FHIRPrimitiveKind) throws {
        let text: String?
        switch (value, kind) {
        case (.null, _): text = nil
        case (.string(let s), .string), (.string(let s), .integer64): text = s
        case (.boolean(let b), .boolean): text = b ? "true" : "false"
        case (.number(let n), .integer), (.number(let n), .decimal): text = n.text
        // R4 has no integer64; R5 writes it as a JSON string, but accept a number too (it is the same XML).
        case (.number(let n), .integer64): text = n.text
        default: throw fail("\(name) must be a JSON \(Self.kindName(kind)), found \(value.kindName)")
        }
        var partner: FHIRObject?
        switch extensions {
        case .null: partner = nil
        case .object(let object): partner = object
        default: throw fail("_\(name) must be an object (id, extension), found \(extensions.kindName)")
        }
        if text == nil && partner == nil { throw fail("\(name) has neither a value nor an id or extension") }
        try out.startElement(name)
        if let id = partner?["id"] {
            guard case .string(let id) = id else { throw fail("_\(name).id must be a string") }
            try out.attribute("id", id)
        }
        if let text { try out.attribute("value", text) }
        if let partner {
            for item in partner where item.key != "id" && item.key != "extension" {
                throw fail("unknown element \"\(item.key)\" in _\(name) (only id and extension)")
            }
            if let extensionList = partner["extension"] {
                guard case .array(let items) = extensionList, let type = layout.extensionType,
                    let member = layout.member("extension", in: type)
                else { throw fail("_\(name).extension must be an array") }
                for item in items { try writeOne(item, member: member) }
            }
        }
        try out.endElement()
    }

    static func kindName(_ kind: FHIRPrimitiveKind) -> String {
        switch kind {
        case .boolean: return "boolean"
        case .integer, .decimal: return "number"
        case .string, .integer64: return "string"
        }
    }
}
