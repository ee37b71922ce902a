import FHIRModel

/// `links.L.fields.NAME`: a FHIRPath expression on the linked resource against a record field, how both are
/// normalised and compared, how bad a mismatch is, and what the merge does when they differ.
public struct FieldDeclaration: Sendable {
    public var name: Located<String>
    public var fhir: MappingExpression
    public var sharedData: Located<String>
    public var fhirTransforms: [Located<MappingTransform>]
    public var sharedDataTransforms: [Located<MappingTransform>]
    public var comparison: Located<MappingComparison>
    public var severity: Located<MappingSeverity>
    public var onConflict: Located<MappingConflictPolicy>

    static let keys = ["fhir", "sharedData", "transform", "compare", "severity", "onConflict", "disabled"]

    init?(name: Located<String>, node: MappingNode, link: String, _ decoder: MappingDecoder) {
        let what = "link \(link) field \(name.value)"
        guard let object = decoder.object(node, known: Self.keys, what: what) else { return nil }
        let fhirNode = object.required("fhir", what: what, decoder)
        let fieldNode = object.required("sharedData", what: what, decoder)
        guard let fhirNode, let fieldNode,
            let fhir = MappingExpression(fhirNode, what: "\(what) fhir", decoder),
            let field = decoder.string(fieldNode, what: "\(what) sharedData")
        else { return nil }
        self.name = name
        self.fhir = fhir
        sharedData = field
        fhirTransforms = []
        sharedDataTransforms = []
        if let transform = object["transform"],
            let sides = decoder.object(transform, known: ["fhir", "sharedData"], what: "\(what) transform")
        {
            fhirTransforms = MappingTransform.decodeList(sides["fhir"], what: "\(what) transform fhir", decoder)
            sharedDataTransforms = MappingTransform.decodeList(sides["sharedData"], what: "\(what) transform sharedData", decoder)
        }
        comparison = object["compare"].flatMap { MappingComparison.decode($0, what: "\(what) compare", decoder) }
            ?? Located(.exact, at: node.location)
        severity = object["severity"].flatMap { decoder.choice($0, MappingSeverity.self, what: "\(what) severity") }
            ?? Located(.error, at: node.location)
        onConflict = object["onConflict"].flatMap { decoder.choice($0, MappingConflictPolicy.self, what: "\(what) onConflict") }
            ?? Located(.keepFHIR, at: node.location)
    }
}
