import FHIRModel

/// The state of one evaluation: the special variables and the user's variables. One per `evaluate` call, never
/// shared between threads.
final class FHIRPathEnvironment {
    let model: any FHIRPathTypeModel
    let resource: [FHIRPathItem]
    let rootResource: [FHIRPathItem]
    /// `%context`: kept as the single item when evaluation starts from one (`FHIRPathEvaluationScope`).
    private var contextItem: FHIRPathItem?
    private var contextCollection: [FHIRPathItem]
    var context: [FHIRPathItem] { contextItem.map { [$0] } ?? contextCollection }
    var variables: [String: [FHIRPathItem]]
    /// `$this` of the innermost iterating function, or the context at the top level. Kept as the single item
    /// while iterating (`where` runs once per item; most criteria never read `$this` as a collection), made a
    /// collection only when asked.
    private var thisItem: FHIRPathItem?
    private var thisCollection: [FHIRPathItem]
    var this: [FHIRPathItem] { thisItem.map { [$0] } ?? thisCollection }
    var index: Int?
    var total: [FHIRPathItem]?
    /// Where `trace()` logs, when the caller listens.
    var trace: FHIRPathTraceHandler?
    /// Captured once per evaluation so that `now()` is stable within it.
    lazy var now: FHIRPathTemporal = FHIRPathClock.now()

    init(
        model: any FHIRPathTypeModel, resource: [FHIRPathItem], rootResource: [FHIRPathItem],
        context: [FHIRPathItem], variables: [String: [FHIRPathItem]]
    ) {
        self.model = model
        self.resource = resource
        self.rootResource = rootResource
        self.variables = variables
        contextCollection = context
        thisCollection = context
    }

    /// Starts another evaluation on the same resource with a new context (`FHIRPathEvaluationScope`).
    func restart(context: [FHIRPathItem]) {
        contextItem = nil
        contextCollection = context
        thisItem = nil
        thisCollection = context
        index = nil
        total = nil
    }

    /// Starts another evaluation on the same resource from one item, without making it a collection.
    func restart(focus: FHIRPathItem) {
        contextItem = focus
        contextCollection = []
        thisItem = focus
        thisCollection = []
        index = nil
        total = nil
    }

    /// Runs `body` with `$this`, `$index` (and `$total`) set, restoring them afterwards.
    @inline(__always)
    func iterating<T>(this item: FHIRPathItem, index: Int?, total: [FHIRPathItem]? = nil, _ body: () throws -> T)
        rethrows -> T
    {
        let savedThis = thisItem
        let savedIndex = self.index
        let savedTotal = self.total
        thisItem = item
        self.index = index
        if let total { self.total = total }
        defer {
            thisItem = savedThis
            self.index = savedIndex
            self.total = savedTotal
        }
        return try body()
    }
}
