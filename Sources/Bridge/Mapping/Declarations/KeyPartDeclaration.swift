import FHIRModel

/// One part of a link's key: a Shared Data record field against FHIR-side alternatives tried in order.
public struct KeyPartDeclaration: Sendable {
    /// How the FHIR side may carry the key (docs/mappings.md, "Key parts").
    public enum Alternative: Sendable {
        /// The value of an identifier of this system; nil = any system.
        case identifier(system: String?)
        case idExact
        case idAccessionSuffix
        case path(MappingExpression)
        /// The key link `link` found for the resource the reference at `reference` points to.
        case reference(MappingExpression, link: Located<String>)
    }

    public var sharedData: Located<String>
    public var normalise: [Located<MappingTransform>]
    public var alternatives: [Located<Alternative>]
    public var location: SourceLocation

    static let keys = ["sharedData", "fhir", "normalise"]
    static let alternativeKeys = ["identifier", "id", "path", "reference", "link"]

    init?(_ node: MappingNode, link: String, _ decoder: MappingDecoder) {
        let what = "link \(link) key"
        guard let object = decoder.object(node, known: Self.keys, what: what),
            let fieldNode = object.required("sharedData", what: what, decoder),
            let fhirNode = object.required("fhir", what: what, decoder),
            let field = decoder.string(fieldNode, what: "\(what) sharedData")
        else { return nil }
        sharedData = field
        location = node.location
        normalise = MappingTransform.decodeList(object["normalise"], what: "\(what) normalise", decoder)
        for step in normalise where ![.trim, .upper, .lower, .collapseSpace].contains(step.value) {
            decoder.error("\(what) normalise: only trim, upper, lower and collapse-space apply to keys", at: step.location)
        }
        let written = decoder.list(fhirNode, what: "\(what) fhir")
        alternatives = written.compactMap { Self.alternative($0, what: "\(what) fhir", decoder) }
        if written.isEmpty {
            decoder.error("\(what) fhir lists no alternative", at: fhirNode)
            return nil
        }
        if alternatives.isEmpty { return nil }
    }

    static func alternative(_ node: MappingNode, what: String, _ decoder: MappingDecoder) -> Located<Alternative>? {
        guard let object = decoder.object(node, known: alternativeKeys, what: what) else { return nil }
        let kinds = ["identifier", "id", "path", "reference"].filter { object[$0] != nil }
        guard kinds.count == 1 else {
            decoder.error("\(what): an alternative is one of identifier, id, path, or reference with link", at: node)
            return nil
        }
        if object["link"] != nil, kinds != ["reference"] {
            decoder.error("\(what): link goes with reference", at: node)
            return nil
        }
        switch kinds[0] {
        case "identifier":
            guard let system = decoder.string(object["identifier"]!, what: "\(what) identifier") else { return nil }
            return Located(.identifier(system: system.value == "any" ? nil : system.value), at: node.location)
        case "id":
            let idNode = object["id"]!
            switch idNode.scalar {
            case "exact": return Located(.idExact, at: node.location)
            case "accession-suffix": return Located(.idAccessionSuffix, at: node.location)
            default:
                decoder.error("\(what) id must be exact or accession-suffix", at: idNode)
                return nil
            }
        case "path":
            guard let expression = MappingExpression(object["path"]!, what: "\(what) path", decoder) else { return nil }
            return Located(.path(expression), at: node.location)
        default:
            guard let expression = MappingExpression(object["reference"]!, what: "\(what) reference", decoder) else { return nil }
            guard let linkNode = object.required("link", what: "\(what) reference", decoder),
                let link = decoder.name(linkNode, what: "\(what) link")
            else { return nil }
            return Located(.reference(expression, link: link), at: node.location)
        }
    }
}
