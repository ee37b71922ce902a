/// How a FHIRPath name maps to JSON members of an object of a known type.
struct FHIRPathMember: Sendable {
    /// One JSON member a name can be stored in, with what navigation needs precomputed: the names are compared
    /// for every object visited, so nothing is derived from them at evaluation time.
    struct Slot: Sendable {
        /// The JSON key (`code`, `valueQuantity`).
        let jsonName: String
        /// `_jsonName`, the primitive-extension sibling, when the type is a primitive (nil otherwise: complex
        /// values have no such sibling, so it is not looked for).
        let extensionName: String?
        /// `_jsonName` whatever the type: a choice element's value may exist as an extension alone.
        let underscoredName: String
        /// The FHIR type code of the member (`CodeableConcept`, `string`, `Quantity`).
        let type: String
        /// True when the member is typed as an abstract resource (`contained`, `Bundle.entry.resource`): its
        /// values' own `resourceType` then names their type.
        let holdsResources: Bool

        init(jsonName: String, type: String) {
            self.jsonName = jsonName
            self.type = type
            underscoredName = "_" + jsonName
            extensionName = FHIRPathBuiltinTypes.primitiveTypes.contains(type) ? underscoredName : nil
            holdsResources = type == "Resource" || type == "DomainResource"
        }
    }

    /// The JSON key (`name`) or, for a choice element, the candidates (`valueQuantity` -> `Quantity`).
    enum Storage: Sendable {
        case plain(Slot)
        case choice(prefix: String, candidates: [Slot])
    }
    var storage: Storage

    /// The FHIR types a value of this member may have.
    var types: [String] {
        switch storage {
        case .plain(let slot): return [slot.type]
        case .choice(_, let candidates): return candidates.map(\.type)
        }
    }
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
    /// The types deriving from `ancestor` (an abstract `Resource`, `DomainResource`) that have the member `name`,
    /// `ancestor` itself excluded: a path through `ancestor` may reach `name` on items of these types.
    func subtypes(of ancestor: String, havingMember name: String) -> [String]
    /// False when no type the model knows has the member `name`, so that on a focus of unknown type (which may
    /// be of any type) the name can only ever give nothing; true when some type has it or the model cannot tell.
    func someTypeHasMember(_ name: String) -> Bool
}
