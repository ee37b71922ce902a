import FHIRModel
import ImmPortAPI

/// The pull plan applied to resources on disk (`--from DIR`) instead of a server: the study found by id or
/// identifier as `StudyPuller.findStudy` finds it, then each step's resources selected by the same reference paths
/// the online pull checks its answers with. The same plan, the same selection, no network.
public struct FHIRDirectoryPull: Sendable {
    public let plan: PullPlan

    public init(plan: PullPlan) {
        self.plan = plan
    }


    /// The study's resources among `all`, in the order the plan's steps find them.
    public func select(
        accession: String, from all: FHIRResourceCollection, source: String, diagnostics: DiagnosticsCollector
    ) throws(BridgeFailure) -> FHIRResourceCollection {
        let studyType = plan.study.resourceType
        let studies = all.resources(ofType: studyType).filter { StudyPuller.isStudy($0.resource, accession) }.map(\.key)
        guard studies.count == 1, let studyKey = studies.first else {
            throw BridgeFailure(stage: .pull, message: studies.isEmpty
                    ? "\(source): no \(studyType) has the id or an identifier value \(accession)"
                    : "\(source): \(studies.count) \(studyType) resources have the id or identifier \(accession): \(studies.map(\.description).joined(separator: ", "))")
        }
        var selected = FHIRResourceCollection()
        selected.add(all[studyKey]!)
        var keysByStep: [String: [FHIRResourceKey]] = [PullPlan.studyStepID: [studyKey]]
        do {
            for step in plan.steps {
                var keys: [FHIRResourceKey] = []
                var found: [FHIRElement] = []
                if let search = step.search {
                    let targets = Set(search.targets.flatMap { keysByStep[$0] ?? [] })
                    for (key, resource) in all.resources(ofType: step.resourceType) {
                        let points = try search.referencePaths.contains { path in
                            try path.references(in: resource).contains { $0.resourceKey.map(targets.contains) ?? false }
                        }
                        if points {
                            keys.append(key)
                            found.append(resource)
                        }
                    }
                } else {
                    var seen = Set<FHIRResourceKey>()
                    for origin in step.referencedFrom ?? [] {
                        for holder in keysByStep[origin.step] ?? [] {
                            guard let resource = all[holder] else { continue }
                            for path in origin.paths {
                                for reference in try path.references(in: resource) {
                                    guard let key = reference.resourceKey, key.type == step.resourceType, seen.insert(key).inserted else { continue }
                                    if let resource = all[key] {
                                        keys.append(key)
                                        found.append(resource)
                                    } else {
                                        diagnostics.warning("\(key) is referenced by \(holder) but the directory does not have it", source: source)
                                    }
                                }
                            }
                        }
                    }
                }
                for resource in found { selected.add(resource) }
                keysByStep[step.id] = keys
            }
        } catch {
            throw BridgeFailure(stage: .pull, message: "\(source): evaluating the pull plan: \(error)")
        }
        return selected
    }
}
