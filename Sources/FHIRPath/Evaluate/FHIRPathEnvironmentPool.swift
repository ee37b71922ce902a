import FHIRModel
import Synchronization

/// One spare environment kept by a compiled expression between evaluations.
///
/// Making and freeing an environment cost about a third of evaluating a short path (an allocation, and releasing
/// a dozen fields through their value witnesses); an expression evaluated once per resource reuses its last one.
/// Evaluations on several threads at once each take the spare or, finding none, make a new one.
///
/// Unchecked: an environment is not thread-safe, but the atomic exchange hands it over whole: whoever takes it
/// out of the slot is its only user until giving it back.
final class FHIRPathEnvironmentPool: @unchecked Sendable {
    private let spare = Atomic<Unmanaged<FHIRPathEnvironment>?>(nil)

    deinit {
        spare.load(ordering: .acquiring)?.release()
    }

    /// The spare environment started on `resource`, or a new one.
    @inline(__always)
    func take(
        model: any FHIRPathTypeModel, resource: FHIRElement, type: String?, rootResource: FHIRElement?,
        variables: [String: [FHIRPathItem]], trace: FHIRPathTraceHandler?
    ) -> FHIRPathEnvironment {
        if let reused = spare.exchange(nil, ordering: .acquiring)?.takeRetainedValue() {
            reused.start(resource: resource, type: type, rootResource: rootResource, variables: variables, trace: trace)
            return reused
        }
        let created = FHIRPathEnvironment(
            model: model, resource: resource, type: type, rootResource: rootResource, variables: variables)
        created.trace = trace
        return created
    }

    /// Keeps `environment` (finished) as the spare.
    @inline(__always)
    func giveBack(_ environment: FHIRPathEnvironment) {
        environment.finish()
        spare.exchange(Unmanaged.passRetained(environment), ordering: .acquiringAndReleasing)?.release()
    }
}
