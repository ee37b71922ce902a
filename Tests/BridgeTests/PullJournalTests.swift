import Bridge
import FHIRModel
import ImmPortAPI
import ImmPortTestServer
import Synchronization
import Testing
import TestSupport

/// The pull's journal in the store: a pull stopped after any number of resources and run again replays what it
/// received, asks the server only for the rest (going on from the kept next link), and delivers exactly what an
/// uninterrupted pull delivers.
@Suite struct PullJournalTests {
    struct Stop: Error {}

    /// Resources handed to a sink, in order, stopping (throwing) after `limit`.
    final class Delivered: Sendable {
        let keys = Mutex<[String]>([])
        let limit: Int
        init(limit: Int = .max) { self.limit = limit }
        func add(_ resource: FHIRElement) throws {
            try keys.withLock { keys in
                guard keys.count < limit else { throw Stop() }
                keys.append("\(resource.resourceType ?? "?")/\(resource["id"]?.stringValue ?? "?") v\(resource.versionId ?? "")")
            }
        }
    }

    @Test(arguments: [1, 7, 20, 33, 49])
    func aPullStoppedAfterNResourcesResumesToTheSameResult(stopAfter: Int) async throws {
        try await PullHarness.with(configure: { $0.advertiseIncludes = false; $0.maxPageSize = 3 }) { h in
            let plan = try PullPlan.load(path: PullHarness.shippedPlan)
            let whole = Delivered()
            _ = try await StudyPuller(client: h.fhir, plan: plan).pull(accession: "SDY99901") { resource, _ in try whole.add(resource) }
            let wholeRequests = h.server.state.requests.count

            let directory = try TemporaryDirectory()
            let store = try StudyStore(path: directory.path + "/store.sqlite")
            let journal = PullJournal(store: store, server: h.fhir.base.url, study: "SDY99901")
            let stopped = Delivered(limit: stopAfter)
            await #expect(throws: Stop.self) {
                _ = try await StudyPuller(client: h.fhir, plan: plan, journal: journal).pull(accession: "SDY99901") { resource, _ in try stopped.add(resource) }
            }
            h.server.state.clearRequests()
            let resumed = Delivered()
            _ = try await StudyPuller(client: h.fhir, plan: plan, journal: journal).pull(accession: "SDY99901") { resource, _ in try resumed.add(resource) }
            #expect(resumed.keys.withLock { $0 } == whole.keys.withLock { $0 })
            let requests = h.server.state.requests
            #expect(requests.count < wholeRequests, "the rerun asked for everything again")
            #expect(!requests.contains { $0.uri.hasSuffix("/metadata") }, "the metadata was fetched again")

            // A third run replays everything and asks nothing.
            h.server.state.clearRequests()
            let replayed = Delivered()
            _ = try await StudyPuller(client: h.fhir, plan: plan, journal: journal).pull(accession: "SDY99901") { resource, _ in try replayed.add(resource) }
            #expect(replayed.keys.withLock { $0 } == whole.keys.withLock { $0 })
            #expect(h.server.state.requests.isEmpty)
        }
    }

    /// A search stopped between its pages goes on from the next link it kept, not from the first page.
    @Test func aSearchGoesOnFromItsKeptNextLink() async throws {
        try await PullHarness.with(configure: { $0.advertiseIncludes = false; $0.maxPageSize = 2 }) { h in
            let plan = try PullPlan.load(path: PullHarness.shippedPlan)
            let directory = try TemporaryDirectory()
            let store = try StudyStore(path: directory.path + "/store.sqlite")
            let journal = PullJournal(store: store, server: h.fhir.base.url, study: "SDY99901")
            // Stopped within a later page of a multi-page search (the subjects: 6 in pages of 2).
            let stopped = Delivered(limit: 4)
            await #expect(throws: Stop.self) {
                _ = try await StudyPuller(client: h.fhir, plan: plan, journal: journal).pull(accession: "SDY99901") { resource, _ in try stopped.add(resource) }
            }
            h.server.state.clearRequests()
            _ = try await StudyPuller(client: h.fhir, plan: plan, journal: journal).pull(accession: "SDY99901") { _, _ in }
            let first = try #require(h.server.state.requests.first)
            #expect(first.uri.contains("_getpages"), "the rerun began with \(first.uri), not the kept next link")
        }
    }
}
