/// A view's output table as the sinks see it: a name and typed columns in view order.
public struct ViewTable: Sendable, Equatable {
    public var name: String
    public var columns: [ViewColumn]
    public var kinds: [ViewColumnKind]

    public init(name: String, columns: [ViewColumn]) {
        self.name = name
        self.columns = columns
        kinds = columns.map(ViewColumnKind.init)
    }

    public var columnNames: [String] { columns.map(\.name) }
}
