import FHIRModel

/// Receives a view's rows one at a time, each value in column order: `.null` for null, the JSON value otherwise
/// (an array for `collection` columns). A sink only buffers; its `ViewOutputTarget` makes the output visible.
public protocol ViewRowSink: AnyObject {
    func write(_ row: [FHIRElement]) throws
}

/// Where a run's tables go. `withSinks` hands one sink per table to `body` and publishes the output only when
/// `body` returns normally: after a failure no file, database table or half-written output is left behind.
public protocol ViewOutputTarget {
    func withSinks(for tables: [ViewTable], _ body: ([any ViewRowSink]) throws -> Void) async throws
}

/// A sink that keeps the rows, for tests and callers that want them in memory.
public final class ViewRowCollector: ViewRowSink {
    public private(set) var rows: [[FHIRElement]] = []
    public init() {}
    public func write(_ row: [FHIRElement]) throws { rows.append(row) }
}
