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
    /// Rows a streamed export reads back from its spools at a time, parsed on every core (any number gives the
    /// same tables; a test sets a few).
    public var rowsPerRead = 4096

    public init(views: ViewSet, format: ViewOutputFormat, output: String?, postgresURL: String? = nil) {
        self.views = views
        self.format = format
        self.output = output
        self.postgresURL = postgresURL
    }

    /// Rows written per table, in the views' order.
    public func write(_ studies: [StudyBundle]) async throws -> [(table: String, rows: Int)] {
        let target = try makeTarget()
        let statistics = try await ViewRunner(views: views.views).run(resources: StudyBundle.distinctResources(studies), into: target)
        return zip(views.tables, statistics.rowsWritten).map { ($0.name, $1) }
    }

    /// The tables of a streamed merge (`BridgePipeline.streamMerged`), so that no study is held: each window's
    /// resources are made into rows as it comes, each view's rows kept in a spool of its own (on disk, read back in
    /// order), and the tables written from the spools once every study is merged. The tables are `write(_:)`'s, row
    /// for row; what grows with the study is 4 bytes a row (its length: a view's rows lie one after another in its
    /// spool). The merge reports, and the rows written per table.
    public func write(
        streaming pipeline: BridgePipeline, studies: [String]
    ) async throws -> (reports: [StudyMergeReport], tables: [(table: String, rows: Int)]) {
        let target = try makeTarget()
        let maker = ViewRunner(views: views.views).rowMaker()
        let spools = try views.views.map { _ in try ByteSpool() }
        var lengths = [[UInt32]](repeating: [], count: views.views.count)
        // As `StudyBundle.distinctResources`: a resource an earlier study gave is left out (only several studies can).
        var written: Set<FHIRResourceKey>? = studies.count > 1 ? [] : nil
        // Each resource's place among those the views see, for a view's failure (as `write(_:)` places it).
        var entry = 0
        var row: [UInt8] = []
        let writer = FHIRJSONWriter()
        func isNew(_ key: FHIRResourceKey?) -> Bool {
            guard written != nil, let key else { return true }
            return written!.insert(key).inserted
        }
        func add(_ resource: FHIRElement) throws {
            guard isNew(FHIRResourceKey(resource: resource)) else { return }
            entry += 1
            try maker.forEachRow(of: resource, at: SourceLocation(source: "<resources>", entry: entry)) { view, cells in
                row.removeAll(keepingCapacity: true)
                writer.write(.array(cells), into: &row)
                let span = try spools[view].appendJSON(row)
                guard let length = UInt32(exactly: span.length) else {
                    throw BridgeFailure(stage: .export, message: "a row of view \(views.views[view].table.name) is larger than 4 GB")
                }
                lengths[view].append(length)
            }
        }
        let reports = try await pipeline.streamMerged(studies: studies) { output in
            switch output {
            case .resources(let resources): for resource in resources { try add(resource) }
            case .written: preconditionFailure("the tables take the merge's trees (writesResources is off)")
            case .provenance(let provenance):
                // A Provenance is built whole only for a view that reads Provenances (its targets are a study's keys).
                if maker.reads(type: "Provenance") {
                    try add(try provenance.element())
                } else if isNew(provenance.key) {
                    entry += 1
                }
            }
        }
        try await target.withSinks(for: views.tables) { sinks in
            for (view, spool) in spools.enumerated() {
                try spool.flush()
                // Read back a run at a time, parsed on every core and written in the order the rows were made.
                let rowLengths = lengths[view]
                let run = max(1, rowsPerRead)
                var offsets: [Int] = []
                var offset = 0
                for (index, length) in rowLengths.enumerated() {
                    if index % run == 0 { offsets.append(offset) }
                    offset += Int(length)
                }
                let runOffsets = offsets
                try ParallelMap.streamChunks(count: runOffsets.count, chunkSize: 1) { chunk -> [FHIRElement] in
                    var offset = runOffsets[chunk.lowerBound]
                    let first = chunk.lowerBound * run
                    let spans = rowLengths[first..<min(rowLengths.count, first + run)].map { length in
                        defer { offset += Int(length) }
                        return ByteSpool.Span(offset: offset, length: Int(length))
                    }
                    return try spool.elements(at: spans, keys: nil)
                } consume: { _, rows in
                    for cells in rows { try sinks[view].write(cells.arrayValue ?? []) }
                }
            }
        }
        return (reports, zip(views.tables, lengths).map { ($0.name, $1.count) })
    }

    func makeTarget() throws -> any ViewOutputTarget {
        if format == .sqlite, let output {
            // As for the other formats, the folder the output goes in is made when missing.
            let folder = (output as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        }
        return try format.target(output: output, tables: views.tables, filePerTable: format != .sqlite, postgresURL: postgresURL)
    }
}
