import ArgumentParser
import FHIRModel
import Foundation
import ImmPortAPI
import Logging

/// Options shared by the commands that talk to ImmPort's servers.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "ImmPort key file (JSON {id, api_key, expires_at}); else IMMPORT_API_KEY, then IMMPORT_API_KEY_FILE.")
    var apiKeyFile: String?

    @Option(name: .long, help: "Seconds without data before a response is given up (and retried).")
    var readTimeout: Double = 90

    @Option(name: .long, help: "Sends per request, the first included.")
    var maxAttempts: Int = 5

    @Option(name: .long, help: "Requests in flight at once.")
    var concurrency: Int = 4

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error. The API key is always redacted.")
    var logLevel: String = "warning"

    func makeTransport(key: APIKey?) throws -> HTTPTransport {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        var logger = Logger(label: "immport-bridge", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        let configuration = HTTPTransportConfiguration(
            readTimeoutSeconds: readTimeout, maxConcurrentRequests: concurrency, retry: RetryPolicy(maxAttempts: maxAttempts))
        return HTTPTransport(configuration: configuration, redactor: key?.redactor ?? SecretRedactor(), logger: logger)
    }

    /// Resolves the key, opens a transport, runs `body` with both, and shuts the transport down whether or not
    /// `body` throws: the one place the client commands manage a transport's lifetime.
    func withTransport(
        diagnostics: DiagnosticsCollector, _ body: (APIKey?, HTTPTransport) async throws -> Void
    ) async throws {
        let key = try resolveKey(diagnostics: diagnostics)
        let transport = try makeTransport(key: key)
        do {
            try await body(key, transport)
        } catch {
            try? await transport.shutdown()
            throw error
        }
        try await transport.shutdown()
    }

    func resolveKey(diagnostics: DiagnosticsCollector) throws -> APIKey? {
        try APIKey.resolve(keyFile: apiKeyFile, diagnostics: diagnostics)
    }

    static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// Prints diagnostics and an error to stderr the same way for every client command, and maps failure to exit 1.
enum ClientCommandSupport {
    static func printDiagnostics(_ diagnostics: DiagnosticsCollector) {
        for diagnostic in diagnostics.diagnostics { standardError("immport-bridge: \(diagnostic)") }
    }

    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Runs `body`; an error is printed (it is already redacted) and turned into exit code 1.
    static func run(diagnostics: DiagnosticsCollector, _ body: () async throws -> Void) async throws {
        do {
            try await body()
            printDiagnostics(diagnostics)
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            printDiagnostics(diagnostics)
            standardError("immport-bridge: error: \(error)")
            throw ExitCode(1)
        }
    }
}
