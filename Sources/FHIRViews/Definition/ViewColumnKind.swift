/// What a column holds, derived from its `type` hint and `collection` flag: it decides the SQL column type and how
/// a value is written to text.
public enum ViewColumnKind: Sendable, Equatable {
    case boolean
    case integer
    case decimal
    /// string, code, id, uri, date, dateTime, ... : FHIR primitives written as JSON strings.
    case text
    /// A complex FHIR type (Coding, Quantity, a backbone element): written as JSON.
    case complex
    /// `collection: true`: an array of values, written as JSON.
    case collection
    /// No type hint: whatever the path returns.
    case unspecified

    public init(_ column: ViewColumn) {
        if column.collection {
            self = .collection
            return
        }
        guard let type = column.typeName else {
            self = .unspecified
            return
        }
        switch type {
        case "boolean": self = .boolean
        case "integer", "positiveInt", "unsignedInt", "integer64": self = .integer
        case "decimal": self = .decimal
        case "string", "code", "id", "uri", "url", "canonical", "oid", "uuid", "markdown", "base64Binary", "date",
            "dateTime", "instant", "time", "xhtml":
            self = .text
        default:
            // FHIR primitive type names start with a lower-case letter; complex types and backbone paths do not.
            if let first = type.unicodeScalars.first, first.properties.isLowercase { self = .text } else { self = .complex }
        }
    }

    /// Declared type in SQLite. Columns without a hint get none, so SQLite keeps each value's own type.
    public var sqliteType: String {
        switch self {
        case .boolean, .integer: return "INTEGER"
        case .decimal: return "REAL"
        case .text, .complex, .collection: return "TEXT"
        case .unspecified: return ""
        }
    }

    /// Column type in PostgreSQL: numeric keeps a decimal's exact digits; JSON goes to jsonb.
    public var postgresType: String {
        switch self {
        case .boolean: return "boolean"
        case .integer: return "bigint"
        case .decimal: return "numeric"
        case .text, .unspecified: return "text"
        case .complex, .collection: return "jsonb"
        }
    }
}
