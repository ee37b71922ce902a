import FHIRModel

/// An item seen as a System value, the way operators and functions compute with it: FHIR primitives convert to
/// their System types, FHIR Quantities (and Age, Duration, ...) to System.Quantity.
enum FHIRPathSystemValue {
    case boolean(Bool)
    case integer(Int)
    case long(Int)
    case decimal(FHIRPathDecimal)
    case string(String)
    case temporal(FHIRPathTemporal)
    case quantity(FHIRPathQuantity)

    var item: FHIRPathItem {
        switch self {
        case .boolean(let b): return FHIRPathItem(.boolean(b))
        case .integer(let i): return FHIRPathItem(.integer(i))
        case .long(let i): return FHIRPathItem(.long(i))
        case .decimal(let d): return FHIRPathItem(.decimal(d))
        case .string(let s): return FHIRPathItem(.string(s))
        case .temporal(let t): return FHIRPathItem(.temporal(t))
        case .quantity(let q): return FHIRPathItem(.quantity(q))
        }
    }

    /// An Integer, Long or Decimal as a Decimal, for operations that mix them; nil for anything else.
    var number: FHIRPathDecimal? {
        switch self {
        case .integer(let i), .long(let i): return FHIRPathDecimal(i)
        case .decimal(let d): return d
        default: return nil
        }
    }

    var typeLabel: String {
        switch self {
        case .boolean: return "Boolean"
        case .integer: return "Integer"
        case .long: return "Long"
        case .decimal: return "Decimal"
        case .string: return "String"
        case .temporal(let t): return t.kind == .date ? "Date" : (t.kind == .time ? "Time" : "DateTime")
        case .quantity: return "Quantity"
        }
    }
}

extension FHIRPathItem {
    /// The System value of this item, or nil for complex nodes (and primitives without a value).
    var systemValue: FHIRPathSystemValue? {
        switch value {
        case .boolean(let b): return .boolean(b)
        case .integer(let i): return .integer(i)
        case .long(let i): return .long(i)
        case .decimal(let d): return .decimal(d)
        case .string(let s): return .string(s)
        case .temporal(let t): return .temporal(t)
        case .quantity(let q): return .quantity(q)
        case .node(let node):
            return FHIRPathItem.systemValue(of: node.element, type: node.type)
        case .extendedNode(let extended):
            return FHIRPathItem.systemValue(of: extended.node.element, type: extended.node.type)
        }
    }

    static func systemValue(of element: FHIRElement, type: String?) -> FHIRPathSystemValue? {
        switch element {
        case .null, .array: return nil
        case .boolean(let b): return .boolean(b)
        case .number(let n):
            if type == "decimal" || !n.isInteger {
                return FHIRPathDecimal(n.text).map { .decimal($0) }
            }
            if let i = n.intValue { return type == "integer64" ? .long(i) : .integer(i) }
            return FHIRPathDecimal(n.text).map { .decimal($0) }
        case .string(let s):
            switch type {
            case "date": return FHIRPathTemporal.parse(s, kind: .date).map { .temporal($0) } ?? .string(s)
            case "dateTime", "instant":
                return FHIRPathTemporal.parse(s, kind: .dateTime).map { .temporal($0) } ?? .string(s)
            case "time": return FHIRPathTemporal.parse(s, kind: .time).map { .temporal($0) } ?? .string(s)
            case "integer64": return Int(s).map { .long($0) } ?? .string(s)
            case "decimal": return FHIRPathDecimal(s).map { .decimal($0) } ?? .string(s)
            default: return .string(s)
            }
        case .object(let o):
            guard let type, type == "Quantity" || FHIRPathBuiltinTypes.quantitySubtypes.contains(type) else {
                return nil
            }
            guard let number = o["value"]?.numberValue, let value = FHIRPathDecimal(number.text) else { return nil }
            var unit = "1"
            if let code = o["code"]?.stringValue, o["system"]?.stringValue == "http://unitsofmeasure.org" {
                unit = code
            } else if let u = o["unit"]?.stringValue ?? o["code"]?.stringValue {
                unit = u
            }
            return .quantity(FHIRPathQuantity(value: value, unit: unit))
        }
    }

    /// For a number node no Decimal can hold (an exponent beyond nine digits, `1e-9000000000`), the error that
    /// says so, for operations that would otherwise report a mere type mismatch; nil for every other item.
    var numberOutOfRange: FHIRPathEvaluationError? {
        guard let node = value.node, case .number(let number) = node.element, FHIRPathDecimal(number.text) == nil
        else { return nil }
        return FHIRPathEvaluationError("decimal \(number.text) is outside the range FHIRPath computes in")
    }

    /// Whether this is a tree node holding an object (a complex type or resource).
    var isComplexNode: Bool {
        if let n = value.node, case .object = n.element { return true }
        return false
    }
}
