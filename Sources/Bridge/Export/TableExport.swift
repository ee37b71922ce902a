import FHIRModel
import FHIRViews
import Foundation

/// The table half of the export stage: the merged studies' resources run through SQL-on-FHIR v2 ViewDefinitions
/// into CSV or TSV files (one per table), one SQLite file or a PostgreSQL database. The views see every study's
/// resources in one pass, so a warehouse gets one table per view however many studies it holds; a resource two
/// studies share (a Practitioner, an Organization) gives its rows once. Nothing is published unless every table was
/// written (the view targets' own atomic rule).
public struct TableExport: Sendable {
    public var views: ViewSet
    public var format: ViewOutputFormat
    /// A directory for csv and tsv, a database file for sqlite; unused for postgres.
    public var output: String?
    /// PostgreSQL URL (else the PG* variables).
    public var postgresURL: String?

    public init(views: ViewSet, format: ViewOutputFormat, output: String?, postgresURL: String? = nil) {
        self.views = views
        self.format = format
        self.output = output
        self.postgresURL = postgresURL
    }

    /// Rows written per table, in the views' order.
    public func write(_ studies: [StudyBundle]) async throws -> [(table: String, rows: Int)] {
        if format == .sqlite, let output {
            // As for the other formats, the folder the output goes in is made when missing.
            let folder = (output as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        }
        let target = try format.target(
            output: output, tables: views.tables, filePerTable: format != .sqlite, postgresURL: postgresURL)
        let statistics = try await ViewRunner(views: views.views).run(resources: StudyBundle.distinctResources(studies), into: target)
        return zip(views.tables, statistics.rowsWritten).map { ($0.name, $1) }
    }
}
