import FHIRModel

/// Spare environments, one per thread and FHIR version, reused by every evaluation on that thread.
///
/// Making and freeing an environment cost about a third of evaluating a short path (an allocation, and releasing
/// a dozen fields through their value witnesses), so an evaluation takes its thread's spare and gives it back. The
/// spare was once kept by each expression in an atomic slot: an expression evaluated on two cores at once then
/// bounced that slot between them and made a new environment half the time, which made a link's key reading
/// slower on two cores than on one.
///
/// An evaluation inside another on the same thread finds the slot empty and makes its own; whichever is given back
/// second is freed.
enum FHIRPathEnvironmentPool {
    /// Only its own thread touches its spares (unchecked: the dynamic exclusivity checks were part of every evaluation).
    final class Spares {
        @exclusivity(unchecked) var r4: FHIRPathEnvironment?
        @exclusivity(unchecked) var r5: FHIRPathEnvironment?
    }

    static let spares = PerThread { Spares() }

    /// This thread's spare environment for `version`, started on `resource`, or a new one.
    @inline(__always)
    static func take(
        version: FHIRVersion, model: any FHIRPathTypeModel, resource: FHIRElement, type: String?, rootResource: FHIRElement?,
        variables: [String: [FHIRPathItem]], trace: FHIRPathTraceHandler?
    ) -> FHIRPathEnvironment {
        let reused = spares.withCurrent { spares -> FHIRPathEnvironment? in
            switch version {
            case .r4: return spares.r4.take()
            case .r5: return spares.r5.take()
            }
        }
        if let reused {
            reused.start(resource: resource, type: type, rootResource: rootResource, variables: variables, trace: trace)
            return reused
        }
        let created = FHIRPathEnvironment(model: model, resource: resource, type: type, rootResource: rootResource, variables: variables)
        created.trace = trace
        return created
    }

    /// Keeps `environment` (finished) as its thread's spare for `version`.
    @inline(__always)
    static func giveBack(_ environment: FHIRPathEnvironment, version: FHIRVersion) {
        environment.finish()
        spares.withCurrent { spares in
            switch version {
            case .r4: spares.r4 = environment
            case .r5: spares.r5 = environment
            }
        }
    }
}
