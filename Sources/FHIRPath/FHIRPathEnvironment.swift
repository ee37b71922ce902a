import FHIRModel

/// The state of one evaluation: the special variables and the user's variables. One per `evaluate` call, never
/// shared between threads.
final class FHIRPathEnvironment {
    let model: any FHIRPathTypeModel
    let resource: [FHIRPathItem]
    let rootResource: [FHIRPathItem]
    let context: [FHIRPathItem]
    var variables: [String: [FHIRPathItem]]
    /// `$this` of the innermost iterating function, or the context at the top level.
    var this: [FHIRPathItem]
    var index: Int?
    var total: [FHIRPathItem]?
    /// Captured once per evaluation so that `now()` is stable within it.
    lazy var now: FHIRPathTemporal = FHIRPathClock.now()

    init(
        model: any FHIRPathTypeModel, resource: [FHIRPathItem], rootResource: [FHIRPathItem],
        context: [FHIRPathItem], variables: [String: [FHIRPathItem]]
    ) {
        self.model = model
        self.resource = resource
        self.rootResource = rootResource
        self.context = context
        self.variables = variables
        this = context
    }

    /// Runs `body` with `$this`, `$index` (and `$total`) set, restoring them afterwards.
    @inline(__always)
    func iterating<T>(this item: FHIRPathItem, index: Int?, total: [FHIRPathItem]? = nil, _ body: () throws -> T)
        rethrows -> T
    {
        let savedThis = self.this
        let savedIndex = self.index
        let savedTotal = self.total
        self.this = [item]
        self.index = index
        if let total { self.total = total }
        defer {
            self.this = savedThis
            self.index = savedIndex
            self.total = savedTotal
        }
        return try body()
    }
}
