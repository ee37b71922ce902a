import Synchronization

/// Collects diagnostics from any stage and any task. Stages report here instead of printing; the command line
/// decides how to show them and what exit code they mean.
public final class DiagnosticsCollector: Sendable {
    private let storage = Mutex<[Diagnostic]>([])

    public init() {}

    public func emit(_ diagnostic: Diagnostic) {
        storage.withLock { $0.append(diagnostic) }
    }

    public func error(_ message: String, location: String? = nil, source: String? = nil, line: Int? = nil) {
        emit(Diagnostic(.error, message, location: location, source: source, line: line))
    }

    public func warning(_ message: String, location: String? = nil, source: String? = nil, line: Int? = nil) {
        emit(Diagnostic(.warning, message, location: location, source: source, line: line))
    }

    public var diagnostics: [Diagnostic] { storage.withLock { $0 } }
    public var hasErrors: Bool { storage.withLock { $0.contains { $0.severity == .error } } }
}
