import FHIRModel
import ImmPortAPI
import Synchronization

/// What filling the store with one study did: whether the FHIR side was up to date, resumed or pulled anew, and
/// how many Shared Data answers were fetched or taken from the store. `description` is `pull`'s line per study.
public struct StoredPullReport: Sendable, CustomStringConvertible {
    public var accession: String
    public var start: StudyPullStart
    /// Resources of the study's completed pull in the store.
    public var resources: Int
    /// The puller's summary, when it ran (not for an up-to-date study).
    public var pull: StudyPullSummary?
    public var endpointsFetched = 0
    public var endpointsFromStore = 0
    /// Fetched endpoints that answered 404 (nothing for the study).
    public var endpointsEmpty = 0

    public var description: String {
        let fhir: String
        switch start {
        case .upToDate: fhir = "up to date"
        case .resume: fhir = "resumed, \(pull?.pages ?? 0) pages and \(pull?.requests ?? 0) requests"
        case .begin: fhir = "pulled, \(pull?.pages ?? 0) pages and \(pull?.requests ?? 0) requests"
        }
        return "\(accession): \(resources) FHIR resources (\(fhir)); Shared Data: \(endpointsFetched) endpoints fetched"
            + (endpointsEmpty > 0 ? " (\(endpointsEmpty) with nothing for the study)" : "") + ", \(endpointsFromStore) from the store"
    }
}

/// The resources a pull delivered, in the order delivered, with the version of each (keys only, not resources).
final class StudyMembers: Sendable {
    private let state = Mutex<(members: [StudyMember], index: [FHIRResourceKey: Int], withoutID: Int)>(([], [:], 0))

    func add(_ resource: FHIRElement) {
        state.withLock { state in
            guard let key = FHIRResourceKey(resource: resource) else {
                state.withoutID += 1
                return
            }
            let member = StudyMember(key: key, version: resource.versionId ?? "")
            if let position = state.index[key] {
                state.members[position] = member
            } else {
                state.index[key] = state.members.count
                state.members.append(member)
            }
        }
    }

    var members: [StudyMember] { state.withLock { $0.members } }
    var withoutID: Int { state.withLock { $0.withoutID } }
}

extension PullStage {
    /// Fills the store with one study from the servers: the FHIR side unless the store's completed pull is fresh
    /// (resuming an attempt that stopped), then each Shared Data endpoint unless its stored answer is fresh.
    public func fill(
        accession: String, fhir client: FHIRClient, sharedData sharedDataClient: SharedDataClient, access: StoreAccess
    ) async throws -> StoredPullReport {
        let store = access.store
        let server = client.base.url
        let start = try await store.startPull(server: server, study: accession, freshness: access.freshness)
        var report = StoredPullReport(accession: accession, start: start, resources: 0)
        if case .upToDate = start {
            report.resources = try await store.memberCount(server: server, study: accession)
        } else {
            let journal = PullJournal(store: store, server: server, study: accession)
            let puller = StudyPuller(client: client, plan: plan, diagnostics: diagnostics, journal: journal)
            let members = StudyMembers()
            report.pull = try await puller.pull(accession: accession) { resource, _ in members.add(resource) }
            if members.withoutID > 0 {
                diagnostics.warning("\(accession): \(members.withoutID) resources without id were not stored", source: client.redact(server))
            }
            let list = members.members
            try await store.completePull(server: server, study: accession, members: list)
            report.resources = list.count
        }
        for (_, endpoint) in mapping.endpoints.sorted(by: { $0.key < $1.key }) {
            let (path, query) = Self.request(of: endpoint, study: accession)
            let sharedDataServer = sharedDataClient.base.url
            if let stored = try await store.sharedDataResponse(server: sharedDataServer, path: path, query: query),
                access.freshness.isFresh(fetchedAt: stored.fetchedAt)
            {
                report.endpointsFromStore += 1
                continue
            }
            let response = try await Self.fetch(path: path, query: query, client: sharedDataClient)
            try await store.saveSharedDataResponse(server: sharedDataServer, path: path, query: query, response)
            report.endpointsFetched += 1
            if response.status != 200 { report.endpointsEmpty += 1 }
        }
        return report
    }

    /// The study as the store holds it after `fill`: the completed pull's resources and each endpoint's answer.
    func load(accession: String, fhir client: FHIRClient, sharedData sharedDataClient: SharedDataClient, store: StudyStore) async throws -> PulledStudy {
        let fhir = try store.resourceCollection(server: client.base.url, study: accession)
        var sharedData: [String: PulledRecords] = [:]
        for (name, endpoint) in endpointsRead {
            let (path, query) = Self.request(of: endpoint, study: accession)
            guard let stored = try await store.sharedDataResponse(server: sharedDataClient.base.url, path: path, query: query) else {
                throw StudyStoreError(path: store.path, message: "\(accession): the answer of \(path) is missing from the store")
            }
            sharedData[name] = try Self.records(from: stored, of: endpoint, keys: mapping.recordKeys(ofEndpoint: name))
        }
        return PulledStudy(accession: accession, fhir: fhir, sharedData: sharedData)
    }
}
