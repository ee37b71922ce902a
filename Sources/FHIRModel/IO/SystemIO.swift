#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The two system calls the readers and writers loop on, named once so that types with their own `read`/`write`
/// members can call them without naming a platform module (a module-qualified call compiles on one platform only).
public enum SystemIO {
    /// Reads up to `count` bytes into `buffer`, retrying when a signal interrupts; the byte count (0 at the end),
    /// or -1 with `errno` set.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        while true {
            let n = readDescriptor(fd, buffer, count)
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    /// Writes all of `bytes`, retrying short writes and interruptions; 0, or the `errno` of the failed write.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let n = writeDescriptor(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return 0
    }

    /// The current `errno`, for callers that do not import the platform module.
    public static var lastError: Int32 { errno }

    /// An environment variable's value, for code that does not import Foundation.
    public static func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    /// The cores this process may run on (the online processors; at least 1).
    public static var activeProcessorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The memory this process may use, in bytes: the machine's physical memory, or less when its control group
    /// (cgroup v2 `memory.max`, a container's limit) sets less.
    public static var usableMemory: Int {
        usableMemory(
            physical: Int(sysconf(Int32(_SC_PHYS_PAGES))) &* Int(sysconf(Int32(_SC_PAGESIZE))),
            cgroupLimit: try? FileBytes.read(path: "/sys/fs/cgroup/memory.max"))
    }

    /// `usableMemory` from the physical memory and the text of `memory.max` (a number of bytes, or `max`: no limit).
    static func usableMemory(physical: Int, cgroupLimit text: [UInt8]?) -> Int {
        guard let text, let limit = Int(String(decoding: text.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }, as: UTF8.self)),
            limit > 0
        else { return physical }
        return physical > 0 ? min(physical, limit) : limit
    }
}

// At file scope `read` and `write` are the C functions, whatever members the callers' types have.
@inline(__always) private func readDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

@inline(__always) private func writeDescriptor(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
