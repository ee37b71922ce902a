import FHIRModel

/// CSV, TSV or NDJSON files, one per table, each written through `AtomicFileWriter`: all files appear together
/// after a successful run and none after a failure.
public struct FileOutputTarget: ViewOutputTarget {
    public var format: ViewOutputFormat
    /// One path per table, in table order (`-` writes to standard output).
    public var paths: [String]

    public init(format: ViewOutputFormat, paths: [String]) {
        precondition(format == .csv || format == .tsv || format == .ndjson, "FileOutputTarget writes csv, tsv or ndjson")
        self.format = format
        self.paths = paths
    }

    public func withSinks(for tables: [ViewTable], _ body: ([any ViewRowSink]) throws -> Void) async throws {
        try run(tables, body)
    }

    func run(_ tables: [ViewTable], _ body: ([any ViewRowSink]) throws -> Void) throws {
        precondition(tables.count == paths.count, "one output path per table")
        var writers: [AtomicFileWriter] = []
        var sinks: [any ViewRowSink] = []
        for (table, path) in zip(tables, paths) {
            let writer = try AtomicFileWriter(path: path)
            writers.append(writer)
            switch format {
            case .csv: sinks.append(try DelimitedTextSink(writer: writer, table: table, dialect: .csv))
            case .tsv: sinks.append(try DelimitedTextSink(writer: writer, table: table, dialect: .tsv))
            default: sinks.append(NDJSONRowSink(writer: writer, table: table))
            }
        }
        try body(sinks)
        for writer in writers { try writer.commit() }
    }
}
