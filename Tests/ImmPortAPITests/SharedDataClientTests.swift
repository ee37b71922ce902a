import FHIRModel
import ImmPortAPI
import ImmPortTestServer
import TestSupport
import Testing

@Suite struct SharedDataClientTests {
    @Test(.sharedData("immport/shared-data-api.endpoints.json")) func catalogHasEveryEndpointOfTheSharedList() throws {
        let all = SharedDataEndpointCatalog.all
        #expect(all.count == 86)
        #expect(SharedDataEndpointCatalog.resultEndpoints.count == 11)
        #expect(SharedDataEndpointCatalog.lookupEndpoints.count == 45)
        let path = try SharedData.require("immport/shared-data-api.endpoints.json")
        let source = try FHIRJSONReader().read(FileBytes.read(path: path)).arrayValue ?? []
        #expect(Set(source.compactMap { $0["path"]?.stringValue }) == Set(all.map(\.pathTemplate)))
        for entry in source {
            let endpoint = try #require(SharedDataEndpointCatalog.endpoint(operation: entry["op"]?.stringValue ?? ""))
            #expect(endpoint.queryParameters == (entry["query"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
        let (arm, values) = try #require(SharedDataEndpointCatalog.match(path: "/api/study/arm/SDY1"))
        #expect(arm.operation == "get_study_arm_api" && values == ["studyAccession": "SDY1"])
        #expect(SharedDataEndpointCatalog.match(path: "/api/study/summary/SDY1")?.0.operation == "get_study_summary")
        #expect(SharedDataEndpointCatalog.match(path: "/api/study/SDY1")?.0.operation == "get_study")
        #expect(SharedDataEndpointCatalog.match(path: "/result/elisa")?.0.isPaged == false)
        #expect(SharedDataEndpointCatalog.match(path: "/api/search/study")?.0.isPaged == true)
    }

    @Test func studyListsKeepEachRecordsRawJSON() async throws {
        try await Harness.with { h in
            let response = try await h.sharedData.request(path: "/api/study/labtest/SDY99901")
            let records = try response.records.all()
            #expect(records.count == 12)
            // The quirk stays visible: a decimal keeps its literal, snake_case stragglers survive.
            let first = try #require(records.first)
            #expect(first.element["resultValuePreferred"]?.numberValue?.text == "13.5")
            #expect(first.element["max_subject_age_in_years"] != nil)
            let reparsed = try FHIRJSONReader().read(first.rawJSON)
            #expect(reparsed == first.element)
            #expect(first.rawText.hasPrefix("{"))
            let study = try await h.sharedData.request(path: "/api/study/SDY99901")
            #expect(study.isArray && study.recordCount == 1)
            let studyRecord = try #require(try study.records.all().first)
            #expect(studyRecord.element["minimumAge"]?.stringValue == "18", "numbers in strings are kept as sent")
            let summary = try await h.sharedData.request(path: "/api/study/summary/SDY99901")
            #expect(!summary.isArray)
            let summaryTree = try summary.tree()
            #expect(summaryTree["studyPubmeds"]?[0]?["id"]?["pubmedId"]?.stringValue == "TBD")
        }
    }

    @Test func resultFiltersAndUnknownParameters() async throws {
        try await Harness.with { h in
            let elisa = try await h.sharedData.request(path: "/result/elisa", query: [("studyAccession", "sdy99901"), ("gender", "Female")])
            let records = try elisa.records.all()
            #expect(records.count == 3)  // SUB9990101, SUB9990103, SUB9990104; the SDY99902 row is filtered out
            #expect(records.allSatisfy { $0.element["gender"]?.stringValue == "Female" && $0.element["studyAccession"]?.stringValue == "SDY99901" })
            do {
                _ = try await h.sharedData.request(path: "/result/elisa", query: [("colour", "blue")])
                Issue.record("expected an argument error")
            } catch let error as ImmPortAPIError {
                #expect(error.kind == .invalidArgument && error.message.contains("studyAccession"))
            }
            #expect(h.server.state.requests.count == 1, "a bad parameter must be refused before any request")
        }
    }

    @Test func searchPagesWithFromRecord() async throws {
        try await Harness.with { h in
            var accessions: [String] = []
            var pages = 0
            for try await page in h.sharedData.search(.study, query: [("term", "synthetic")], pageSize: 2) {
                pages += 1
                #expect(page.total == 5)
                accessions += page.hits.compactMap { $0.element["_source"]?["study_accession"]?.stringValue }
            }
            #expect(pages == 3)
            #expect(accessions == ["SDY99901", "SDY99902", "SDY99903", "SDY99904", "SDY99905"])
            let fromRecords = h.server.state.requests.compactMap { $0.uri.range(of: "fromRecord=")?.upperBound }.count
            #expect(fromRecords == 3)
        }
    }

    @Test func drsDownloadURL() async throws {
        try await Harness.with { h in
            let download = try await h.sharedData.downloadURL(fileUUID: "00000000-0000-4000-8000-000000099901")
            #expect(download.url.hasPrefix(h.server.baseURL + "/s3/immport-synthetic/00000000-0000-4000-8000-000000099901/"))
            #expect(download.url.contains("X-Amz-Signature="))
            #expect(download.status == 200)
            await #expect(throws: ImmPortAPIError.self) { _ = try await h.sharedData.downloadURL(fileUUID: "missing") }
            #expect(!h.log.text.contains(download.url))
            #expect(!h.log.text.contains(String(download.url.split(separator: "X-Amz-Signature=").last ?? "")))
        }
    }

    @Test func unauthorizedAndForbiddenAreDistinctAndActionable() async throws {
        try await Harness.with(configure: { $0.requiredAPIKey = "the-right-key-123456"; $0.restrictedStudies = ["SDY99902"] }) { h in
            do {
                _ = try await h.sharedData.request(path: "/api/study/arm/SDY99901")
                Issue.record("expected 401")
            } catch let error as ImmPortAPIError {
                let text = checkedText(error)
                #expect(error.kind == .unauthorized && error.attempts == 1)
                #expect(text.contains("IMMPORT_API_KEY") && text.contains(APIKey.creationPage))
                #expect(text.contains("[REDACTED]"), "the server echoed the rejected key; it must show redacted")
            }
        }
        try await Harness.with(configure: { $0.restrictedStudies = ["SDY99902"] }) { good in
            do {
                _ = try await good.sharedData.request(path: "/api/study/arm/SDY99902")
                Issue.record("expected 403")
            } catch let error as ImmPortAPIError {
                #expect(error.kind == .forbidden)
                #expect(checkedText(error).contains("scopes"))
            }
        }
    }

    @Test func endpointsThatNeedAKeyRefuseToRunWithoutOne() async throws {
        try await Harness.with(key: nil) { h in
            let lookup = try await h.sharedData.request(path: "/api/lookup/lkSex")
            #expect(lookup.recordCount == 3)
            await #expect(throws: ImmPortAPIError.self) { _ = try await h.sharedData.request(path: "/api/study/SDY99901") }
            #expect(h.server.state.requests.count == 1)
        }
    }

    @Test func truncatedArrayIsRetried() async throws {
        try await Harness.with { h in
            h.server.inject(.truncatedJSON, on: .pathContains("/biosample/"))
            let response = try await h.sharedData.request(path: "/api/study/biosample/SDY99901")
            #expect(response.recordCount == 12)
            #expect(h.transport.statistics.retries == 1)
        }
    }
}
