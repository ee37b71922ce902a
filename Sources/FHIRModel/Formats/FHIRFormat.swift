/// The wire formats the tool reads and writes.
///
/// Adding a format: add the case here and its `fileExtensions`, a branch in `FHIRFormat.detect` if its content can
/// be told apart, a reading branch in `FHIRResourceInput` and a writing branch in `FHIRConverter`; the command line
/// picks the new case up through `allCases`.
public enum FHIRFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// One JSON document: a resource, a Bundle, or a JSON array of resources.
    case json
    /// Newline-delimited JSON: one resource a line (FHIR Bulk Data).
    case ndjson
    /// FHIR XML: one resource or Bundle (see `FHIRXMLReader`, `FHIRXMLWriter`).
    case xml

    public var description: String { rawValue }

    public var fileExtensions: [String] {
        switch self {
        case .json: return ["json"]
        case .ndjson: return ["ndjson", "jsonl"]
        case .xml: return ["xml"]
        }
    }
}
