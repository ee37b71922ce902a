/// A selection structure: columns, nested selects and a union, optionally iterated with `forEach`,
/// `forEachOrNull` or `repeat` (at most one of the three).
public struct ViewSelect: Sendable, Equatable {
    public var columns: [ViewColumn]
    public var select: [ViewSelect]
    public var unionAll: [ViewSelect]
    public var iteration: ViewIteration?

    public init(
        columns: [ViewColumn] = [], select: [ViewSelect] = [], unionAll: [ViewSelect] = [],
        iteration: ViewIteration? = nil
    ) {
        self.columns = columns
        self.select = select
        self.unionAll = unionAll
        self.iteration = iteration
    }
}

/// How a selection structure turns its input node into the nodes it produces rows for.
public enum ViewIteration: Sendable, Equatable {
    /// One row set per item; no rows when the expression is empty.
    case forEach(String)
    /// Like `forEach`, but a single row of nulls when the expression is empty.
    case forEachOrNull(String)
    /// Every node reached by following the expressions recursively, depth first.
    case `repeat`([String])

    /// The element name used in a definition.
    public var keyword: String {
        switch self {
        case .forEach: return "forEach"
        case .forEachOrNull: return "forEachOrNull"
        case .repeat: return "repeat"
        }
    }
}
