import FHIRModel

/// The state of one evaluation: the special variables and the user's variables. Used by one evaluation at a time,
/// never shared between threads; each thread keeps one to reuse (`FHIRPathEnvironmentPool`).
///
/// Starting and finishing an evaluation is on the path of every call, so the state is kept in the forms cheapest to
/// set and clear: the resource as its tree node, the context and `$this` as "the resource" until something else is
/// set, collections made only when an expression reads them. The properties skip dynamic exclusivity checks: one
/// evaluation at a time uses the object, and no access to one of them overlaps another.
final class FHIRPathEnvironment {
    let model: any FHIRPathTypeModel
    /// `%resource`: the node and its type.
    @exclusivity(unchecked) private var resourceElement: FHIRElement
    @exclusivity(unchecked) private var resourceType: String?
    /// `%rootResource` when it is not the resource.
    @exclusivity(unchecked) private var rootElement: FHIRElement?
    var resourceItem: FHIRPathItem { FHIRPathItem(.node(resourceElement, type: resourceType, primitiveExtension: nil)) }
    var rootResourceItem: FHIRPathItem {
        guard let rootElement else { return resourceItem }
        return FHIRPathItem.element(rootElement, type: nil)
    }
    var resource: [FHIRPathItem] { [resourceItem] }
    var rootResource: [FHIRPathItem] { [rootResourceItem] }
    /// `%context`, when it is not the resource: one item (`FHIRPathEvaluationScope`) or a collection.
    @exclusivity(unchecked) private var contextItem: FHIRPathItem?
    @exclusivity(unchecked) private var contextCollection: [FHIRPathItem]?
    var context: [FHIRPathItem] {
        if let contextItem { return [contextItem] }
        return contextCollection ?? resource
    }
    @exclusivity(unchecked) var variables: [String: [FHIRPathItem]]
    /// `$this` of the innermost iterating function, or the context at the top level. Kept as the single item
    /// while iterating (`where` runs once per item; most criteria never read `$this` as a collection), made a
    /// collection only when asked.
    @exclusivity(unchecked) private var thisItem: FHIRPathItem?
    var this: [FHIRPathItem] { thisItem.map { [$0] } ?? context }
    @exclusivity(unchecked) var index: Int?
    @exclusivity(unchecked) var total: [FHIRPathItem]?
    /// Where `trace()` logs, when the caller listens.
    @exclusivity(unchecked) var trace: FHIRPathTraceHandler?
    /// Captured once per evaluation so that `now()` is stable within it.
    @exclusivity(unchecked) private var capturedNow: FHIRPathTemporal?
    var now: FHIRPathTemporal {
        if let capturedNow { return capturedNow }
        let now = FHIRPathClock.now()
        capturedNow = now
        return now
    }

    /// Starts with the resource as the context.
    init(
        model: any FHIRPathTypeModel, resource: FHIRElement, type: String?, rootResource: FHIRElement?,
        variables: [String: [FHIRPathItem]]
    ) {
        self.model = model
        resourceElement = resource
        resourceType = type
        rootElement = rootResource
        self.variables = variables
    }

    /// Starts an evaluation on another resource, as if newly made (after `finish()`).
    @inline(__always)
    func start(
        resource: FHIRElement, type: String?, rootResource: FHIRElement?, variables: [String: [FHIRPathItem]],
        trace: FHIRPathTraceHandler?
    ) {
        resourceElement = resource
        resourceType = type
        if let rootResource { rootElement = rootResource }
        if !variables.isEmpty { self.variables = variables }
        if let trace { self.trace = trace }
    }

    /// Lets go of the resource and of everything taken from the caller, and clears what the evaluation set, so
    /// that the next `start` has only the resource to set. Fields are cleared only when set: most never are.
    @inline(__always)
    func finish() {
        resourceElement = .null
        if resourceType != nil { resourceType = nil }
        if rootElement != nil { rootElement = nil }
        if contextItem != nil { contextItem = nil }
        if contextCollection != nil { contextCollection = nil }
        if thisItem != nil { thisItem = nil }
        if index != nil { index = nil }
        if total != nil { total = nil }
        if !variables.isEmpty { variables = [:] }
        if trace != nil { trace = nil }
        if capturedNow != nil { capturedNow = nil }
    }

    /// Starts another evaluation on the same resource with a new context (`FHIRPathEvaluationScope`).
    func restart(context: [FHIRPathItem]) {
        contextItem = nil
        contextCollection = context
        thisItem = nil
        index = nil
        total = nil
    }

    /// Starts another evaluation on the same resource from one item, without making it a collection.
    func restart(focus: FHIRPathItem) {
        contextItem = focus
        contextCollection = nil
        thisItem = nil
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
