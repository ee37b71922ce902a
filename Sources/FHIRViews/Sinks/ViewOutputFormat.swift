/// The table formats a view run can write.
public enum ViewOutputFormat: String, Sendable, CaseIterable {
    case csv, tsv, ndjson, sqlite, postgres

    /// File name extension for the file formats.
    public var fileExtension: String {
        switch self {
        case .csv: return "csv"
        case .tsv: return "tsv"
        case .ndjson: return "ndjson"
        case .sqlite: return "sqlite"
        case .postgres: return ""
        }
    }
}
