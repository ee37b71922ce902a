import Foundation
import ArgumentParser
import FHIRModel
import ImmPortAPI
import Logging

/// Options shared by the commands that talk to ImmPort's servers, and their one set-up path (`run(_:)`).
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "ImmPort key file (JSON {id, api_key, expires_at}); else IMMPORT_API_KEY, then IMMPORT_API_KEY_FILE.")
    var apiKeyFile: String?

    @Option(name: .long, help: ArgumentHelp("Configuration file (default: $IMMPORT_BRIDGE_CONFIG, else ~/.config/immport-bridge/config.yaml when it exists).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: "Seconds without data before a response is given up (and retried).")
    var readTimeout: Double = 90

    @Option(name: .long, help: "Sends per request, the first included.")
    var maxAttempts: Int = 5

    @Option(name: .long, help: "Requests in flight at once.")
    var concurrency: Int = 4

    @Option(name: .long, help: "What the HTTP client logs on stderr. The API key is always redacted.")
    var logLevel: LogLevel = .warning

    func validate() throws {
        guard readTimeout > 0 else { throw ValidationError("--read-timeout must be a positive number of seconds") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    /// The one set-up path of the client commands: resolves the key, opens one transport (logging through
    /// `StandardError`), runs `body`, and shuts the transport down whatever happens. Diagnostics are printed at the
    /// end; a failure is printed as one line (already redacted) and exits 1, without usage text.
    func run(_ body: (ClientSession) async throws -> Void) async throws {
        let diagnostics = DiagnosticsCollector()
        do {
            let configuration = try configurationFile()
            let key = try APIKey.resolve(keyFile: keyFile(configuration), diagnostics: diagnostics)
            let transport = makeTransport(key: key)
            let session = ClientSession(apiKey: key, transport: transport, diagnostics: diagnostics, configuration: configuration)
            do {
                try await body(session)
            } catch {
                try? await transport.shutdown()
                throw error
            }
            try await transport.shutdown()
            Self.print(diagnostics)
        } catch let error as ExitCode {
            throw error
        } catch let error as ConfigFile.Failure {
            StandardError.write(error.description)
            throw ExitCode(1)
        } catch {
            Self.print(diagnostics)
            StandardError.write("immport-bridge: error: \(error)")
            throw ExitCode(1)
        }
    }

    /// The configuration file (`--config`, `$IMMPORT_BRIDGE_CONFIG`, the default place), or none.
    func configurationFile() throws -> ConfigFile {
        try ConfigFile.load(flag: config)
    }

    /// `--api-key-file`, else the environment's key or key file (`APIKey.resolve` reads them), else the configuration's.
    func keyFile(_ configuration: ConfigFile, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let apiKeyFile { return apiKeyFile }
        let fromEnvironment = ["IMMPORT_API_KEY", "IMMPORT_API_KEY_FILE"].contains { !(environment[$0] ?? "").isEmpty }
        return fromEnvironment ? nil : configuration.apiKeyFile
    }

    func makeTransport(key: APIKey?) -> HTTPTransport {
        var logger = Logger(label: "immport-bridge", factory: { StandardErrorLogHandler(label: $0) })
        logger.logLevel = logLevel.level
        let configuration = HTTPTransportConfiguration(
            readTimeoutSeconds: readTimeout, maxConcurrentRequests: concurrency, retry: RetryPolicy(maxAttempts: maxAttempts))
        return HTTPTransport(configuration: configuration, redactor: key?.redactor ?? SecretRedactor(), logger: logger)
    }

    static func print(_ diagnostics: DiagnosticsCollector) {
        for diagnostic in diagnostics.diagnostics { StandardError.write("immport-bridge: \(diagnostic)") }
    }
}

/// What a client command works with, made once by `ClientOptions.run(_:)`: the key, the transport, and the clients,
/// each on the base its flag, environment variable or default names (`ServiceBase.resolve`).
struct ClientSession {
    let apiKey: APIKey?
    let transport: HTTPTransport
    let diagnostics: DiagnosticsCollector
    let configuration: ConfigFile

    /// A FHIR client on `--fhir-base`, else `IMMPORT_FHIR_BASE`, else the configuration file, else ImmPort's server.
    func fhirClient(baseFlag: String?) throws -> FHIRClient {
        FHIRClient(
            base: try ServiceBase.resolve(.fhir, flag: baseFlag, configured: configuration.base(for: .fhir), apiKey: apiKey),
            transport: transport)
    }

    /// A Shared Data client on `--shared-data-base`, else `IMMPORT_SHARED_DATA_BASE`, else the configuration file,
    /// else ImmPort's server.
    func sharedDataClient(baseFlag: String?) throws -> SharedDataClient {
        SharedDataClient(
            base: try ServiceBase.resolve(.sharedData, flag: baseFlag, configured: configuration.base(for: .sharedData), apiKey: apiKey),
            transport: transport)
    }

    /// `N requests, M retries`, the end of every client command's summary line.
    var requestSummary: String {
        let statistics = transport.statistics
        return "\(statistics.requests) requests, \(statistics.retries) retries"
    }
}
