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


    /// What `look` finds in each resource at `positions` (built only as far as `keys`: a spooled directory is
    /// parsed again here), on every core a chunk at a time, handed to `take` in the order of `positions`, as a
    /// plain loop would.
    static func inChunks<Answer>(
        _ positions: [FHIRResourceCollection.Position], of all: FHIRResourceCollection, keys: FHIRJSONKeyFilter?,
        look: @Sendable (FHIRElement) throws -> Answer, take: (FHIRResourceCollection.Position, Answer) throws -> Void
    ) throws {
        try ParallelMap.streamChunks(count: positions.count, chunkSize: 256) { chunk in
            try all.resources(at: positions[chunk], keys: keys).map(look)
        } consume: { chunk, answers in
            for (position, answer) in zip(positions[chunk], answers) { try take(position, answer) }
        }
    }

    /// The study's resources among `all`, in the order the plan's steps find them.
    public func select(
        accession: String, from all: FHIRResourceCollection, source: String, diagnostics: DiagnosticsCollector
    ) throws(BridgeFailure) -> FHIRResourceCollection {
        let studyType = plan.study.resourceType
        var studies: [FHIRResourceCollection.Position] = []
        do {
            try Self.inChunks(all.positions(ofType: studyType), of: all, keys: FHIRJSONKeyFilter(keys: ["resourceType", "id", "identifier"])) { resource in
                StudyPuller.isStudy(resource, accession)
            } take: { position, isStudy in
                if isStudy { studies.append(position) }
            }
        } catch {
            throw BridgeFailure(stage: .pull, message: "\(source): \(error)")
        }
        guard studies.count == 1, let study = studies.first else {
            throw BridgeFailure(stage: .pull, message: studies.isEmpty
                    ? "\(source): no \(studyType) has the id or an identifier value \(accession)"
                    : "\(source): \(studies.count) \(studyType) resources have the id or identifier \(accession): \(studies.map { all.key(at: $0).description }.joined(separator: ", "))")
        }
        // Resources are kept by position, never by key: the selection shares the directory's table (and spool),
        // and a step's targets are a bit each. A reference is looked up once, by the key it names.
        var selected: [FHIRResourceCollection.Position] = [study]
        var positionsByStep: [String: [FHIRResourceCollection.Position]] = [PullPlan.studyStepID: [study]]
        do {
            for step in plan.steps {
                var positions: [FHIRResourceCollection.Position] = []
                if let search = step.search {
                    var targeted = PositionSet(count: all.positionLimit)
                    for target in search.targets { for position in positionsByStep[target] ?? [] { targeted.insert(Int(position.index)) } }
                    let targets = targeted
                    // The step's resources that point at a target, in the collection's order.
                    let paths = search.referencePaths
                    try Self.inChunks(all.positions(ofType: step.resourceType), of: all, keys: PullReferencePath.resourceKeys(of: paths)) { resource in
                        try paths.contains { path in
                            try path.references(in: resource).contains { reference in
                                guard let key = reference.resourceKey, let position = all.position(ofKey: key) else { return false }
                                return targets.contains(Int(position.index))
                            }
                        }
                    } take: { position, points in
                        if points { positions.append(position) }
                    }
                } else {
                    var seen = PositionSet(count: all.positionLimit)
                    var missing = Set<FHIRResourceKey>()
                    for origin in step.referencedFrom ?? [] {
                        // Each holder's references of the step's type, in path order, taken in holder order (read
                        // in chunks: a study's subjects are as many as its patients).
                        let paths = origin.paths
                        let type = step.resourceType
                        try Self.inChunks(positionsByStep[origin.step] ?? [], of: all, keys: PullReferencePath.resourceKeys(of: paths)) { resource in
                            try paths.flatMap { path in
                                try path.references(in: resource).compactMap { $0.resourceKey.flatMap { $0.type == type ? $0 : nil } }
                            }
                        } take: { holder, keysReferenced in
                            for key in keysReferenced {
                                if let position = all.position(ofKey: key) {
                                    if seen.insertNew(Int(position.index)) { positions.append(position) }
                                } else if missing.insert(key).inserted {
                                    diagnostics.warning("\(key) is referenced by \(all.key(at: holder)) but the directory does not have it", source: source)
                                }
                            }
                        }
                    }
                }
                selected += positions
                positionsByStep[step.id] = positions
            }
        } catch {
            throw BridgeFailure(stage: .pull, message: "\(source): evaluating the pull plan: \(error)")
        }
        return all.selecting(positions: selected)
    }
}
