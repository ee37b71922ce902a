import FHIRModel
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one writer for messages that are not the command's output (diagnostics, warnings, errors, summaries,
/// `trace()`, progress): each call writes one line to standard error, unbuffered, so it interleaves correctly with
/// output. `--quiet` keeps only warnings and errors, `--verbose` adds details, `--log-format json` writes each line
/// as a JSON object (`{"level": ..., "message": ...}`) for log collectors.
enum StandardError {
    enum Level: String {
        case debug, info, warning, error
    }

    struct Settings: Sendable {
        var quiet = false
        var verbose = false
        var json = false
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var _settings = Settings()

    static var settings: Settings {
        get { lock.withLock { _settings } }
        set { lock.withLock { _settings = newValue } }
    }

    /// A line at the level its text says: `error:` and `warning:` lines are errors and warnings, others
    /// information (summaries), which `--quiet` leaves out.
    static func write(_ line: String) {
        write(line, level: level(of: line))
    }

    /// A detail only `--verbose` shows.
    static func detail(_ line: String) {
        write(line, level: .debug)
    }

    static func write(_ line: String, level: Level) {
        let settings = settings
        switch level {
        case .debug where !settings.verbose: return
        case .info where settings.quiet: return
        default: break
        }
        ProgressLine.clearForMessage()
        var text = settings.json ? jsonLine(line, level: level) : colored(line, level: level)
        text.append("\n")
        // Nothing can be said about a failed write to stderr itself.
        _ = text.withUTF8 { SystemIO.writeAll(2, UnsafeRawBufferPointer($0)) }
    }

    /// Writes `text` as it is (progress: carriage returns, no newline); only ever on a terminal.
    static func writeRaw(_ text: String) {
        var text = text
        // Nothing can be said about a failed write to stderr itself.
        _ = text.withUTF8 { SystemIO.writeAll(2, UnsafeRawBufferPointer($0)) }
    }

    static func level(of line: String) -> Level {
        if line.hasPrefix("error:") || line.contains(": error:") { return .error }
        if line.hasPrefix("warning:") || line.contains(": warning:") { return .warning }
        return .info
    }

    static func jsonLine(_ line: String, level: Level) -> String {
        var object = FHIRObject()
        object.appendUnchecked(key: "level", value: .string(level.rawValue))
        object.appendUnchecked(key: "message", value: .string(line))
        return String(decoding: FHIRJSONWriter().write(.object(object)), as: UTF8.self)
    }

    /// `error`/`warning` in red/yellow for a person at a terminal, unless NO_COLOR (https://no-color.org) or a dumb
    /// terminal says otherwise.
    static func colored(_ line: String, level: Level) -> String {
        guard usesColor, level == .error || level == .warning else { return line }
        let word = level == .error ? "error:" : "warning:"
        guard let range = line.range(of: word) else { return line }
        let color = level == .error ? "\u{1B}[1;31m" : "\u{1B}[1;33m"
        return line.replacingCharacters(in: range, with: color + word + "\u{1B}[0m")
    }

    static let usesColor: Bool = {
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return isTerminal && environment["TERM"] != "dumb"
    }()

    /// Whether a person is reading it: extra lines meant for the eye (a caret under a column) go only there.
    static let isTerminal = isatty(2) == 1
}
