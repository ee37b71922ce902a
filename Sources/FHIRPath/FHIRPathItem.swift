import FHIRModel

/// One item of a FHIRPath collection: a node of the element tree with its FHIR type (and its primitive extension,
/// `_name`, if any), or a System value computed by the expression (`'a'`, `1`, `@2014`, `4 'mg'`).
public struct FHIRPathItem: Sendable, Hashable {
    enum Value: Sendable, Hashable {
        /// A tree node. `type` is the FHIR type code (`HumanName`, `string`, `Patient`, a backbone element's path
        /// `Patient.contact`), nil when unknown. `primitiveExtension` is the `_name` object of a primitive.
        case node(FHIRElement, type: String?, primitiveExtension: FHIRElement?)
        case boolean(Bool)
        case integer(Int)
        case long(Int)
        case decimal(FHIRPathDecimal)
        case string(String)
        case temporal(FHIRPathTemporal)
        case quantity(FHIRPathQuantity)
    }

    var value: Value

    init(_ value: Value) { self.value = value }

    /// A node of the tree. `type` is its FHIR type code when known (`Patient`, `HumanName`, `string`).
    public static func element(_ value: FHIRElement, type: String?) -> FHIRPathItem {
        FHIRPathItem(.node(value, type: type ?? value.resourceType, primitiveExtension: nil))
    }

    /// A node of the tree with its primitive extension object (`_name` in JSON).
    public static func element(_ value: FHIRElement, type: String?, primitiveExtension: FHIRElement?) -> FHIRPathItem {
        FHIRPathItem(.node(value, type: type ?? value.resourceType, primitiveExtension: primitiveExtension))
    }

    public static func string(_ s: String) -> FHIRPathItem { FHIRPathItem(.string(s)) }
    public static func integer(_ i: Int) -> FHIRPathItem { FHIRPathItem(.integer(i)) }
    public static func boolean(_ b: Bool) -> FHIRPathItem { FHIRPathItem(.boolean(b)) }

    /// A decimal from its text (`1.50`); nil when the text is not a number.
    public static func decimal(text: String) -> FHIRPathItem? {
        FHIRPathDecimal(text).map { FHIRPathItem(.decimal($0)) }
    }

    /// A date, date-time or time from FHIR's lexical form (`2014-01-25`, `2014-01-25T10:00:00Z`, `T10:00`).
    public static func temporal(text: String) -> FHIRPathItem? {
        FHIRPathTemporal.parse(text).map { FHIRPathItem(.temporal($0)) }
    }

    /// A System.Quantity; nil when `value` is not a number.
    public static func quantity(value: String, unit: String) -> FHIRPathItem? {
        FHIRPathDecimal(value).map { FHIRPathItem(.quantity(FHIRPathQuantity(value: $0, unit: unit))) }
    }

    /// The tree node, when this item is one.
    public var element: FHIRElement? {
        if case .node(let e, _, _) = value { return e }
        return nil
    }

    /// The FHIR type code of a tree node (`HumanName`, `string`), when known.
    public var fhirType: String? {
        if case .node(_, let t, _) = value { return t }
        return nil
    }

    /// The `_name` object of a primitive node, when it has one.
    public var primitiveExtension: FHIRElement? {
        if case .node(_, _, let x) = value { return x }
        return nil
    }

    /// The item as FHIR JSON: primitives as JSON primitives, dates and times as strings, System.Quantity as
    /// `{"value": n, "unit": "u"}`, elements as objects.
    public var jsonValue: FHIRElement {
        switch value {
        case .node(let e, _, _): return e
        case .boolean(let b): return .boolean(b)
        case .integer(let i), .long(let i): return .number(FHIRNumber(i))
        case .decimal(let d): return .number(FHIRNumber(unchecked: d.description))
        case .string(let s): return .string(s)
        case .temporal(let t): return .string(t.description)
        case .quantity(let q):
            var o = FHIRObject()
            o.appendUnchecked(key: "value", value: .number(FHIRNumber(unchecked: q.value.description)))
            o.appendUnchecked(key: "unit", value: .string(q.unit))
            return .object(o)
        }
    }

    /// `FHIR.string`, `FHIR.HumanName`, `System.Integer`, ...
    public var typeName: String {
        switch value {
        case .node(let e, let t, _):
            if let t {
                if t.contains(".") { return "FHIR.BackboneElement" }
                return "FHIR." + t
            }
            switch e {
            case .boolean: return "System.Boolean"
            case .number(let n): return n.isInteger ? "System.Integer" : "System.Decimal"
            case .string: return "System.String"
            default: return "FHIR.Element"
            }
        case .boolean: return "System.Boolean"
        case .integer: return "System.Integer"
        case .long: return "System.Long"
        case .decimal: return "System.Decimal"
        case .string: return "System.String"
        case .temporal(let t):
            switch t.kind {
            case .date: return "System.Date"
            case .dateTime: return "System.DateTime"
            case .time: return "System.Time"
            }
        case .quantity: return "System.Quantity"
        }
    }
}
