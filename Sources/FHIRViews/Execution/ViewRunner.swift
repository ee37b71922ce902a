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
        let maker = rowMaker()
        try await target.withSinks(for: tables) { sinks in
            let options = FHIRResourceInput.Options(
                format: format, version: version, entries: entries, topLevelKeys: topLevelKeys)
            try FHIRResourceFiles.stream(paths: inputs, options: options, workers: workers, pieceSize: pieceSize) { input in
                var made = MadeRows()
                try input.forEachResource { resource, location in
                    made.resources += 1
                    try maker.forEachRow(of: resource, at: location) { view, row in made.rows.append((Int32(view), row)) }
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
        let maker = rowMaker()
        try await target.withSinks(for: tables) { sinks in
            for (index, resource) in resources.enumerated() {
                statistics.resourcesRead += 1
                try maker.forEachRow(of: resource, at: SourceLocation(source: "<resources>", entry: index + 1)) { view, row in
                    try sinks[view].write(row)
                    statistics.rowsWritten[view] += 1
                }
            }
        }
        return statistics
    }

    /// What makes every view's rows of a resource, the views found by the resource's type once.
    public func rowMaker() -> RowMaker { RowMaker(views: views) }

    /// The rows the views make of one resource at a time: what each run above does with a resource, for a caller
    /// that holds its rows before they reach a table (a streamed export).
    public struct RowMaker: Sendable {
        let views: [CompiledView]
        let byType: [String: [Int]]

        init(views: [CompiledView]) {
            self.views = views
            var byType: [String: [Int]] = [:]
            for (index, view) in views.enumerated() { byType[view.resourceType, default: []].append(index) }
            self.byType = byType
        }

        /// Whether some view reads resources of `type`.
        public func reads(type: String) -> Bool { byType[type] != nil }

        /// Each row of `resource`, view by view in the views' order, with its view's index. A view's failure is
        /// placed at `location`.
        public func forEachRow(of resource: FHIRElement, at location: SourceLocation, _ body: (_ view: Int, [FHIRElement]) throws -> Void) throws {
            for index in byType[resource.resourceType ?? ""] ?? [] {
                do {
                    try views[index].rows(for: resource) { row in try body(index, row) }
                } catch var error as ViewRuntimeError {
                    error.location = location
                    throw error
                }
            }
        }
    }
}
