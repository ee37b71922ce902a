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
    /// settings must not leak into a test) plus `environment`, with standard input from /dev/null.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:]
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

        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let waiter = Thread {
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
