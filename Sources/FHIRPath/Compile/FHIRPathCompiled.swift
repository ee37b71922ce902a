/// The executable form of an expression: evaluates on a focus collection within an environment.
typealias FHIRPathEvaluator = @Sendable ([FHIRPathItem], FHIRPathEnvironment) throws -> [FHIRPathItem]

/// A criterion evaluated on one item, converted to a Boolean as `where` does (empty is nil).
typealias FHIRPathItemTest = @Sendable (FHIRPathItem, FHIRPathEnvironment) throws -> Bool?

/// A compiled sub-expression with what is known statically about its result.
struct FHIRPathCompiled: Sendable {
    let evaluate: FHIRPathEvaluator
    /// FHIR type codes the result may have (nil when unknown).
    var staticTypes: [String]?
    /// The value, when it is a constant that does not depend on the focus (`1`, `'a'`, `%ucum`).
    var constant: [FHIRPathItem]? = nil
    /// Set when the expression is a path of member steps and filters, so that a path continuing it extends the
    /// chain instead of nesting another closure (see `FHIRPathChain`).
    var chain: FHIRPathChain? = nil
    /// True when the order of the result is undefined (`children()`, `descendants()` and what is derived from
    /// them): order-dependent functions on it are errors under `checksOrderedFunctions`.
    var unordered = false
    /// A quicker way to `test` one item, when the expression has one (`system = 'x'`): same result, same errors.
    var itemTest: FHIRPathItemTest? = nil
    /// The same test on a bare node of type `inputType` (see `FHIRPathNodeSteps`), when the expression has one.
    var nodeTest: (inputType: String, test: FHIRPathNodeTest)? = nil
    /// The same as `evaluate` on a focus of one item, without making it a collection, when the expression has it.
    var itemEvaluator: (@Sendable (FHIRPathItem, FHIRPathEnvironment) throws -> [FHIRPathItem])? = nil

    init(staticTypes: [String]? = nil, _ evaluate: @escaping FHIRPathEvaluator) {
        self.evaluate = evaluate
        self.staticTypes = staticTypes
    }

    init(constant items: [FHIRPathItem]) {
        self.init { _, _ in items }
        constant = items
    }

    init(chain: FHIRPathChain, staticTypes: [String]?) {
        self.init(staticTypes: staticTypes) { focus, env in try chain.evaluate(focus, env) }
        self.chain = chain
    }

    /// The expression on a focus of `item` alone, as a Boolean the way `where` and `all` read a criterion:
    /// empty is nil, a single Boolean its value, any other single item true, more than one an error.
    @inline(__always)
    func test(_ item: FHIRPathItem, _ env: FHIRPathEnvironment) throws -> Bool? {
        if let itemTest { return try itemTest(item, env) }
        return try FHIRPathOperators.boolean(evaluate([item], env), "criterion")
    }
}
