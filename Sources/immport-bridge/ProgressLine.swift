import Foundation

/// A live status line on standard error while a long stage runs (pages, resources, rate, ETA), redrawn at most ten
/// times a second and cleared before any other message and at the end. Only for a person at a terminal: with
/// standard error redirected, `--quiet` or `--log-format json`, it writes nothing, and the command's one summary
/// line says what was done.
final class ProgressLine: @unchecked Sendable {
    private static let lock = NSLock()
    /// The line on screen, if any: a message clears it first (`clearForMessage`).
    nonisolated(unsafe) private static var shown = false

    let label: String
    let enabled: Bool
    private let started = Date()
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    init(label: String) {
        self.label = label
        let settings = StandardError.settings
        enabled = StandardError.isTerminal && !settings.quiet && !settings.json
    }

    /// Shows `status` (drawn when 100 ms have passed since the last drawing), with the time elapsed.
    func update(_ status: String) {
        guard enabled else { return }
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            let elapsed = Self.duration(now.timeIntervalSince(started))
            Self.lock.withLock {
                StandardError.writeRaw("\r\u{1B}[K\(label): \(status) · \(elapsed)")
                Self.shown = true
            }
        }
    }

    /// `done` of `total` things at the rate so far, with the time left when the total is known.
    func update(_ what: String, done: Int, total: Int?) {
        guard enabled else { return }
        let seconds = Date().timeIntervalSince(started)
        var status = total.map { "\(done)/\($0) \(what)" } ?? "\(done) \(what)"
        if seconds > 1, done > 0 {
            status += String(format: ", %.0f/s", Double(done) / seconds)
            if let total, total > done {
                status += ", about \(Self.duration(seconds / Double(done) * Double(total - done))) left"
            }
        }
        update(status)
    }

    /// Clears the line for good.
    func finish() {
        guard enabled else { return }
        Self.clearForMessage()
    }

    static func clearForMessage() {
        lock.withLock {
            guard shown else { return }
            StandardError.writeRaw("\r\u{1B}[K")
            shown = false
        }
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) min \(total % 60) s" }
        return "\(total / 3600) h \(total % 3600 / 60) min"
    }
}
