import FHIRModel

/// A tree node as an item holds it: the node and its FHIR type code (`HumanName`, `string`, `Patient`, a backbone
/// element's path `Patient.contact`), nil when unknown.
struct FHIRPathNode: Sendable, Hashable {
    var element: FHIRElement
    var type: String?
}

/// A primitive node with its extension object (`_name` in JSON), boxed: rare, and kept out of the item's inline
/// payload so that the common item stays small (see `FHIRPathItem.Value`).
final class FHIRPathExtendedNode: Sendable, Hashable {
    let node: FHIRPathNode
    let primitiveExtension: FHIRElement

    init(node: FHIRPathNode, primitiveExtension: FHIRElement) {
        self.node = node
        self.primitiveExtension = primitiveExtension
    }

    static func == (a: FHIRPathExtendedNode, b: FHIRPathExtendedNode) -> Bool {
        a.node == b.node && a.primitiveExtension == b.primitiveExtension
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(node)
        hasher.combine(primitiveExtension)
    }
}

/// One item of a FHIRPath collection: a node of the element tree with its FHIR type (and its primitive extension,
/// `_name`, if any), or a System value computed by the expression (`'a'`, `1`, `@2014`, `4 'mg'`).
public struct FHIRPathItem: Sendable, Hashable {
    /// Items are copied everywhere, so the payloads are kept to a node and its type (about four words): above
    /// that size the compiler copies and destroys the enum through its value witnesses, generic code that cost
    /// several hundred instructions per copy. Larger and rarer values are boxed.
    enum Value: Sendable, Hashable {
        case node(FHIRPathNode)
        /// A node with a primitive extension (a node without one is always `.node`).
        case extendedNode(FHIRPathExtendedNode)
        case boolean(Bool)
        case integer(Int)
        case long(Int)
        case string(String)
        // Boxed: a Decimal (16-byte aligned), a date-time (ten fields) and a Quantity would make every item, most
        // of which are tree nodes, twice as large and slower to copy.
        indirect case decimal(FHIRPathDecimal)
        indirect case temporal(FHIRPathTemporal)
        indirect case quantity(FHIRPathQuantity)

        @inline(__always)
        static func node(_ element: FHIRElement, type: String?, primitiveExtension: FHIRElement?) -> Value {
            let node = FHIRPathNode(element: element, type: type)
            guard let primitiveExtension else { return .node(node) }
            return .extendedNode(FHIRPathExtendedNode(node: node, primitiveExtension: primitiveExtension))
        }

        /// The tree node, with or without a primitive extension.
        @inline(__always)
        var node: FHIRPathNode? {
            switch self {
            case .node(let node): return node
            case .extendedNode(let extended): return extended.node
            default: return nil
            }
        }

        /// The primitive extension of a tree node, when it has one.
        @inline(__always)
        var primitiveExtension: FHIRElement? {
            if case .extendedNode(let extended) = self { return extended.primitiveExtension }
            return nil
        }
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
        value.node?.element
    }

    /// The FHIR type code of a tree node (`HumanName`, `string`), when known.
    public var fhirType: String? {
        value.node?.type
    }

    /// The `_name` object of a primitive node, when it has one.
    public var primitiveExtension: FHIRElement? {
        value.primitiveExtension
    }

    /// The item as FHIR JSON: primitives as JSON primitives, dates and times as strings, System.Quantity as
    /// `{"value": n, "unit": "u"}`, elements as objects.
    public var jsonValue: FHIRElement {
        switch value {
        case .node(let n): return n.element
        case .extendedNode(let x): return x.node.element
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
        case .node, .extendedNode:
            let n = value.node!
            let e = n.element
            if let t = n.type {
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
