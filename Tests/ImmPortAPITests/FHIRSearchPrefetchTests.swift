import FHIRModel
import ImmPortAPI
import ImmPortTestServer
import Testing

/// Prefetching requests pages ahead from inside the parse of the page before; whatever the server does, the pages
/// handed out must be the ones a plain search hands out, and it must stay at most one page ahead.
@Suite struct FHIRSearchPrefetchTests {
    func keys(_ h: Harness, prefetch: Bool) async throws -> [FHIRResourceKey] {
        var keys: [FHIRResourceKey] = []
        for try await page in h.fhir.search("Observation", [("_count", "2")], options: .init(prefetch: prefetch)) {
            keys += page.entries.map(\.key)
        }
        return keys
    }

    @Test(arguments: [
        TestFault.serviceUnavailable(retryAfter: nil), .resetMidBody, .truncatedJSON, .gone, .duplicateEntries,
    ])
    func faultsOnLaterPagesDoNotChangeThePages(_ fault: TestFault) async throws {
        try await Harness.with { h in
            h.server.setGzip(true)
            let plain = try await keys(h, prefetch: false)
            // Pages 2 and 4: one fault on a page requested ahead while its predecessor was parsed, one further on.
            h.server.inject(fault, on: .searchPage(2))
            h.server.inject(fault, on: .searchPage(4))
            let prefetched = try await keys(h, prefetch: true)
            #expect(prefetched == plain && plain.count == 27, "fault \(fault)")
            #expect(h.server.state.pendingFaults == 0, "not every armed fault was hit")
        }
    }

    @Test func staysAtMostOnePageAheadOfTheConsumer() async throws {
        try await Harness.with { h in
            var pages = 0
            for try await _ in h.fhir.search("Observation", [("_count", "2")], options: .init(prefetch: true)) {
                pages += 1
                let pageRequests = h.server.state.requests.filter { $0.uri.contains("_getpages=") }.count
                // Received: pages 1...pages; requested at most one more (the page in the slot; its own next link
                // waits, deferred, until the consumer takes it). Page 1 is the search request, not a _getpages one.
                #expect(pageRequests <= pages, "page \(pages): \(pageRequests) next-page requests")
            }
            #expect(pages == 14)
        }
    }

    @Test func aConsumerThatStopsEarlyDoesNotDisturbALaterSearch() async throws {
        try await Harness.with { h in
            for try await page in h.fhir.search("Observation", [("_count", "2")], options: .init(prefetch: true)) {
                #expect(page.number == 1)
                break
            }
            // A later, complete search still works and gives everything.
            #expect(try await keys(h, prefetch: true).count == 27)
        }
    }
}
