#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an output file through a temporary file beside it, renamed into place only by `commit()`: a failed run
/// never leaves a half-written output. `-` writes to standard output directly.
public final class AtomicFileWriter {
    public let path: String
    let temporaryPath: String?
    let fd: Int32
    var buffer: [UInt8] = []
    var committed = false
    /// Bytes are handed to the kernel in chunks of about this size. A quarter of a megabyte: an export writes a file
    /// per resource type at once, and each holds its buffer.
    let flushThreshold = 1 << 18
    /// Bytes handed to the kernel so far, and how far the kernel has been asked to start writing them to disk.
    var handedOver = 0
    var writebackStarted = 0
    /// Writing to disk is started every this many bytes (see `startWriteback`).
    static let writebackInterval = 8 << 20

    public init(path: String) throws {
        self.path = path
        if path == "-" {
            temporaryPath = nil
            fd = 1
        } else {
            let temp = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let opened = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if opened < 0 { throw FileIOError(path: path, operation: "create", code: errno) }
            temporaryPath = temp
            fd = opened
        }
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if let temporaryPath, !committed {
            close(fd)
            unlink(temporaryPath)
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        if bytes.count >= flushThreshold {
            // Large pieces (a chunk of NDJSON lines) go to the kernel as they are, not through the buffer.
            try flush()
            let code = bytes.withUnsafeBytes { SystemIO.writeAll(fd, $0) }
            if code != 0 { throw FileIOError(path: path, operation: "write", code: code) }
            handedOver += bytes.count
            startWriteback()
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    public func write(_ string: String) throws {
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Appends through a closure that writes into the pending buffer, avoiding an intermediate array.
    public func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= flushThreshold { try flush() }
    }

    public func flush() throws {
        let code = buffer.withUnsafeBytes { SystemIO.writeAll(fd, $0) }
        if code != 0 { throw FileIOError(path: path, operation: "write", code: code) }
        handedOver += buffer.count
        buffer.removeAll(keepingCapacity: true)
        startWriteback()
    }

    /// Asks the kernel to start writing what it holds of the file to disk, without waiting, every
    /// `writebackInterval` bytes: `commit()`'s `fsync` then has little left to wait for. Without it a large export
    /// wrote all its files to disk at the end, one `fsync` after another (a twentieth of a 100,000-resource export,
    /// with both cores idle). `POSIX_FADV_DONTNEED` starts the writeback of dirty pages (and lets clean ones go: the
    /// output is read back only when lines are dropped at commit, which is rare). A hint: its failure changes nothing.
    private func startWriteback() {
        guard temporaryPath != nil, handedOver - writebackStarted >= Self.writebackInterval else { return }
        #if os(Linux)
        _ = posix_fadvise(fd, off_t(writebackStarted), off_t(handedOver - writebackStarted), POSIX_FADV_DONTNEED)
        #endif
        writebackStarted = handedOver
    }

    /// Flushes, then moves the temporary file into place.
    public func commit() throws {
        try flush()
        guard let temporaryPath else { return }
        if fsync(fd) != 0 && errno != EINVAL { throw FileIOError(path: path, operation: "sync", code: errno) }
        close(fd)
        if rename(temporaryPath, path) != 0 {
            let code = errno
            unlink(temporaryPath)
            committed = true
            throw FileIOError(path: path, operation: "rename into place", code: code)
        }
        committed = true
    }
}
