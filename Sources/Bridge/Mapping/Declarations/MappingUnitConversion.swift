import FHIRModel

/// The `ucum` transform's parameters (docs/mappings.md, "Units"): `{ ucum: UNIT }`, `{ ucum: canonical }`, or
/// `{ ucum: { to: UNIT|canonical, unit: FIELD } }` where FIELD is the Shared Data record field holding the unit.
public struct MappingUnitConversion: Sendable, Equatable {
    public enum Target: Sendable, Hashable {
        /// UCUM base units: the value becomes "NUMBER CANONICAL-UNIT" (`12000 g.m-3`).
        case canonical
        /// A UCUM unit: the value becomes the number in that unit.
        case unit(String)
    }

    public var target: Target
    public var targetLocation: SourceLocation
    /// The record field holding each value's unit (Shared Data side only); without one, a value is read as
    /// "NUMBER UNIT" text (or, on the FHIR side, from a Quantity).
    public var unitField: Located<String>?

    static let keys = ["to", "unit"]

    public static func == (a: MappingUnitConversion, b: MappingUnitConversion) -> Bool {
        a.target == b.target && a.targetLocation == b.targetLocation && a.unitField?.value == b.unitField?.value
            && a.unitField?.location == b.unitField?.location
    }

    static func decode(_ node: MappingNode, what: String, _ decoder: MappingDecoder) -> MappingUnitConversion? {
        if node.scalar != nil {
            guard let target = decoder.string(node, what: what) else { return nil }
            return MappingUnitConversion(target: Self.target(target.value), targetLocation: target.location, unitField: nil)
        }
        guard let object = decoder.object(node, known: keys, what: what),
            let toNode = object.required("to", what: what, decoder),
            let target = decoder.string(toNode, what: "\(what) to")
        else { return nil }
        var unitField: Located<String>?
        if let unitNode = object["unit"] {
            guard let field = decoder.string(unitNode, what: "\(what) unit") else { return nil }
            unitField = field
        }
        return MappingUnitConversion(target: Self.target(target.value), targetLocation: target.location, unitField: unitField)
    }

    static func target(_ text: String) -> Target { text == "canonical" ? .canonical : .unit(text) }

    public var description: String {
        let target: String
        switch self.target {
        case .canonical: target = "canonical"
        case .unit(let unit): target = unit
        }
        return unitField.map { "ucum(\(target), unit from \($0.value))" } ?? "ucum(\(target))"
    }
}
