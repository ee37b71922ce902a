import FHIRModel
import ImmPortAPI

/// Runs a `PullPlan` against a FHIR server: finds the study, then each step's resources, using the
/// `_include`/`_revinclude` values the server advertises and falling back to chunked `_id=` and reference searches.
///
/// Resources go to the sink as they are accepted, de-duplicated across the whole pull (a later, newer
/// `meta.versionId` is handed over again). Only keys and references are kept between steps, plus included
/// resources waiting for the step that claims them. Results the server returns but that do not satisfy the search
/// (servers that ignore a parameter) are filtered out and reported as a diagnostic, not passed on.
public final class StudyPuller: Sendable {
    public let client: FHIRClient
    public let plan: PullPlan
    let diagnostics: DiagnosticsCollector?
    /// Where the answers go as they arrive and come from on a rerun (nil: straight from the server).
    public let journal: PullJournal?
    let requests: PullRequests

    public init(client: FHIRClient, plan: PullPlan, diagnostics: DiagnosticsCollector? = nil, journal: PullJournal? = nil) {
        self.client = client
        self.plan = plan
        self.diagnostics = diagnostics
        self.journal = journal
        requests = PullRequests(client: client, journal: journal)
    }

    public typealias Sink = @Sendable (_ resource: FHIRElement, _ step: String) async throws -> Void

    /// Pulls the study whose id or identifier value is `accession`.
    public func pull(accession: String, sink: Sink) async throws -> StudyPullSummary {
        let startStats = client.transportStatistics
        let startPages = client.pagesFetched
        let capabilities = try await requests.capabilities()
        try checkVersion(capabilities)
        var run = PullRun(plan: plan, capabilities: capabilities)
        var summary = StudyPullSummary(accession: accession)

        let study = try await findStudy(accession, run: &run)
        summary.study = FHIRResourceKey(resource: study.resource)
        try await accept(study.resource, step: PullPlan.studyStepID, run: &run, sink: sink)
        summary.steps.append(.init(id: PullPlan.studyStepID, resourceType: plan.study.resourceType, resources: 1, strategies: [study.strategy]))

        for step in plan.steps {
            var strategies: [String] = []
            let before = run.keysByStep[step.id]?.count ?? 0
            if let search = step.search {
                try await runSearchStep(step, search, run: &run, strategies: &strategies, sink: sink)
            } else if let sources = step.referencedFrom {
                try await runReferenceStep(step, sources, run: &run, strategies: &strategies, sink: sink)
            }
            let count = (run.keysByStep[step.id]?.count ?? 0) - before
            summary.steps.append(.init(id: step.id, resourceType: step.resourceType, resources: count, strategies: strategies))
        }

        let endStats = client.transportStatistics
        summary.resources = run.deduplicator.count
        summary.duplicatesDropped = run.duplicatesDropped
        summary.pages = client.pagesFetched - startPages
        summary.requests = endStats.requests - startStats.requests
        summary.retries = endStats.retries - startStats.retries
        return summary
    }

    /// The whole study in memory, for callers that asked for that.
    public func pullAll(accession: String) async throws -> (FHIRResourceCollection, StudyPullSummary) {
        let box = CollectionBox()
        let summary = try await pull(accession: accession) { resource, _ in await box.add(resource) }
        return (await box.collection, summary)
    }

    /// The plan's paths were compiled for one FHIR release: a server speaking another would make them find nothing.
    func checkVersion(_ capabilities: FHIRServerCapabilities) throws {
        let metadata = client.redact(client.base.appending("/metadata"))
        guard let detection = capabilities.detection else {
            diagnostics?.warning(
                "the server does not say which FHIR release it speaks (fhirVersion \(capabilities.fhirVersion ?? "missing")); reading it as \(plan.fhirVersion), as the pull plan \(plan.source) says",
                source: metadata)
            return
        }
        guard detection.version == plan.fhirVersion else {
            throw ImmPortAPIError(
                .invalidResponse, url: metadata,
                message: "the server speaks FHIR \(detection.version) (\(capabilities.fhirVersion ?? "")), but the pull plan \(plan.source) is written for \(plan.fhirVersion)")
        }
        if let warning = detection.warning { diagnostics?.warning(warning, source: metadata) }
    }

    // MARK: - Study

    struct FoundStudy {
        var resource: FHIRElement
        var strategy: String
    }

    /// `_id=ACC`, then `identifier=ACC` (any system), then `identifier=system|ACC` for the plan's systems. Each
    /// answer is checked here, since some servers ignore ResearchStudy search parameters and return everything.
    func findStudy(_ accession: String, run: inout PullRun) async throws -> FoundStudy {
        let type = plan.study.resourceType
        var attempts: [(String, [(String, String)])] = [("_id", [("_id", accession)]), ("identifier", [("identifier", accession)])]
        for system in plan.study.identifierSystems { attempts.append(("identifier system", [("identifier", "\(system)|\(accession)")])) }
        var tried: [String] = []
        for (strategy, parameters) in attempts {
            let query = parameters + run.piggybacks(forStep: PullPlan.studyStepID, type: type, plan: plan) + [("_count", String(plan.pageSize))]
            tried.append(client.redact(client.searchURL(type, parameters)))
            var found: [FHIRResourceKey: FHIRElement] = [:]
            do {
                for try await page in requests.search(type, query) {
                    for entry in page.entries {
                        if entry.mode == .match, entry.resource.resourceType == type, Self.isStudy(entry.resource, accession) {
                            found[entry.key] = entry.resource
                        } else if entry.mode == .include {
                            run.pool(entry.resource)
                        }
                    }
                    run.notePiggybackPage(page, searchedStep: PullPlan.studyStepID, limit: plan.includeLimitPerPage)
                }
            } catch let error as ImmPortAPIError where error.status == 400 {
                // The server rejects this way of asking (unknown parameter): try the next one.
                diagnostics?.emit(Diagnostic(.note, "study lookup by \(strategy) rejected: \(error)", source: error.url))
                continue
            }
            if found.count > 1 {
                throw ImmPortAPIError(
                    .invalidResponse, url: tried.last ?? "",
                    message: "\(found.count) \(type) resources have the id or identifier \(accession): \(found.keys.sorted().map(\.description).joined(separator: ", "))")
            }
            if let (key, resource) = found.first {
                run.coverPiggybacks(forStep: PullPlan.studyStepID, targets: [key])
                return FoundStudy(resource: resource, strategy: strategy)
            }
            run.discardPool()
        }
        throw ImmPortAPIError(
            .notFound, url: tried.first ?? "",
            message: "no \(type) has the id or an identifier value \(accession) (tried: \(tried.joined(separator: " ; ")))")
    }

    static func isStudy(_ resource: FHIRElement, _ accession: String) -> Bool {
        if resource["id"]?.stringValue == accession { return true }
        return (resource["identifier"]?.arrayValue ?? []).contains { $0["value"]?.stringValue == accession }
    }

    // MARK: - Steps

    func runSearchStep(
        _ step: PullPlan.Step, _ search: PullPlan.ReferenceSearch, run: inout PullRun, strategies: inout [String], sink: Sink
    ) async throws {
        let targets = search.targets.flatMap { run.keysByStep[$0] ?? [] }
        let targetSet = Set(targets)
        let accepts: (FHIRElement) throws -> Bool = { resource in
            guard resource.resourceType == step.resourceType else { return false }
            return try search.referencePaths.contains { path in
                try path.references(in: resource).contains { $0.resourceKey.map(targetSet.contains) ?? false }
            }
        }
        // What revinclude brought, for the targets it covered completely.
        let covered = run.revincludeCoverage[step.id] ?? []
        if !covered.isEmpty {
            strategies.append("revinclude")
            for resource in try run.takePooled(type: step.resourceType, where: accepts) {
                try await accept(resource, step: step.id, run: &run, sink: sink)
            }
        }
        let remaining = targets.filter { !covered.contains($0) }
        guard !remaining.isEmpty else { return }
        strategies.append("search")
        var ignored = 0
        for chunk in remaining.chunked(plan.chunkSize) {
            let values = chunk.map(\.description).joined(separator: ",")
            let query = [(search.parameter, values)] + run.piggybacks(forStep: step.id, type: step.resourceType, plan: plan)
                + [("_count", String(plan.pageSize))]
            var accepted: [FHIRResourceKey] = []
            for try await page in requests.search(step.resourceType, query) {
                for entry in page.entries {
                    if entry.mode == .include {
                        run.pool(entry.resource)
                    } else if try accepts(entry.resource) {
                        accepted.append(entry.key)
                        try await accept(entry.resource, step: step.id, run: &run, sink: sink)
                    } else {
                        ignored += 1
                    }
                }
                run.notePiggybackPage(page, searchedStep: step.id, limit: plan.includeLimitPerPage)
            }
            run.coverPiggybacks(forStep: step.id, targets: accepted)
        }
        if ignored > 0 {
            diagnostics?.emit(
                Diagnostic(
                    .note,
                    "\(ignored) \(step.resourceType) resources returned by \(step.resourceType)?\(search.parameter)= did not reference the requested resources and were left out (the server seems to ignore that parameter)",
                    source: client.redact(client.base.url)))
        }
    }

    func runReferenceStep(
        _ step: PullPlan.Step, _ sources: [PullPlan.ReferenceSource], run: inout PullRun, strategies: inout [String], sink: Sink
    ) async throws {
        let wanted = run.referencesWanted[step.id] ?? []
        var missing: [FHIRResourceKey] = []
        var fromPool = 0
        for key in wanted where !run.stepHas(step.id, key) {
            if let resource = run.takePooled(key) {
                fromPool += 1
                try await accept(resource, step: step.id, run: &run, sink: sink)
            } else if run.deduplicator.contains(key) {
                run.record(key, inStep: step.id)  // already delivered by another step
            } else {
                missing.append(key)
            }
        }
        if fromPool > 0 { strategies.append("include") }
        guard !missing.isEmpty else { return }
        strategies.append("_id")
        var stillMissing = Set(missing)
        for chunk in missing.chunked(plan.chunkSize) {
            let query = [("_id", chunk.map(\.id).joined(separator: ","))]
                + run.piggybacks(forStep: step.id, type: step.resourceType, plan: plan) + [("_count", String(plan.pageSize))]
            var accepted: [FHIRResourceKey] = []
            do {
                for try await page in requests.search(step.resourceType, query) {
                    for entry in page.entries {
                        if entry.mode == .include {
                            run.pool(entry.resource)
                        } else if stillMissing.remove(entry.key) != nil {
                            accepted.append(entry.key)
                            try await accept(entry.resource, step: step.id, run: &run, sink: sink)
                        }
                    }
                    run.notePiggybackPage(page, searchedStep: step.id, limit: plan.includeLimitPerPage)
                }
            } catch let error as ImmPortAPIError where error.status == 400 {
                diagnostics?.emit(Diagnostic(.note, "\(step.resourceType)?_id= rejected, reading one by one: \(error)", source: error.url))
            }
            run.coverPiggybacks(forStep: step.id, targets: accepted)
        }
        // Servers without `_id` search, or resources the search did not return: read them one by one.
        if !stillMissing.isEmpty { strategies.append("read") }
        for key in missing where stillMissing.contains(key) {
            do {
                let resource = try await requests.read(key.type, id: key.id)
                try await accept(resource, step: step.id, run: &run, sink: sink)
            } catch let error as ImmPortAPIError where error.kind == .notFound || error.kind == .gone {
                diagnostics?.warning("\(key) is referenced by the study's resources but the server does not have it", source: error.url)
            }
        }
    }

    /// Hands a resource to the sink unless it is a duplicate, and records what later steps need from it.
    func accept(_ resource: FHIRElement, step: String, run: inout PullRun, sink: Sink) async throws {
        guard let key = FHIRResourceKey(resource: resource) else {
            diagnostics?.warning("a \(resource.resourceType ?? "resource") without id was returned for step \(step); kept as is")
            try await sink(resource, step)
            return
        }
        switch run.deduplicator.admit(key, versionId: resource.versionId) {
        case .duplicate:
            run.duplicatesDropped += 1
        case .new, .newerVersion:
            try await sink(resource, step)
        }
        run.record(key, inStep: step)
        for later in plan.steps {
            for source in later.referencedFrom ?? [] where source.step == step {
                for path in source.paths {
                    for reference in try path.references(in: resource) {
                        guard let target = self.key(of: reference, in: key, run: &run), target.type == later.resourceType else { continue }
                        run.want(target, forStep: later.id)
                    }
                }
            }
        }
    }

    /// The resource on this server that `reference` (held by `holder`) names, or nil. Contained, Bundle-local and
    /// logical references do not leave the resource or cannot be fetched, and are passed over; a reference to
    /// another server, a conditional one and invalid text are reported once each.
    func key(of reference: FHIRReference, in holder: FHIRResourceKey, run: inout PullRun) -> FHIRResourceKey? {
        let problem: String
        switch reference {
        case .relative(let key, _):
            return key
        case .absolute(let base, let key, _):
            if client.base.isSameBase(base) { return key }
            problem = "points to another server (\(client.redact(base))); not followed"
        case .contained, .bundleLocal, .logical:
            return nil
        case .conditional:
            problem = "is a conditional reference (a search for a transaction), not a resource to fetch"
        case .otherURL:
            problem = "is a URL that does not end in Type/id; not followed"
        case .invalid(_, let reason):
            problem = "is not a valid reference: \(reason)"
        }
        let text = client.redact(reference.description)
        if run.reportedReferences.insert(text).inserted {
            diagnostics?.warning("\(holder) refers to \"\(text)\", which \(problem)")
        }
        return nil
    }
}

actor CollectionBox {
    var collection = FHIRResourceCollection()
    func add(_ resource: FHIRElement) { collection.add(resource) }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
