/// Checks a resource against what the definition tables know: element names, choice suffixes, array or single,
/// the JSON kind of every primitive, primitive-extension (`_name`) shapes, minimum and maximum cardinality,
/// `resourceType`. Contained resources, Bundle entries and Parameters resources are checked as their own type.
///
/// Not a profile validator: no invariants, terminology bindings, references or slicing. Every problem is an error
/// `Diagnostic` whose location is FHIRPath-like (`Patient.name[0].given[1]`; a primitive's extension part is named
/// by its JSON key, `Patient._birthDate`).
public struct FHIRValidator: Sendable {
    public let definitions: FHIRDefinitions

    public init(definitions: FHIRDefinitions) { self.definitions = definitions }

    /// Problems in one resource; empty when it is valid. `source` and `line` are copied into every diagnostic.
    public func validate(_ resource: FHIRElement, source: String? = nil, line: Int? = nil) -> [Diagnostic] {
        var run = Run(validator: self, source: source, line: line)
        run.validateResource(resource)
        return run.diagnostics
    }

    /// Problems in an element of a known type (`HumanName`, `Patient.contact`), located under `location`.
    public func validate(_ element: FHIRElement, asType typeName: String, location: String) -> [Diagnostic] {
        var run = Run(validator: self, source: nil, line: nil)
        run.path.append(.text(location))
        guard let type = definitions.type(named: typeName) else {
            run.error("unknown type \(typeName)")
            return run.diagnostics
        }
        run.validateValue(element, typeCode: type.name)
        return run.diagnostics
    }

    struct Run {
        let validator: FHIRValidator
        let source: String?
        let line: Int?
        var diagnostics: [Diagnostic] = []
        /// Where the walk is (`ElementPath`: spelt out only for a problem).
        var path = ElementPath()

        var definitions: FHIRDefinitions { validator.definitions }

        /// The walk's place as text, nil at the top of a resource.
        var location: String? { path.text }

        /// A problem where the walk is.
        mutating func error(_ message: String) {
            diagnostics.append(Diagnostic(.error, message, location: location, source: source, line: line))
        }

        /// A problem at a step below the walk's place (a member, an item).
        mutating func error(_ message: String, at step: ElementPath.Step) {
            path.append(step)
            error(message)
            path.removeLast()
        }

        /// The path below the walk's place is where the resource sits (empty at the top); its own path starts
        /// with its type.
        mutating func validateResource(_ element: FHIRElement) {
            guard case .object(let object) = element else {
                error("a resource must be a JSON object, found \(element.kindName)")
                return
            }
            guard let typeValue = object["resourceType"] else {
                error("missing resourceType")
                return
            }
            guard case .string(let typeName) = typeValue else {
                error("resourceType must be a string, found \(typeValue.kindName)")
                return
            }
            guard let type = definitions.type(named: typeName), type.kind == .resource else {
                error("unknown resource type \"\(typeName)\" in FHIR \(definitions.version)")
                return
            }
            if type.isAbstract {
                error("resourceType \"\(typeName)\" is abstract")
                return
            }
            let atTop = path.isEmpty
            if atTop { path.append(.text(typeName)) }
            validateObject(object, type: type, isResource: true)
            if atTop { path.removeLast() }
        }

        mutating func validateObject(_ object: FHIRObject, type: FHIRTypeDefinition, isResource: Bool) {
            if object.isEmpty { error("empty object: FHIR JSON leaves out elements without content") }
            // A choice's name and the key it was given as: an object has a few, so a list beats a dictionary.
            var choicesSeen: [(name: String, key: String)] = []
            for member in object {
                let key = member.key
                if isResource && key == "resourceType" { continue }
                if key.utf8.first == UInt8(ascii: "_") {
                    validatePrimitiveExtension(member.value, key: key, in: object, type: type)
                    continue
                }
                guard let (definition, typeCode) = type.element(named: key) else {
                    reportUnknown(key, type: type)
                    continue
                }
                if definition.isChoice {
                    if let seen = choicesSeen.lastIndex(where: { $0.name == definition.name }) {
                        error("\(definition.name)[x] appears twice (\(choicesSeen[seen].key) and \(key))", at: .member(key))
                        choicesSeen[seen].key = key
                    } else {
                        choicesSeen.append((definition.name, key))
                    }
                }
                path.append(.member(key))
                // (No `_name` to look for, nor its key to build, in an object without one.)
                let extensionPart = object.mayHaveUnderscoreKeys ? object["_" + key] : nil
                validateMember(member.value, key: key, definition: definition, typeCode: typeCode, extensionPart: extensionPart)
                path.removeLast()
            }
            checkMinimumCardinality(object, type: type)
        }

        mutating func reportUnknown(_ key: String, type: FHIRTypeDefinition) {
            if key == "resourceType" {
                error("resourceType is only allowed at the top of a resource", at: .member(key))
                return
            }
            // `valueFoo` where `value[x]` exists: name the choice and its allowed types.
            for element in type.elements where element.isChoice {
                if key == element.name {
                    error("\(element.name)[x] needs a type suffix (\(element.name)\(suffixes(element).first ?? ""), ...)",
                          at: .member(key))
                    return
                }
                if key.hasPrefix(element.name), let next = key.dropFirst(element.name.count).first, next.isUppercase {
                    let allowed = suffixes(element).joined(separator: ", ")
                    error("\(key): \(key.dropFirst(element.name.count)) is not a type of \(element.name)[x] "
                          + "(allowed: \(allowed))", at: .member(key))
                    return
                }
            }
            error("unknown element \"\(key)\" in \(type.name)", at: .member(key))
        }

        func suffixes(_ element: FHIRElementDefinition) -> [String] {
            element.typeCodes.map { FHIRElementDefinition.capitalised($0) }
        }

        /// A member's value; the walk is at the member (`.member(key)` on the path).
        mutating func validateMember(
            _ value: FHIRElement, key: String, definition: FHIRElementDefinition, typeCode: String, extensionPart: FHIRElement?
        ) {
            if definition.max == "0" {
                error("\(key) is not allowed here (maximum cardinality 0)")
                return
            }
            // `Extension.url` is a URI, though its definition types it as a plain System.String attribute.
            let typeCode = definition.representation == .xmlAttr && key == "url" ? "uri" : typeCode
            let facts = definitions.facts(of: typeCode)
            let isPrimitive = facts?.isPrimitive ?? false
            if definition.isArray {
                guard case .array(let items) = value else {
                    error("\(key) must be an array (it repeats), found \(value.kindName)")
                    return
                }
                if items.isEmpty { error("empty array: FHIR JSON leaves out elements without content") }
                if let limit = Int(definition.max), items.count > limit {
                    error("\(key) has \(items.count) items, at most \(limit) allowed")
                }
                let extensions = extensionPart?.arrayValue
                for (index, item) in items.enumerated() {
                    if item.isNull {
                        let hasExtension = extensions.map { index < $0.count && !$0[index].isNull } ?? false
                        if !isPrimitive || !hasExtension {
                            error(isPrimitive
                                  ? "null value without a matching extension in _\(key)[\(index)]"
                                  : "null is not allowed here", at: .item(index))
                        }
                        continue
                    }
                    path.append(.item(index))
                    validateValue(item, typeCode: typeCode, facts: facts)
                    path.removeLast()
                }
            } else {
                if case .array = value {
                    error("\(key) must be a single value (maximum cardinality \(definition.max)), found an array")
                    return
                }
                if value.isNull {
                    error("null is not allowed here")
                    return
                }
                validateValue(value, typeCode: typeCode, facts: facts)
            }
        }

        mutating func validateValue(_ value: FHIRElement, typeCode: String) {
            validateValue(value, typeCode: typeCode, facts: definitions.facts(of: typeCode))
        }

        /// `facts`: the type code's (`FHIRDefinitions.facts(of:)`), looked up once for every item of a member.
        mutating func validateValue(_ value: FHIRElement, typeCode: String, facts: FHIRDefinitions.TypeFacts?) {
            if let kind = facts?.primitiveKind {
                validatePrimitive(value, kind: kind, typeCode: typeCode)
                return
            }
            if facts?.isResource == true {
                validateResource(value)
                return
            }
            guard let type = facts?.type else {
                error("no definition for type \(typeCode)")
                return
            }
            guard case .object(let object) = value else {
                error("\(typeCode) must be a JSON object, found \(value.kindName)")
                return
            }
            validateObject(object, type: type, isResource: false)
        }

        mutating func validatePrimitive(_ value: FHIRElement, kind: FHIRPrimitiveKind, typeCode: String) {
            switch (kind, value) {
            case (.boolean, .boolean): return
            case (.decimal, .number(let number)):
                checkLexicalForm(number.text, typeCode: typeCode)
                return
            case (.integer, .number(let number)):
                guard number.isInteger, let integer = Int(number.text) else {
                    error("\(typeCode) must be an integer, found \(number.text)")
                    return
                }
                if integer < Int(Int32.min) || integer > Int(Int32.max) {
                    error("\(typeCode) \(number.text) is outside the 32-bit range")
                } else if typeCode == "positiveInt" && integer < 1 {
                    error("positiveInt must be at least 1, found \(number.text)")
                } else if typeCode == "unsignedInt" && integer < 0 {
                    error("unsignedInt must not be negative, found \(number.text)")
                } else {
                    checkLexicalForm(number.text, typeCode: typeCode)
                }
                return
            case (.integer64, .string(let text)):
                if FHIRNumber(text)?.isInteger != true || Int64(text) == nil {
                    error("integer64 must be a string of a 64-bit integer, found \"\(text)\"")
                }
                return
            case (.string, .string(let text)):
                if text.isEmpty {
                    error("empty string: FHIR JSON leaves out elements without content")
                } else {
                    checkLexicalForm(text, typeCode: typeCode)
                }
                return
            default:
                let expected: String
                switch kind {
                case .boolean: expected = "a JSON boolean"
                case .integer: expected = "a JSON number without fraction"
                case .decimal: expected = "a JSON number"
                case .string: expected = "a JSON string"
                case .integer64: expected = "a JSON string of digits"
                }
                var found = value.kindName
                if case .string(let text) = value { found += " \"\(text.prefix(40))\"" }
                if case .number(let number) = value { found += " \(number.text)" }
                error("\(typeCode) must be \(expected), found \(found)")
            }
        }

        /// The value's text against its type's lexical form (`FHIRLexicalForm`): `2020-13-45` is no date.
        mutating func checkLexicalForm(_ text: String, typeCode: String) {
            let form = FHIRLexicalForm(typeCode: typeCode)
            guard let problem = form.problem(in: text) else { return }
            let shown = text.count > 60 ? "\(text.prefix(60))..." : text
            error("\(typeCode) value \"\(shown)\" is not valid: \(problem) (expected \(form.expected))")
        }

        /// `_name`: the id and extensions of the primitive `name` (an object), or of each item of the array `name`
        /// (an array aligned with it, `null` where an item has none).
        mutating func validatePrimitiveExtension(_ value: FHIRElement, key: String, in object: FHIRObject, type: FHIRTypeDefinition) {
            path.append(.member(key))
            defer { path.removeLast() }
            let name = String(key.dropFirst())
            guard let (definition, typeCode) = type.element(named: name) else {
                error("\(key) extends an unknown element \"\(name)\" of \(type.name)")
                return
            }
            guard definitions.isPrimitive(typeCode), definition.representation != .xmlAttr else {
                error("\(key): only primitive elements carry a _ extension part; \(name) is \(typeCode)")
                return
            }
            if definition.isArray {
                guard case .array(let items) = value else {
                    error("\(key) must be an array aligned with \(name), found \(value.kindName)")
                    return
                }
                if let values = object[name] {
                    if let count = values.arrayValue?.count, count != items.count {
                        error("\(key) has \(items.count) items but \(name) has \(count)")
                    }
                } else {
                    for (index, item) in items.enumerated() where item.isNull {
                        error("null without a value in \(name)", at: .item(index))
                    }
                }
                for (index, item) in items.enumerated() where !item.isNull {
                    path.append(.item(index))
                    validateElementPart(item)
                    path.removeLast()
                }
            } else {
                if case .array = value {
                    error("\(key) must be an object (\(name) is single), found an array")
                    return
                }
                validateElementPart(value)
            }
        }

        mutating func validateElementPart(_ value: FHIRElement) {
            guard case .object(let object) = value else {
                error("must be an object with id and extension, found \(value.kindName)")
                return
            }
            guard let element = definitions.type(named: "Element") else { return }
            validateObject(object, type: element, isResource: false)
        }

        mutating func checkMinimumCardinality(_ object: FHIRObject, type: FHIRTypeDefinition) {
            let underscored = object.mayHaveUnderscoreKeys
            for element in type.elements where element.min > 0 {
                let present: Bool
                if element.isChoice {
                    present = element.typeCodes.contains {
                        let name = element.jsonName(forChoiceType: $0)
                        return object[name] != nil || (underscored && object["_" + name] != nil)
                    }
                } else {
                    present = object[element.name] != nil || (underscored && object["_" + element.name] != nil)
                }
                if !present {
                    let name = element.isChoice ? "\(element.name)[x]" : element.name
                    error("missing required element \(name) (minimum cardinality \(element.min))")
                }
            }
        }
    }
}
