/// How a FHIRPath name maps to JSON members of an object of a known type.
struct FHIRPathMember: Sendable {
    /// The JSON key (`name`) or, for a choice element, the candidates (`valueQuantity` -> `Quantity`).
    enum Storage: Sendable {
        case plain(jsonName: String, type: String)
        case choice(prefix: String, candidates: [(jsonName: String, type: String)])
    }
    var storage: Storage
}

/// What the engine needs to know about FHIR types. Implemented by the definition tables of a FHIR release;
/// `FHIRPathBuiltinTypes` answers what can be known without them.
protocol FHIRPathTypeModel: Sendable {
    /// The member `name` of an object of `type` (a type name or a backbone path such as `Patient.contact`),
    /// nil when the type is unknown or has no such element.
    func member(_ name: String, of type: String) -> FHIRPathMember?
    /// The type of JSON member `jsonName` (`valueQuantity` gives `Quantity`) of `type`.
    func typeOfJSONMember(_ jsonName: String, of type: String) -> String?
    /// True when the model knows `type` (so that an unknown element name is an error, not an empty result).
    func knowsType(_ type: String) -> Bool
    func isResource(_ name: String) -> Bool
    /// True when `name` is `ancestor` or derives from it (`Patient` from `DomainResource`, `Age` from `Quantity`).
    func isSubtype(_ name: String, of ancestor: String) -> Bool
}
