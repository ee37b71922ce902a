/// One child of a FHIR type, as its StructureDefinition snapshot defines it.
public struct FHIRElementDefinition: Sendable, Hashable {
    /// How the element is written in XML when it is not an ordinary element.
    public enum Representation: String, Sendable, Hashable {
        case xmlAttr, xhtml, xmlText, typeAttr, cdaText
    }

    /// The element's name without `[x]`: `value` for `value[x]`, `given`, `contact`.
    public let name: String
    /// A choice element (`value[x]`): its JSON name is `name` followed by one of `typeCodes`, capitalised.
    public let isChoice: Bool
    public let min: Int
    /// The maximum cardinality in this definition: `"0"`, `"1"`, `"*"`, ...
    public let max: String
    /// The maximum cardinality in the element's base definition, which decides whether JSON writes an array.
    public let baseMax: String
    /// Type codes: FHIR types (`Quantity`, `string`), FHIRPath system types for values that are attributes
    /// (`System.String` for `Element.id`), or for a backbone element and a contentReference the path of the type
    /// that defines its children (`Patient.contact`, `Questionnaire.item`).
    public let typeCodes: [String]
    public let representation: Representation?
    /// True when the element re-uses another element's definition (`Questionnaire.item.item` -> `Questionnaire.item`).
    public let isContentReference: Bool

    public init(
        name: String, isChoice: Bool, min: Int, max: String, baseMax: String? = nil, typeCodes: [String],
        representation: Representation? = nil, isContentReference: Bool = false
    ) {
        self.name = name
        self.isChoice = isChoice
        self.min = min
        self.max = max
        self.baseMax = baseMax ?? max
        self.typeCodes = typeCodes
        self.representation = representation
        self.isContentReference = isContentReference
    }

    /// Whether JSON holds this element as an array. FHIR's JSON rule looks at the base definition: an element that
    /// repeats there is an array even where a profile (or a constraint such as `xhtml.extension`) limits it to one.
    public var isArray: Bool { baseMax != "0" && baseMax != "1" }

    /// The JSON property name for one of the choice's types: `value` + `Quantity` -> `valueQuantity`.
    public func jsonName(forChoiceType typeCode: String) -> String {
        guard isChoice else { return name }
        return name + FHIRElementDefinition.capitalised(typeCode)
    }

    static func capitalised(_ typeCode: String) -> String {
        guard let first = typeCode.first else { return typeCode }
        return first.uppercased() + typeCode.dropFirst()
    }
}
