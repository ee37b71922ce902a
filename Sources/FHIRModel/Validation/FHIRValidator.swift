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
        run.validateResource(resource, location: nil)
        return run.diagnostics
    }

    /// Problems in an element of a known type (`HumanName`, `Patient.contact`), located under `location`.
    public func validate(_ element: FHIRElement, asType typeName: String, location: String) -> [Diagnostic] {
        var run = Run(validator: self, source: nil, line: nil)
        guard let type = definitions.type(named: typeName) else {
            run.error("unknown type \(typeName)", at: location)
            return run.diagnostics
        }
        run.validateValue(element, typeCode: type.name, location: location)
        return run.diagnostics
    }

    struct Run {
        let validator: FHIRValidator
        let source: String?
        let line: Int?
        var diagnostics: [Diagnostic] = []

        var definitions: FHIRDefinitions { validator.definitions }

        mutating func error(_ message: String, at location: String?) {
            diagnostics.append(Diagnostic(.error, message, location: location, source: source, line: line))
        }

        /// `location` is where the resource sits (nil at the top); its own path starts with its type.
        mutating func validateResource(_ element: FHIRElement, location: String?) {
            guard case .object(let object) = element else {
                error("a resource must be a JSON object, found \(element.kindName)", at: location)
                return
            }
            guard let typeValue = object["resourceType"] else {
                error("missing resourceType", at: location)
                return
            }
            guard case .string(let typeName) = typeValue else {
                error("resourceType must be a string, found \(typeValue.kindName)", at: location)
                return
            }
            guard let type = definitions.type(named: typeName), type.kind == .resource else {
                error("unknown resource type \"\(typeName)\" in FHIR \(definitions.version)", at: location)
                return
            }
            if type.isAbstract {
                error("resourceType \"\(typeName)\" is abstract", at: location)
                return
            }
            validateObject(object, type: type, location: location ?? typeName, isResource: true)
        }

        mutating func validateObject(
            _ object: FHIRObject, type: FHIRTypeDefinition, location: String, isResource: Bool
        ) {
            if object.isEmpty { error("empty object: FHIR JSON leaves out elements without content", at: location) }
            var choicesSeen: [String: String] = [:]
            for member in object {
                let key = member.key
                if isResource && key == "resourceType" { continue }
                if key.utf8.first == UInt8(ascii: "_") {
                    validatePrimitiveExtension(member.value, key: key, in: object, type: type, location: location)
                    continue
                }
                guard let (definition, typeCode) = type.element(named: key) else {
                    reportUnknown(key, type: type, location: location)
                    continue
                }
                if definition.isChoice {
                    if let other = choicesSeen[definition.name] {
                        error("\(definition.name)[x] appears twice (\(other) and \(key))", at: "\(location).\(key)")
                    }
                    choicesSeen[definition.name] = key
                }
                validateMember(member.value, key: key, definition: definition, typeCode: typeCode,
                               extensionPart: object["_" + key], location: location)
            }
            checkMinimumCardinality(object, type: type, location: location)
        }

        mutating func reportUnknown(_ key: String, type: FHIRTypeDefinition, location: String) {
            if key == "resourceType" {
                error("resourceType is only allowed at the top of a resource", at: "\(location).\(key)")
                return
            }
            // `valueFoo` where `value[x]` exists: name the choice and its allowed types.
            for element in type.elements where element.isChoice {
                if key == element.name {
                    error("\(element.name)[x] needs a type suffix (\(element.name)\(suffixes(element).first ?? ""), ...)",
                          at: "\(location).\(key)")
                    return
                }
                if key.hasPrefix(element.name), let next = key.dropFirst(element.name.count).first, next.isUppercase {
                    let allowed = suffixes(element).joined(separator: ", ")
                    error("\(key): \(key.dropFirst(element.name.count)) is not a type of \(element.name)[x] "
                          + "(allowed: \(allowed))", at: "\(location).\(key)")
                    return
                }
            }
            error("unknown element \"\(key)\" in \(type.name)", at: "\(location).\(key)")
        }

        func suffixes(_ element: FHIRElementDefinition) -> [String] {
            element.typeCodes.map { FHIRElementDefinition.capitalised($0) }
        }

        mutating func validateMember(
            _ value: FHIRElement, key: String, definition: FHIRElementDefinition, typeCode: String,
            extensionPart: FHIRElement?, location: String
        ) {
            let path = "\(location).\(key)"
            if definition.max == "0" {
                error("\(key) is not allowed here (maximum cardinality 0)", at: path)
                return
            }
            // `Extension.url` is a URI, though its definition types it as a plain System.String attribute.
            let typeCode = definition.representation == .xmlAttr && key == "url" ? "uri" : typeCode
            let isPrimitive = definitions.isPrimitive(typeCode)
            if definition.isArray {
                guard case .array(let items) = value else {
                    error("\(key) must be an array (it repeats), found \(value.kindName)", at: path)
                    return
                }
                if items.isEmpty { error("empty array: FHIR JSON leaves out elements without content", at: path) }
                if let limit = Int(definition.max), items.count > limit {
                    error("\(key) has \(items.count) items, at most \(limit) allowed", at: path)
                }
                let extensions = extensionPart?.arrayValue
                for (index, item) in items.enumerated() {
                    let itemPath = "\(path)[\(index)]"
                    if item.isNull {
                        let hasExtension = extensions.map { index < $0.count && !$0[index].isNull } ?? false
                        if !isPrimitive || !hasExtension {
                            error(isPrimitive
                                  ? "null value without a matching extension in _\(key)[\(index)]"
                                  : "null is not allowed here", at: itemPath)
                        }
                        continue
                    }
                    validateValue(item, typeCode: typeCode, location: itemPath)
                }
            } else {
                if case .array = value {
                    error("\(key) must be a single value (maximum cardinality \(definition.max)), found an array",
                          at: path)
                    return
                }
                if value.isNull {
                    error("null is not allowed here", at: path)
                    return
                }
                validateValue(value, typeCode: typeCode, location: path)
            }
        }

        mutating func validateValue(_ value: FHIRElement, typeCode: String, location: String) {
            if let kind = definitions.primitiveKind(typeCode) {
                validatePrimitive(value, kind: kind, typeCode: typeCode, location: location)
                return
            }
            if definitions.isResource(typeCode) {
                validateResource(value, location: location)
                return
            }
            guard let type = definitions.type(named: typeCode) else {
                error("no definition for type \(typeCode)", at: location)
                return
            }
            guard case .object(let object) = value else {
                error("\(typeCode) must be a JSON object, found \(value.kindName)", at: location)
                return
            }
            validateObject(object, type: type, location: location, isResource: false)
        }

        mutating func validatePrimitive(
            _ value: FHIRElement, kind: FHIRPrimitiveKind, typeCode: String, location: String
        ) {
            switch (kind, value) {
            case (.boolean, .boolean): return
            case (.decimal, .number(let number)):
                checkLexicalForm(number.text, typeCode: typeCode, location: location)
                return
            case (.integer, .number(let number)):
                guard number.isInteger, let integer = Int(number.text) else {
                    error("\(typeCode) must be an integer, found \(number.text)", at: location)
                    return
                }
                if integer < Int(Int32.min) || integer > Int(Int32.max) {
                    error("\(typeCode) \(number.text) is outside the 32-bit range", at: location)
                } else if typeCode == "positiveInt" && integer < 1 {
                    error("positiveInt must be at least 1, found \(number.text)", at: location)
                } else if typeCode == "unsignedInt" && integer < 0 {
                    error("unsignedInt must not be negative, found \(number.text)", at: location)
                } else {
                    checkLexicalForm(number.text, typeCode: typeCode, location: location)
                }
                return
            case (.integer64, .string(let text)):
                if FHIRNumber(text)?.isInteger != true || Int64(text) == nil {
                    error("integer64 must be a string of a 64-bit integer, found \"\(text)\"", at: location)
                }
                return
            case (.string, .string(let text)):
                if text.isEmpty {
                    error("empty string: FHIR JSON leaves out elements without content", at: location)
                } else {
                    checkLexicalForm(text, typeCode: typeCode, location: location)
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
                error("\(typeCode) must be \(expected), found \(found)", at: location)
            }
        }

        /// The value's text against its type's lexical form (`FHIRLexicalForm`): `2020-13-45` is no date.
        mutating func checkLexicalForm(_ text: String, typeCode: String, location: String) {
            let form = FHIRLexicalForm(typeCode: typeCode)
            guard let problem = form.problem(in: text) else { return }
            let shown = text.count > 60 ? "\(text.prefix(60))..." : text
            error("\(typeCode) value \"\(shown)\" is not valid: \(problem) (expected \(form.expected))", at: location)
        }

        /// `_name`: the id and extensions of the primitive `name` (an object), or of each item of the array `name`
        /// (an array aligned with it, `null` where an item has none).
        mutating func validatePrimitiveExtension(
            _ value: FHIRElement, key: String, in object: FHIRObject, type: FHIRTypeDefinition, location: String
        ) {
            let path = "\(location).\(key)"
            let name = String(key.dropFirst())
            guard let (definition, typeCode) = type.element(named: name) else {
                error("\(key) extends an unknown element \"\(name)\" of \(type.name)", at: path)
                return
            }
            guard definitions.isPrimitive(typeCode), definition.representation != .xmlAttr else {
                error("\(key): only primitive elements carry a _ extension part; \(name) is \(typeCode)", at: path)
                return
            }
            if definition.isArray {
                guard case .array(let items) = value else {
                    error("\(key) must be an array aligned with \(name), found \(value.kindName)", at: path)
                    return
                }
                if let values = object[name] {
                    if let count = values.arrayValue?.count, count != items.count {
                        error("\(key) has \(items.count) items but \(name) has \(count)", at: path)
                    }
                } else {
                    for (index, item) in items.enumerated() where item.isNull {
                        error("null without a value in \(name)", at: "\(path)[\(index)]")
                    }
                }
                for (index, item) in items.enumerated() where !item.isNull {
                    validateElementPart(item, location: "\(path)[\(index)]")
                }
            } else {
                if case .array = value {
                    error("\(key) must be an object (\(name) is single), found an array", at: path)
                    return
                }
                validateElementPart(value, location: path)
            }
        }

        mutating func validateElementPart(_ value: FHIRElement, location: String) {
            guard case .object(let object) = value else {
                error("must be an object with id and extension, found \(value.kindName)", at: location)
                return
            }
            guard let element = definitions.type(named: "Element") else { return }
            validateObject(object, type: element, location: location, isResource: false)
        }

        mutating func checkMinimumCardinality(_ object: FHIRObject, type: FHIRTypeDefinition, location: String) {
            for element in type.elements where element.min > 0 {
                let present: Bool
                if element.isChoice {
                    present = element.typeCodes.contains {
                        let name = element.jsonName(forChoiceType: $0)
                        return object[name] != nil || object["_" + name] != nil
                    }
                } else {
                    present = object[element.name] != nil || object["_" + element.name] != nil
                }
                if !present {
                    let name = element.isChoice ? "\(element.name)[x]" : element.name
                    error("missing required element \(name) (minimum cardinality \(element.min))", at: location)
                }
            }
        }
    }
}
