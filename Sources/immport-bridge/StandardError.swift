import FHIRModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one writer for messages that are not the command's output (diagnostics, warnings, errors, summaries,
/// `trace()`): each call writes one line to standard error, unbuffered, so it interleaves correctly with output.
enum StandardError {
    static func write(_ line: String) {
        var text = line
        text.append("\n")
        text.withUTF8 { SystemIO.writeAll(2, UnsafeRawBufferPointer($0)) }
    }

    /// Whether a person is reading it: extra lines meant for the eye (a caret under a column) go only there.
    static let isTerminal = isatty(2) == 1
}
