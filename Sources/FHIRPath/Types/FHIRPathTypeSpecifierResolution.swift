import FHIRModel

/// A type name resolved against the FHIR and System namespaces, for `is`, `as` and `ofType`.
struct FHIRPathResolvedType: Sendable, Hashable {
    enum Namespace: Sendable, Hashable { case system, fhir }

    static let systemTypes: Set<String> = [
        "Boolean", "String", "Integer", "Long", "Decimal", "Date", "DateTime", "Time", "Quantity", "Any",
    ]

    var namespace: Namespace
    var name: String

    /// Unqualified names are looked up in FHIR first, then System (`Quantity` is FHIR's, `Boolean` System's).
    static func resolve(_ specifier: FHIRPathTypeSpecifier, model: any FHIRPathTypeModel) throws -> FHIRPathResolvedType {
        switch specifier.namespace {
        case "System"?:
            return FHIRPathResolvedType(namespace: .system, name: specifier.name)
        case "FHIR"?:
            return FHIRPathResolvedType(namespace: .fhir, name: specifier.name)
        case let other?:
            throw FHIRPathCompileError(message: "unknown type namespace '\(other)'", range: specifier.range)
        case nil:
            let name = specifier.name
            if FHIRPathBuiltinTypes.primitiveTypes.contains(name) || FHIRPathBuiltinTypes.complexTypes.contains(name)
                || model.knowsType(name)
            {
                return FHIRPathResolvedType(namespace: .fhir, name: name)
            }
            if systemTypes.contains(name) { return FHIRPathResolvedType(namespace: .system, name: name) }
            // Without tables, an unknown capitalised name may still be a resource type; with tables, or for a
            // lower-case name (primitive types are all known), it is an error.
            let hasTables = model.knowsType("Patient")
            if hasTables || name.first?.isLowercase == true {
                throw FHIRPathCompileError(message: "unknown type '\(name)'", range: specifier.range)
            }
            return FHIRPathResolvedType(namespace: .fhir, name: name)
        }
    }

    /// True when a tree node of FHIR type `typeCode` (`Quantity`, `string`, `Patient.contact`) is of this type.
    func matches(typeCode type: String, model: any FHIRPathTypeModel, exactPrimitive: Bool) -> Bool {
        if namespace == .system { return name == "Any" }
        if FHIRObject.sameKey(type, name) { return true }
        let actual = type.contains(".") ? "BackboneElement" : type
        if exactPrimitive && FHIRPathBuiltinTypes.primitiveTypes.contains(actual) { return actual == name }
        return model.isSubtype(actual, of: name)
    }

    /// True when `item` is of this type or a subtype.
    /// `exactPrimitive`: a FHIR primitive matches only its own type (`code` is not `as(string)`), as `as` and
    /// `ofType` require; `is` accepts subtypes.
    func matches(_ item: FHIRPathItem, model: any FHIRPathTypeModel, exactPrimitive: Bool = false) -> Bool {
        switch item.value {
        case .node, .extendedNode:
            let node = item.value.node!
            let element = node.element
            guard let type = node.type else {
                // Untyped JSON: primitives behave as System values, objects only match by resourceType.
                guard namespace == .system else { return false }
                switch element {
                case .boolean: return name == "Boolean"
                case .number(let n): return name == (n.isInteger ? "Integer" : "Decimal")
                case .string: return name == "String"
                default: return false
                }
            }
            return matches(typeCode: type, model: model, exactPrimitive: exactPrimitive)
        case .quantity:
            return name == "Quantity" || (namespace == .system && name == "Any")
        default:
            guard namespace == .system else { return false }
            return name == "Any" || item.typeName == "System." + name
        }
    }
}
