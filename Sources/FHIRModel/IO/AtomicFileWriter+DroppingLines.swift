#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension AtomicFileWriter {
    /// Whether lines already written can still be left out at commit: not when writing to standard output.
    public var canDropLines: Bool { temporaryPath != nil }

    /// Commits, leaving out the given 0-based lines of what was written (for an NDJSON writer that learns late that
    /// a line was superseded). With lines to drop, the temporary file is copied once more, without them, into a
    /// second temporary file that is renamed into place; the common case (nothing to drop) costs nothing extra.
    /// On standard output nothing can be taken back: the lines stay (`canDropLines` tells the caller beforehand).
    public func commit(droppingLines dropped: Set<Int>) throws {
        guard !dropped.isEmpty, let temporaryPath else { return try commit() }
        try flush()
        let rewritten = try AtomicFileWriter(path: path)
        let input = open(temporaryPath, O_RDONLY | O_CLOEXEC)
        if input < 0 { throw FileIOError(path: path, operation: "read back", code: errno) }
        defer { close(input) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var line = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError(path: path, operation: "read back", code: errno)
            }
            if n == 0 { break }
            // A line may span chunks: only newlines advance the line number, so each piece is judged by the line
            // it belongs to.
            var start = 0
            while start < n {
                let newline = chunk[start..<n].firstIndex(of: 0x0A)
                let end = newline.map { $0 + 1 } ?? n
                if !dropped.contains(line) { try rewritten.append { $0.append(contentsOf: chunk[start..<end]) } }
                if newline != nil { line += 1 }
                start = end
            }
        }
        try rewritten.commit()
        close(fd)
        unlink(temporaryPath)
        committed = true
    }
}
