import CLibXML2
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place that decides how libxml2 may read untrusted XML.
///
/// No network (`XML_PARSE_NONET`), no entity substitution (no `XML_PARSE_NOENT`), no DTD loading or default
/// attributes, no `XML_PARSE_HUGE` (libxml2 keeps its limits on text size, name length and nesting). On top of that
/// the process-wide external entity loader refuses everything, and any DOCTYPE is rejected before libxml2 sees it.
enum XMLHardening {
    static let parseOptions: Int32 = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_COMPACT.rawValue)
        | Int32(XML_PARSE_NOCDATA.rawValue) | Int32(XML_PARSE_BIG_LINES.rawValue)

    /// How many times libxml2 asked for an external resource (and was refused). Tests assert it stays unchanged.
    static let refusedExternalLoads = Atomic<Int>(0)

    /// Runs once per process: initialises libxml2 and installs the refusing entity loader.
    static let installed: Bool = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in
            XMLHardening.refusedExternalLoads.add(1, ordering: .relaxed)
            return nil
        }
        return true
    }()

    enum PrologVerdict: Equatable {
        case doctype(offset: Int)
        case rootElement
        case needMore
    }

    // Made once: the prolog scan runs for every document read.
    static let piEnd = Array("?>".utf8)
    static let commentEnd = Array("-->".utf8)

    /// Looks for a DOCTYPE in the prolog (before the first element) of UTF-8 bytes. Comments and processing
    /// instructions are skipped; the scan stops at the first element, so it costs a few bytes per document.
    static func scanProlog(_ bytes: UnsafeRawBufferPointer) -> PrologVerdict {
        var i = 0
        let n = bytes.count
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < n {
            let b = bytes[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
                i += 1
                continue
            }
            // Anything else than markup here is not XML; libxml2 will say so precisely.
            guard b == UInt8(ascii: "<") else { return .rootElement }
            guard i + 1 < n else { return .needMore }
            let next = bytes[i + 1]
            if next == UInt8(ascii: "?") {
                guard let end = find(piEnd, in: bytes, from: i + 2) else { return .needMore }
                i = end + 2
            } else if next == UInt8(ascii: "!") {
                guard i + 3 < n else { return .needMore }
                if bytes[i + 2] == UInt8(ascii: "-"), bytes[i + 3] == UInt8(ascii: "-") {
                    guard let end = find(commentEnd, in: bytes, from: i + 4) else { return .needMore }
                    i = end + 3
                } else {
                    return .doctype(offset: i)  // <!DOCTYPE (no other markup declaration may stand in a prolog)
                }
            } else {
                return .rootElement
            }
        }
        return .needMore
    }

    static func find(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var i = start
        while i + needle.count <= bytes.count {
            var match = true
            for k in 0..<needle.count where bytes[i + k] != needle[k] {
                match = false
                break
            }
            if match { return i }
            i += 1
        }
        return nil
    }

    /// One-based line and column (in bytes) of `offset`.
    static func lineColumn(of offset: Int, in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }
}
