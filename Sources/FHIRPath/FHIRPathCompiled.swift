/// The executable form of an expression: evaluates on a focus collection within an environment.
typealias FHIRPathEvaluator = @Sendable ([FHIRPathItem], FHIRPathEnvironment) throws -> [FHIRPathItem]

/// A compiled sub-expression with what is known statically about its result.
struct FHIRPathCompiled: Sendable {
    let evaluate: FHIRPathEvaluator
    /// FHIR type codes the result may have (nil when unknown).
    let staticTypes: [String]?
    /// True when the value is a constant that does not depend on the focus (`1`, `'a'`).
    var isConstant = false

    init(staticTypes: [String]? = nil, isConstant: Bool = false, _ evaluate: @escaping FHIRPathEvaluator) {
        self.evaluate = evaluate
        self.staticTypes = staticTypes
        self.isConstant = isConstant
    }
}
