import Bridge
import FHIRModel
import ImmPortAPI
import ImmPortTestServer
import Testing

@Suite struct StudyPullTests {
    @Test func pullsExactlyTheStudyByIdentifierUsingIncludes() async throws {
        try await PullHarness.with { h in
            let (collection, summary) = try await h.puller().pullAll(accession: "SDY99901")
            let expected = try PullHarness.expectedStudyKeys()
            #expect(Set(collection.keys) == expected)
            #expect(collection.count == 50)
            #expect(summary.study == FHIRResourceKey(type: "ResearchStudy", id: "study-SDY99901"))
            #expect(summary.steps.first?.strategies == ["identifier"], "the accession is an identifier value, not the id")
            let subjects = try #require(summary.steps.first { $0.id == "subjects" })
            #expect(subjects.strategies == ["revinclude"] && subjects.resources == 6)
            let patients = try #require(summary.steps.first { $0.id == "patients" })
            #expect(patients.strategies.contains("include") || patients.strategies.contains("_id"))
            #expect(patients.resources == 6)
        }
    }

    @Test func pullsByResourceIdWithoutIncludesByFallingBackToSearches() async throws {
        try await PullHarness.with(configure: { $0.advertiseIncludes = false; $0.maxPageSize = 3 }) { h in
            let (collection, summary) = try await h.puller().pullAll(accession: "study-SDY99901")
            let expected = try PullHarness.expectedStudyKeys()
            #expect(Set(collection.keys) == expected)
            #expect(summary.steps.first?.strategies == ["_id"])
            #expect(!h.server.state.requests.contains { $0.uri.contains("_include") || $0.uri.contains("_revinclude") })
            #expect(summary.steps.first { $0.id == "patients" }?.strategies == ["_id"])
            #expect(summary.steps.first { $0.id == "specimens" }?.strategies == ["search"])
        }
    }

    @Test func unknownStudyIsAClearError() async throws {
        try await PullHarness.with { h in
            do {
                _ = try await h.puller().pullAll(accession: "SDY00000")
                Issue.record("expected not found")
            } catch let error as ImmPortAPIError {
                #expect(error.kind == .notFound)
                #expect(checkedText(error).contains("SDY00000"))
            }
        }
    }

    /// Each fault, armed on every request it can hit a few times, must leave the pull's result unchanged.
    @Test(arguments: [
        TestFault.tooManyRequests(retryAfter: "0"), .serviceUnavailable(retryAfter: nil), .resetMidBody, .truncatedJSON,
        .slow(seconds: PullHarness.slowFaultSeconds), .gone, .duplicateEntries,
    ])
    func faultsDoNotChangeWhatIsPulled(_ fault: TestFault) async throws {
        let isSlow = if case .slow = fault { true } else { false }
        try await PullHarness.with(
            configure: { $0.maxPageSize = 2 },  // many pages, so page faults have pages to hit
            readTimeout: isSlow ? PullHarness.impatientReadTimeout : PullHarness.patientReadTimeout
        ) { h in
            h.server.setGzip(true)
            switch fault {
            case .gone:
                h.server.inject(fault, on: .searchPage(2), times: 2)  // a search may restart 3 times
                h.server.inject(fault, on: .searchPage(3), times: 1)
            case .duplicateEntries:
                h.server.inject(fault, on: .searchPage(2), times: 1)
                h.server.inject(fault, on: .searchPage(3), times: 1)
            default:
                h.server.inject(fault, on: .searchPage(2), times: 2)
                h.server.inject(fault, on: .pathContains("/ResearchStudy"), times: 1)
                h.server.inject(fault, on: .pathContains("metadata"), times: 1)
            }
            let (collection, summary) = try await h.puller().pullAll(accession: "SDY99901")
            let expected = try PullHarness.expectedStudyKeys()
            #expect(Set(collection.keys) == expected, "fault \(fault) changed the pulled set")
            #expect(collection.count == 50 && collection.duplicatesDropped == 0)
            #expect(h.server.state.pendingFaults == 0, "not every armed fault was hit")
            if fault != .duplicateEntries && fault != .gone { #expect(summary.retries >= 3) }
        }
    }

    @Test func aPersistentFaultFailsAfterTheRetryBudgetNamingTheURL() async throws {
        try await PullHarness.with(configure: { $0.maxPageSize = 2 }) { h in
            h.server.inject(.resetMidBody, on: .searchPage(2), times: 1000)
            do {
                _ = try await h.puller().pullAll(accession: "SDY99901")
                Issue.record("expected the pull to fail")
            } catch let error as ImmPortAPIError {
                let text = checkedText(error)
                #expect(error.kind == .transport)
                #expect(text.contains("\(h.server.fhirBase)?_getpages="))
                #expect(text.contains("giving up after 4 attempts"))
            }
        }
    }

    @Test func serversThatIgnoreSearchParametersAreFilteredClientSide() async throws {
        // Imitates sekmet-fhir: ResearchSubject?study= returns every ResearchSubject.
        try await PullHarness.with(configure: {
            $0.advertiseIncludes = false
            $0.ignoredSearchParameters = ["ResearchStudy._id", "ResearchStudy.identifier", "ResearchSubject.study"]
        }) { h in
            let (collection, _) = try await h.puller().pullAll(accession: "SDY99901")
            #expect(h.diagnostics.diagnostics.contains { $0.message.contains("did not reference the requested resources") })
            #expect(!collection.keys.contains(FHIRResourceKey(type: "ResearchSubject", id: "rs-SUB9990201")))
            let expected = try PullHarness.expectedStudyKeys()
            #expect(Set(collection.keys) == expected)
        }
    }
}

