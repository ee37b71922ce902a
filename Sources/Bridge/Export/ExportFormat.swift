import FHIRViews

/// What `export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// One FHIR JSON Bundle per study.
    case fhirJSON = "fhir-json"
    /// One FHIR XML Bundle per study.
    case fhirXML = "fhir-xml"
    /// FHIR Bulk Data layout: a directory with one `Type.ndjson` file per resource type, every study together.
    case ndjson
    /// Flat tables (SQL-on-FHIR v2 ViewDefinitions, `Mappings/views/` by default): a directory of `<table>.csv`.
    case csv
    /// The same as tab-separated values.
    case tsv
    /// The same tables in one SQLite database file.
    case sqlite
    /// The same tables loaded into PostgreSQL in one transaction.
    case postgres

    var fileExtension: String {
        switch self {
        case .fhirJSON: return "json"
        case .fhirXML: return "xml"
        case .ndjson: return "ndjson"
        case .csv, .tsv, .sqlite, .postgres: return tableFormat!.fileExtension
        }
    }

    /// The view output format of a table format; nil for the FHIR formats.
    public var tableFormat: ViewOutputFormat? {
        switch self {
        case .fhirJSON, .fhirXML, .ndjson: return nil
        case .csv: return .csv
        case .tsv: return .tsv
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }
}
