/// A node of the lossless FHIR element tree: the content of a FHIR JSON document, kept exactly as read.
///
/// Numbers keep their literal text (`1.50`, `1.0e0`), objects keep their key order, `null` survives inside
/// primitive-extension arrays, strings are kept exactly. XML is read into the same shape (the JSON form of FHIR),
/// so everything above this layer deals with one tree whatever the wire format.
///
/// It is a value type: arrays and objects are copy-on-write through Swift's `Array`.
public enum FHIRElement: Sendable, Hashable {
    case null
    case boolean(Bool)
    case number(FHIRNumber)
    case string(String)
    case array([FHIRElement])
    case object(FHIRObject)
}

extension FHIRElement {
    /// The object's value for `key`, or nil when this is not an object or has no such key.
    @inlinable
    public subscript(key: String) -> FHIRElement? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The array's item at `index`, or nil when this is not an array or the index is out of range.
    @inlinable
    public subscript(index: Int) -> FHIRElement? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    @inlinable public var objectValue: FHIRObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    @inlinable public var arrayValue: [FHIRElement]? {
        if case .array(let a) = self { return a }
        return nil
    }

    @inlinable public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    @inlinable public var numberValue: FHIRNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    @inlinable public var boolValue: Bool? {
        if case .boolean(let b) = self { return b }
        return nil
    }

    @inlinable public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// `resourceType` of a resource object.
    @inlinable public var resourceType: String? { self["resourceType"]?.stringValue }

    /// A short name of the JSON kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .boolean: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension FHIRElement: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(integerLiteral value: Int) { self = .number(FHIRNumber(value)) }
    public init(arrayLiteral elements: FHIRElement...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    /// Keys keep the literal's order; a repeated key keeps its last value (as `FHIRObject.set` does).
    public init(dictionaryLiteral elements: (String, FHIRElement)...) {
        var object = FHIRObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}
