/// One output column: a FHIRPath expression evaluated against the current node.
public struct ViewColumn: Sendable, Equatable {
    public var name: String
    public var path: String
    /// The FHIR type hint (`string`, `integer`, `http://hl7.org/fhir/StructureDefinition/decimal`, ...), if given.
    public var type: String?
    /// True when the column holds an array of every value the path returns.
    public var collection: Bool
    public var description: String?
    public var tags: [ViewColumnTag]

    public init(
        name: String, path: String, type: String? = nil, collection: Bool = false, description: String? = nil,
        tags: [ViewColumnTag] = []
    ) {
        self.name = name
        self.path = path
        self.type = type
        self.collection = collection
        self.description = description
        self.tags = tags
    }

    /// The type hint reduced to its FHIR type name: the `http://hl7.org/fhir/StructureDefinition/` prefix dropped.
    public var typeName: String? {
        guard let type else { return nil }
        let prefix = "http://hl7.org/fhir/StructureDefinition/"
        return type.hasPrefix(prefix) ? String(type.dropFirst(prefix.count)) : type
    }

    /// The value of the first tag called `name` (e.g. `ansi/type`), if any.
    public func tag(_ name: String) -> String? { tags.first { $0.name == name }?.value }
}

/// Free-form metadata on a column, such as a database type hint (`ansi/type` = `DATE`).
public struct ViewColumnTag: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
