import FHIRModel
import Foundation
import ImmPortAPI
import ImmPortTestServer
import Testing
import TestSupport

/// `immport-bridge push`: merged studies and exported files into a FHIR server — the loopback test server (HAPI-like)
/// and sekmet-fhir, a server nobody here wrote. Pushing twice creates and updates nothing the second time.
@Suite struct PushCommandTests {
    static let root = SharedData.packageRoot
    static let fixtures = root + "/Fixtures"
    static let mapping = root + "/Mappings/immport.yaml"

    static func emptyServer(_ configuration: inout ImmPortTestServer.Configuration) {
        configuration.fhir = FHIRFixtureStore(resources: [])
        configuration.sharedDataDirectory = nil
    }

    static func summary(_ run: ChildProcess.Result) -> String? { CLIHarness.line("push: ", in: run.standardError) }

    @Test func aStudyPushedTwiceIsCreatedOnceInReferenceOrder() async throws {
        try await CLIHarness.with(configure: Self.emptyServer) { h in
            let arguments = ["push", "SDY99901", "--from", Self.fixtures, "--mapping", Self.mapping, "--to", h.server.fhirBase, "--chunk-size", "7"]
            // A key in the environment must not reach the --to server.
            let first = try await h.run(arguments, key: CLIHarness.secretKey)
            #expect(first.status == 0, "\(first.standardError)")
            #expect(Self.summary(first) == "push: 59 resources to \(h.server.fhirBase): 59 created, 0 updated, 0 unchanged (9 transactions)", "\(first.standardError)")
            let store = h.server.state.fhirStore
            #expect(store.count == 59)
            // 9 transactions of at most 7 resources, dependency-ordered (PushOrderTests checks the order itself).
            #expect(h.server.state.requests.filter { $0.method == "POST" }.count == 9)
            #expect(h.server.state.requests.allSatisfy { $0.header("Authorization") == nil }, "the API key went to the --to server")

            let posts = h.server.state.requests.filter { $0.method == "POST" }.count
            let second = try await h.run(arguments)
            #expect(second.status == 0, "\(second.standardError)")
            #expect(Self.summary(second) == "push: 59 resources to \(h.server.fhirBase): 0 created, 0 updated, 59 unchanged (0 transactions)")
            #expect(h.server.state.requests.filter { $0.method == "POST" }.count == posts, "the second push sent a transaction")
            #expect(h.server.state.fhirStore.keys.allSatisfy { h.server.state.fhirStore.resource($0)?.versionId == "1" })
        }
    }

    /// `export --bundle-type transaction` then `push FILE`: one changed resource is the only one sent again.
    @Test func anExportedFileIsPushedAndOnlyItsChangeSentAgain() async throws {
        try await CLIHarness.with(configure: Self.emptyServer) { h in
            let export = try await h.run([
                "export", "SDY99903", "--from", Self.fixtures, "--mapping", Self.mapping, "--bundle-type", "transaction", "-o", h.path("t.json"),
            ])
            #expect(export.status == 0, "\(export.standardError)")
            let first = try await h.run(["push", h.path("t.json"), "--to", h.server.fhirBase])
            #expect(first.status == 0, "\(first.standardError)")
            #expect(Self.summary(first)?.contains("93 created, 0 updated, 0 unchanged") == true, "\(first.standardError)")

            var text = try String(contentsOfFile: h.path("t.json"), encoding: .utf8)
            let title = "Synthetic fixture: influenza cohort A, haemagglutination inhibition and neutralising antibody response"
            #expect(text.contains(title))
            text = text.replacingOccurrences(of: title, with: "A new title")
            try text.write(toFile: h.path("t.json"), atomically: false, encoding: .utf8)
            let second = try await h.run(["push", h.path("t.json"), "--to", h.server.fhirBase])
            #expect(Self.summary(second)?.contains("0 created, 1 updated, 92 unchanged (1 transaction)") == true, "\(second.standardError)")
            let study = try #require(h.server.state.fhirStore.resource(FHIRResourceKey(type: "ResearchStudy", id: "SDY99903")))
            #expect(study["title"]?.stringValue == "A new title" && study.versionId == "2")
        }
    }

    @Test func refusalsAndUnreachableServersHaveTheirExitStatus() async throws {
        try await CLIHarness.with(configure: Self.emptyServer) { h in
            let export = try await h.run([
                "export", "SDY99901", "--from", Self.fixtures, "--mapping", Self.mapping, "--bundle-type", "transaction", "-o", h.path("t.json"),
            ])
            #expect(export.status == 0)
            let badURL = try await h.run(["push", h.path("t.json"), "--to", "not a url"])
            #expect(badURL.status == 2, "\(badURL.standardError)")
            #expect(badURL.standardError.contains("--to"))

            h.server.inject(.status(400), on: .any, times: 50)
            let refused = try await h.run(["push", h.path("t.json"), "--to", h.server.fhirBase, "--max-attempts", "1"])
            #expect(refused.status == 1, "\(refused.standardError)")
            #expect(refused.standardError.contains("immport-bridge push: error: \(h.server.fhirBase)"), "\(refused.standardError)")
            h.server.clearFaults()

            let closed = try LoopbackPort.free()
            let unreachable = try await h.run(["push", h.path("t.json"), "--to", "http://127.0.0.1:\(closed)/fhir", "--max-attempts", "1"])
            #expect(unreachable.status == 3, "\(unreachable.standardError)")
            #expect(h.server.state.fhirStore.count == 0)

            let missing = try await h.run(["push", h.path("none.json"), "--from", Self.fixtures, "--mapping", Self.mapping, "--to", h.server.fhirBase])
            #expect(missing.status == 1, "a name that is no file is a study accession, and no study has it: \(missing.standardError)")
        }
    }

    /// The R4 export of a Fixtures study into sekmet-fhir (R4): pushing it twice leaves what pushing it once left,
    /// and every resource reads back as exported (apart from the server's stamps).
    @Test(.sekmetInstalled) func anR4ExportPushedTwiceIntoSekmetReadsBackAsExported() async throws {
        let server = try await SekmetServer.start()
        defer { server.stop() }
        try await CLIHarness.with(configure: Self.emptyServer) { h in
            let export = try await h.run([
                "export", "SDY99903", "--from", Self.fixtures, "--mapping", Self.mapping, "--fhir-version", "r4",
                "--bundle-type", "transaction", "-o", h.path("r4.json"),
            ])
            #expect(export.status == 0, "\(export.standardError)")
            let first = try await h.run(["push", h.path("r4.json"), "--fhir-version", "r4", "--to", server.base])
            #expect(first.status == 0, "\(first.standardError)")
            #expect(Self.summary(first)?.contains("93 created, 0 updated, 0 unchanged") == true, "\(first.standardError)")
            let second = try await h.run(["push", h.path("r4.json"), "--fhir-version", "r4", "--to", server.base])
            #expect(second.status == 0, "\(second.standardError)")
            #expect(Self.summary(second)?.contains("0 created, 0 updated, 93 unchanged (0 transactions)") == true, "\(second.standardError)")

            let bundle = try FHIRJSONReader().read(FileBytes.read(path: h.path("r4.json")))
            let transport = HTTPTransport(configuration: HTTPTransportConfiguration(retry: RetryPolicy(maxAttempts: 2, maxTotalSeconds: TestTimeScale.seconds(120))))
            do {
                let client = FHIRClient(base: try ServiceBase(server.base), transport: transport)
                for entry in bundle["entry"]?.arrayValue ?? [] {
                    let resource = try #require(entry["resource"])
                    let key = try #require(FHIRResourceKey(resource: resource))
                    let read = try await client.read(key.type, id: key.id)
                    #expect(read.versionId == "1", "\(key) was written twice")
                    #expect(FHIRServerStamps.sameContent(read, resource, definitions: .r4), "\(key) reads back differently")
                }
            } catch {
                try? await transport.shutdown()
                throw error
            }
            try await transport.shutdown()
        }
    }
}
