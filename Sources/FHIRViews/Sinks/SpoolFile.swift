import FHIRModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An anonymous temporary file: rows are staged here while the input is read, then streamed to a server. It is
/// unlinked as soon as it is created, so nothing is left behind whatever happens.
///
/// Unchecked Sendable: it is filled by the synchronous pass, then read by one task; never used concurrently.
final class SpoolFile: @unchecked Sendable {
    let fd: Int32
    var buffer: [UInt8] = []
    let flushThreshold = 1 << 20
    private(set) var size = 0

    init() throws {
        var template = Array("/tmp/immport-bridge-spool-XXXXXX".utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if opened < 0 { throw FileIOError(path: "/tmp", operation: "create a spool file", code: errno) }
        fd = opened
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        unlink(path)
        buffer.reserveCapacity(flushThreshold + 65536)
    }

    deinit { close(fd) }

    func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= flushThreshold { try flush() }
    }

    func flush() throws {
        let code = buffer.withUnsafeBytes { SystemIO.writeAll(fd, $0) }
        if code != 0 { throw FileIOError(path: "spool file", operation: "write", code: code) }
        size += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Reads the whole spool back from the start in chunks of `chunkSize` bytes.
    func readChunks(chunkSize: Int = 1 << 20, _ body: ([UInt8]) async throws -> Void) async throws {
        try flush()
        var offset = 0
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(offset)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError(path: "spool file", operation: "read", code: errno)
            }
            if n == 0 { return }
            offset += n
            try await body(Array(chunk[0..<n]))
        }
    }
}
