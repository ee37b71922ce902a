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
        var studies: [FHIRResourceKey] = []
        do {
            try all.forEachResource(ofType: studyType, keys: FHIRJSONKeyFilter(keys: ["resourceType", "id", "identifier"])) { key, resource in
                if StudyPuller.isStudy(resource, accession) { studies.append(key) }
            }
        } catch {
            throw BridgeFailure(stage: .pull, message: "\(source): \(error)")
        }
        guard studies.count == 1, let studyKey = studies.first else {
            throw BridgeFailure(stage: .pull, message: studies.isEmpty
                    ? "\(source): no \(studyType) has the id or an identifier value \(accession)"
                    : "\(source): \(studies.count) \(studyType) resources have the id or identifier \(accession): \(studies.map(\.description).joined(separator: ", "))")
        }
        // The selection shares the directory's table (and spool): it keeps positions, not copies.
        var selected: [FHIRResourceKey] = [studyKey]
        var keysByStep: [String: [FHIRResourceKey]] = [PullPlan.studyStepID: [studyKey]]
        do {
            for step in plan.steps {
                var keys: [FHIRResourceKey] = []
                var found: [FHIRResourceKey] = []
                if let search = step.search {
                    let targets = Set(search.targets.flatMap { keysByStep[$0] ?? [] })
                    // Only the members the paths read are built (a spooled directory is parsed again here), on
                    // every core a window at a time; the answer is in the collection's order, as a plain loop's.
                    let readKeys = PullReferencePath.resourceKeys(of: search.referencePaths)
                    let paths = search.referencePaths
                    let positions = all.positions(ofType: step.resourceType)
                    let chunkSize = 256
                    let window = ParallelMap.window(chunkSize: chunkSize)
                    for windowStart in stride(from: 0, to: positions.count, by: window) {
                        let inWindow = positions[windowStart..<min(positions.count, windowStart + window)]
                        let pointing = try ParallelMap.mapChunks(of: inWindow, chunkSize: chunkSize) { chunk in
                            try all.resources(at: chunk, keys: readKeys).map { resource in
                                try paths.contains { path in
                                    try path.references(in: resource).contains { $0.resourceKey.map(targets.contains) ?? false }
                                }
                            }
                        }
                        for (position, points) in zip(inWindow, pointing) where points {
                            let key = all.key(at: position)
                            keys.append(key)
                            found.append(key)
                        }
                    }
                } else {
                    var seen = Set<FHIRResourceKey>()
                    for origin in step.referencedFrom ?? [] {
                        // Each holder's references of the step's type, in path order, read on every core a window
                        // at a time (a study's subjects are as many as its patients); then taken in holder order,
                        // as a plain loop takes them.
                        let readKeys = PullReferencePath.resourceKeys(of: origin.paths)
                        let paths = origin.paths
                        let type = step.resourceType
                        let holders = (keysByStep[origin.step] ?? []).compactMap { all.position(ofKey: $0) }
                        let chunkSize = 256
                        let window = ParallelMap.window(chunkSize: chunkSize)
                        for windowStart in stride(from: 0, to: holders.count, by: window) {
                            let inWindow = holders[windowStart..<min(holders.count, windowStart + window)]
                            let referenced = try ParallelMap.mapChunks(of: inWindow, chunkSize: chunkSize) { chunk in
                                try all.resources(at: chunk, keys: readKeys).map { resource in
                                    try paths.flatMap { path in
                                        try path.references(in: resource).compactMap { $0.resourceKey.flatMap { $0.type == type ? $0 : nil } }
                                    }
                                }
                            }
                            for (holder, keysReferenced) in zip(inWindow, referenced) {
                                for key in keysReferenced where seen.insert(key).inserted {
                                    if all.contains(key) {
                                        keys.append(key)
                                        found.append(key)
                                    } else {
                                        diagnostics.warning("\(key) is referenced by \(all.key(at: holder)) but the directory does not have it", source: source)
                                    }
                                }
                            }
                        }
                    }
                }
                selected += found
                keysByStep[step.id] = keys
            }
        } catch {
            throw BridgeFailure(stage: .pull, message: "\(source): evaluating the pull plan: \(error)")
        }
        return all.selecting(selected)
    }
}
