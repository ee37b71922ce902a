import FHIRModel

/// The state many evaluations on one resource share: `%resource`, `%rootResource`, the user's variables and the
/// environment object. A view evaluates several columns per row and several rows per resource; building these
/// once per resource instead of once per column is a measurable part of a view's time.
///
/// Not thread-safe: one scope per resource per thread.
public final class FHIRPathEvaluationScope {
    let resource: FHIRElement
    let rootResource: FHIRElement?
    private var environment: FHIRPathEnvironment?
    private var environmentVersion: FHIRVersion?

    /// The variables (`%name`) of the evaluations that follow; changing one applies to the next evaluation.
    public var variables: [String: [FHIRPathItem]] {
        didSet { environment?.variables = variables }
    }

    public init(resource: FHIRElement, variables: [String: [FHIRPathItem]] = [:], rootResource: FHIRElement? = nil) {
        self.resource = resource
        self.rootResource = rootResource
        self.variables = variables
    }

    /// The environment for an expression compiled for `version`: reused while the version stays the same.
    func environment(for version: FHIRVersion, model: any FHIRPathTypeModel) -> FHIRPathEnvironment {
        if let environment, environmentVersion == version { return environment }
        let created = FHIRPathEnvironment(
            model: model, resource: resource, type: resource.resourceType, rootResource: rootResource,
            variables: variables)
        environment = created
        environmentVersion = version
        return created
    }
}
