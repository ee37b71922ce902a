import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL server for tests: `initdb` in a temporary directory, started with `pg_ctl` on a free
/// loopback port (TCP on 127.0.0.1 only, its socket inside the directory), stopped and deleted by `stop()`.
///
/// Debian keeps the programs in /usr/lib/postgresql/<version>/bin. initdb refuses to run as root, so as root the
/// programs run as the `postgres` user through `runuser`, on a directory that user owns. When no PostgreSQL is
/// installed the caller gets nil after a loud skip message, and under `CI=true` an error instead.
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

    /// Starts a server, or returns nil (after a loud message) when PostgreSQL is not installed and CI is not set.
    public static func start() throws -> PostgresTestCluster? {
        guard let bin = findBinDirectory() else {
            let reason = "no initdb/pg_ctl under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
            if SharedData.isCI { throw Failure.missing(reason) }
            let banner = String(repeating: "!", count: 78)
            print("\(banner)\n!! SKIPPED PostgreSQL tests: \(reason)\n\(banner)")
            return nil
        }
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
        directory = String(cString: template)
        port = try Self.freeLoopbackPort()
        if let runAs {
            guard let account = getpwnam(runAs) else { throw Failure.missing("no \(runAs) user to run initdb as") }
            chown(directory, account.pointee.pw_uid, account.pointee.pw_gid)
        }
        do {
            try run("initdb", ["-D", "\(directory)/data", "-A", "trust", "-U", user, "-E", "UTF8", "--no-sync"])
            try run(
                "pg_ctl",
                [
                    "-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-t", "60", "-o",
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

    func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        if let runAs {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", runAs, "--", "\(binDirectory)/\(program)"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "\(binDirectory)/\(program)")
            process.arguments = arguments
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure.command(program, process.terminationStatus, String(decoding: output, as: UTF8.self))
        }
    }

    /// A port the kernel just handed out on 127.0.0.1 (bound, read, released).
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.command("socket", errno, "cannot create a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw Failure.command("bind", errno, "cannot bind 127.0.0.1:0") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Failure.command("getsockname", errno, "cannot read the bound port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
