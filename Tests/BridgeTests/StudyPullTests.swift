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

    /// The study's references in every form: only those naming a resource on this server are followed; those that
    /// cannot be are reported once each, and the pull's result is unchanged.
    @Test func onlyReferencesToThisServerAreFollowed() async throws {
        var resources = try FHIRFixtureStore(directory: ImmPortTestServer.fixturesDirectory + "/fhir").resources
        let index = try #require(resources.firstIndex { $0["id"]?.stringValue == "study-SDY99901" })
        guard case .object(var study) = resources[index], var parties = study["associatedParty"]?.arrayValue else {
            Issue.record("the fixture study has no associatedParty")
            return
        }
        let elsewhere = ["https://elsewhere.example.org/fhir/Practitioner/prac-pi-1", "Practitioner?identifier=abc", "Practitioner/prac pi", "#c1"]
        for reference in elsewhere { parties.append(["party": ["reference": .string(reference)]]) }
        parties.append(["party": ["reference": "Practitioner?identifier=abc"]])  // reported once
        study["associatedParty"] = .array(parties)
        resources[index] = .object(study)
        try await PullHarness.with(configure: { $0.fhir = FHIRFixtureStore(resources: resources) }) { h in
            let (collection, _) = try await h.puller().pullAll(accession: "SDY99901")
            #expect(Set(collection.keys) == (try PullHarness.expectedStudyKeys()))
            let warnings = h.diagnostics.diagnostics.filter { $0.severity == .warning }.map(\.message)
            #expect(warnings.filter { $0.contains("points to another server (https://elsewhere.example.org/fhir)") }.count == 1, "\(warnings)")
            #expect(warnings.filter { $0.contains("is a conditional reference") }.count == 1, "\(warnings)")
            #expect(warnings.filter { $0.contains("\"Practitioner/prac pi\", which is not a valid reference") }.count == 1, "\(warnings)")
            #expect(warnings.allSatisfy { $0.hasPrefix("ResearchStudy/study-SDY99901 refers to") }, "\(warnings)")
            #expect(warnings.count == 3, "a contained reference is part of the resource, not a warning: \(warnings)")
        }
    }

    @Test func aServerOfAnotherFHIRReleaseIsRefusedBeforeAnySearch() async throws {
        try await PullHarness.with(configure: { $0.fhirVersion = "4.0.1" }) { h in
            do {
                _ = try await h.puller().pullAll(accession: "SDY99901")
                Issue.record("pulled from an R4 server with an R5 plan")
            } catch {
                let text = checkedText(error)
                #expect(text.contains("the server speaks FHIR R4 (4.0.1), but the pull plan") && text.contains("is written for R5"), "\(text)")
                #expect(text.contains("/fhir/metadata"))
            }
            #expect(h.server.state.requests.allSatisfy { $0.uri.hasSuffix("/metadata") })
        }
    }
}
