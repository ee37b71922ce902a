/// The wire formats `convert` reads and writes.
///
/// Adding a format (the XML layer adds `xml`): add the case here and its `fileExtensions`, then a branch in
/// `FHIRDocument.read(_:source:format:)` (reading) and in `FHIRDocumentWriter` (writing); the command line picks the
/// new case up through `allCases`.
public enum FHIRFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// One JSON document: a resource, a Bundle, or a JSON array of resources.
    case json
    /// Newline-delimited JSON: one resource a line (FHIR bulk data).
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

    /// The format a file name's extension names, or nil (stdin, unknown extension).
    public static func guess(fromPath path: String) -> FHIRFormat? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let fileExtension = path[path.index(after: dot)...].lowercased()
        return allCases.first { $0.fileExtensions.contains(fileExtension) }
    }
}
