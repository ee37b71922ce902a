/// What the official R4 or R5 StructureDefinitions say about every resource, datatype, primitive type and backbone
/// element: children in order, cardinality, types, XML representation and the chain of base types.
///
/// `FHIRDefinitions.r4` and `.r5` parse their generated table once, at first use (Swift initialises a static `let`
/// lazily and thread-safely), and are read-only afterwards, so any task may share them.
public final class FHIRDefinitions: Sendable {
    public static let r4 = FHIRDefinitions(version: .r4, table: FHIRDefinitionTables.r4)
    public static let r5 = FHIRDefinitions(version: .r5, table: FHIRDefinitionTables.r5)

    public static func forVersion(_ version: FHIRVersion) -> FHIRDefinitions {
        switch version {
        case .r4: return r4
        case .r5: return r5
        }
    }

    public let version: FHIRVersion
    let types: [String: FHIRTypeDefinition]
    /// What the validator asks of a type code, answered with one look-up (`facts(of:)`).
    let typeFacts: [String: TypeFacts]

    struct TypeFacts: Sendable {
        let type: FHIRTypeDefinition?
        /// `primitiveKind(_:)`'s and `isPrimitive(_:)`'s answers.
        let primitiveKind: FHIRPrimitiveKind?
        let isPrimitive: Bool
        let isResource: Bool
    }
    /// Concrete resource types, sorted.
    public let resourceTypeNames: [String]

    init(version: FHIRVersion, table: String) {
        self.version = version
        let parsed = DefinitionTableParser.parse(table)
        var types: [String: FHIRTypeDefinition] = [:]
        types.reserveCapacity(parsed.count)
        for type in parsed { types[type.name] = type }
        self.types = types
        var facts: [String: TypeFacts] = [:]
        // The same answers as the functions, name for name (a `System.` code is primitive by the system kinds).
        for name in Set(types.keys).union(FHIRDefinitions.systemKinds.keys) {
            let system = name.hasPrefix("System.")
            let type = types[name]
            facts[name] = TypeFacts(
                type: type, primitiveKind: system ? FHIRDefinitions.systemKinds[name] : type?.primitiveKind,
                isPrimitive: system ? FHIRDefinitions.systemKinds[name] != nil : type?.kind == .primitiveType,
                isResource: type?.kind == .resource)
        }
        typeFacts = facts
        resourceTypeNames = parsed.filter { $0.kind == .resource && !$0.isAbstract }.map(\.name).sorted()
    }

    /// A type by name (`Patient`, `HumanName`, `string`) or a backbone element by path (`Patient.contact`).
    public func type(named name: String) -> FHIRTypeDefinition? { types[name] }

    /// `type(named:)`, `primitiveKind(_:)` and `isResource(_:)` of a type code at once; nil for a code no table has.
    func facts(of typeCode: String) -> TypeFacts? { typeFacts[typeCode] }

    /// Every type the tables define, backbone elements included (in no particular order).
    public var allTypes: Dictionary<String, FHIRTypeDefinition>.Values { types.values }

    /// True for resource types, abstract ones (`Resource`, `DomainResource`) included.
    public func isResource(_ name: String) -> Bool { types[name]?.kind == .resource }

    /// True for a type whose JSON value is a scalar: a FHIR primitive type (`string`, `positiveInt`, `xhtml`) or a
    /// FHIRPath system type used for attribute values (`System.String` of `Element.id`).
    public func isPrimitive(_ typeCode: String) -> Bool {
        if typeCode.hasPrefix("System.") { return FHIRDefinitions.systemKinds[typeCode] != nil }
        return types[typeCode]?.kind == .primitiveType
    }

    /// The JSON kind of a primitive's value (`integer` for `positiveInt`, `integer64` for R5's `integer64`), or nil
    /// when `typeCode` is not primitive.
    public func primitiveKind(_ typeCode: String) -> FHIRPrimitiveKind? {
        if typeCode.hasPrefix("System.") { return FHIRDefinitions.systemKinds[typeCode] }
        return types[typeCode]?.primitiveKind
    }

    /// The FHIRPath system type of a primitive (`System.String` for `code`, `System.Integer` for `positiveInt`,
    /// `System.Long` for `integer64`); a system type maps to itself.
    public func systemType(ofPrimitive typeCode: String) -> String? {
        if typeCode.hasPrefix("System.") { return FHIRDefinitions.systemKinds[typeCode] == nil ? nil : typeCode }
        return types[typeCode]?.systemType
    }

    /// The type `name` specializes: `DomainResource` for `Patient`, `Quantity` for `Age`, `Element` (R4) or
    /// `DataType` (R5) for `HumanName`, `BackboneElement` for `Patient.contact`.
    public func baseType(of name: String) -> String? { types[name]?.baseName }

    /// True when `name` is `ancestor` or specializes it, directly or through its bases.
    public func isSubtype(_ name: String, of ancestor: String) -> Bool {
        var current: String? = name
        var steps = 0
        while let type = current, steps < 32 {
            if type == ancestor { return true }
            current = types[type]?.baseName
            steps += 1
        }
        return false
    }

    static let systemKinds: [String: FHIRPrimitiveKind] = [
        "System.String": .string, "System.Boolean": .boolean, "System.Integer": .integer,
        "System.Decimal": .decimal, "System.Date": .string, "System.DateTime": .string, "System.Time": .string,
        "System.Long": .integer64, "System.Quantity": .string,
    ]
}
