import FHIRModel
import Foundation
import ImmPortTestServer
import TestSupport
import Testing

/// The built `immport-bridge` run as a child process against an in-process test server, in a scratch directory.
///
/// Spawned rather than called in-process: what is checked is what a user sees (exit status, the stderr summary,
/// the files left behind), and the commands print to the process's own stderr.
final class CLIHarness: Sendable {
    static let secretKey = "ImmPortCLITestKey-0a1b2c3d4e5f-DO-NOT-LEAK"

    let server: ImmPortTestServer
    /// A fresh directory for the command's output files.
    let directory: String

    /// Starts a harness, runs `body` with it, and stops it (server and scratch directory) whether `body` returns or
    /// throws: the structured cleanup every test uses (`defer` cannot await).
    static func with(
        configure: (inout ImmPortTestServer.Configuration) -> Void = { _ in }, _ body: (CLIHarness) async throws -> Void
    ) async throws {
        let harness = try await start(configure: configure)
        do {
            try await body(harness)
        } catch {
            try? await harness.stop()
            throw error
        }
        try await harness.stop()
    }

    private static func start(configure: (inout ImmPortTestServer.Configuration) -> Void) async throws -> CLIHarness {
        var configuration = try ImmPortTestServer.Configuration.fixtures()
        configure(&configuration)
        let server = ImmPortTestServer(configuration: configuration)
        try await server.start()
        let directory = NSTemporaryDirectory() + "immport-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return CLIHarness(server: server, directory: directory)
    }

    private init(server: ImmPortTestServer, directory: String) {
        self.server = server
        self.directory = directory
    }

    func stop() async throws {
        try await server.stop()
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: cacheDirectory)
    }

    /// The child's `XDG_CACHE_HOME`, beside the scratch directory: a command that talks to the servers keeps its
    /// default store there, never in the user's cache, and leaves no file among the outputs a test lists.
    var cacheDirectory: String { directory + "-cache" }

    /// `immport-bridge` next to the test runner: `swift build` / `swift test` build every product into that folder.
    static let executable: String = {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: runner).deletingLastPathComponent().appendingPathComponent("immport-bridge").path
    }()

    /// Runs the CLI with `arguments` (a key only when `key` is given) and checks that the key appears in none of its
    /// output, whatever the test is about.
    func run(
        _ arguments: [String], key: String? = nil, environment: [String: String] = [:], killAfter: Double? = nil
    ) async throws -> ChildProcess.Result {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.executable),
            "no built CLI at \(Self.executable): run `swift build` first")
        var variables = ["XDG_CACHE_HOME": cacheDirectory].merging(environment) { $1 }
        if let key { variables["IMMPORT_API_KEY"] = key }
        let result = try await ChildProcess.run(Self.executable, arguments, environment: variables, killAfter: killAfter)
        #expect(!result.standardError.contains(Self.secretKey), "the API key appeared on stderr")
        #expect(!result.standardOutputText.contains(Self.secretKey), "the API key appeared on stdout")
        return result
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// Names in the scratch directory: a failed command must leave none (no partial output, no temporary file).
    func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: directory).sorted() }

    func ndjson(_ name: String) throws -> [FHIRElement] {
        try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n").map { try FHIRJSONReader().read(String($0)) }
    }

    /// The stderr line starting with `prefix` (the commands' one-line summary).
    static func line(_ prefix: String, in text: String) -> String? {
        text.split(separator: "\n").map(String.init).first { $0.hasPrefix(prefix) }
    }
}
