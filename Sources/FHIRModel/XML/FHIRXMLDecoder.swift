import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads FHIR XML from an `XMLStreamReader` into the element tree, in the shape of the official JSON: arrays and
/// JSON kinds (boolean, number, string) from the definition tables, `value` attributes merged with `id` and
/// extensions into `name` / `_name` (arrays aligned with nulls), resource wrappers unwrapped, the XHTML `div` as a
/// string. Unknown elements, text where a value attribute belongs and (unless lenient) elements out of definition
/// order are errors at their line:column.
///
/// For speed it works as the JSON reader does, with the JSON reader's working set (`JSONParserScratch`, borrowed
/// from its pool): an object's members and an array's items are collected on stacks and moved into exactly sized
/// arrays when the element closes, and values are made into strings through its table of recent strings. Element
/// names are looked up by the bytes libxml2 hands over, never made into strings (except for error messages).
struct FHIRXMLDecoder: ~Copyable {
    static let xsiNamespace: StaticString = "http://www.w3.org/2001/XMLSchema-instance"

    let layout: FHIRXMLLayout
    let reader: XMLStreamReader
    let strictOrder: Bool
    let diagnostics: DiagnosticsCollector?
    /// When set, the root Bundle's entries are handed here (with the Bundle read so far) instead of being kept.
    var entryHandler: ((FHIRObject, FHIRElement) throws -> Void)?
    private var scratch: JSONParserScratch

    init(layout: FHIRXMLLayout, reader: XMLStreamReader, strictOrder: Bool, diagnostics: DiagnosticsCollector?) {
        self.layout = layout
        self.reader = reader
        self.strictOrder = strictOrder
        self.diagnostics = diagnostics
        scratch = JSONParserScratch.take()
    }

    deinit {
        // Emptied by the pool, also after an error left things on the stacks.
        JSONParserScratch.giveBack(scratch)
    }

    /// Consecutive elements of one name, becoming one JSON member (and its `_name` partner): their values wait on
    /// the item stack from `itemsBase`.
    struct Group {
        var active = false
        var member = 0
        var itemsBase = 0
        var count = 0
        var hasValue = false
        /// `_name` items, made (with nulls for the items before) only once one of them has an id or extension.
        var partners: [FHIRElement]?

        mutating func add(partner: FHIRObject?) {
            if let partner {
                if partners == nil { partners = Array(repeating: .null, count: count) }
                partners!.append(.object(partner))
            } else if partners != nil {
                partners!.append(.null)
            }
            count += 1
        }
    }

    mutating func readDocument() throws -> FHIRElement {
        while try reader.read() {
            switch reader.current.type {
            case .element:
                let resource = try readResource(isRoot: true)
                while try reader.read() {
                    switch reader.current.type {
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

    mutating func readResource(isRoot: Bool) throws -> FHIRElement {
        let event = reader.current
        guard reader.isFHIR(event.uri) else {
            throw reader.failure(.wrongNamespace(element: reader.localName, namespace: reader.namespaceURI ?? "(none)"))
        }
        guard let name = event.name, let type = layout.type(utf8: name, count: Int(event.nameCount)), type.isConcreteResource else {
            throw reader.failure(.notAResource(reader.localName))
        }
        let base = scratch.members.count
        scratch.members.push(FHIRObject.Member(key: "resourceType", value: .string(type.name)))
        try readAttributes(of: type.name, type: type, event: event, isRoot: isRoot)
        if !event.isEmpty {
            try readChildren(type: type, elementName: type.name, base: base, streamEntries: isRoot && entryHandler != nil)
        }
        return .object(FHIRObject(members: scratch.members.popArray(from: base)))
    }

    /// The string for bytes libxml2 checked are UTF-8.
    @inline(__always) private func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return "" }
        return scratch.strings.string(start, bytes.count)
    }

    private func qualifiedName(_ attribute: XMLStreamReader.Attribute) -> String {
        let local = attribute.name.map { String(cString: $0) } ?? ""
        guard let prefix = attribute.prefix else { return local }
        return String(cString: prefix) + ":" + local
    }

    /// `id` (and `url` on extensions) become members, `id` first; namespace declarations are skipped.
    mutating func readAttributes(
        of element: String, type: FHIRXMLLayout.TypeLayout, event: XMLStreamReader.Event, isRoot: Bool
    ) throws {
        guard event.count > 0 else { return }
        var id: String?
        var other: (String, String)?
        var more: [(String, String)] = []
        for attribute in reader.attributes(of: event) {
            if attribute.isNamespaceDeclaration { continue }
            if let uri = attribute.uri {
                if isRoot,
                    strcmp(UnsafeRawPointer(uri).assumingMemoryBound(to: CChar.self),
                           UnsafeRawPointer(FHIRXMLDecoder.xsiNamespace.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
                {
                    continue
                }
                throw reader.failure(.unknownAttribute(qualifiedName(attribute), element: element))
            }
            guard let name = attribute.name,
                let index = type.memberIndex(utf8: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))),
                case .attribute = type.members[index].form
            else {
                throw reader.failure(.unknownAttribute(qualifiedName(attribute), element: element))
            }
            let value = string(reader.bytes(of: attribute))
            let key = type.members[index].name
            if key == "id" {
                id = value
            } else if other == nil {
                other = (key, value)
            } else {
                more.append((key, value))
            }
        }
        if let id { scratch.members.push(FHIRObject.Member(key: "id", value: .string(id))) }
        if let other { scratch.members.push(FHIRObject.Member(key: other.0, value: .string(other.1))) }
        for (key, value) in more { scratch.members.push(FHIRObject.Member(key: key, value: .string(value))) }
    }

    /// True when the object on the member stack from `base` has `key`.
    private func has(_ key: String, from base: Int) -> Bool {
        for i in base..<scratch.members.count where scratch.members.base[i].key == key { return true }
        return false
    }

    /// Reads the children of the element just read, onto the member stack above `base`, up to its end tag.
    mutating func readChildren(
        type: FHIRXMLLayout.TypeLayout, elementName: String, base: Int, streamEntries: Bool = false
    ) throws {
        var group = Group()
        var lastOrder = -1
        var reordered = false
        while try reader.read() {
            let event = reader.current
            switch event.type {
            case .element:
                guard let nameBytes = event.name,
                    let index = type.memberIndex(utf8: nameBytes, count: Int(event.nameCount))
                else {
                    if !reader.isFHIR(event.uri) && !reader.isXHTML(event.uri) {
                        throw reader.failure(.wrongNamespace(element: reader.localName, namespace: reader.namespaceURI ?? "(none)"))
                    }
                    throw reader.failure(.unknownElement(reader.localName, parent: elementName))
                }
                let member = type.members[index]
                let name = member.name
                if case .xhtml = member.form {
                    guard reader.isXHTML(event.uri) else {
                        throw reader.failure(.invalidXHTML("<\(name)> must be in the XHTML namespace \(XHTMLNarrative.namespace)"))
                    }
                } else if !reader.isFHIR(event.uri) {
                    throw reader.failure(.wrongNamespace(element: name, namespace: reader.namespaceURI ?? "(none)"))
                }
                if case .attribute = member.form { throw reader.failure(.unknownElement(name, parent: elementName)) }
                if group.active && group.member == index {
                    if !member.isArray { throw reader.failure(.repeated(name, parent: elementName)) }
                } else {
                    if group.active { flush(&group, type: type, base: base) }
                    if member.order <= lastOrder {
                        let previous = scratch.members.count > base ? scratch.members.base[scratch.members.count - 1].key : ""
                        let present = has(name, from: base)
                        if member.order == lastOrder && !strictOrder && !present {
                            throw reader.failure(.repeated(name, parent: elementName))  // two types of one choice
                        }
                        if strictOrder {
                            if member.order == lastOrder && !present {
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
                    group = Group(active: true, member: index, itemsBase: scratch.items.count)
                }
                try readMember(member, event: event, into: &group, base: base, streamEntries: streamEntries)
            case .endElement:
                if group.active { flush(&group, type: type, base: base) }
                if reordered { reorder(type: type, base: base) }
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

    /// Lenient reading: the members above `base` into definition order (`_name` after `name`).
    private mutating func reorder(type: FHIRXMLLayout.TypeLayout, base: Int) {
        var object = FHIRObject(members: scratch.members.popArray(from: base))
        object.sortMembers { key in
            if key == "resourceType" { return -2 }
            let isPartner = key.utf8.first == UInt8(ascii: "_")
            let name = isPartner ? String(key.dropFirst()) : key
            guard let member = self.layout.member(name, in: type) else { return -1 }
            if case .attribute = member.form { return -1 }
            return member.order * 2 + (isPartner ? 1 : 0)
        }
        for member in object { scratch.members.push(member) }
    }

    mutating func readMember(
        _ member: FHIRXMLLayout.Member, event: XMLStreamReader.Event, into group: inout Group, base: Int,
        streamEntries: Bool
    ) throws {
        switch member.form {
        case .primitive(let kind):
            let (value, partner) = try readPrimitive(member.name, kind: kind, event: event)
            scratch.items.push(value ?? .null)
            if value != nil { group.hasValue = true }
            group.add(partner: partner)
        case .xhtml:
            scratch.items.push(.string(try XHTMLNarrative.read(from: reader)))
            group.hasValue = true
            group.add(partner: nil)
        case .resource:
            scratch.items.push(try readResourceWrapper(member.name, event: event))
            group.hasValue = true
            group.add(partner: nil)
        case .complex(let typeIndex):
            guard let type = layout.type(at: typeIndex) else {
                throw reader.failure(.malformed("no definition for the type of <\(member.name)>"))
            }
            let childBase = scratch.members.count
            try readAttributes(of: member.name, type: type, event: event, isRoot: false)
            if !event.isEmpty { try readChildren(type: type, elementName: member.name, base: childBase) }
            let child = FHIRObject(members: scratch.members.popArray(from: childBase))
            if streamEntries, member.name == "entry", let entryHandler {
                let header = FHIRObject(members: Array(UnsafeBufferPointer(
                    start: scratch.members.base + base, count: scratch.members.count - base)))
                try entryHandler(header, .object(child))
            } else {
                scratch.items.push(.object(child))
                group.hasValue = true
                group.add(partner: nil)
            }
        case .attribute:
            throw reader.failure(.unknownElement(member.name, parent: member.name))
        }
    }

    mutating func flush(_ group: inout Group, type: FHIRXMLLayout.TypeLayout, base: Int) {
        let member = type.members[group.member]
        if member.isArray {
            if group.hasValue {
                append(member.name, .array(scratch.items.popArray(from: group.itemsBase)), base: base)
            } else {
                scratch.items.pop(group.itemsBase)
            }
            if let partners = group.partners { append(member.partnerName, .array(partners), base: base) }
        } else {
            // One item (a repeat is refused): moved off the stack rather than copied.
            if group.hasValue, scratch.items.count == group.itemsBase + 1 {
                append(member.name, scratch.items.popLast(), base: base)
            } else {
                scratch.items.pop(group.itemsBase)
            }
            if let partner = group.partners?.first { append(member.partnerName, partner, base: base) }
        }
        group.active = false
    }

    /// Appends, or (only when reading leniently out-of-order XML) extends an earlier run of the same element.
    mutating func append(_ key: String, _ value: FHIRElement, base: Int) {
        if !strictOrder {
            for i in base..<scratch.members.count where scratch.members.base[i].key == key {
                if case .array(let earlier) = scratch.members.base[i].value, case .array(let later) = value {
                    scratch.members.base[i].value = .array(earlier + later)
                    return
                }
            }
        }
        scratch.members.push(FHIRObject.Member(key: key, value: value))
    }

    @inline(__always) private func isNamed(_ name: UnsafePointer<xmlChar>, _ interned: UnsafePointer<xmlChar>, _ text: StaticString) -> Bool {
        name == interned || strcmp(
            UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self),
            UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }

    /// Reads `<name value="..." id="...">` and its extensions; returns the JSON value and the `_name` object.
    mutating func readPrimitive(
        _ name: String, kind: FHIRPrimitiveKind, event: XMLStreamReader.Event
    ) throws -> (FHIRElement?, FHIRObject?) {
        var value: FHIRElement?
        var id: String?
        for attribute in reader.attributes(of: event) {
            if attribute.isNamespaceDeclaration { continue }
            if attribute.uri == nil, let local = attribute.name {
                if isNamed(local, reader.valueName, "value") {
                    value = try convert(reader.bytes(of: attribute), kind: kind, element: name)
                    continue
                }
                if isNamed(local, reader.idName, "id") {
                    id = string(reader.bytes(of: attribute))
                    continue
                }
            }
            throw reader.failure(.unknownAttribute(qualifiedName(attribute), element: name))
        }
        var partner: FHIRObject?
        if let id {
            partner = FHIRObject()
            partner!.appendUnchecked(key: "id", value: .string(id))
        }
        if !event.isEmpty {
            let itemsBase = scratch.items.count
            loop: while try reader.read() {
                let child = reader.current
                switch child.type {
                case .element:
                    guard let extensionType = layout.extensionType, let childName = child.name,
                        isNamed(childName, reader.extensionName, "extension"), reader.isFHIR(child.uri)
                    else {
                        throw reader.failure(.unknownElement(reader.localName, parent: name))
                    }
                    let objectBase = scratch.members.count
                    try readAttributes(of: "extension", type: extensionType, event: child, isRoot: false)
                    if !child.isEmpty { try readChildren(type: extensionType, elementName: "extension", base: objectBase) }
                    scratch.items.push(.object(FHIRObject(members: scratch.members.popArray(from: objectBase))))
                case .endElement: break loop
                case .text, .cdata: throw reader.failure(.textContent(element: name))
                case .whitespace, .significantWhitespace, .comment, .processingInstruction: continue
                default: throw reader.failure(.malformed("unexpected \(reader.nodeType) in <\(name)>"))
                }
            }
            if scratch.items.count > itemsBase {
                if partner == nil { partner = FHIRObject() }
                partner!.appendUnchecked(key: "extension", value: .array(scratch.items.popArray(from: itemsBase)))
            }
        }
        if value == nil && partner == nil { throw reader.failure(.missingValue(element: name)) }
        return (value, partner)
    }

    @inline(__always) private static func isInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && (bytes.isEmpty || memcmp(bytes.baseAddress!, text.utf8Start, bytes.count) == 0)
    }

    func convert(_ bytes: UnsafeBufferPointer<UInt8>, kind: FHIRPrimitiveKind, element: String) throws -> FHIRElement {
        switch kind {
        case .string:
            return .string(string(bytes))
        case .boolean:
            if FHIRXMLDecoder.equals(bytes, "true") { return .boolean(true) }
            if FHIRXMLDecoder.equals(bytes, "false") { return .boolean(false) }
            throw reader.failure(.invalidValue(element: element, value: string(bytes), expected: "boolean (true or false)"))
        case .integer:
            guard FHIRNumber.isValidLiteral(bytes), FHIRXMLDecoder.isInteger(bytes) else {
                throw reader.failure(.invalidValue(element: element, value: string(bytes), expected: "integer"))
            }
            return .number(FHIRNumber(unchecked: string(bytes)))
        case .decimal:
            guard FHIRNumber.isValidLiteral(bytes) else {
                throw reader.failure(.invalidValue(element: element, value: string(bytes), expected: "decimal"))
            }
            return .number(FHIRNumber(unchecked: string(bytes)))
        case .integer64:
            // R5 carries integer64 as a JSON string, to keep every digit.
            guard FHIRNumber.isValidLiteral(bytes), FHIRXMLDecoder.isInteger(bytes) else {
                throw reader.failure(.invalidValue(element: element, value: string(bytes), expected: "integer64"))
            }
            return .string(string(bytes))
        }
    }

    /// `<contained>`, `<resource>`, `<outcome>`: exactly one resource element inside.
    mutating func readResourceWrapper(_ name: String, event: XMLStreamReader.Event) throws -> FHIRElement {
        for attribute in reader.attributes(of: event) where !attribute.isNamespaceDeclaration {
            throw reader.failure(.unknownAttribute(qualifiedName(attribute), element: name))
        }
        guard !event.isEmpty else { throw reader.failure(.expectedResource(element: name)) }
        var resource: FHIRElement?
        while try reader.read() {
            switch reader.current.type {
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
