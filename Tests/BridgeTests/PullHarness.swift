import Bridge
import FHIRModel
import ImmPortAPI
import ImmPortTestServer
import Logging
import TestSupport
import Testing

/// A test server on 127.0.0.1 and a FHIR client pointed at it (fast retries), for running pulls.
final class PullHarness: Sendable {
    static let secretKey = "BridgePullTestKey-1a2b3c4d5e6f-DO-NOT-LEAK"
    /// Client limits as ImmPortAPITests' Harness has them, scaled by `TestTimeScale` (the `.slow` fault together with
    /// the impatient timeout it must outlast).
    static let patientReadTimeout = TestTimeScale.seconds(10)
    static let impatientReadTimeout = TestTimeScale.seconds(2.5)
    static let slowFaultSeconds = TestTimeScale.seconds(8)

    let server: ImmPortTestServer
    let transport: HTTPTransport
    let fhir: FHIRClient
    let diagnostics = DiagnosticsCollector()

    /// Starts a server and a client, runs `body`, and stops both whether or not `body` throws.
    static func with(
        configure: (inout ImmPortTestServer.Configuration) -> Void = { _ in },
        readTimeout: Double = PullHarness.patientReadTimeout, _ body: (PullHarness) async throws -> Void
    ) async throws {
        var configuration = try ImmPortTestServer.Configuration.fixtures()
        configure(&configuration)
        let server = ImmPortTestServer(configuration: configuration)
        try await server.start()
        let key = APIKey(value: secretKey, source: "test")
        let transport = HTTPTransport(
            configuration: HTTPTransportConfiguration(
                connectTimeoutSeconds: TestTimeScale.seconds(2), readTimeoutSeconds: readTimeout, requestTimeoutSeconds: TestTimeScale.seconds(10),
                retry: RetryPolicy(maxAttempts: 4, maxTotalSeconds: TestTimeScale.seconds(120), baseDelaySeconds: 0.01, maxDelaySeconds: 0.05)),
            redactor: key.redactor, logger: Logger(label: "pull-test", factory: { _ in SwiftLogNoOpLogHandler() }))
        do {
            let h = PullHarness(server: server, transport: transport, fhir: FHIRClient(base: try ServiceBase(server.fhirBase, apiKey: key), transport: transport))
            try await body(h)
            #expect(!h.diagnostics.diagnostics.map(\.description).joined().contains(secretKey), "the key appeared in a diagnostic")
        } catch {
            try? await transport.shutdown()
            try? await server.stop()
            throw error
        }
        try await transport.shutdown()
        try await server.stop()
    }

    private init(server: ImmPortTestServer, transport: HTTPTransport, fhir: FHIRClient) {
        self.server = server
        self.transport = transport
        self.fhir = fhir
    }

    func puller(plan path: String = PullHarness.shippedPlan) throws -> StudyPuller {
        StudyPuller(client: fhir, plan: try PullPlan.load(path: path), diagnostics: diagnostics)
    }

    static let packageRoot: String = {
        var path = #filePath
        for _ in 0..<3 { if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) } }
        return path
    }()

    static let shippedPlan = packageRoot + "/Mappings/pull-plan.json"

    /// The fixture resources of study SDY99901: every FHIR fixture except the unrelated study SDY99902's four.
    static func expectedStudyKeys() throws -> Set<FHIRResourceKey> {
        let store = try FHIRFixtureStore(directory: ImmPortTestServer.fixturesDirectory + "/fhir")
        let unrelated: Set<String> = ["ResearchStudy/study-SDY99902", "Patient/subject-SUB9990201", "ResearchSubject/rs-SUB9990201", "Specimen/specimen-BS9990201"]
        // The second study's resources say where they came from (Fixtures/tools/sdy99903.py).
        let secondStudy = store.resources.filter { $0["meta"]?["source"]?.stringValue == "#syntheticSDY99903" }
        let excluded = unrelated.union(secondStudy.compactMap(FHIRResourceKey.init(resource:)).map(\.description))
        return Set(store.resources.compactMap(FHIRResourceKey.init(resource:)).filter { !excluded.contains($0.description) })
    }
}

/// An error's text, checked to be free of the key.
@discardableResult
func checkedText(_ error: any Error) -> String {
    let text = String(describing: error)
    #expect(!text.contains(PullHarness.secretKey), "the API key appeared in an error: \(text)")
    return text
}
