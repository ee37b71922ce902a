import Foundation

extension ViewOutputFormat {
    /// Where a run of `tables` in this format goes: csv, tsv and ndjson to `output` (one file, `-` or nil for
    /// standard output), or with `filePerTable` one `<table>.<ext>` per table in the directory `output`; sqlite to
    /// the database file `output`; postgres to the database `postgresURL` names (else the PG* variables).
    public func target(
        output: String?, tables: [ViewTable], filePerTable: Bool, postgresURL: String?
    ) throws -> any ViewOutputTarget {
        switch self {
        case .csv, .tsv, .ndjson:
            if filePerTable, let output {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                return FileOutputTarget(format: self, paths: tables.map { "\(output)/\($0.name).\(fileExtension)" })
            }
            return FileOutputTarget(format: self, paths: [output ?? "-"])
        case .sqlite:
            return SQLiteOutputTarget(path: output ?? "-")
        case .postgres:
            return PostgresOutputTarget(settings: try PostgresSettings(url: postgresURL))
        }
    }
}
