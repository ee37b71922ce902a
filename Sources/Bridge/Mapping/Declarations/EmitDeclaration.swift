import FHIRModel

/// `emit.NAME`: a resource made from each record of an endpoint that FHIR does not have (docs/mappings.md,
/// "Emitted resources"). The template stays a YAML tree; `EmitTemplate` compiles it.
public struct EmitDeclaration: Sendable {
    public var name: Located<String>
    public var endpoint: Located<String>
    public var resourceType: Located<String>
    public var id: Located<String>
    var template: MappingNode

    static let keys = ["endpoint", "resourceType", "id", "template", "disabled"]

    init?(name: Located<String>, node: MappingNode, _ decoder: MappingDecoder) {
        let what = "emit \(name.value)"
        guard let object = decoder.object(node, known: Self.keys, what: what) else { return nil }
        let endpointNode = object.required("endpoint", what: what, decoder)
        let typeNode = object.required("resourceType", what: what, decoder)
        let idNode = object.required("id", what: what, decoder)
        let templateNode = object.required("template", what: what, decoder)
        guard let endpointNode, let typeNode, let idNode, let templateNode,
            let endpoint = decoder.name(endpointNode, what: "\(what) endpoint"),
            let resourceType = decoder.name(typeNode, what: "\(what) resourceType"),
            let id = decoder.string(idNode, what: "\(what) id")
        else { return nil }
        self.name = name
        self.endpoint = endpoint
        self.resourceType = resourceType
        self.id = id
        guard case .mapping = templateNode.value else {
            decoder.error("\(what) template must be a mapping (the resource's elements), not \(templateNode.kindName)", at: templateNode)
            return nil
        }
        template = templateNode
    }
}
