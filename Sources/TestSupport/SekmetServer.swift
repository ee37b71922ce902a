import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// sekmet-fhir (PyPI, FHIR R4 over SQLite), a FHIR server nobody here wrote, started on a free loopback port for one
/// test and stopped by `stop()`. Found at `$SEKMET` or in `Benchmarks/.venv/bin/sekmet`, where `.ci/run` and
/// `Benchmarks/sekmet-check.sh` install it (`pip install sekmet-fhir==0.1.1`). Tests carry `.sekmetInstalled`:
/// skipped (and reported so) when it is missing, except under `CI=true`, where they fail.
public final class SekmetServer: @unchecked Sendable {
    public let base: String
    let pid: pid_t
    let directory: String

    public static let missingReason = "sekmet-fhir is not installed (python3 -m venv Benchmarks/.venv && Benchmarks/.venv/bin/pip install sekmet-fhir==0.1.1, or set SEKMET)"

    public static var executable: String? {
        let candidates = [ProcessInfo.processInfo.environment["SEKMET"], SharedData.packageRoot + "/Benchmarks/.venv/bin/sekmet"]
        return candidates.compactMap { $0 }.first { access($0, X_OK) == 0 }
    }

    public enum Failure: Error, CustomStringConvertible {
        case missing
        case notReady(String)
        public var description: String {
            switch self {
            case .missing: return SekmetServer.missingReason
            case .notReady(let log): return "sekmet-fhir did not listen within 30 s; its log:\n\(log)"
            }
        }
    }

    /// Starts a server with an empty database and waits until `/metadata` answers.
    public static func start() async throws -> SekmetServer {
        guard let program = executable else { throw Failure.missing }
        let port = try LoopbackPort.free()
        let directory = NSTemporaryDirectory() + "sekmet-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = "http://127.0.0.1:\(port)/fhir"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, directory + "/serve.log", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var variables = ProcessInfo.processInfo.environment
        // sekmet names itself by SEKMET_BASE_URL in its links; its database and settings stay in the directory.
        variables["SEKMET_BASE_URL"] = base
        variables["SEKMET_DB"] = directory + "/sekmet.sqlite"
        variables["SEKMET_CONFIG"] = directory + "/settings.yaml"
        // It runs in the directory (sekmet writes beside itself); through `sh -c 'cd ... && exec'`, as changing this
        // process's directory would race with the other tests.
        let arguments = ["/bin/sh", "-c", #"cd "$0" && exec "$1" serve --host 127.0.0.1 --port "$2""#, directory, program, String(port)]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure.notReady("posix_spawn failed: \(spawned)") }
        let server = SekmetServer(base: base, pid: pid, directory: directory)
        // Ready when its port takes a connection (Foundation's blocking URL loading is no use in a test here).
        for _ in 0..<Int(TestTimeScale.seconds(150)) {
            if LoopbackPort.accepts(port) { return server }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        let log = (try? String(contentsOfFile: directory + "/serve.log", encoding: .utf8)) ?? ""
        server.stop()
        throw Failure.notReady(log)
    }

    init(base: String, pid: pid_t, directory: String) {
        self.base = base
        self.pid = pid
        self.directory = directory
    }

    /// SIGTERM, then SIGKILL after 3 s: uvicorn's graceful shutdown can wait on idle connections indefinitely.
    public func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<30 {
            if waitpid(pid, &status, WNOHANG) == pid { try? FileManager.default.removeItem(atPath: directory); return }
            usleep(100_000)
        }
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension Trait where Self == ConditionTrait {
    /// Skips the test (reported as skipped) when sekmet-fhir is not installed, except under `CI=true`.
    public static var sekmetInstalled: Self {
        .enabled(if: SharedData.isCI || SekmetServer.executable != nil, Comment(rawValue: SekmetServer.missingReason))
    }
}
