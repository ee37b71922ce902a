import FHIRModel

/// Applies one merge action (docs/mappings.md, "Merge actions") to a linked resource. Each action only adds what
/// is missing, so FHIR's values are never overwritten by one.
///
/// A member the action adds goes to its place in definition order, and only the object it was added to is put in
/// order: what the action did not touch keeps the server's order, as in the resources the merge does not change
/// (and walking the whole tree to check it would cost more than the rest of the merge).
enum MergeActions {
    enum Effect: Sendable, Equatable {
        case unchanged, changed
        /// A record value that does not fit the element or extension (text for a boolean, a date that is not one):
        /// nothing is added, and the merge counts it.
        case notWritten
        /// A member on the way to the element is there but is not an object (a resource the definitions refuse):
        /// nothing is written over it, and the merge counts it.
        case blocked
    }

    static func apply(
        _ action: CompiledMergeAction, record: FHIRElement, to resource: inout FHIRElement, extensionBase: String,
        order: FHIRCanonicalOrder
    ) -> Effect {
        guard case .object(var object) = resource, let resourceType = resource.resourceType else { return .unchanged }
        defer { resource = .object(object) }
        switch action.declaration.value {
        case .fill(_, let from):
            // The compiler resolved every fill's element: a primitive reached through single elements.
            guard let target = action.fillTarget, let text = RecordValues.firstValue(of: record, path: from.value), !text.isEmpty
            else { return .unchanged }
            var fits = true
            var reached = false
            let written = target.write(in: &object, order: order) { existing in
                reached = true
                // Only what FHIR lacks. (`.none` spelled out: FHIRElement is ExpressibleByNilLiteral, so a bare
                // `nil` here would become a JSON null.)
                guard existing == nil else { return .none }
                guard let value = primitive(text, ofType: target.leafType, definitions: order.definitions) else {
                    fits = false
                    return .none
                }
                return value
            }
            return written ? .changed : !reached ? .blocked : fits ? .unchanged : .notWritten
        case .identifier(let system, let field):
            guard let value = RecordValues.firstValue(of: record, path: field.value), !value.isEmpty else { return .unchanged }
            var identifiers = object.first(where: { $0.key == "identifier" })?.value.arrayValue ?? []
            if identifiers.contains(where: { $0["system"]?.stringValue == system.value && $0["value"]?.stringValue == value }) {
                return .unchanged
            }
            var identifier = FHIRObject()
            identifier.appendUnchecked(key: "system", value: .string(system.value))
            identifier.appendUnchecked(key: "value", value: .string(value))
            identifiers.append(.object(identifier))
            set(&object, "identifier", .array(identifiers), type: resourceType, order: order)
            return .changed
        case .extension(let name, let from, let type):
            guard let text = RecordValues.firstValue(of: record, path: from.value), !text.isEmpty else { return .unchanged }
            let url = "\(extensionBase)/\(name.value)"
            var extensions = object.first(where: { $0.key == "extension" })?.value.arrayValue ?? []
            if extensions.contains(where: { $0["url"]?.stringValue == url }) { return .unchanged }
            guard let value = extensionValue(text, type: type.value) else { return .notWritten }
            var item = FHIRObject()
            item.appendUnchecked(key: "url", value: .string(url))
            item.appendUnchecked(key: value.key, value: value.value)
            extensions.append(.object(item))
            set(&object, "extension", .array(extensions), type: resourceType, order: order)
            return .changed
        }
    }

    /// Sets `key`, in its place when it is new.
    static func set(_ object: inout FHIRObject, _ key: String, _ value: FHIRElement, type: String, order: FHIRCanonicalOrder) {
        if let index = object.index(forKey: key) { object.replaceValue(at: index, with: value) } else {
            order.insert(key: key, value: value, into: &object, asType: type)
        }
    }

    /// The record's text as the JSON the primitive type wants, or nil when it does not fit (its lexical form, as
    /// the validator checks it) or the type is not primitive.
    static func primitive(_ text: String, ofType typeName: String, definitions: FHIRDefinitions) -> FHIRElement? {
        guard FHIRLexicalForm(typeCode: typeName).problem(in: text) == nil else { return nil }
        switch definitions.primitiveKind(typeName) {
        case .boolean?: return text == "true" || text == "false" ? .boolean(text == "true") : nil
        case .integer?: return Int(text).map { .number(FHIRNumber($0)) }
        case .decimal?: return FHIRNumber(text).map { .number($0) }
        case .string?, .integer64?: return .string(text)
        case nil: return nil
        }
    }

    static func extensionValue(_ text: String, type: MergeActionDeclaration.ExtensionValueType) -> (key: String, value: FHIRElement)? {
        // The type's names are FHIR's primitive type codes.
        guard FHIRLexicalForm(typeCode: type.rawValue).problem(in: text) == nil else { return nil }
        switch type {
        case .string: return ("valueString", .string(text))
        case .code: return ("valueCode", .string(text))
        case .date: return ("valueDate", .string(text))
        case .boolean: return text == "true" || text == "false" ? ("valueBoolean", .boolean(text == "true")) : nil
        case .integer: return Int(text).map { ("valueInteger", .number(FHIRNumber($0))) }
        case .decimal: return FHIRNumber(text).map { ("valueDecimal", .number($0)) }
        }
    }
}
