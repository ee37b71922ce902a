#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure to open, read or write a file, naming the path and the system's reason.
public struct FileIOError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// What went wrong, without the path: `cannot open: No such file or directory`.
    public var message: String { "cannot \(operation): \(String(cString: strerror(code)))" }

    /// `FILE: cannot open: reason`, placed like every other error.
    public var description: String { "\(SourceLocation(source: path == "-" ? "<stdin>" : path)): \(message)" }
}

/// Whole-file and stream reading without Foundation: the readers work on bytes, and `-` means standard input.
public enum FileBytes {
    /// Reads a whole file (or standard input for `-`).
    public static func read(path: String) throws -> [UInt8] {
        let fd = try openForReading(path: path)
        defer { if fd != 0 { close(fd) } }
        return try readRest(of: fd, path: path, after: [])
    }

    /// The number of newline bytes (`\n`) in `bytes`.
    public static func countNewlines(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard var p = bytes.baseAddress else { return 0 }
        var remaining = bytes.count
        var count = 0
        while remaining > 0, let hit = memchr(p, 0x0A, remaining) {
            count += 1
            let next = UnsafeRawPointer(hit) + 1
            remaining -= p.distance(to: next)
            p = next
        }
        return count
    }

    /// The size of the regular file at `path`; nil when there is none (or it is a directory, a device, a pipe).
    public static func regularFileSize(path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// The lines of the file at `path` whose first byte is in `range`, from the first one's start to the end of the
    /// last one (its newline included), or nothing when no line starts there: what one worker reads of a file of
    /// lines cut at byte offsets, each line belonging to the piece its first byte is in. The last line may end past
    /// `range`, and is read to its end. The lines are `lines` of the bytes read (not copied out of them).
    public static func lines(startingIn range: Range<Int>, ofFileAt path: String) throws -> (bytes: [UInt8], lines: Range<Int>) {
        let fd = try openForReading(path: path)
        defer { closeDescriptor(fd) }
        let base = linesOffset(startingIn: range)
        let wanted = range.upperBound - base
        // The range is read into room never zeroed (zeroing it first was a pass over every byte of a large study's
        // files), with a margin where the last line's end usually is; a longer last line grows the room below.
        var bytes = try [UInt8](unsafeUninitializedCapacity: wanted + linesMargin) { buffer, count in
            count = 0
            while count < buffer.count {
                let n = pread(fd, buffer.baseAddress! + count, buffer.count - count, off_t(base + count))
                if n < 0 { throw FileIOError(path: path, operation: "read", code: errno) }
                if n == 0 { break }
                count += n
            }
        }
        var filled = bytes.count
        func readMore(upTo count: Int) throws -> Bool {
            if bytes.count < filled + count { appendZeros(to: &bytes, count: filled + count - bytes.count) }
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + filled, count, off_t(base + filled))
            }
            if n < 0 { throw FileIOError(path: path, operation: "read", code: errno) }
            filled += n
            return n > 0
        }
        func newline(from start: Int) -> Int? {
            guard start < filled else { return nil }
            return bytes.withUnsafeBytes { raw in
                memchr(raw.baseAddress! + start, 0x0A, filled - start).map { raw.baseAddress!.distance(to: UnsafeRawPointer($0)) }
            }
        }
        let first: Int
        if range.lowerBound == 0 {
            first = 0
        } else {
            guard let end = newline(from: 0), base + end + 1 < range.upperBound else { return ([], 0..<0) }
            first = end + 1
        }
        // The last line is the one that holds the byte before the range's end; it ends at the next newline.
        var searchFrom = max(first, range.upperBound - 1 - base)
        var last: Int
        while true {
            if let end = newline(from: searchFrom) {
                last = end + 1
                break
            }
            searchFrom = max(searchFrom, filled)
            if try !readMore(upTo: max(4096, filled / 2)) {
                last = filled
                break
            }
        }
        return (bytes, first..<last)
    }

    /// How far past its range `lines(startingIn:ofFileAt:)` reads at first, for the end of the range's last line.
    static let linesMargin = 16 << 10

    /// Where in the file the bytes `lines(startingIn:ofFileAt:)` gives begin: from the byte before the range, since a
    /// line starts at the range's first byte when that byte ends a line.
    public static func linesOffset(startingIn range: Range<Int>) -> Int { max(0, range.lowerBound - 1) }

    /// Opens `path` for reading (`-`: standard input, descriptor 0), refusing a directory.
    public static func openForReading(path: String) throws -> Int32 {
        let fd: Int32 = path == "-" ? 0 : openFile(path)
        if fd < 0 { throw FileIOError(path: path, operation: "open", code: errno) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            if fd != 0 { close(fd) }
            throw FileIOError(path: path, operation: "read (it is a directory)", code: EISDIR)
        }
        return fd
    }

    /// Closes a descriptor `openForReading` gave (standard input is left open).
    public static func closeDescriptor(_ fd: Int32) {
        if fd > 0 { closeFile(fd) }
    }

    /// `prefix` (bytes already read from `fd`) followed by everything left to read.
    /// Room to read into, as zeros copied from one shared page: appending `repeatElement(0, count:)` goes element
    /// by element through generic code, which cost about 35 ms per small file in debug builds (tests read thousands).
    static func appendZeros(to bytes: inout [UInt8], count: Int) {
        var left = count
        bytes.reserveCapacity(bytes.count + count)
        while left > 0 {
            let step = min(left, zeroPage.count)
            bytes.append(contentsOf: zeroPage[..<step])
            left -= step
        }
    }

    static let zeroPage = [UInt8](repeating: 0, count: 1 << 16)

    static func readRest(of fd: Int32, path: String, after prefix: [UInt8]) throws -> [UInt8] {
        var info = stat()
        var expected = 0
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { expected = Int(info.st_size) }
        // A regular file's size is known: it is read straight into room for it and one byte more (to see the end),
        // never zeroed first (zeroing was a pass over every answer file of a reconcile). A file that grew while
        // read, or a stream, goes on in the loop below.
        var filled = prefix.count
        var atEnd = false
        var bytes = prefix
        // Only with room to fill: an array made with no capacity is the runtime's shared empty array, whose count
        // the initialiser would write (a race ThreadSanitizer reports between any two threads doing so).
        if expected > 0 {
            bytes = try [UInt8](unsafeUninitializedCapacity: max(expected, filled) + 1) { buffer, count in
                if filled > 0 { _ = buffer.initialize(fromContentsOf: prefix) }
                count = filled
                while count < buffer.count {
                    let n = SystemIO.read(fd, into: buffer.baseAddress! + count, count: buffer.count - count)
                    if n < 0 { throw FileIOError(path: path, operation: "read", code: errno) }
                    if n == 0 {
                        atEnd = true
                        return
                    }
                    count += n
                }
            }
        }
        filled = bytes.count
        if atEnd { return bytes }
        appendZeros(to: &bytes, count: 65536)
        while true {
            if filled == bytes.count { appendZeros(to: &bytes, count: bytes.count) }
            let n = bytes.withUnsafeMutableBytes { buffer in
                SystemIO.read(fd, into: buffer.baseAddress! + filled, count: buffer.count - filled)
            }
            if n < 0 { throw FileIOError(path: path, operation: "read", code: errno) }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}

@inline(__always) private func openFile(_ path: String) -> Int32 { open(path, O_RDONLY | O_CLOEXEC) }
@inline(__always) private func closeFile(_ fd: Int32) { close(fd) }

/// Reads a file or stream in fixed-size chunks and hands out its lines, so memory stays flat whatever the size.
public struct LineReader: ~Copyable {
    let fd: Int32
    let path: String
    var buffer: [UInt8]
    var start = 0
    var end = 0
    var eof = false
    /// The one-based number of the line last returned.
    public private(set) var lineNumber = 0
    /// Where `buffer` begins in the file, when it is a file read from its start (or lines cut from one at a known
    /// offset); nil for standard input.
    var bufferFileOffset: Int?
    /// The bytes of the line last returned, in `buffer`.
    var lastLine = 0..<0

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.init(taking: try FileBytes.openForReading(path: path), path: path, startingWith: [], chunkSize: chunkSize)
    }

    /// Lines already in memory, `range` of `bytes` (`path` only names them), the first of them numbered
    /// `firstLineNumber`.
    init(lines bytes: [UInt8], in range: Range<Int>, path: String, firstLineNumber: Int, fileOffset: Int? = nil) {
        self.path = path
        bufferFileOffset = fileOffset
        fd = -1
        buffer = bytes
        start = range.lowerBound
        end = range.upperBound
        eof = true
        lineNumber = firstLineNumber - 1
    }

    /// Reads from an open descriptor (closed when done, unless it is standard input) whose first bytes, `prefix`,
    /// were already read (to detect the format): standard input is then still read as a stream.
    init(taking fd: Int32, path: String, startingWith prefix: [UInt8], chunkSize: Int = 1 << 20) {
        self.path = path
        self.fd = fd
        // `prefix` is what was read of it first: the buffer begins at the file's start (standard input has none).
        bufferFileOffset = fd == 0 ? nil : 0
        buffer = prefix
        FileBytes.appendZeros(to: &buffer, count: max(chunkSize, 1))
        end = prefix.count
    }

    deinit { if fd > 0 { close(fd) } }

    /// Calls `body` with the next line's bytes (without its `\n` or `\r\n`), or returns false at the end.
    public mutating func nextLine(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        while true {
            if let newline = findNewline() {
                lineNumber += 1
                var lineEnd = newline
                if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let lineStart = start
                start = newline + 1
                lastLine = lineStart..<lineEnd
                try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[lineStart..<lineEnd])) }
                return true
            }
            if eof {
                guard start < end else { return false }
                lineNumber += 1
                let lineStart = start
                let lineEnd = end
                start = end
                lastLine = lineStart..<lineEnd
                try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[lineStart..<lineEnd])) }
                return true
            }
            try fill()
        }
    }

    /// Where the line last returned begins in the file (nil when that is not known: standard input).
    public var lastLineFileOffset: Int? { bufferFileOffset.map { $0 + lastLine.lowerBound } }

    /// Hands `body` the bytes of the line last returned (as `nextLine` did), valid until the next `nextLine`.
    public func withLastLine<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[lastLine])) }
    }

    func findNewline() -> Int? {
        buffer.withUnsafeBytes { raw -> Int? in
            guard start < end else { return nil }
            if let p = memchr(raw.baseAddress! + start, 0x0A, end - start) {
                return raw.baseAddress!.distance(to: UnsafeRawPointer(p))
            }
            return nil
        }
    }

    mutating func fill() throws {
        if start > 0 {
            // Move the partial line to the front.
            let remaining = end - start
            bufferFileOffset? += start
            lastLine = 0..<0
            if remaining > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, remaining)
                }
            }
            start = 0
            end = remaining
        }
        if end == buffer.count { FileBytes.appendZeros(to: &buffer, count: buffer.count) }
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in
                SystemIO.read(fd, into: raw.baseAddress! + end, count: raw.count - end)
            }
            if n < 0 { throw FileIOError(path: path, operation: "read", code: errno) }
            if n == 0 { eof = true } else { end += n }
            return
        }
    }
}
