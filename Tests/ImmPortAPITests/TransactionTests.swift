import FHIRModel
import ImmPortAPI
import ImmPortTestServer
import Testing

/// `FHIRClient.transaction` against the loopback server's HAPI-like transaction processing, on a server that starts
/// empty (unless a test says otherwise).
@Suite struct TransactionTests {
    static let system = "https://example.org/subjects"

    static func empty(_ configuration: inout ImmPortTestServer.Configuration) {
        configuration.fhir = FHIRFixtureStore(resources: [])
        configuration.sharedDataDirectory = nil
    }

    static func patient(_ id: String?, family: String, identifier: String? = nil, meta: FHIRElement? = nil) -> FHIRElement {
        var object = FHIRObject()
        object["resourceType"] = "Patient"
        if let id { object["id"] = .string(id) }
        if let meta { object["meta"] = meta }
        if let identifier { object["identifier"] = [["system": .string(system), "value": .string(identifier)]] }
        object["name"] = [["family": .string(family)]]
        return .object(object)
    }

    static func entry(_ resource: FHIRElement, _ method: String, _ url: String, fullUrl: String? = nil, ifNoneExist: String? = nil) -> FHIRElement {
        var request = FHIRObject()
        request["method"] = .string(method)
        request["url"] = .string(url)
        if let ifNoneExist { request["ifNoneExist"] = .string(ifNoneExist) }
        var entry = FHIRObject()
        if let fullUrl { entry["fullUrl"] = .string(fullUrl) }
        entry["resource"] = resource
        entry["request"] = .object(request)
        return .object(entry)
    }

    static func bundle(_ entries: [FHIRElement], type: String = "transaction") -> FHIRElement {
        ["resourceType": "Bundle", "type": .string(type), "entry": .array(entries)]
    }

    /// Sends `bundle` and reads the answer, checking it has one entry per request entry.
    static func send(_ bundle: FHIRElement, _ h: Harness) async throws -> FHIRTransactionResponse {
        let answer = try await h.fhir.transaction(bundle)
        let response = FHIRTransactionResponse(answer)
        #expect(response.entries.count == bundle["entry"]?.arrayValue?.count)
        return response
    }

    @Test func putCreatesThenUpdatesWithANewVersion() async throws {
        try await Harness.with(configure: Self.empty) { h in
            let first = try await Self.send(Self.bundle([Self.entry(Self.patient("p1", family: "Ada"), "PUT", "Patient/p1")]), h)
            let created = try #require(first.entries.first)
            #expect(created.status == "201 Created" && created.disposition == .created)
            #expect(created.key == FHIRResourceKey(type: "Patient", id: "p1") && created.versionId == "1")
            #expect(created.storageCode == "SUCCESSFUL_UPDATE_AS_CREATE")
            let raw = try await h.fhir.transaction(Self.bundle([Self.entry(Self.patient("p1", family: "Ada"), "PUT", "Patient/p1")]))
            #expect(raw["type"]?.stringValue == "transaction-response")

            let second = try await Self.send(Self.bundle([Self.entry(Self.patient("p1", family: "Lovelace"), "PUT", "Patient/p1")]), h)
            let updated = try #require(second.entries.first)
            #expect(updated.status == "200 OK" && updated.disposition == .updated && updated.versionId == "2")

            let current = try await h.fhir.read("Patient", id: "p1")
            #expect(current.versionId == "2" && current["name"]?[0]?["family"]?.stringValue == "Lovelace")
            #expect(current["meta"]?["lastUpdated"]?.stringValue?.hasSuffix("+00:00") == true)
            let old = try await h.fhir.vread("Patient", id: "p1", versionId: "1")
            #expect(old["name"]?[0]?["family"]?.stringValue == "Ada")
            #expect(h.server.state.fhirStore.count == 1)
        }
    }

    @Test func unchangedContentMakesNoNewVersion() async throws {
        try await Harness.with(configure: Self.empty) { h in
            _ = try await Self.send(Self.bundle([Self.entry(Self.patient("p1", family: "Ada"), "PUT", "Patient/p1")]), h)
            let stored = try #require(h.server.state.fhirStore.resource(FHIRResourceKey(type: "Patient", id: "p1")))
            // The server's stamps are not content: a client that sends them back (or others) changes nothing.
            let again = Self.patient("p1", family: "Ada", meta: ["versionId": "7", "lastUpdated": "2020-01-01T00:00:00Z"])
            let response = try await Self.send(Self.bundle([Self.entry(again, "PUT", "Patient/p1")]), h)
            let entry = try #require(response.entries.first)
            #expect(entry.status == "200 OK" && entry.versionId == "1" && entry.disposition == .unchanged)
            #expect(entry.storageCode == "SUCCESSFUL_UPDATE_NO_CHANGE")
            #expect(h.server.state.fhirStore.resource(FHIRResourceKey(type: "Patient", id: "p1")) == stored)
            // A real change (a tag in meta counts) is a new version.
            let tagged = Self.patient("p1", family: "Ada", meta: ["tag": [["code": "x"]]])
            let changed = try await Self.send(Self.bundle([Self.entry(tagged, "PUT", "Patient/p1")]), h)
            #expect(changed.entries.first?.versionId == "2")
        }
    }

    @Test func conditionalCreateMakesOneResource() async throws {
        try await Harness.with(configure: Self.empty) { h in
            let condition = "identifier=\(Self.system)|S1"
            let bundle = Self.bundle([Self.entry(Self.patient(nil, family: "Ada", identifier: "S1"), "POST", "Patient", ifNoneExist: condition)])
            let first = try await Self.send(bundle, h)
            let created = try #require(first.entries.first)
            #expect(created.disposition == .created && created.storageCode == "SUCCESSFUL_CREATE_NO_CONDITIONAL_MATCH")
            let key = try #require(created.key)
            #expect(key.type == "Patient" && key.id.allSatisfy(\.isNumber), "HAPI assigns numeric ids: \(key.id)")

            let second = try await Self.send(bundle, h)
            let found = try #require(second.entries.first)
            #expect(found.status == "200 OK" && found.key == key && found.versionId == "1" && found.disposition == .unchanged)
            #expect(h.server.state.fhirStore.count == 1)

            // Two matches: the conditional create cannot tell which, and the transaction fails.
            _ = try await Self.send(Self.bundle([Self.entry(Self.patient("twin", family: "B", identifier: "S1"), "PUT", "Patient/twin")]), h)
            do {
                _ = try await h.fhir.transaction(bundle)
                Issue.record("expected 412")
            } catch let error as ImmPortAPIError {
                #expect(error.status == 412 && error.attempts == 1)
                #expect(error.diagnostics.first?.contains("because this search matched 2 resources") == true, "\(error)")
            }
        }
    }

    @Test func conditionalUpdateCreatesThenUpdatesTheMatch() async throws {
        try await Harness.with(configure: Self.empty) { h in
            let url = "Patient?identifier=\(Self.system)|S2"
            let first = try await Self.send(Self.bundle([Self.entry(Self.patient(nil, family: "Ada", identifier: "S2"), "PUT", url)]), h)
            let created = try #require(first.entries.first)
            #expect(created.disposition == .created && created.storageCode == "SUCCESSFUL_UPDATE_NO_CONDITIONAL_MATCH")
            let key = try #require(created.key)

            let same = try await Self.send(Self.bundle([Self.entry(Self.patient(nil, family: "Ada", identifier: "S2"), "PUT", url)]), h)
            #expect(same.entries.first?.disposition == .unchanged && same.entries.first?.key == key)
            let changed = try await Self.send(Self.bundle([Self.entry(Self.patient(nil, family: "Byron", identifier: "S2"), "PUT", url)]), h)
            #expect(changed.entries.first?.key == key && changed.entries.first?.versionId == "2")
            #expect(changed.entries.first?.storageCode == "SUCCESSFUL_UPDATE_WITH_CONDITIONAL_MATCH")
            #expect(h.server.state.fhirStore.count == 1)
            let read = try await h.fhir.read("Patient", id: key.id)
            #expect(read["name"]?[0]?["family"]?.stringValue == "Byron")
        }
    }

    @Test func placeholdersBecomeTheIdsTheServerGave() async throws {
        try await Harness.with(configure: Self.empty) { h in
            let placeholder = "urn:uuid:0f8c1c5e-8d8a-4b8e-9f39-7f3c2a6d1b11"
            let observation: FHIRElement = [
                "resourceType": "Observation", "id": "o1", "status": "final", "code": ["text": "titer"],
                "subject": ["reference": .string(placeholder)],
            ]
            // The Observation comes first: creates run before updates, so the placeholder is known when it is stored.
            let response = try await Self.send(
                Self.bundle([
                    Self.entry(observation, "PUT", "Observation/o1"),
                    Self.entry(Self.patient(nil, family: "Ada", identifier: "S3"), "POST", "Patient", fullUrl: placeholder),
                ]), h)
            let patientKey = try #require(response.entries[1].key)
            let stored = try await h.fhir.read("Observation", id: "o1")
            #expect(stored["subject"]?["reference"]?.stringValue == patientKey.description)
        }
    }

    static let badEntries: [(String, FHIRElement, String)] = [
        ("unknown type", TransactionTests.entry(["resourceType": "Starship", "id": "x"], "PUT", "Starship/x"), "Unknown resource name \"Starship\""),
        ("no id in the URL", TransactionTests.entry(TransactionTests.patient("p9", family: "Z"), "PUT", "Patient"), "a PUT needs Type/id"),
        ("type differs from the URL", TransactionTests.entry(TransactionTests.patient("p9", family: "Z"), "PUT", "Observation/p9"), "does not match the request URL"),
        ("body id differs from the URL", TransactionTests.entry(TransactionTests.patient("p8", family: "Z"), "PUT", "Patient/p9"), "does not match URL ID"),
        ("numeric client id", TransactionTests.entry(TransactionTests.patient("123", family: "Z"), "PUT", "Patient/123"), "HAPI-0960"),
        ("no resource", ["request": ["method": "PUT", "url": "Patient/p9"]], "Missing required resource"),
        ("bad verb", TransactionTests.entry(TransactionTests.patient("p9", family: "Z"), "FETCH", "Patient/p9"), "HAPI-0529"),
        ("unknown placeholder", TransactionTests.entry(["resourceType": "Observation", "id": "o9", "status": "final", "code": ["text": "t"], "subject": ["reference": "urn:uuid:nowhere"]], "PUT", "Observation/o9"), "Unable to satisfy placeholder ID urn:uuid:nowhere"),
    ]

    /// One bad entry fails the whole transaction with an OperationOutcome, and nothing of it is stored.
    @Test(arguments: badEntries)
    func aBadEntryFailsTheWholeTransaction(_ name: String, _ bad: FHIRElement, _ message: String) async throws {
        try await Harness.with(configure: Self.empty) { h in
            let good = Self.entry(Self.patient("good", family: "Ok"), "PUT", "Patient/good")
            do {
                _ = try await h.fhir.transaction(Self.bundle([good, bad]))
                Issue.record("\(name): expected the transaction to fail")
            } catch let error as ImmPortAPIError {
                #expect(error.status == 400 && error.kind == .httpStatus && error.attempts == 1, "\(name): \(error)")
                #expect(error.diagnostics.contains { $0.contains(message) }, "\(name): \(error.diagnostics)")
                #expect(checkedText(error).hasPrefix("POST \(h.server.fhirBase): HTTP 400"), "\(error)")
            }
            #expect(h.server.state.fhirStore.count == 0, "\(name): part of a failed transaction was stored")
        }
    }

    @Test func aBodyThatIsNotJSONOrNotATransactionIsRefused() async throws {
        try await Harness.with(configure: Self.empty) { h in
            for (body, message) in [("{\"resourceType\": \"Bundle\", ", "Failed to parse JSON"), ("{\"resourceType\":\"Bundle\",\"type\":\"collection\"}", "HAPI-0527")] {
                do {
                    _ = try await h.transport.post(
                        h.server.fhirBase, body: Array(body.utf8), contentType: "application/fhir+json", idempotent: false) { $0.status }
                    Issue.record("expected 400 for \(body)")
                } catch let error as ImmPortAPIError {
                    #expect(error.status == 400 && error.diagnostics.contains { $0.contains(message) }, "\(error)")
                }
            }
            // The client refuses what is not a transaction or batch before sending anything.
            await #expect(throws: ImmPortAPIError.self) { _ = try await h.fhir.transaction(Self.bundle([], type: "collection")) }
            #expect(h.server.state.requests.count == 2)
        }
    }

    @Test func searchesAndReadsSeeWhatATransactionWrote() async throws {
        try await Harness.with { h in
            let before = try await h.fhir.searchAll("Patient").count
            _ = try await Self.send(
                Self.bundle([
                    Self.entry(Self.patient("new-1", family: "One", identifier: "N1"), "PUT", "Patient/new-1"),
                    Self.entry(Self.patient("new-2", family: "Two", identifier: "N2"), "PUT", "Patient/new-2"),
                ]), h)
            #expect(try await h.fhir.searchAll("Patient").count == before + 2)
            let found = try await h.fhir.searchAll("Patient", [("identifier", "\(Self.system)|N2")])
            #expect(found.keys == [FHIRResourceKey(type: "Patient", id: "new-2")])
            let capabilities = try await h.fhir.capabilities()
            #expect(capabilities.supportsSearch("Patient", parameter: "identifier"))
            // A fixture resource is updated in place: same position, version one higher.
            let study = try await h.fhir.read("ResearchStudy", id: "study-SDY99901")
            var changed = try #require(study.objectValue)
            changed["title"] = "Renamed"
            let response = try await Self.send(Self.bundle([Self.entry(.object(changed), "PUT", "ResearchStudy/study-SDY99901")]), h)
            #expect(response.entries.first?.versionId == "3")
            #expect(try await h.fhir.read("ResearchStudy", id: "study-SDY99901")["title"]?.stringValue == "Renamed")
        }
    }

    @Test func aBatchAnswersEachEntryOnItsOwn() async throws {
        try await Harness.with(configure: Self.empty) { h in
            let answer = try await h.fhir.transaction(
                Self.bundle(
                    [
                        Self.entry(Self.patient("ok", family: "Ok"), "PUT", "Patient/ok"),
                        Self.entry(Self.patient("456", family: "No"), "PUT", "Patient/456"),
                    ], type: "batch"))
            #expect(answer["type"]?.stringValue == "batch-response")
            let response = FHIRTransactionResponse(answer)
            #expect(response.entries.map(\.statusCode) == [201, 400])
            #expect(response.created == 1 && response.failed == 1)
            #expect(h.server.state.fhirStore.keys == [FHIRResourceKey(type: "Patient", id: "ok")])
        }
    }

    @Test func anIdempotentTransactionIsRetriedAndCreatesNothingTwice() async throws {
        try await Harness.with(configure: Self.empty) { h in
            h.server.inject(.serviceUnavailable(retryAfter: nil), on: .pathContains("/fhir"))
            let bundle = Self.bundle([Self.entry(Self.patient("p1", family: "Ada"), "PUT", "Patient/p1")])
            #expect(FHIRClient.isIdempotent(bundle))
            let first = try await Self.send(bundle, h)
            #expect(first.created == 1 && h.transport.statistics.retries == 1)
            // The answer is lost after the server applied it: the retry finds the resource as written.
            h.server.inject(.resetMidBody, on: .pathContains("/fhir"))
            let changed = Self.bundle([Self.entry(Self.patient("p1", family: "Lovelace"), "PUT", "Patient/p1")])
            let second = try await Self.send(changed, h)
            #expect(second.unchanged == 1 && second.entries.first?.versionId == "2", "the retry made a third version")
            let posts = h.server.state.requests.filter { $0.method == "POST" }
            #expect(posts.count == 4)
            #expect(posts.allSatisfy { $0.header("Content-Type") == "application/fhir+json" })
            #expect(posts.allSatisfy { $0.header("Authorization") == "Bearer \(Harness.secretKey)" })
            #expect(h.transport.statistics.bytesSent > 0)
        }
    }

    @Test func aTransactionThatIsNotIdempotentIsSentOnce() async throws {
        try await Harness.with(configure: Self.empty) { h in
            h.server.inject(.serviceUnavailable(retryAfter: nil), on: .pathContains("/fhir"))
            let plainCreate = Self.bundle([Self.entry(Self.patient(nil, family: "Ada"), "POST", "Patient")])
            #expect(!FHIRClient.isIdempotent(plainCreate))
            do {
                _ = try await h.fhir.transaction(plainCreate)
                Issue.record("expected the 503 to be thrown")
            } catch let error as ImmPortAPIError {
                #expect(error.status == 503 && error.attempts == 1 && error.method == "POST")
                #expect(checkedText(error).contains("not retried"))
            }
            #expect(h.server.state.requests.filter { $0.method == "POST" }.count == 1)
            #expect(h.server.state.fhirStore.count == 0)
        }
    }

    @Test func whatIsIdempotent() throws {
        let conditionalCreate = Self.entry(Self.patient(nil, family: "A"), "POST", "Patient", ifNoneExist: "identifier=x|1")
        let update = Self.entry(Self.patient("a", family: "A"), "PUT", "Patient/a")
        let conditionalUpdate = Self.entry(Self.patient(nil, family: "A"), "PUT", "Patient?identifier=x|1")
        #expect(FHIRClient.isIdempotent(Self.bundle([update, conditionalCreate, conditionalUpdate])))
        #expect(!FHIRClient.isIdempotent(Self.bundle([update, Self.entry(Self.patient(nil, family: "A"), "POST", "Patient")])))
        var versioned = try #require(update.objectValue)
        versioned["request"] = ["method": "PUT", "url": "Patient/a", "ifMatch": "W/\"1\""]
        #expect(!FHIRClient.isIdempotent(Self.bundle([.object(versioned)])))
        #expect(!FHIRClient.isIdempotent(Self.bundle([["request": ["method": "DELETE", "url": "Patient/a"]]])))
    }

    @Test func ifMatchMustNameTheCurrentVersion() async throws {
        try await Harness.with(configure: Self.empty) { h in
            _ = try await Self.send(Self.bundle([Self.entry(Self.patient("p1", family: "Ada"), "PUT", "Patient/p1")]), h)
            var stale = try #require(Self.entry(Self.patient("p1", family: "New"), "PUT", "Patient/p1").objectValue)
            stale["request"] = ["method": "PUT", "url": "Patient/p1", "ifMatch": "W/\"7\""]
            do {
                _ = try await h.fhir.transaction(Self.bundle([.object(stale)]))
                Issue.record("expected 409")
            } catch let error as ImmPortAPIError {
                #expect(error.status == 409 && error.attempts == 1)
            }
            stale["request"] = ["method": "PUT", "url": "Patient/p1", "ifMatch": "W/\"1\""]
            let response = try await Self.send(Self.bundle([.object(stale)]), h)
            #expect(response.entries.first?.versionId == "2")
        }
    }

    @Test func anOversizedBodyIsAnswered413() async throws {
        try await Harness.with(configure: { Self.empty(&$0); $0.maxRequestBodyBytes = 2000 }) { h in
            let entries = (0..<40).map { Self.entry(Self.patient("p\($0)", family: "Family\($0)"), "PUT", "Patient/p\($0)") }
            do {
                _ = try await h.fhir.transaction(Self.bundle(entries))
                Issue.record("expected 413")
            } catch let error as ImmPortAPIError {
                #expect(error.status == 413 && error.attempts == 1, "\(error)")
            }
            #expect(h.server.state.fhirStore.count == 0)
            // The connection is still usable.
            _ = try await Self.send(Self.bundle([entries[0]]), h)
        }
    }

    @Test func readsBareAndWeakETags() {
        let response = FHIRTransactionResponse(
            [
                "resourceType": "Bundle", "type": "batch-response",
                "entry": [
                    ["response": ["status": "200 OK", "etag": "3"]],
                    ["response": ["status": "201 Created", "location": "http://h/fhir/Patient/x/_history/1", "etag": "W/\"1\""]],
                    ["response": ["status": "404 Not Found"]],
                ],
            ])
        #expect(response.entries.map(\.versionId) == ["3", "1", nil])
        #expect(response.entries[1].key == FHIRResourceKey(type: "Patient", id: "x"))
        #expect(response.entries.map(\.disposition) == [.updated, .created, .failed])
        #expect(FHIRETag.versionId("W/\"12\"") == "12" && FHIRETag.weak(versionId: "12") == "W/\"12\"")
    }
}
