#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Feeds libxml2's reader from a file descriptor in chunks, so a large document is never held in memory.
///
/// It also enforces the hardening that must see the raw bytes (a DOCTYPE in the prolog is refused before libxml2
/// parses it; the total size is bounded) and keeps the most recent bytes so that errors can name a column.
final class XMLInputSource {
    let fd: Int32
    let closeWhenDone: Bool
    let maxBytes: Int
    private(set) var totalBytes = 0
    /// Set when the callback refused the input; the reader reports it instead of libxml2's generic I/O error.
    var refusal: FHIRXMLError.Reason?
    var refusalOffset = 0
    var refusalPlace: (line: Int, column: Int)?
    var readError: Int32 = 0

    /// The prolog, kept until the root element is seen (bounded: a FHIR prolog is a declaration and a comment or two).
    private var prolog: [UInt8] = []
    private var prologDone = false

    /// The most recent bytes read (about two chunks), with the line number at their start.
    private(set) var window: [UInt8] = []
    private(set) var windowStart = 0
    private(set) var windowStartLine = 1
    static let windowLimit = 1 << 17

    init(fd: Int32, closeWhenDone: Bool, maxBytes: Int) {
        self.fd = fd
        self.closeWhenDone = closeWhenDone
        self.maxBytes = maxBytes
    }

    deinit { if closeWhenDone { close(fd) } }

    /// libxml2's read callback: fills `buffer`, returns the count, 0 at the end, -1 to stop with an error.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int32 {
        guard refusal == nil, count > 0 else { return -1 }
        let n = SystemIO.read(fd, into: buffer, count: count)
        if n < 0 {
            readError = errno
            refusal = .io("read failed: \(String(cString: strerror(errno)))")
            return -1
        }
        if n == 0 { return 0 }
        let chunk = UnsafeRawBufferPointer(start: buffer, count: n)
        if totalBytes + n > maxBytes {
            refusal = .tooLarge(limit: maxBytes)
            refusalOffset = maxBytes
            return -1
        }
        if !prologDone {
            prolog.append(contentsOf: chunk)
            let verdict = prolog.withUnsafeBytes { XMLHardening.scanProlog($0) }
            switch verdict {
            case .doctype(let offset):
                refusal = .doctypeForbidden
                refusalOffset = offset
                refusalPlace = prolog.withUnsafeBytes { XMLHardening.lineColumn(of: offset, in: $0) }
                return -1
            case .rootElement:
                prologDone = true
                prolog = []
            case .needMore:
                if prolog.count > XMLInputSource.windowLimit {
                    refusal = .malformed("prolog longer than \(XMLInputSource.windowLimit) bytes")
                    refusalOffset = totalBytes
                    return -1
                }
            }
        }
        remember(chunk)
        totalBytes += n
        return Int32(n)
    }

    private func remember(_ chunk: UnsafeRawBufferPointer) {
        if window.count + chunk.count > XMLInputSource.windowLimit, !window.isEmpty {
            let drop = min(window.count, window.count + chunk.count - XMLInputSource.windowLimit)
            windowStartLine += window[..<drop].withUnsafeBytes { FileBytes.countNewlines($0) }
            window.removeSubrange(..<drop)
            windowStart += drop
        }
        window.append(contentsOf: chunk)
    }
}
