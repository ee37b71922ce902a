/// A FHIR type with its children in definition order: a resource, a datatype, a primitive type or a backbone
/// element (named by its path, `Patient.contact`).
public final class FHIRTypeDefinition: Sendable {
    public enum Kind: String, Sendable, Hashable {
        case primitiveType, complexType, resource, backboneElement, logical
    }

    public let name: String
    public let kind: Kind
    /// The type this one specializes (`DomainResource` for `Patient`, `Quantity` for `Age`); for a backbone element
    /// `BackboneElement` or `Element`; nil for the roots.
    public let baseName: String?
    public let isAbstract: Bool
    /// Children in definition order (which is the canonical JSON and the required XML order).
    public let elements: [FHIRElementDefinition]
    /// For primitive types: the FHIRPath system type of the value and the JSON kind the value must have.
    public let systemType: String?
    public let primitiveKind: FHIRPrimitiveKind?

    /// JSON property name -> (index into `elements`, type code), choice names expanded.
    let jsonNames: [String: JSONName]

    struct JSONName: Sendable {
        var index: Int
        var typeCode: String
    }

    public init(
        name: String, kind: Kind, baseName: String?, isAbstract: Bool, elements: [FHIRElementDefinition],
        systemType: String? = nil, primitiveKind: FHIRPrimitiveKind? = nil
    ) {
        self.name = name
        self.kind = kind
        self.baseName = baseName
        self.isAbstract = isAbstract
        self.elements = elements
        self.systemType = systemType
        self.primitiveKind = primitiveKind
        var names: [String: JSONName] = [:]
        names.reserveCapacity(elements.count * 2)
        for (index, element) in elements.enumerated() where !element.isChoice {
            names[element.name] = JSONName(index: index, typeCode: element.typeCodes.first ?? "")
        }
        // Plain names win over a choice expansion that happens to spell the same word.
        for (index, element) in elements.enumerated() where element.isChoice {
            for code in element.typeCodes where names[element.jsonName(forChoiceType: code)] == nil {
                names[element.jsonName(forChoiceType: code)] = JSONName(index: index, typeCode: code)
            }
        }
        jsonNames = names
    }

    /// The element behind a JSON property name and the type it has there: `valueQuantity` -> (`value[x]`,
    /// `Quantity`), `given` -> (`given`, `string`), `contact` -> (`contact`, `Patient.contact`). Nil when the type has
    /// no such element. `_name` (a primitive's extension part) is not an element: look up `name`.
    public func element(named jsonName: String) -> (definition: FHIRElementDefinition, typeCode: String)? {
        guard let entry = jsonNames[jsonName] else { return nil }
        return (elements[entry.index], entry.typeCode)
    }

    /// Every JSON property name of the type's elements, choice names expanded (`valueQuantity`, `given`), in no
    /// particular order: for code that decides once per name what it will do with every member of that name.
    public var jsonPropertyNames: [String] { Array(jsonNames.keys) }

    /// The position of a JSON property in canonical order: the element's index, with `_name` beside `name` and
    /// `resourceType` (for resources) before everything (-1). Nil for unknown properties.
    public func orderIndex(ofJSONName jsonName: String) -> Int? {
        if let entry = jsonNames[jsonName] { return entry.index }
        if jsonName.utf8.first == UInt8(ascii: "_") {
            return jsonNames[String(jsonName.dropFirst())]?.index
        }
        if kind == .resource && jsonName == "resourceType" { return -1 }
        return nil
    }

    /// The element definition by its name in the definition (`value` for `value[x]`).
    public func elementDefinition(named name: String) -> FHIRElementDefinition? {
        elements.first { $0.name == name }
    }
}
