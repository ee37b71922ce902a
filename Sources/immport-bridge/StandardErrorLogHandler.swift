import ArgumentParser
import Logging

/// `--log-level`: a closed set, so the parser lists the choices and refuses others.
enum LogLevel: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue)! }
}

/// swift-log's handler for the command line: each event as one line through `StandardError`, the one stderr writer.
/// The transport wraps it in `RedactingLogHandler`, so nothing reaching it carries the key.
struct StandardErrorLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        var line = "immport-bridge: \(event.level): \(event.message)"
        if !all.isEmpty { line += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        if let error = event.error { line += " error=\(error)" }
        StandardError.write(line)
    }
}
