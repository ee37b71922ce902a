/// The ordered, checked list of a view's output columns (the IG's `ValidateColumns`): parent columns first, then
/// nested selects, then the union's columns; names unique; every unionAll branch with the same names in the same
/// order (and the same type and collection flag where both say so).
public struct ViewTableLayout: Sendable, Equatable {
    public var columns: [ViewColumn]

    public init(_ view: ViewDefinition) throws {
        var columns: [ViewColumn] = []
        for (index, select) in view.select.enumerated() {
            for column in try Self.columns(of: select, at: "select[\(index)]") {
                try Self.append(column, to: &columns, at: "select[\(index)]")
            }
        }
        self.columns = columns
    }

    public var names: [String] { columns.map(\.name) }

    /// The columns one selection structure contributes, in output order.
    static func columns(of select: ViewSelect, at location: String) throws -> [ViewColumn] {
        var result: [ViewColumn] = []
        for (index, column) in select.columns.enumerated() {
            try append(column, to: &result, at: "\(location).column[\(index)]")
        }
        for (index, nested) in select.select.enumerated() {
            let nestedLocation = "\(location).select[\(index)]"
            for column in try columns(of: nested, at: nestedLocation) {
                try append(column, to: &result, at: nestedLocation)
            }
        }
        if let first = select.unionAll.first {
            let firstColumns = try columns(of: first, at: "\(location).unionAll[0]")
            for (index, branch) in select.unionAll.enumerated().dropFirst() {
                let branchLocation = "\(location).unionAll[\(index)]"
                let branchColumns = try columns(of: branch, at: branchLocation)
                guard branchColumns.map(\.name) == firstColumns.map(\.name) else {
                    throw ViewDefinitionError(
                        .unionMismatch, at: branchLocation,
                        "unionAll branches must have the same columns in the same order: "
                            + "[\(firstColumns.map(\.name).joined(separator: ", "))] in unionAll[0], "
                            + "[\(branchColumns.map(\.name).joined(separator: ", "))] here")
                }
                for (a, b) in zip(firstColumns, branchColumns) {
                    if let ta = a.typeName, let tb = b.typeName, ta != tb {
                        throw ViewDefinitionError(
                            .unionMismatch, at: branchLocation,
                            "column \"\(a.name)\" is \(ta) in unionAll[0] but \(tb) here")
                    }
                    if a.collection != b.collection {
                        throw ViewDefinitionError(
                            .unionMismatch, at: branchLocation,
                            "column \"\(a.name)\" is a collection in one unionAll branch but not in another")
                    }
                }
            }
            for column in firstColumns { try append(column, to: &result, at: "\(location).unionAll[0]") }
        }
        return result
    }

    static func append(_ column: ViewColumn, to list: inout [ViewColumn], at location: String) throws {
        if list.contains(where: { $0.name == column.name }) {
            throw ViewDefinitionError(
                .duplicateColumn, at: location, "column \"\(column.name)\" is defined more than once in the view")
        }
        list.append(column)
    }
}
