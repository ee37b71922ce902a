import FHIRModel
import Foundation
import ImmPortAPI
import ImmPortTestServer
import TestSupport
import Testing

/// The bridge's own check of `--bundle-type transaction`: what `export` writes, posted twice into a FHIR server
/// that starts empty, creates each resource once and leaves it as exported.
@Suite struct ExportTransactionTests {
    static let root = SharedData.packageRoot

    /// What a resource holds apart from the server's stamps (`meta.versionId`, `meta.lastUpdated`), in definition
    /// order (the server stores resources re-ordered, as HAPI does).
    static func content(_ resource: FHIRElement) -> FHIRElement {
        guard var object = resource.objectValue else { return resource }
        if var meta = object["meta"]?.objectValue {
            meta["versionId"] = nil
            meta["lastUpdated"] = nil
            object["meta"] = meta.isEmpty ? nil : .object(meta)
        }
        return FHIRCanonicalOrder(definitions: .r5).reorder(.object(object))
    }

    @Test func aTransactionBundleLoadedTwiceCreatesEachResourceOnce() async throws {
        try await CLIHarness.with(configure: { $0.fhir = FHIRFixtureStore(resources: []); $0.sharedDataDirectory = nil }) { h in
            let run = try await h.run([
                "export", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping", Self.root + "/Mappings/immport.yaml",
                "--bundle-type", "transaction", "-o", h.path("t.json"),
            ])
            #expect(run.status == 0, "\(run.standardError)")
            let bundle = try FHIRJSONReader().read(FileBytes.read(path: h.path("t.json")))
            #expect(bundle["type"]?.stringValue == "transaction")
            var exported: [FHIRResourceKey: FHIRElement] = [:]
            for entry in bundle["entry"]?.arrayValue ?? [] {
                let resource = try #require(entry["resource"])
                exported[try #require(FHIRResourceKey(resource: resource))] = resource
            }
            #expect(exported.count == bundle["entry"]?.arrayValue?.count, "two entries for one resource")
            #expect(exported.count > 50, "the export should hold the pulled and the emitted resources")
            #expect(h.server.state.fhirStore.count == 0)

            let transport = HTTPTransport(
                configuration: HTTPTransportConfiguration(retry: RetryPolicy(maxAttempts: 3, maxTotalSeconds: TestTimeScale.seconds(120), baseDelaySeconds: 0.05)))
            do {
                let client = FHIRClient(base: try ServiceBase(h.server.fhirBase), transport: transport)

                let first = FHIRTransactionResponse(try await client.transaction(bundle))
                #expect(first.entries.count == exported.count)
                #expect(first.created == exported.count, "not every entry was created: \(Set(first.entries.map(\.status)))")
                #expect(first.entries.allSatisfy { $0.status == "201 Created" && $0.versionId == "1" })
                let afterFirst = h.server.state.fhirStore
                #expect(Set(afterFirst.keys) == Set(exported.keys) && afterFirst.count == exported.count)

                let second = FHIRTransactionResponse(try await client.transaction(bundle))
                #expect(second.created == 0 && second.updated == 0 && second.unchanged == exported.count)
                #expect(second.entries.allSatisfy { $0.status == "200 OK" && $0.versionId == "1" })
                let afterSecond = h.server.state.fhirStore
                #expect(afterSecond.count == exported.count)
                for key in exported.keys {
                    #expect(afterSecond.resource(key) == afterFirst.resource(key), "\(key) changed on the second load")
                }

                // Read back through the server's REST API: what was exported, whatever the server stamped on it.
                let sample = ["ResearchStudy", "Patient", "Specimen", "Observation", "DocumentReference", "Provenance"]
                    .compactMap { type in exported.keys.filter { $0.type == type }.sorted().last }
                #expect(sample.count >= 4, "\(sample)")
                for key in sample {
                    let read = try await client.read(key.type, id: key.id)
                    #expect(read.versionId == "1")
                    #expect(Self.content(read) == Self.content(exported[key]!), "\(key) reads back differently")
                }
                let posts = h.server.state.requests.filter { $0.method == "POST" }
                #expect(posts.count == 2, "a transaction was retried: \(posts.count) POSTs")
            } catch {
                try? await transport.shutdown()
                throw error
            }
            try await transport.shutdown()
        }
    }
}
