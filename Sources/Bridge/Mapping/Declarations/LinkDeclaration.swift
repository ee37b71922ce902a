import FHIRModel

/// `links.NAME`: which FHIR resources are which Shared Data records, and what to compare and merge once they are
/// joined.
public struct LinkDeclaration: Sendable {
    public var name: Located<String>
    public var resourceType: Located<String>
    public var fhirWhere: MappingExpression?
    public var endpoint: Located<String>
    public var sharedDataWhere: [(field: Located<String>, value: Located<String>)]
    public var key: [KeyPartDeclaration]
    public var cardinality: Located<MappingCardinality>
    public var duplicates: Located<MappingDuplicatePolicy>
    /// How bad an entity on one side only (or a duplicate) is, in reports.
    public var unlinkedSeverity: Located<MappingSeverity>
    public var fields: [FieldDeclaration]
    public var merge: [Located<MergeActionDeclaration>]

    static let keys = ["fhir", "sharedData", "key", "cardinality", "duplicates", "unlinked", "fields", "merge", "disabled"]

    init?(name: Located<String>, node: MappingNode, _ decoder: MappingDecoder) {
        let what = "link \(name.value)"
        guard let object = decoder.object(node, known: Self.keys, what: what) else { return nil }
        self.name = name
        let fhirNode = object.required("fhir", what: what, decoder)
        let sharedDataNode = object.required("sharedData", what: what, decoder)
        let keyNode = object.required("key", what: what, decoder)

        var resourceType: Located<String>?
        if let fhirNode, let fhir = decoder.object(fhirNode, known: ["resourceType", "where"], what: "\(what) fhir") {
            if let typeNode = fhir.required("resourceType", what: "\(what) fhir", decoder) {
                resourceType = decoder.name(typeNode, what: "\(what) fhir resourceType")
            }
            fhirWhere = fhir["where"].flatMap { MappingExpression($0, what: "\(what) fhir where", decoder) }
        }
        var endpoint: Located<String>?
        sharedDataWhere = []
        if let sharedDataNode,
            let sharedData = decoder.object(sharedDataNode, known: ["endpoint", "where"], what: "\(what) sharedData")
        {
            if let endpointNode = sharedData.required("endpoint", what: "\(what) sharedData", decoder) {
                endpoint = decoder.name(endpointNode, what: "\(what) sharedData endpoint")
            }
            if let whereNode = sharedData["where"] {
                for entry in decoder.entries(whereNode, what: "\(what) sharedData where") {
                    if let value = decoder.string(entry.value, what: "\(what) sharedData where \(entry.name.value)") {
                        sharedDataWhere.append((entry.name, value))
                    }
                }
            }
        }
        key = keyNode.map { decoder.list($0, what: "\(what) key").compactMap { KeyPartDeclaration($0, link: name.value, decoder) } } ?? []
        cardinality = object["cardinality"].flatMap { decoder.choice($0, MappingCardinality.self, what: "\(what) cardinality") }
            ?? Located(.oneToOne, at: node.location)
        duplicates = object["duplicates"].flatMap { decoder.choice($0, MappingDuplicatePolicy.self, what: "\(what) duplicates") }
            ?? Located(.report, at: node.location)
        unlinkedSeverity = object["unlinked"].flatMap { decoder.choice($0, MappingSeverity.self, what: "\(what) unlinked") }
            ?? Located(.error, at: node.location)
        fields = []
        if let fieldsNode = object["fields"] {
            for entry in decoder.entries(fieldsNode, what: "\(what) fields") where !MappingDisabled.isDisabled(entry.value) {
                if let field = FieldDeclaration(name: entry.name, node: entry.value, link: name.value, decoder) {
                    fields.append(field)
                }
            }
        }
        merge = object["merge"].map { decoder.list($0, what: "\(what) merge").compactMap { MergeActionDeclaration.decode($0, link: name.value, decoder) } } ?? []
        guard let resourceType, let endpoint, !key.isEmpty else { return nil }
        self.resourceType = resourceType
        self.endpoint = endpoint
    }
}

/// `NAME: { disabled: true }` removes an entry an included file declared.
enum MappingDisabled {
    static func isDisabled(_ node: MappingNode) -> Bool {
        guard case .mapping(let pairs) = node.value else { return false }
        return pairs.contains { $0.key.scalar == "disabled" && $0.value.scalar == "true" }
    }
}
