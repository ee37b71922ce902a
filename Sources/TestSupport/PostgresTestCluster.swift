import Foundation

import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throw-away PostgreSQL server for tests: `initdb` in a temporary directory, started with `pg_ctl` on a free
/// loopback port (TCP on 127.0.0.1 only, its socket inside the directory), stopped and deleted by `stop()`.
///
/// Debian keeps the programs in /usr/lib/postgresql/<version>/bin. initdb refuses to run as root, so as root the
/// programs run as the `postgres` user through `runuser`, on a directory that user owns. Tests that start one carry
/// the `.postgresInstalled` trait: skipped (and reported so) when PostgreSQL is not installed, except under
/// `CI=true`, where `start()` then throws and the test fails.
public final class PostgresTestCluster: @unchecked Sendable {
    public let port: Int
    public let directory: String
    public let user = "postgres"
    public let database = "postgres"
    let binDirectory: String
    let runAs: String?
    var stopped = false

    public enum Failure: Error, CustomStringConvertible {
        case missing(String)
        case command(String, Int32, String)
        public var description: String {
            switch self {
            case .missing(let what): return "PostgreSQL is not installed: \(what)"
            case .command(let command, let status, let output): return "\(command) failed (\(status)): \(output)"
            }
        }
    }

    static let missingReason = "no initdb/pg_ctl under /usr/lib/postgresql/*/bin (apt-get install postgresql)"

    /// Whether PostgreSQL's server programs are installed.
    public static var isInstalled: Bool { findBinDirectory() != nil }

    /// Starts a server; throws when PostgreSQL is not installed (see `.postgresInstalled`). Stop it in a `defer`.
    public static func start() throws -> PostgresTestCluster {
        guard let bin = findBinDirectory() else { throw Failure.missing(missingReason) }
        return try PostgresTestCluster(binDirectory: bin)
    }

    static func findBinDirectory() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        for version in versions {
            let bin = "\(root)/\(version)/bin"
            if access("\(bin)/initdb", X_OK) == 0 && access("\(bin)/pg_ctl", X_OK) == 0 { return bin }
        }
        return nil
    }

    init(binDirectory: String) throws {
        self.binDirectory = binDirectory
        runAs = getuid() == 0 ? "postgres" : nil
        var template = Array("/tmp/immport-pgtest-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw Failure.command("mkdtemp", errno, "cannot create a temporary directory")
        }
        directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        port = try LoopbackPort.free()
        if let runAs {
            guard let account = getpwnam(runAs) else { throw Failure.missing("no \(runAs) user to run initdb as") }
            chown(directory, account.pointee.pw_uid, account.pointee.pw_gid)
        }
        do {
            try run("initdb", ["-D", "\(directory)/data", "-A", "trust", "-U", user, "-E", "UTF8", "--no-sync"])
            try run(
                "pg_ctl",
                [
                    "-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-t", String(Int(TestTimeScale.seconds(60))), "-o",
                    "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories=\(directory) -c fsync=off",
                    "start",
                ])
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    deinit { stop() }

    /// Stops the server and deletes its directory. Safe to call more than once.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? run("pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `postgres://postgres@127.0.0.1:<port>/postgres`
    public var url: String { "postgres://\(user)@127.0.0.1:\(port)/\(database)" }

    /// Runs a PostgreSQL program (as `postgres` when we are root) and waits for it with waitpid.
    ///
    /// Not Foundation's Process: `pg_ctl start` leaves the server running with the descriptors it inherited, and
    /// Process on Linux waits for one of those to close, which the server never does. Output goes to a file.
    func run(_ program: String, _ arguments: [String]) throws {
        let argv = (runAs.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + ["\(binDirectory)/\(program)"] + arguments
        let outputPath = "\(directory)/\(program).out"
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil  // an opaque pointer there, a struct on Linux
        #else
        var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o666)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw Failure.command(program, spawned, "cannot start \(argv[0])") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure.command(program, errno, "waitpid failed") }
        }
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw Failure.command(program, exited ? code : -1, text)
        }
    }

}

extension Trait where Self == ConditionTrait {
    /// Skips the test (reported as skipped) when PostgreSQL is not installed, except under `CI=true`, where the
    /// test runs and fails: CI cannot pass by skipping.
    public static var postgresInstalled: Self {
        .enabled(
            if: SharedData.isCI || PostgresTestCluster.isInstalled,
            Comment(rawValue: "PostgreSQL is not installed: \(PostgresTestCluster.missingReason)"))
    }
}
