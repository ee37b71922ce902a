import FHIRModel
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion for a test: posix_spawn, output captured in files, `waitpid` on a thread of its own.
///
/// The wait happens off Swift's cooperative pool (which Swift Testing runs tests on), so a test waiting for a child
/// never takes a pool thread away from the in-process server the child may be talking to. Output goes to files, not
/// pipes, so a chatty child cannot block on a full pipe while nobody reads it.
public enum ChildProcess {
    public struct Result: Sendable {
        /// The exit code, or 128 + the signal number when the child was killed by a signal.
        public var status: Int32
        public var standardOutput: [UInt8]
        public var standardError: String
        public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    }

    public enum Failure: Error, CustomStringConvertible {
        case spawn(String, Int32)
        public var description: String {
            switch self {
            case .spawn(let program, let code): return "cannot start \(program): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Runs `program` with `arguments`, in this process's environment without `IMMPORT_*` variables (a developer's
    /// settings must not leak into a test) plus `environment`, with standard input from /dev/null. With `killAfter`,
    /// a child still running that many seconds after it started is sent SIGKILL (status 137), as a user's `kill -9`.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], killAfter: Double? = nil
    ) async throws -> Result {
        let directory = NSTemporaryDirectory() + "child-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/stdout"
        let errPath = directory + "/stderr"

        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil  // an opaque pointer there, a struct on Linux
        #else
        var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("IMMPORT_") }
        variables.merge(environment) { $1 }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure.spawn(program, spawned) }
        let child = pid

        // The killer signals only while the child is not yet reaped, so it can never hit a reused pid.
        let reaped = ReapedFlag()
        if let killAfter {
            let killer = Thread {
                Thread.sleep(forTimeInterval: killAfter)
                reaped.lock.lock()
                if !reaped.isReaped { kill(child, SIGKILL) }
                reaped.lock.unlock()
            }
            killer.start()
        }
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let waiter = Thread {
                var info = siginfo_t()
                while waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
                reaped.lock.lock()
                reaped.isReaped = true
                defer { reaped.lock.unlock() }
                var raw: Int32 = 0
                while waitpid(child, &raw, 0) < 0 && errno == EINTR {}
                let signal = raw & 0x7f
                continuation.resume(returning: signal == 0 ? (raw >> 8) & 0xff : 128 + signal)
            }
            waiter.start()
        }
        // FileBytes, not Foundation: FileManager.contents(atPath:) leaks its buffer (AddressSanitizer's leak check).
        let output = (try? FileBytes.read(path: outPath)) ?? []
        let errors = String(decoding: (try? FileBytes.read(path: errPath)) ?? [], as: UTF8.self)
        return Result(status: status, standardOutput: output, standardError: errors)
    }
}

/// Whether the child was reaped, behind a lock the killer holds while it signals.
private final class ReapedFlag: @unchecked Sendable {
    let lock = NSLock()
    var isReaped = false
}
