/// What `export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// One FHIR JSON Bundle per study.
    case fhirJSON = "fhir-json"
    /// One FHIR XML Bundle per study.
    case fhirXML = "fhir-xml"
    /// FHIR Bulk Data layout: a directory with one `Type.ndjson` file per resource type, every study together.
    case ndjson

    var fileExtension: String {
        switch self {
        case .fhirJSON: return "json"
        case .fhirXML: return "xml"
        case .ndjson: return "ndjson"
        }
    }
}
