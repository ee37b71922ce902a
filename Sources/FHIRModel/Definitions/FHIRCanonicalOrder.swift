/// Reorders a resource tree into FHIR definition order: `resourceType` first, then the elements in the order their
/// StructureDefinition lists them, `_name` right after `name`, members the definitions do not know kept at the end in
/// their original order. Contained resources and Bundle entries are ordered by their own type, extensions by
/// Extension's definition, backbone elements by theirs.
///
/// Only member order changes: values (number texts, strings, nulls) are untouched, so the result reads back as the
/// same tree with its objects sorted. A tree already in order comes back as it was, without being copied: the walk
/// only checks it (the merge and the converters reorder every resource they touch, most of them already ordered).
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
        return reordered(object, type: type) ?? object
    }

    /// Adds a member the object does not have, at its place in definition order, and puts this one object's members
    /// in order if they were not; what is under them is left as it is. For code that adds to a tree: checking the
    /// level it changes costs a dozen look-ups where a walk of the whole tree costs a hundred (the merge adds an
    /// identifier or an extension to most resources it links).
    public func insert(key: String, value: FHIRElement, into object: inout FHIRObject, asType typeName: String) {
        guard let type = definitions.type(named: typeName) else {
            object.appendUnchecked(key: key, value: value)
            return
        }
        let rank = Self.slot(of: key, in: type).rank
        var previousRank = Int.min
        var place = object.count
        for index in object.indices {
            let memberRank = Self.slot(of: object[index].key, in: type).rank
            guard memberRank >= previousRank else {
                object.appendUnchecked(key: key, value: value)
                object.sortMembers { key in Self.slot(of: key, in: type).rank }
                return
            }
            previousRank = memberRank
            if memberRank > rank && place == object.count { place = index }
        }
        object.insertUnchecked(key: key, value: value, at: place)
    }

    /// Where a member named `key` goes in an object of type `typeName` (its rank among the members, unknown members
    /// last) and its value's type (nil when unknown), or nil when the type is unknown. For code that builds objects
    /// in order from parts it holds (the merge's emit templates) rather than sorting each object it builds.
    public func slot(of key: String, inType typeName: String) -> (rank: Int, childType: String?)? {
        definitions.type(named: typeName).map { Self.slot(of: key, in: $0) }
    }

    /// Where a member goes and what type its value has, from one look-up of its definition: `resourceType`
    /// first, then `name` before `_name` at the element's position, unknown members last; the type is the
    /// element's (`Element` for `_name`, a primitive's id and extensions), nil for unknown members.
    static func slot(of key: String, in type: FHIRTypeDefinition) -> (rank: Int, childType: String?) {
        let underscored = key.utf8.first == UInt8(ascii: "_")
        if let entry = underscored ? type.jsonNames[String(key.dropFirst())] : type.jsonNames[key] {
            return underscored ? (entry.index * 2 + 1, "Element") : (entry.index * 2, entry.typeCode)
        }
        return (type.kind == .resource && key == "resourceType" ? -2 : Int.max, nil)
    }

    /// The object in order, or nil when it (and everything under it) already is. Each member's definition is
    /// looked up once, for its rank and, when its value is an object or an array, its type.
    func reordered(_ object: FHIRObject, type: FHIRTypeDefinition) -> FHIRObject? {
        var result: FHIRObject?
        var previousRank = Int.min
        var inOrder = true
        for index in object.indices {
            let member = object[index]
            let (rank, childType) = Self.slot(of: member.key, in: type)
            if rank < previousRank { inOrder = false }
            previousRank = rank
            switch member.value {
            case .object, .array:
                guard let childType, let ordered = reorderedValue(member.value, childTypeName: childType)
                else { continue }
                if result == nil { result = object }
                result!.replaceValue(at: index, with: ordered)
            default:
                continue  // scalars need no ordering
            }
        }
        if !inOrder {
            if result == nil { result = object }
            result!.sortMembers { key in Self.slot(of: key, in: type).rank }
        }
        return result
    }

    /// An object or array value of the given element type in order, or nil when it already is.
    func reorderedValue(_ value: FHIRElement, childTypeName: String) -> FHIRElement? {
        // System types (`System.String` of `Element.id`) have no definition: scalars, like primitive types.
        guard let childType = definitions.type(named: childTypeName), childType.kind != .primitiveType else { return nil }
        let isResource = childType.kind == .resource
        func one(_ item: FHIRElement) -> FHIRElement? {
            guard case .object(let object) = item else { return nil }
            if isResource {
                guard let resourceType = object["resourceType"]?.stringValue, let itemType = definitions.type(named: resourceType)
                else { return nil }
                return reordered(object, type: itemType).map(FHIRElement.object)
            }
            return reordered(object, type: childType).map(FHIRElement.object)
        }
        guard case .array(let items) = value else { return one(value) }
        var result: [FHIRElement]?
        for index in items.indices {
            if let ordered = one(items[index]) {
                if result == nil { result = items }
                result![index] = ordered
            }
        }
        return result.map(FHIRElement.array)
    }
}
