/// What the XML reader and writer need to know about each element, resolved once per type from the definition
/// tables and then looked up by name: where it goes in definition order, whether it repeats, and how XML carries it.
final class FHIRXMLLayout {
    enum Form {
        /// A primitive: `<name value="..."/>` with optional `id` attribute and `extension` children.
        case primitive(FHIRPrimitiveKind)
        /// An attribute on the parent element (`Element.id`, `Extension.url`).
        case attribute
        /// The narrative `div`, XHTML.
        case xhtml
        /// A wrapper element around one resource (`contained`, `Bundle.entry.resource`, ...).
        case resource
        /// A complex type or backbone element, by the name its definition is found under.
        case complex(String)
    }

    struct Member {
        /// The element's name in XML and JSON (`valueQuantity` for a choice).
        let name: String
        let order: Int
        let isArray: Bool
        let form: Form
        let typeCode: String
    }

    final class TypeLayout {
        let name: String
        let definition: FHIRTypeDefinition
        var members: [String: Member] = [:]
        var unknown: Set<String> = []

        init(name: String, definition: FHIRTypeDefinition) {
            self.name = name
            self.definition = definition
        }
    }

    let definitions: FHIRDefinitions
    private var types: [String: TypeLayout] = [:]

    init(definitions: FHIRDefinitions) { self.definitions = definitions }

    func type(_ name: String) -> TypeLayout? {
        if let known = types[name] { return known }
        guard let definition = definitions.type(named: name) else { return nil }
        let layout = TypeLayout(name: name, definition: definition)
        types[name] = layout
        return layout
    }

    /// The member `name` of `type`, or nil when the type has no such element.
    func member(_ name: String, in type: TypeLayout) -> Member? {
        if let known = type.members[name] { return known }
        if type.unknown.contains(name) { return nil }
        guard let found = type.definition.element(named: name),
            let order = type.definition.orderIndex(ofJSONName: name)
        else {
            type.unknown.insert(name)
            return nil
        }
        let code = found.typeCode
        let form: Form
        if found.definition.representation == .xmlAttr {
            form = .attribute
        } else if found.definition.representation == .xhtml || code == "xhtml" {
            form = .xhtml
        } else if code == "Resource" || definitions.isResource(code) {
            form = .resource
        } else if definitions.isPrimitive(code) {
            form = .primitive(definitions.primitiveKind(code) ?? .string)
        } else {
            form = .complex(code)
        }
        let member = Member(name: name, order: order, isArray: found.definition.isArray, form: form, typeCode: code)
        type.members[name] = member
        return member
    }
}
