import FHIRModel
import Foundation
import ImmPortAPI
import ImmPortTestServer
import Logging
import Synchronization
import Testing

/// Everything every log handler of a test saw, so a test can search it for the key.
final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let meta = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let error = event.error.map { " error=\($0)" } ?? ""
        log.append("\(event.level) [\(event.source)] \(event.message) \(meta)\(error)")
    }
}

/// A test server on 127.0.0.1 (port 0) and clients pointed at it, with fast retries and trace logging captured.
final class Harness: Sendable {
    static let secretKey = "ImmPortTestKey-9f8e7d6c5b4a-DO-NOT-LEAK"
    /// Read timeout of tests that expect no timeout: generous, because tests share a loaded machine.
    static let patientReadTimeout = 10.0
    /// Read timeout of tests that arm a `.slow` fault, which answers after `slowFaultSeconds`.
    static let impatientReadTimeout = 1.0
    static let slowFaultSeconds = 4.0

    let server: ImmPortTestServer
    let transport: HTTPTransport
    let log: CapturedLog
    let fhir: FHIRClient
    let sharedData: SharedDataClient
    let diagnostics = DiagnosticsCollector()

    static func start(
        configure: (inout ImmPortTestServer.Configuration) -> Void = { _ in },
        retry: RetryPolicy = RetryPolicy(maxAttempts: 4, maxTotalSeconds: 20, baseDelaySeconds: 0.01, maxDelaySeconds: 0.05),
        readTimeout: Double = Harness.patientReadTimeout, key: APIKey? = APIKey(value: Harness.secretKey, source: "test")
    ) async throws -> Harness {
        var configuration = try ImmPortTestServer.Configuration.fixtures()
        configure(&configuration)
        let server = ImmPortTestServer(configuration: configuration)
        try await server.start()
        return try Harness(server: server, retry: retry, readTimeout: readTimeout, key: key)
    }

    private init(server: ImmPortTestServer, retry: RetryPolicy, readTimeout: Double, key: APIKey?) throws {
        self.server = server
        let log = CapturedLog()
        self.log = log
        var logger = Logger(label: "test", factory: { _ in CapturingLogHandler(log: log) })
        logger.logLevel = .trace
        transport = HTTPTransport(
            configuration: HTTPTransportConfiguration(
                connectTimeoutSeconds: 2, readTimeoutSeconds: readTimeout, requestTimeoutSeconds: 10, maxConcurrentRequests: 4,
                retry: retry),
            redactor: key?.redactor ?? SecretRedactor(), logger: logger)
        fhir = try FHIRClient(baseURL: server.fhirBase, transport: transport, apiKey: key)
        sharedData = try SharedDataClient(baseURL: server.sharedDataBase, transport: transport, apiKey: key)
    }

    func stop() async throws {
        try await transport.shutdown()
        try await server.stop()
        // Every test that uses the harness logs at trace level; none of it may carry the key.
        let everything = log.text + "\n" + diagnostics.diagnostics.map(\.description).joined(separator: "\n")
        #expect(!everything.contains(Harness.secretKey), "the API key appeared in the captured log output")
        #expect(!log.text.isEmpty, "trace logging captured nothing")
    }

    func puller() throws -> StudyPuller {
        StudyPuller(client: fhir, plan: try PullPlan.load(path: Harness.packageRoot + "/Mappings/pull-plan.json"), diagnostics: diagnostics)
    }

    static let packageRoot: String = {
        var path = #filePath
        for _ in 0..<3 { if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) } }
        return path
    }()

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
    #expect(!text.contains(Harness.secretKey), "the API key appeared in an error: \(text)")
    return text
}
