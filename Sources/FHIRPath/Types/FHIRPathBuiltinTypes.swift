/// Type knowledge that needs no definition tables: the primitive and complex data type names (to read choice
/// elements such as `valueQuantity`), and the fixed parts of the type hierarchy.
enum FHIRPathBuiltinTypes {
    /// The static type of items that may be any JSON at all, not only FHIR (a caller's `%variable`, `type()`'s
    /// TypeInfo, a focus declared non-FHIR): names on them are taken as they come, never checked against the
    /// definitions. (Static only: no item has it as its type.)
    static let anything = "System.Any"

    static let primitiveTypes: Set<String> = [
        "base64Binary", "boolean", "canonical", "code", "date", "dateTime", "decimal", "id", "instant", "integer",
        "integer64", "markdown", "oid", "positiveInt", "string", "time", "unsignedInt", "uri", "url", "uuid", "xhtml",
    ]

    /// Primitive types whose System value is their JSON string unchanged (no date, time or number parsing).
    static let plainStringTypes: Set<String> = [
        "base64Binary", "canonical", "code", "id", "markdown", "oid", "string", "uri", "url", "uuid", "xhtml",
    ]

    static let complexTypes: Set<String> = [
        "Address", "Age", "Annotation", "Attachment", "CodeableConcept", "CodeableReference", "Coding",
        "ContactDetail", "ContactPoint", "Contributor", "Count", "DataRequirement", "Distance", "Dosage", "Duration",
        "Expression", "ExtendedContactDetail", "Extension", "HumanName", "Identifier", "Meta", "Money",
        "MoneyQuantity", "Narrative", "ParameterDefinition", "Period", "Quantity", "Range", "Ratio", "RatioRange",
        "Reference", "RelatedArtifact", "SampledData", "Signature", "SimpleQuantity", "Timing", "TriggerDefinition",
        "UsageContext", "Availability", "VirtualServiceDetail", "MarketingStatus", "ProductShelfLife",
        "Population", "ProdCharacteristic", "SubstanceAmount", "ElementDefinition", "BackboneElement", "Element",
        "BackboneType", "DataType", "PrimitiveType",
    ]

    /// Choice suffix (`Quantity`, `String`, `DateTime`) to type code (`Quantity`, `string`, `dateTime`).
    static let typeForChoiceSuffix: [String: String] = {
        var map: [String: String] = [:]
        for p in primitiveTypes { map[p.prefix(1).uppercased() + p.dropFirst()] = p }
        for c in complexTypes { map[c] = c }
        return map
    }()

    static let quantitySubtypes: Set<String> = ["Age", "Count", "Distance", "Duration", "MoneyQuantity", "SimpleQuantity"]

    static let stringLikePrimitives: Set<String> = [
        "string", "code", "id", "uri", "url", "canonical", "oid", "uuid", "markdown", "base64Binary", "xhtml",
    ]

    /// The System type a FHIR primitive converts to for comparison and arithmetic.
    static func systemType(ofPrimitive code: String) -> String? {
        switch code {
        case "boolean": return "Boolean"
        case "integer", "positiveInt", "unsignedInt": return "Integer"
        case "integer64": return "Long"
        case "decimal": return "Decimal"
        case "date": return "Date"
        case "dateTime", "instant": return "DateTime"
        case "time": return "Time"
        default: return stringLikePrimitives.contains(code) ? "String" : nil
        }
    }

    /// Parents that hold whatever tables are loaded: enough for `is(Resource)`, `is(Quantity)`, `is(string)` of
    /// `code`, and the primitive hierarchy.
    static func builtinParent(of name: String) -> String? {
        if quantitySubtypes.contains(name) { return "Quantity" }
        switch name {
        case "code", "id", "markdown": return "string"
        case "url", "canonical", "oid", "uuid": return "uri"
        case "positiveInt", "unsignedInt": return "integer"
        case "instant", "date", "time", "dateTime", "string", "boolean", "decimal", "integer", "integer64", "uri",
            "base64Binary", "xhtml":
            return "PrimitiveType"
        case "PrimitiveType", "BackboneElement", "DataType", "BackboneType": return "Element"
        case "Element", "Resource": return "Base"
        case "DomainResource", "Bundle", "Binary", "Parameters": return "Resource"
        default:
            if complexTypes.contains(name) { return "DataType" }
            return nil
        }
    }
}

/// The model used when no definition tables are loaded: members are read from the JSON as they come, typed by
/// their choice suffix or `resourceType` when there is one.
struct FHIRPathUntypedModel: FHIRPathTypeModel {
    func member(_ name: String, of type: String) -> FHIRPathMember? { nil }
    func typeOfJSONMember(_ jsonName: String, of type: String) -> String? { nil }
    func knowsType(_ type: String) -> Bool { false }
    func subtypes(of ancestor: String, havingMember name: String) -> [String] { [] }
    func someTypeHasMember(_ name: String) -> Bool { true }
    func isResource(_ name: String) -> Bool {
        guard let first = name.first, first.isUppercase else { return false }
        return FHIRPathBuiltinTypes.complexTypes.contains(name) == false
    }
    func isSubtype(_ name: String, of ancestor: String) -> Bool {
        var current: String? = name
        while let c = current {
            if c == ancestor { return true }
            if let parent = FHIRPathBuiltinTypes.builtinParent(of: c) {
                current = parent
            } else if isResource(c) && !["DomainResource", "Resource", "Base"].contains(c) {
                current = "DomainResource"
            } else {
                current = nil
            }
        }
        return false
    }
}
