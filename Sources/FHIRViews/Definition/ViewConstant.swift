import FHIRModel

/// A named value usable as `%name` in every path of the view.
public struct ViewConstant: Sendable, Equatable {
    public var name: String
    /// The FHIR type from the `value[x]` suffix, e.g. `string`, `base64Binary`, `positiveInt`.
    public var type: String
    /// The JSON value exactly as written.
    public var value: FHIRElement

    public init(name: String, type: String, value: FHIRElement) {
        self.name = name
        self.type = type
        self.value = value
    }

    /// The `value[x]` types a constant may have, with the JSON kind each one must be written as.
    public static let valueTypes: [(type: String, kind: JSONKind)] = [
        ("base64Binary", .string), ("boolean", .boolean), ("canonical", .string), ("code", .string),
        ("date", .string), ("dateTime", .string), ("decimal", .number), ("id", .string), ("instant", .string),
        ("integer", .integer), ("integer64", .integer64), ("oid", .string), ("string", .string),
        ("positiveInt", .positiveInteger), ("time", .string), ("unsignedInt", .unsignedInteger), ("uri", .string),
        ("url", .string), ("uuid", .string),
    ]

    public enum JSONKind: Sendable {
        case string, boolean, number, integer, positiveInteger, unsignedInteger
        /// integer64 is written as a JSON string in FHIR R5 (and as a number by some tools): both are read.
        case integer64
    }
}
