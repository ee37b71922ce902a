import FHIRModel
import Foundation
import ImmPortAPI
import ImmPortTestServer
import Logging
import Synchronization
import TestSupport
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
    static let patientReadTimeout = TestTimeScale.seconds(10)
    /// Read timeout of tests that arm a `.slow` fault, which answers after `slowFaultSeconds`: every request of such a
    /// test has it, so it leaves room for a machine loaded by the tests running beside it. Both are scaled together,
    /// so the slow answer still outlasts the timeout that is to give up on it.
    static let impatientReadTimeout = TestTimeScale.seconds(2.5)
    static let slowFaultSeconds = TestTimeScale.seconds(8)
    static let connectTimeout = TestTimeScale.seconds(2)
    static let requestTimeout = TestTimeScale.seconds(10)
    /// Fast retries (the tests count them, not wait for them); the budget is slack, scaled.
    static let fastRetry = RetryPolicy(maxAttempts: 4, maxTotalSeconds: TestTimeScale.seconds(120), baseDelaySeconds: 0.01, maxDelaySeconds: 0.05)

    let server: ImmPortTestServer
    let transport: HTTPTransport
    let log: CapturedLog
    let fhir: FHIRClient
    let sharedData: SharedDataClient
    let diagnostics = DiagnosticsCollector()

    private static func start(
        configure: (inout ImmPortTestServer.Configuration) -> Void = { _ in },
        retry: RetryPolicy = Harness.fastRetry,
        readTimeout: Double = Harness.patientReadTimeout, key: APIKey? = APIKey(value: Harness.secretKey, source: "test")
    ) async throws -> Harness {
        var configuration = try ImmPortTestServer.Configuration.fixtures()
        configure(&configuration)
        let server = ImmPortTestServer(configuration: configuration)
        try await server.start()
        do {
            return try Harness(server: server, retry: retry, readTimeout: readTimeout, key: key)
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// Starts a harness, runs `body` with it and stops it whether or not `body` throws (every test's way in).
    static func with(
        configure: (inout ImmPortTestServer.Configuration) -> Void = { _ in },
        retry: RetryPolicy = Harness.fastRetry,
        readTimeout: Double = Harness.patientReadTimeout, key: APIKey? = APIKey(value: Harness.secretKey, source: "test"),
        _ body: (Harness) async throws -> Void
    ) async throws {
        let h = try await start(configure: configure, retry: retry, readTimeout: readTimeout, key: key)
        do {
            try await body(h)
        } catch {
            try? await h.stop()
            throw error
        }
        try await h.stop()
    }

    private init(server: ImmPortTestServer, retry: RetryPolicy, readTimeout: Double, key: APIKey?) throws {
        self.server = server
        let log = CapturedLog()
        self.log = log
        var logger = Logger(label: "test", factory: { _ in CapturingLogHandler(log: log) })
        logger.logLevel = .trace
        transport = HTTPTransport(
            configuration: HTTPTransportConfiguration(
                connectTimeoutSeconds: Harness.connectTimeout, readTimeoutSeconds: readTimeout, requestTimeoutSeconds: Harness.requestTimeout,
                maxConcurrentRequests: 4,
                retry: retry),
            redactor: key?.redactor ?? SecretRedactor(), logger: logger)
        fhir = FHIRClient(base: try ServiceBase(server.fhirBase, apiKey: key), transport: transport)
        sharedData = SharedDataClient(base: try ServiceBase(server.sharedDataBase, apiKey: key), transport: transport)
    }

    func stop() async throws {
        try await transport.shutdown()
        try await server.stop()
        // Every test that uses the harness logs at trace level; none of it may carry the key.
        let everything = log.text + "\n" + diagnostics.diagnostics.map(\.description).joined(separator: "\n")
        #expect(!everything.contains(Harness.secretKey), "the API key appeared in the captured log output")
        #expect(!log.text.isEmpty, "trace logging captured nothing")
    }

}

/// An error's text, checked to be free of the key.
@discardableResult
func checkedText(_ error: any Error) -> String {
    let text = String(describing: error)
    #expect(!text.contains(Harness.secretKey), "the API key appeared in an error: \(text)")
    return text
}
