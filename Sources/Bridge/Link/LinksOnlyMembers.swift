import FHIRModel

/// The members of each resource type that a run which only links and compares (a reconcile) reads: what the pull
/// plan selects a study's resources by, and what the links read (their keys, `where` and compared fields). A
/// directory's resources are built this far and no further (`PullStage.readDirectory(keys:)`): their `meta`, text,
/// codes and times were most of what a reconcile built, only to be let go.
///
/// A type neither reads is built to its type and id (the selection never takes it); a plan path `*` (any reference
/// anywhere) reads the whole of its type. The resources' versions are read from their text, not from `meta`.
enum LinksOnlyMembers {
    static func byType(mapping: CompiledMapping, plan: PullPlan) -> FHIRResourceTypeKeys {
        let identity = FHIRJSONKeyFilter.resourceIdentity
        var byType: [String: FHIRJSONKeyFilter?] = [:]
        func add(_ type: String?, _ keys: FHIRJSONKeyFilter?) {
            guard let type else { return }
            // A type already read whole stays whole (`union` with nil is nil).
            byType[type] = FHIRJSONKeyFilter.union(byType[type] ?? identity, keys)
        }
        // The study is found by its id or an identifier (`StudyPuller.isStudy`).
        add(plan.study.resourceType, FHIRJSONKeyFilter(keys: ["identifier"]))
        for step in plan.steps {
            if let search = step.search { add(step.resourceType, PullReferencePath.resourceKeys(of: search.referencePaths)) }
            for origin in step.referencedFrom ?? [] { add(plan.resourceType(ofStep: origin.step), PullReferencePath.resourceKeys(of: origin.paths)) }
        }
        for link in mapping.links {
            let type = link.declaration.resourceType.value
            add(type, link.resourceKeys)
            add(type, link.fieldResourceKeys)
        }
        return FHIRResourceTypeKeys(byType: byType, otherTypes: identity)
    }
}
