import FHIRModel
import ImmPortAPI

/// The pull stage: one study's FHIR resources (the pull plan, online or over a directory) and the records of every
/// Shared Data endpoint the mapping declares, as a `PulledStudy`.
public struct PullStage: Sendable {
    public let plan: PullPlan
    public let mapping: CompiledMapping
    public let source: StudySource
    public let diagnostics: DiagnosticsCollector
    /// Where a directory's resources and large answers are held as spans instead of trees (nil: in memory).
    public var spool: ByteSpool?
    /// The Shared Data endpoints read (nil: every endpoint the mapping declares). A store is filled with every
    /// endpoint whatever this says: it serves later runs, which may read the others.
    public var endpointNames: Set<String>?

    public init(
        plan: PullPlan, mapping: CompiledMapping, source: StudySource, diagnostics: DiagnosticsCollector, spool: ByteSpool? = nil,
        endpointNames: Set<String>? = nil
    ) {
        self.plan = plan
        self.mapping = mapping
        self.source = source
        self.diagnostics = diagnostics
        self.spool = spool
        self.endpointNames = endpointNames
    }

    /// The endpoints a study's pull reads, by name.
    var endpointsRead: [(key: String, value: CompiledEndpoint)] {
        mapping.endpoints.filter { endpointNames?.contains($0.key) ?? true }.sorted { $0.key < $1.key }
    }


    /// The resources of a directory's `fhir/`, read once and shared by every study of a run. With a `spool`, each
    /// resource is written to it as it is read and kept as a span (a study larger than memory). Held as trees, each
    /// is built only as far as `keys` says for its type once `keys` gives an answer (asked as each job of the read
    /// starts; nil: whole), for a run whose stages read no other members. Its version is then read from its text.
    /// `stop`: asked as each piece of the files is begun; once true the read throws `FHIRResourceFiles.Stopped`.
    public static func readDirectory(
        _ root: String, spool: ByteSpool? = nil, keys: (@Sendable () -> FHIRResourceTypeKeys?)? = nil,
        stop: (@Sendable () -> Bool)? = nil
    ) throws -> FHIRResourceCollection {
        var all = FHIRResourceCollection(spool: spool)
        let folder = root + "/fhir"
        guard let names = DirectoryListing.names(in: folder) else {
            throw BridgeFailure(stage: .pull, message: "\(folder): cannot read the folder (expected a directory laid out like Fixtures/, with fhir/ and shared-data/)")
        }
        let paths = names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".ndjson") || $0.hasSuffix(".xml") }.map { folder + "/" + $0 }
        // Read on every core (a large file in pieces), each resource's identity too. Trees are added a piece at a
        // time while the next pieces are read: only the adding is left to one core.
        guard let spool else {
            let options = FHIRResourceInput.Options(version: .r5, keepsSourceText: keys != nil)
            var optionsForJob: (@Sendable () -> FHIRResourceInput.Options)?
            if let keys {
                optionsForJob = {
                    var chosen = options
                    chosen.topLevelKeysByType = keys()
                    return chosen
                }
            }
            try FHIRResourceFiles.stream(paths: paths, options: options, optionsForJob: optionsForJob, stop: stop) { input in
                let batch = ReadBatch()
                try input.forEachResource { resource, _ in
                    // Built by type, a resource may lack `meta`: its version comes from its text.
                    let identity = keys == nil
                        ? FHIRResourceCollection.Identity(resource)
                        : FHIRResourceCollection.Identity(resource, versionId: try FHIRResourceFiles.versionId(of: resource, handedOutBy: input))
                    batch.resources.append((resource, identity))
                }
                return batch
            } consume: { _, batch in
                // Moved into the collection, not copied: the job's array is taken over whole (the batch lets go of
                // it) and each resource swapped out of it for nothing, in order. Copied, each tree was retained by
                // this core, which did not build it, and released again with the job's array (1% of a reconcile).
                var resources = batch.resources
                batch.resources = []
                for index in resources.indices {
                    var taken = (FHIRElement.null, FHIRResourceCollection.Identity(.null, versionId: nil))
                    swap(&taken, &resources[index])
                    all.add(taken.0, identity: taken.1)
                }
            }
            // Complete: its keys are read in place from here on (`FHIRResourceCollection.frozenKeys`).
            all.keepAtSize()
            return all
        }
        // Spooled resources are added as each job gives them, in the files' order, while the jobs after are read:
        // the table grows as it goes and is brought to its size once every file is in (`keepAtSize`; it lives all
        // run). Holding every job's spans (72 bytes a resource) until the last file was read, to size the table
        // exactly first, was the heap's peak at a million resources (80 MB of waiting spans), and adding them was
        // a quarter of a second on one core while the other waited. The files are read a window at a time so
        // that a directory of many one-resource files lists the pieces of one window, not of every file.
        let window = 4096
        for start in stride(from: 0, to: paths.count, by: window) {
            let inWindow = Array(paths[start..<min(paths.count, start + window)])
            try FHIRResourceFiles.spool(paths: inWindow, options: .init(version: .r5), into: spool, stop: stop) { _, spooled in
                for resource in spooled { all.add(spooled: resource) }
            }
        }
        all.keepAtSize()
        try spool.flush()
        return all
    }

    /// One job's resources, read on a worker and handed to the core that adds them to the collection. A class, so
    /// that the adding core can take the array over rather than copy every resource out of it; it belongs to one
    /// core at a time (the read's, then the adding one's), hence unchecked.
    final class ReadBatch: @unchecked Sendable {
        var resources: [(FHIRElement, FHIRResourceCollection.Identity)] = []
    }

    /// Pulls one study. `directoryResources` is the directory's resources when the source is a directory (read
    /// once per run with `readDirectory`).
    public func run(accession: String, directoryResources: FHIRResourceCollection? = nil) async throws -> PulledStudy {
        let fhir: FHIRResourceCollection
        var sharedData: [String: PulledRecords] = [:]
        switch source {
        case .servers(let fhirClient, let sharedDataClient, let access?):
            _ = try await fill(accession: accession, fhir: fhirClient, sharedData: sharedDataClient, access: access)
            return try await load(accession: accession, fhir: fhirClient, sharedData: sharedDataClient, store: access.store)
        case .servers(let fhirClient, let sharedDataClient, nil):
            let puller = StudyPuller(client: fhirClient, plan: plan, diagnostics: diagnostics)
            (fhir, _) = try await puller.pullAll(accession: accession)
            for (name, endpoint) in endpointsRead {
                let (path, query) = Self.request(of: endpoint, study: accession)
                sharedData[name] = try Self.records(
                    from: try await Self.fetch(path: path, query: query, client: sharedDataClient), of: endpoint,
                    keys: mapping.recordKeys(ofEndpoint: name))
            }
        case .directory(let root):
            let all = try directoryResources ?? Self.readDirectory(root, spool: spool)
            // Each endpoint's answer is a file to parse, independent of the others: read on every core. Spooled,
            // one after another: each large answer is already parsed on every core, a block at a time, and two
            // at once would hold two answers' blocks.
            let directory = SharedDataDirectory(root: root + "/shared-data")
            let endpoints = endpointsRead
            let spool = self.spool
            let mapping = self.mapping
            // The largest answers first, so that none is left to parse alone at the end.
            let startOrder = ParallelMap.largestFirst(count: endpoints.count) {
                FileBytes.regularFileSize(path: directory.file(of: endpoints[$0].value, study: accession)) ?? 0
            }
            @Sendable func readAnswers() throws(BridgeFailure) -> [PulledRecords] {
                try ParallelMap.map(
                    count: endpoints.count, workers: spool == nil ? ParallelMap.defaultWorkers : 1, startOrder: startOrder
                ) { index throws(BridgeFailure) in
                    try directory.records(
                        of: endpoints[index].value, study: accession, keys: mapping.recordKeys(ofEndpoint: endpoints[index].key), spool: spool)
                }
            }
            let plan = self.plan
            let diagnostics = self.diagnostics
            @Sendable func select() throws(BridgeFailure) -> FHIRResourceCollection {
                try FHIRDirectoryPull(plan: plan).select(accession: accession, from: all, source: root + "/fhir", diagnostics: diagnostics)
            }
            // The selection keeps one core busy at times (the plan's steps one after another): the answers are read
            // beside it. Spooled too: at a million resources the pull took 3.4 s where it takes 2.9 s now, and the
            // run's peak (in the merge) stayed 270 MiB; 100,000 peak in this pull, 8 MiB higher. The selection's
            // failure, when both fail, is the one reported, as when it ran first.
            let (selected, read) = ParallelMap.both({ Result(catching: select) }, { Result(catching: readAnswers) })
            fhir = try selected.get()
            let answers = try read.get()
            for (index, (name, _)) in endpoints.enumerated() { sharedData[name] = answers[index] }
        }
        return PulledStudy(accession: accession, fhir: fhir, sharedData: sharedData)
    }

    /// The Shared Data request an endpoint makes for a study: its path and query, filled in.
    static func request(of endpoint: CompiledEndpoint, study: String) -> (path: String, query: [(String, String)]) {
        let declaration = endpoint.declaration
        let path = MappingTemplateText.fill(declaration.path.value) { _ in study }
        let query = declaration.query.map { ($0.name.value, MappingTemplateText.fill($0.value.value) { _ in study }) }
        return (path, query)
    }

    /// One Shared Data answer as served. A 404 is an endpoint with nothing for the study (ImmPort answers so for
    /// studies without, say, adverse events): kept with its status and no body.
    static func fetch(path: String, query: [(String, String)], client: SharedDataClient) async throws -> StoredSharedDataResponse {
        do {
            let response = try await client.request(path: path, query: query)
            return StoredSharedDataResponse(url: response.url, status: 200, body: response.body)
        } catch let error as ImmPortAPIError where error.kind == .notFound {
            return StoredSharedDataResponse(url: error.url, status: 404, body: [])
        }
    }

    /// The records of an answer, where the endpoint declaration says they are, built to `keys`
    /// (`CompiledMapping.recordKeys`).
    static func records(
        from response: StoredSharedDataResponse, of endpoint: CompiledEndpoint, keys: FHIRJSONKeyFilter?
    ) throws -> PulledRecords {
        guard response.status == 200 else { return PulledRecords(source: response.url, records: []) }
        do {
            return PulledRecords(
                source: response.url,
                records: try SharedDataAnswer.records(response.body, source: response.url, at: endpoint.declaration.records.value, keys: keys))
        } catch let error as FHIRJSONError {
            throw ImmPortAPIError(.invalidResponse, url: response.url, message: "invalid JSON: \(error.line):\(error.column): \(error.reasonText)")
        }
    }
}
