/// Reads FHIR XML from an `XMLStreamReader` into the element tree, in the shape of the official JSON: arrays and
/// JSON kinds (boolean, number, string) from the definition tables, `value` attributes merged with `id` and
/// extensions into `name` / `_name` (arrays aligned with nulls), resource wrappers unwrapped, the XHTML `div` as a
/// string. Unknown elements, text where a value attribute belongs and (unless lenient) elements out of definition
/// order are errors at their line:column.
final class FHIRXMLDecoder {
    static let xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

    let layout: FHIRXMLLayout
    let reader: XMLStreamReader
    let strictOrder: Bool
    let diagnostics: DiagnosticsCollector?
    /// When set, the root Bundle's entries are handed here (with the Bundle read so far) instead of being kept.
    var entryHandler: ((FHIRObject, FHIRElement) throws -> Void)?

    init(layout: FHIRXMLLayout, reader: XMLStreamReader, strictOrder: Bool, diagnostics: DiagnosticsCollector?) {
        self.layout = layout
        self.reader = reader
        self.strictOrder = strictOrder
        self.diagnostics = diagnostics
    }

    func readDocument() throws -> FHIRElement {
        while try reader.read() {
            switch reader.nodeType {
            case .element:
                let resource = try readResource(isRoot: true)
                while try reader.read() {
                    switch reader.nodeType {
                    case .comment, .processingInstruction, .whitespace, .significantWhitespace: continue
                    default: throw reader.failure(.malformed("content after the root element"))
                    }
                }
                return resource
            case .comment, .processingInstruction, .whitespace, .significantWhitespace, .xmlDeclaration: continue
            default: throw reader.failure(.malformed("unexpected \(reader.nodeType) before the root element"))
            }
        }
        throw FHIRXMLError(reason: .malformed("no root element"), line: 1, column: 1, source: reader.source)
    }

    func readResource(isRoot: Bool) throws -> FHIRElement {
        let name = reader.localName
        guard reader.namespaceIs("http://hl7.org/fhir") else {
            throw reader.failure(.wrongNamespace(element: name, namespace: reader.namespaceURI ?? "(none)"))
        }
        guard let type = layout.type(name), type.isConcreteResource else {
            throw reader.failure(.notAResource(name))
        }
        var object = FHIRObject(minimumCapacity: 8)
        object.appendUnchecked(key: "resourceType", value: .string(name))
        try readAttributes(of: name, type: type, into: &object, isRoot: isRoot)
        if reader.isEmptyElement { return .object(object) }
        try readChildren(into: &object, type: type, elementName: name, streamEntries: isRoot && entryHandler != nil)
        return .object(object)
    }

    /// `id` (and `url` on extensions) become members, `id` first; namespace declarations are skipped.
    func readAttributes(of element: String, type: FHIRXMLLayout.TypeLayout, into object: inout FHIRObject, isRoot: Bool) throws {
        guard reader.moveToFirstAttribute() else { return }
        var id: String?
        var others: [(String, String)] = []
        repeat {
            if reader.isNamespaceDeclaration { continue }
            let name = reader.localName
            if reader.namespaceURI != nil {
                if isRoot, reader.namespaceIs("http://www.w3.org/2001/XMLSchema-instance") { continue }
                reader.moveToElement()
                throw reader.failure(.unknownAttribute(reader.qualifiedName, element: element))
            }
            guard let member = layout.member(name, in: type), case .attribute = member.form else {
                reader.moveToElement()
                throw reader.failure(.unknownAttribute(name, element: element))
            }
            if name == "id" { id = reader.value ?? "" } else { others.append((name, reader.value ?? "")) }
        } while reader.moveToNextAttribute()
        reader.moveToElement()
        if let id { object.appendUnchecked(key: "id", value: .string(id)) }
        for (name, value) in others { object.appendUnchecked(key: name, value: .string(value)) }
    }

    /// Collects consecutive elements of one name into one JSON member (and its `_name` partner).
    struct Group {
        let member: FHIRXMLLayout.Member
        var values: [FHIRElement] = []
        var extensions: [FHIRElement] = []
        var hasValue = false
        var hasExtension = false
    }

    func readChildren(
        into object: inout FHIRObject, type: FHIRXMLLayout.TypeLayout, elementName: String, streamEntries: Bool = false
    ) throws {
        var group: Group?
        var lastOrder = -1
        var reordered = false
        while try reader.read() {
            switch reader.nodeType {
            case .element:
                let name = reader.localName
                guard let member = layout.member(name, in: type) else {
                    if !reader.namespaceIs("http://hl7.org/fhir") && !reader.namespaceIs("http://www.w3.org/1999/xhtml") {
                        throw reader.failure(.wrongNamespace(element: name, namespace: reader.namespaceURI ?? "(none)"))
                    }
                    throw reader.failure(.unknownElement(name, parent: elementName))
                }
                if case .xhtml = member.form {
                    guard reader.namespaceIs("http://www.w3.org/1999/xhtml") else {
                        throw reader.failure(.invalidXHTML("<\(name)> must be in the XHTML namespace \(XHTMLNarrative.namespace)"))
                    }
                } else if !reader.namespaceIs("http://hl7.org/fhir") {
                    throw reader.failure(.wrongNamespace(element: name, namespace: reader.namespaceURI ?? "(none)"))
                }
                if case .attribute = member.form { throw reader.failure(.unknownElement(name, parent: elementName)) }
                if let current = group, current.member.name == name {
                    if !member.isArray { throw reader.failure(.repeated(name, parent: elementName)) }
                } else {
                    if let finished = group { flush(finished, into: &object) }
                    if member.order <= lastOrder {
                        let previous = object.last?.key ?? ""
                        if member.order == lastOrder && !strictOrder && object[name] == nil {
                            throw reader.failure(.repeated(name, parent: elementName))  // two types of one choice
                        }
                        if strictOrder {
                            if member.order == lastOrder && object[name] == nil {
                                throw reader.failure(.malformed("<\(name)> and <\(previous)> are two types of one choice element in \(elementName)"))
                            }
                            throw reader.failure(.outOfOrder(name, after: previous.hasPrefix("_") ? String(previous.dropFirst()) : previous, parent: elementName))
                        }
                        reordered = true
                        diagnostics?.warning(
                            "element <\(name)> is out of definition order in \(elementName); reordered",
                            source: reader.source, line: reader.nodeLine)
                    }
                    lastOrder = max(lastOrder, member.order)
                    group = Group(member: member)
                }
                try readMember(member, elementName: name, into: &group!, object: &object, streamEntries: streamEntries)
            case .endElement:
                if let finished = group { flush(finished, into: &object) }
                if reordered {
                    object.sortMembers { key in
                        if key == "resourceType" { return -2 }
                        let isPartner = key.utf8.first == UInt8(ascii: "_")
                        let name = isPartner ? String(key.dropFirst()) : key
                        guard let member = self.layout.member(name, in: type) else { return -1 }
                        if case .attribute = member.form { return -1 }
                        return member.order * 2 + (isPartner ? 1 : 0)
                    }
                }
                return
            case .text, .cdata:
                throw reader.failure(.textContent(element: elementName))
            case .whitespace, .significantWhitespace, .comment, .processingInstruction:
                continue
            default:
                throw reader.failure(.malformed("unexpected \(reader.nodeType) in <\(elementName)>"))
            }
        }
        throw reader.failure(.malformed("unexpected end of document inside <\(elementName)>"))
    }

    func readMember(
        _ member: FHIRXMLLayout.Member, elementName name: String, into group: inout Group, object: inout FHIRObject,
        streamEntries: Bool
    ) throws {
        switch member.form {
        case .primitive(let kind):
            let (value, partner) = try readPrimitive(name, kind: kind)
            group.values.append(value ?? .null)
            group.extensions.append(partner.map { .object($0) } ?? .null)
            if value != nil { group.hasValue = true }
            if partner != nil { group.hasExtension = true }
        case .xhtml:
            group.values.append(.string(try XHTMLNarrative.read(from: reader)))
            group.hasValue = true
        case .resource:
            group.values.append(try readResourceWrapper(name))
            group.hasValue = true
        case .complex(let typeIndex):
            guard let type = layout.type(at: typeIndex) else {
                throw reader.failure(.malformed("no definition for the type of <\(name)>"))
            }
            var child = FHIRObject()
            try readAttributes(of: name, type: type, into: &child, isRoot: false)
            if !reader.isEmptyElement { try readChildren(into: &child, type: type, elementName: name) }
            if streamEntries, name == "entry", let entryHandler {
                try entryHandler(object, .object(child))
            } else {
                group.values.append(.object(child))
                group.hasValue = true
            }
        case .attribute:
            throw reader.failure(.unknownElement(name, parent: name))
        }
    }

    func flush(_ group: Group, into object: inout FHIRObject) {
        let name = group.member.name
        if group.member.isArray {
            if group.hasValue { append(name, .array(group.values), into: &object) }
            if group.hasExtension { append("_" + name, .array(group.extensions), into: &object) }
        } else {
            if group.hasValue, let value = group.values.first { append(name, value, into: &object) }
            if group.hasExtension, let partner = group.extensions.first { append("_" + name, partner, into: &object) }
        }
    }

    /// Appends, or (only when reading leniently out-of-order XML) extends an earlier run of the same element.
    func append(_ key: String, _ value: FHIRElement, into object: inout FHIRObject) {
        if !strictOrder, let existing = object[key] {
            if case .array(let earlier) = existing, case .array(let later) = value {
                object[key] = .array(earlier + later)
                return
            }
        }
        object.appendUnchecked(key: key, value: value)
    }

    /// Reads `<name value="..." id="...">` and its extensions; returns the JSON value and the `_name` object.
    func readPrimitive(_ name: String, kind: FHIRPrimitiveKind) throws -> (FHIRElement?, FHIRObject?) {
        var valueText: String?
        var id: String?
        if reader.moveToFirstAttribute() {
            repeat {
                if reader.isNamespaceDeclaration { continue }
                let attribute = reader.localName
                if reader.namespaceURI == nil && attribute == "value" {
                    valueText = reader.value ?? ""
                } else if reader.namespaceURI == nil && attribute == "id" {
                    id = reader.value ?? ""
                } else {
                    let qualified = reader.qualifiedName
                    reader.moveToElement()
                    throw reader.failure(.unknownAttribute(qualified, element: name))
                }
            } while reader.moveToNextAttribute()
            reader.moveToElement()
        }
        var value: FHIRElement?
        if let valueText { value = try convert(valueText, kind: kind, element: name) }
        var partner: FHIRObject?
        if let id {
            partner = FHIRObject()
            partner!.appendUnchecked(key: "id", value: .string(id))
        }
        if !reader.isEmptyElement {
            var extensions: [FHIRElement] = []
            let extensionType = layout.extensionType
            loop: while try reader.read() {
                switch reader.nodeType {
                case .element:
                    let child = reader.localName
                    guard child == "extension", reader.namespaceIs("http://hl7.org/fhir"), let extensionType else {
                        throw reader.failure(.unknownElement(child, parent: name))
                    }
                    var object = FHIRObject()
                    try readAttributes(of: child, type: extensionType, into: &object, isRoot: false)
                    if !reader.isEmptyElement { try readChildren(into: &object, type: extensionType, elementName: child) }
                    extensions.append(.object(object))
                case .endElement: break loop
                case .text, .cdata: throw reader.failure(.textContent(element: name))
                case .whitespace, .significantWhitespace, .comment, .processingInstruction: continue
                default: throw reader.failure(.malformed("unexpected \(reader.nodeType) in <\(name)>"))
                }
            }
            if !extensions.isEmpty {
                if partner == nil { partner = FHIRObject() }
                partner!.appendUnchecked(key: "extension", value: .array(extensions))
            }
        }
        if value == nil && partner == nil { throw reader.failure(.missingValue(element: name)) }
        return (value, partner)
    }

    func convert(_ text: String, kind: FHIRPrimitiveKind, element: String) throws -> FHIRElement {
        switch kind {
        case .string:
            return .string(text)
        case .boolean:
            if text == "true" { return .boolean(true) }
            if text == "false" { return .boolean(false) }
            throw reader.failure(.invalidValue(element: element, value: text, expected: "boolean (true or false)"))
        case .integer:
            guard let number = FHIRNumber(text), number.isInteger else {
                throw reader.failure(.invalidValue(element: element, value: text, expected: "integer"))
            }
            return .number(number)
        case .decimal:
            guard let number = FHIRNumber(text) else {
                throw reader.failure(.invalidValue(element: element, value: text, expected: "decimal"))
            }
            return .number(number)
        case .integer64:
            // R5 carries integer64 as a JSON string, to keep every digit.
            guard let number = FHIRNumber(text), number.isInteger else {
                throw reader.failure(.invalidValue(element: element, value: text, expected: "integer64"))
            }
            return .string(text)
        }
    }

    /// `<contained>`, `<resource>`, `<outcome>`: exactly one resource element inside.
    func readResourceWrapper(_ name: String) throws -> FHIRElement {
        if reader.attributeCount > 0, reader.moveToFirstAttribute() {
            repeat {
                if !reader.isNamespaceDeclaration {
                    let qualified = reader.qualifiedName
                    reader.moveToElement()
                    throw reader.failure(.unknownAttribute(qualified, element: name))
                }
            } while reader.moveToNextAttribute()
            reader.moveToElement()
        }
        guard !reader.isEmptyElement else { throw reader.failure(.expectedResource(element: name)) }
        var resource: FHIRElement?
        while try reader.read() {
            switch reader.nodeType {
            case .element:
                if resource != nil { throw reader.failure(.expectedResource(element: name)) }
                resource = try readResource(isRoot: false)
            case .endElement:
                guard let resource else { throw reader.failure(.expectedResource(element: name)) }
                return resource
            case .text, .cdata: throw reader.failure(.textContent(element: name))
            case .whitespace, .significantWhitespace, .comment, .processingInstruction: continue
            default: throw reader.failure(.malformed("unexpected \(reader.nodeType) in <\(name)>"))
            }
        }
        throw reader.failure(.malformed("unexpected end of document inside <\(name)>"))
    }
}
