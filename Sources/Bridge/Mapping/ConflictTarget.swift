import FHIRModel

/// Where a field whose `onConflict` writes (`prefer-shared-data`, `keep-both`) writes: its FHIRPath read as a path
/// of single elements from the resource (`gender`, `type.text`, `value.ofType(Quantity).value`), resolved against
/// the definitions when the mapping is compiled. A path through a repeating element or a function has no one place
/// to write, so `mappings check` refuses it for those policies rather than the merge guessing.
public struct ConflictTarget: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// The JSON member (`valueQuantity` for `value.ofType(Quantity)`).
        public var jsonName: String
        /// The member's type (`Quantity`, `code`, `Patient.contact`).
        public var type: String
    }

    public var resourceType: String
    /// From the resource to the element written, the last.
    public var steps: [Step]
    /// Whether the element written is a primitive (its extensions then go under `_name`).
    public var leafIsPrimitive: Bool

    /// The target of `source` on `resourceType`, or why there is none.
    public static func resolve(_ source: String, resourceType: String, definitions: FHIRDefinitions) -> Result<ConflictTarget, Refusal> {
        guard var names = pathNames(source) else {
            return .failure(Refusal("'\(source)' is not a path of element names (with ofType for a choice)"))
        }
        if names.first?.name == resourceType { names.removeFirst() }
        guard !names.isEmpty else { return .failure(Refusal("'\(source)' names no element")) }
        var steps: [Step] = []
        var typeName = resourceType
        for (name, choiceType) in names {
            guard let type = definitions.type(named: typeName) else { return .failure(Refusal("\(typeName) has no definition")) }
            let choice = type.elements.first { $0.isChoice && $0.name == name }
            if choice != nil && choiceType == nil {
                return .failure(Refusal("\(typeName).\(name) is a choice: say which type with ofType(...)"))
            }
            let jsonName = choiceType.map { choice?.jsonName(forChoiceType: $0) ?? name + $0 } ?? name
            guard let (definition, typeCode) = type.element(named: jsonName) else {
                return .failure(Refusal("\(typeName) has no element '\(jsonName)'"))
            }
            guard definition.max == "1" else {
                return .failure(Refusal("\(typeName).\(jsonName) repeats, so there is no one element to write"))
            }
            steps.append(Step(jsonName: jsonName, type: typeCode))
            typeName = typeCode
        }
        return .success(ConflictTarget(resourceType: resourceType, steps: steps, leafIsPrimitive: definitions.primitiveKind(typeName) != nil))
    }

    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// `a.b.ofType(T).c` as names, each with the type `ofType` gives it; nil for anything else (functions,
    /// indexes, operators, quoted names).
    static func pathNames(_ source: String) -> [(name: String, choiceType: String?)]? {
        var names: [(name: String, choiceType: String?)] = []
        for part in source.split(separator: ".", omittingEmptySubsequences: false) {
            if part.hasPrefix("ofType("), part.hasSuffix(")") {
                let type = part.dropFirst(7).dropLast()
                guard !names.isEmpty, names[names.count - 1].choiceType == nil, isName(type) else { return nil }
                names[names.count - 1].choiceType = String(type)
            } else {
                guard isName(part) else { return nil }
                names.append((String(part), nil))
            }
        }
        return names
    }

    static func isName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
    }
}
