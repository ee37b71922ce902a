import FHIRModel

/// The type model backed by a release's definition tables: exact members, choice types and the type hierarchy.
/// Members are indexed once per release so that navigation is one dictionary lookup.
final class FHIRPathDefinitionsModel: FHIRPathTypeModel {
    let definitions: FHIRDefinitions
    private let members: [String: [String: FHIRPathMember]]

    static let r4 = FHIRPathDefinitionsModel(definitions: .r4)
    static let r5 = FHIRPathDefinitionsModel(definitions: .r5)

    init(definitions: FHIRDefinitions) {
        self.definitions = definitions
        var members: [String: [String: FHIRPathMember]] = [:]
        for type in definitions.allTypes {
            var table: [String: FHIRPathMember] = [:]
            for element in type.elements {
                let codes = element.typeCodes.map(FHIRPathDefinitionsModel.fhirTypeCode)
                if element.isChoice {
                    let candidates = zip(element.typeCodes, codes).map {
                        FHIRPathMember.Slot(jsonName: element.jsonName(forChoiceType: $0.0), type: $0.1)
                    }
                    table[element.name] = FHIRPathMember(storage: .choice(prefix: element.name, candidates: candidates))
                } else {
                    table[element.name] = FHIRPathMember(
                        storage: .plain(FHIRPathMember.Slot(jsonName: element.name, type: codes.first ?? "Element")))
                }
            }
            members[type.name] = table
        }
        self.members = members
    }

    /// `System.String` (the type of `id` and `url` attributes) is read as a FHIR string.
    static func fhirTypeCode(_ code: String) -> String {
        switch code {
        case "System.String": return "string"
        case "System.Boolean": return "boolean"
        case "System.Integer": return "integer"
        case "System.Decimal": return "decimal"
        case "System.Date": return "date"
        case "System.DateTime": return "dateTime"
        case "System.Time": return "time"
        default: return code
        }
    }

    func member(_ name: String, of type: String) -> FHIRPathMember? { members[type]?[name] }

    func typeOfJSONMember(_ jsonName: String, of type: String) -> String? {
        definitions.type(named: type)?.element(named: jsonName).map { FHIRPathDefinitionsModel.fhirTypeCode($0.typeCode) }
    }

    func knowsType(_ type: String) -> Bool { members[type] != nil }

    // These two scan every type's members (a lookup each): they are asked only at compile time, for steps through
    // an abstract type or from an unknown focus, and an index of member names would cost every process's start.

    func subtypes(of ancestor: String, havingMember name: String) -> [String] {
        // The tables alone: `isSubtype`'s fallback would take a backbone path (`Patient.contact`) for a resource.
        members.compactMap { type, table in
            table[name] != nil && type != ancestor && definitions.isSubtype(type, of: ancestor) ? type : nil
        }.sorted()
    }

    func someTypeHasMember(_ name: String) -> Bool { members.values.contains { $0[name] != nil } }

    func isResource(_ name: String) -> Bool { definitions.isResource(name) }

    func isSubtype(_ name: String, of ancestor: String) -> Bool {
        if definitions.isSubtype(name, of: ancestor) { return true }
        // Names the tables do not have (R4 has no `Base`): fall back to the fixed hierarchy.
        return FHIRPathUntypedModel().isSubtype(name, of: ancestor)
    }
}
