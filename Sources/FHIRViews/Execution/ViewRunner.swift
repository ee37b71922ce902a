import FHIRModel

/// Runs several compiled views in one pass over the input: each resource is read once and handed to the views
/// of its type, each view's rows going to its own table.
public struct ViewRunner {
    public var views: [CompiledView]
    /// The size of the pieces a large NDJSON input is read in (`FHIRResourceFiles.pieceSize`; tests cut smaller).
    public var pieceSize = FHIRResourceFiles.pieceSize

    public init(views: [CompiledView]) {
        self.views = views
    }

    public var tables: [ViewTable] { views.map(\.table) }

    /// The members of a resource that some view reads (nil: all): the reader skips the others.
    public var topLevelKeys: FHIRJSONKeyFilter? {
        views.reduce(FHIRJSONKeyFilter()) { FHIRJSONKeyFilter.union($0, $1.topLevelKeys) }
    }

    /// What a run read and wrote.
    public struct Statistics: Sendable, Equatable {
        public var resourcesRead = 0
        /// Rows written per view, in view order.
        public var rowsWritten: [Int]
        public var totalRows: Int { rowsWritten.reduce(0, +) }
    }

    /// Reads every input through `FHIRResourceInput` (its rules: an NDJSON line is one resource, a Bundle file is
    /// one resource unless `entries`) and writes the tables to `target`. On any error nothing is published.
    /// XML input is read with the views' FHIR release (R4 when they differ).
    ///
    /// The inputs are read and their rows made on every core (`FHIRResourceFiles.stream`: a large NDJSON file in
    /// pieces), and written in input order on this thread while the next are made: the tables are the one-core
    /// run's, row for row. A failure is the one-core run's too, placed in its file.
    @discardableResult
    public func run(
        inputs: [String], entries: Bool = false, format: FHIRFormat? = nil, workers: Int = ParallelMap.defaultWorkers,
        into target: any ViewOutputTarget
    ) async throws -> Statistics {
        let releases = Set(views.map(\.version))
        let version = releases.count == 1 ? releases.first! : .r4
        var statistics = Statistics(rowsWritten: Array(repeating: 0, count: views.count))
        let byType = viewsByResourceType()
        let views = self.views
        try await target.withSinks(for: tables) { sinks in
            let options = FHIRResourceInput.Options(
                format: format, version: version, entries: entries, topLevelKeys: topLevelKeys)
            try FHIRResourceFiles.stream(paths: inputs, options: options, workers: workers, pieceSize: pieceSize) { input in
                var made = MadeRows()
                try input.forEachResource { resource, location in
                    made.resources += 1
                    for index in byType[resource.resourceType ?? ""] ?? [] {
                        do {
                            try views[index].rows(for: resource) { row in made.rows.append((Int32(index), row)) }
                        } catch var error as ViewRuntimeError {
                            error.location = location
                            throw error
                        }
                    }
                }
                return made
            } consume: { _, made in
                statistics.resourcesRead += made.resources
                for (index, row) in made.rows {
                    try sinks[Int(index)].write(row)
                    statistics.rowsWritten[Int(index)] += 1
                }
            }
        }
        return statistics
    }

    /// A piece of the input's rows, in order, each with its view.
    struct MadeRows {
        var resources = 0
        var rows: [(view: Int32, row: [FHIRElement])] = []
    }

    /// Writes the tables for resources already in memory (e.g. the results of a pull).
    @discardableResult
    public func run(resources: some Sequence<FHIRElement>, into target: any ViewOutputTarget) async throws -> Statistics {
        var statistics = Statistics(rowsWritten: Array(repeating: 0, count: views.count))
        let byType = viewsByResourceType()
        try await target.withSinks(for: tables) { sinks in
            for (index, resource) in resources.enumerated() {
                statistics.resourcesRead += 1
                try feed(
                    resource, to: byType[resource.resourceType ?? ""] ?? [], sinks: sinks,
                    at: SourceLocation(source: "<resources>", entry: index + 1), statistics: &statistics)
            }
        }
        return statistics
    }

    func viewsByResourceType() -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for (index, view) in views.enumerated() { result[view.resourceType, default: []].append(index) }
        return result
    }

    func feed(
        _ resource: FHIRElement, to indices: [Int], sinks: [any ViewRowSink], at location: SourceLocation,
        statistics: inout Statistics
    ) throws {
        for index in indices {
            let sink = sinks[index]
            var count = 0
            do {
                try views[index].rows(for: resource) { row in
                    try sink.write(row)
                    count += 1
                }
            } catch var error as ViewRuntimeError {
                error.location = location
                throw error
            }
            statistics.rowsWritten[index] += count
        }
    }
}
