import FHIRModel

/// The one element a merge writes: a path of single elements from the resource (`gender`, `type.text`,
/// `value.ofType(Quantity).value`, or a choice by its typed name, `valueQuantity`), resolved against the definitions
/// when the mapping is compiled. A field's `onConflict` writes at its `fhir` path, a `fill` at its `element`. A path
/// through a repeating element or a function has no one place to write, so `mappings check` refuses it rather than
/// the merge guessing (or writing an object where FHIR wants an array).
public struct WritableElement: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// The JSON member (`valueQuantity` for `value.ofType(Quantity)`).
        public var jsonName: String
        /// The member's type (`Quantity`, `code`, `Patient.contact`).
        public var type: String
    }

    /// What a writer needs of the path.
    public enum Use: Sendable {
        /// An element of any type that FHIR has (keep-both adds an extension to whatever is there).
        case extend
        /// A primitive that FHIR has, which one value of a record replaces (prefer-shared-data).
        case replace
        /// A primitive FHIR may lack, created with the objects on the way (fill): so none of them may require
        /// another element, which the record cannot give.
        case create
    }

    public var resourceType: String
    /// From the resource to the element written, the last.
    public var steps: [Step]
    /// Whether the element written is a primitive (its extensions then go under `_name`).
    public var leafIsPrimitive: Bool

    /// The type of the element written.
    public var leafType: String { steps.last?.type ?? resourceType }

    /// The element `source` names on `resourceType`, or why there is no one element to write for `use`.
    public static func resolve(
        _ source: String, resourceType: String, for use: Use, definitions: FHIRDefinitions
    ) -> Result<WritableElement, Refusal> {
        guard var names = pathNames(source) else {
            return .failure(Refusal("'\(source)' is not a path of element names (with ofType for a choice)"))
        }
        if names.first?.name == resourceType { names.removeFirst() }
        guard !names.isEmpty else { return .failure(Refusal("'\(source)' names no element")) }
        var steps: [Step] = []
        var elementNames: [String] = []  // each step's name in its definition (`value` for `valueQuantity`)
        var typeName = resourceType
        for (name, choiceType) in names {
            guard let type = definitions.type(named: typeName) else { return .failure(Refusal("\(typeName) has no definition")) }
            let choice = type.elements.first { $0.isChoice && $0.name == name }
            if let choice, choiceType == nil {
                let example = choice.typeCodes.first.map { " (\(name).ofType(\($0)) or \(choice.jsonName(forChoiceType: $0)))" } ?? ""
                return .failure(Refusal("\(typeName).\(name) is a choice: say which type\(example)"))
            }
            let jsonName = choiceType.map { choice?.jsonName(forChoiceType: $0) ?? name + $0 } ?? name
            guard let (definition, typeCode) = type.element(named: jsonName) else {
                return .failure(
                    Refusal("\(typeName) has no element '\(jsonName)'" + NearestName.hint(for: jsonName, among: type.elements.map(\.name))))
            }
            guard definition.max == "1", !definition.isArray else {
                return .failure(Refusal("\(typeName).\(jsonName) repeats, so there is no one element to write"))
            }
            steps.append(Step(jsonName: jsonName, type: typeCode))
            elementNames.append(definition.name)
            typeName = typeCode
        }
        let element = WritableElement(
            resourceType: resourceType, steps: steps, leafIsPrimitive: definitions.primitiveKind(typeName) != nil)
        guard use != .extend else { return .success(element) }
        // XHTML is a primitive in the tables, but no record's text is a narrative's markup.
        guard element.leafIsPrimitive, typeName != "xhtml" else {
            return .failure(Refusal("'\(source)' is a \(typeName), not a primitive, so one value cannot be written there"))
        }
        if use == .create {
            for index in steps.indices.dropLast() {
                let required = definitions.type(named: steps[index].type)?.elements
                    .filter { $0.min > 0 && $0.name != elementNames[index + 1] }.map(\.name) ?? []
                guard required.isEmpty else {
                    let created = steps[...index].map(\.jsonName).joined(separator: ".")
                    return .failure(
                        Refusal("'\(created)' is created when FHIR lacks it, but a \(steps[index].type) also requires \(required.joined(separator: ", "))"))
                }
            }
        }
        return .success(element)
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
