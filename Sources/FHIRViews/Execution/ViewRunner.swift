import FHIRModel

/// Runs several compiled views in one pass over the input: each resource is read once and handed to the views
/// of its type, each view's rows going to its own table.
public struct ViewRunner {
    public var views: [CompiledView]

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
    @discardableResult
    public func run(
        inputs: [String], entries: Bool = false, format: FHIRFormat? = nil, into target: any ViewOutputTarget
    ) async throws -> Statistics {
        let releases = Set(views.map(\.version))
        let version = releases.count == 1 ? releases.first! : .r4
        var statistics = Statistics(rowsWritten: Array(repeating: 0, count: views.count))
        let byType = viewsByResourceType()
        try await target.withSinks(for: tables) { sinks in
            let options = FHIRResourceInput.Options(
                format: format, version: version, entries: entries, topLevelKeys: topLevelKeys)
            for path in inputs {
                try FHIRResourceInput(path: path, options: options).forEachResource { resource, location in
                    statistics.resourcesRead += 1
                    try feed(resource, to: byType[resource.resourceType ?? ""] ?? [], sinks: sinks, at: location,
                        statistics: &statistics)
                }
            }
        }
        return statistics
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
