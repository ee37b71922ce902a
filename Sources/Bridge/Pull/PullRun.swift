import FHIRModel
import ImmPortAPI

/// The state of one pull: keys per step, references wanted by later steps, included resources not yet claimed.
struct PullRun {
    let capabilities: FHIRServerCapabilities
    var deduplicator = FHIRResourceDeduplicator()
    var duplicatesDropped = 0
    var keysByStep: [String: [FHIRResourceKey]] = [:]
    var keySetsByStep: [String: Set<FHIRResourceKey>] = [:]
    var referencesWanted: [String: [FHIRResourceKey]] = [:]
    var wantedSets: [String: Set<FHIRResourceKey>] = [:]
    var pooled: [FHIRResourceKey: FHIRElement] = [:]
    /// Per revinclude step: the targets whose searches carried its `_revinclude` on pages under the include limit.
    var revincludeCoverage: [String: Set<FHIRResourceKey>] = [:]
    /// Steps whose revinclude was added to the current search; cleared when a page hits the include limit.
    var activeRevincludes: [String: Set<String>] = [:]
    var truncatedRevincludes: Set<String> = []
    /// References already reported as impossible to follow, so that each is reported once.
    var reportedReferences: Set<String> = []

    init(plan: PullPlan, capabilities: FHIRServerCapabilities) {
        self.capabilities = capabilities
    }

    func stepHas(_ step: String, _ key: FHIRResourceKey) -> Bool { keySetsByStep[step]?.contains(key) ?? false }

    mutating func record(_ key: FHIRResourceKey, inStep step: String) {
        if keySetsByStep[step, default: []].insert(key).inserted { keysByStep[step, default: []].append(key) }
    }

    mutating func want(_ key: FHIRResourceKey, forStep step: String) {
        if wantedSets[step, default: []].insert(key).inserted { referencesWanted[step, default: []].append(key) }
    }

    /// `_include` / `_revinclude` parameters that later steps ask to add to a search of `step`.
    mutating func piggybacks(forStep step: String, type: String, plan: PullPlan) -> [(String, String)] {
        var parameters: [(String, String)] = []
        var revincluding: Set<String> = []
        for later in plan.steps {
            if let include = later.include, include.step == step,
                let value = include.candidates.first(where: { capabilities.supportsInclude(on: type, $0) })
            {
                parameters.append(("_include", value))
            }
            if let revinclude = later.revinclude, revinclude.step == step,
                let value = revinclude.candidates.first(where: { capabilities.supportsRevInclude(on: type, $0) })
            {
                parameters.append(("_revinclude", value))
                revincluding.insert(later.id)
            }
        }
        activeRevincludes[step] = revincluding
        truncatedRevincludes = []
        return parameters
    }

    /// A page at HAPI's include limit may have lost included resources: its revincludes no longer count as complete.
    mutating func notePiggybackPage(_ page: PullPage, searchedStep: String, limit: Int) {
        if page.includedCount >= limit { truncatedRevincludes.formUnion(activeRevincludes[searchedStep] ?? []) }
    }

    /// After a search of `step` for `targets` finished: record which revincluding steps it covered.
    mutating func coverPiggybacks(forStep step: String, targets: [FHIRResourceKey]) {
        for later in activeRevincludes[step] ?? [] where !truncatedRevincludes.contains(later) {
            revincludeCoverage[later, default: []].formUnion(targets)
        }
        activeRevincludes[step] = nil
    }

    mutating func pool(_ resource: FHIRElement) {
        guard let key = FHIRResourceKey(resource: resource) else { return }
        if let existing = pooled[key], !FHIRResourceDeduplicator.isNewer(resource.versionId ?? "", than: existing.versionId) { return }
        pooled[key] = resource
    }

    mutating func takePooled(_ key: FHIRResourceKey) -> FHIRElement? { pooled.removeValue(forKey: key) }

    mutating func takePooled(type: String, where accepts: (FHIRElement) throws -> Bool) rethrows -> [FHIRElement] {
        let keys = pooled.keys.filter { $0.type == type }.sorted()
        var taken: [FHIRElement] = []
        for key in keys {
            guard let resource = pooled[key], try accepts(resource) else { continue }
            pooled[key] = nil
            taken.append(resource)
        }
        return taken
    }

    mutating func discardPool() { pooled.removeAll() }
}
