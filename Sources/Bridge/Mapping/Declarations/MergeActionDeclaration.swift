import FHIRModel

/// One action the merge applies to each linked resource (docs/mappings.md, "Merge actions").
public enum MergeActionDeclaration: Sendable {
    /// Sets `element` (element names from the resource, dotted) from `field` when FHIR lacks it.
    case fill(element: Located<String>, from: Located<String>)
    case identifier(system: Located<String>, value: Located<String>)
    case `extension`(name: Located<String>, from: Located<String>, type: Located<ExtensionValueType>)

    /// The record field the action reads its value from.
    public var recordField: Located<String> {
        switch self {
        case .fill(_, let from): from
        case .identifier(_, let value): value
        case .extension(_, let from, _): from
        }
    }

    public enum ExtensionValueType: String, Sendable, CaseIterable {
        case string, integer, decimal, boolean, date, code
    }

    static func decode(_ node: MappingNode, link: String, _ decoder: MappingDecoder) -> Located<MergeActionDeclaration>? {
        let what = "link \(link) merge"
        guard let action = decoder.object(node, known: ["fill", "identifier", "extension"], what: what) else { return nil }
        guard action.members.count == 1, let (kind, body) = action.members.first else {
            decoder.error("\(what): an action is one of fill, identifier, extension", at: node)
            return nil
        }
        switch kind.value {
        case "fill":
            guard let fields = decoder.object(body, known: ["element", "from"], what: "\(what) fill"),
                let elementNode = fields.required("element", what: "\(what) fill", decoder),
                let fromNode = fields.required("from", what: "\(what) fill", decoder),
                let element = decoder.string(elementNode, what: "\(what) fill element"),
                let from = decoder.string(fromNode, what: "\(what) fill from")
            else { return nil }
            return Located(.fill(element: element, from: from), at: kind.location)
        case "identifier":
            guard let fields = decoder.object(body, known: ["system", "value"], what: "\(what) identifier"),
                let systemNode = fields.required("system", what: "\(what) identifier", decoder),
                let valueNode = fields.required("value", what: "\(what) identifier", decoder),
                let system = decoder.string(systemNode, what: "\(what) identifier system"),
                let value = decoder.string(valueNode, what: "\(what) identifier value")
            else { return nil }
            return Located(.identifier(system: system, value: value), at: kind.location)
        default:
            guard let fields = decoder.object(body, known: ["name", "from", "type"], what: "\(what) extension"),
                let nameNode = fields.required("name", what: "\(what) extension", decoder),
                let fromNode = fields.required("from", what: "\(what) extension", decoder),
                let name = decoder.name(nameNode, what: "\(what) extension name"),
                let from = decoder.string(fromNode, what: "\(what) extension from")
            else { return nil }
            let type = fields["type"].flatMap { decoder.choice($0, ExtensionValueType.self, what: "\(what) extension type") }
                ?? Located(.string, at: body.location)
            return Located(.extension(name: name, from: from, type: type), at: kind.location)
        }
    }
}
