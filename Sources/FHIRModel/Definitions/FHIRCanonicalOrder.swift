/// Reorders a resource tree into FHIR definition order: `resourceType` first, then the elements in the order their
/// StructureDefinition lists them, `_name` right after `name`, members the definitions do not know kept at the end in
/// their original order. Contained resources and Bundle entries are ordered by their own type, extensions by
/// Extension's definition, backbone elements by theirs.
///
/// Only member order changes: values (number texts, strings, nulls) are untouched, so the result reads back as the
/// same tree with its objects sorted.
public struct FHIRCanonicalOrder: Sendable {
    public let definitions: FHIRDefinitions

    public init(definitions: FHIRDefinitions) { self.definitions = definitions }

    /// A resource (ordered by its `resourceType`), or an array of resources; anything else comes back unchanged.
    public func reorder(_ element: FHIRElement) -> FHIRElement {
        switch element {
        case .object(let object):
            guard let resourceType = object["resourceType"]?.stringValue else { return element }
            return .object(reorder(object, asType: resourceType))
        case .array(let items):
            return .array(items.map(reorder))
        default:
            return element
        }
    }

    /// An object of a known type (`Patient`, `HumanName`, `Patient.contact`).
    public func reorder(_ element: FHIRElement, asType typeName: String) -> FHIRElement {
        guard case .object(let object) = element else { return element }
        return .object(reorder(object, asType: typeName))
    }

    func reorder(_ object: FHIRObject, asType typeName: String) -> FHIRObject {
        guard let type = definitions.type(named: typeName) else { return object }
        var result = object
        result.sortMembers { key in FHIRCanonicalOrder.rank(of: key, in: type) }
        for index in result.indices {
            let member = result[index]
            let ordered = reorderValue(member.value, key: member.key, in: type)
            result.replaceValue(at: index, with: ordered)
        }
        return result
    }

    /// `resourceType` first, then `name` before `_name` at the element's position; unknown members last.
    static func rank(of key: String, in type: FHIRTypeDefinition) -> Int {
        guard let index = type.orderIndex(ofJSONName: key) else { return Int.max }
        return index * 2 + (key.utf8.first == UInt8(ascii: "_") ? 1 : 0)
    }

    func reorderValue(_ value: FHIRElement, key: String, in type: FHIRTypeDefinition) -> FHIRElement {
        let childType: String
        if key.utf8.first == UInt8(ascii: "_") {
            // A primitive's id and extensions: ordered as Element.
            childType = "Element"
        } else if let (_, typeCode) = type.element(named: key) {
            if definitions.isPrimitive(typeCode) { return value }
            childType = typeCode
        } else {
            return value
        }
        let isResource = definitions.isResource(childType)
        func one(_ item: FHIRElement) -> FHIRElement {
            guard case .object(let object) = item else { return item }
            if isResource {
                guard let resourceType = object["resourceType"]?.stringValue else { return item }
                return .object(reorder(object, asType: resourceType))
            }
            return .object(reorder(object, asType: childType))
        }
        if case .array(let items) = value { return .array(items.map(one)) }
        return one(value)
    }
}
