/// The one error a bridge stage throws when it cannot go on: which stage, and a message naming the file, line or
/// URL at fault. Recoverable problems are diagnostics instead (`DiagnosticsCollector`).
public struct BridgeFailure: Error, Sendable, CustomStringConvertible {
    public enum Stage: String, Sendable {
        /// `input`: what the command was given besides the mapping (a --studies file).
        case input, mapping, pull, link, merge, export
    }

    public var stage: Stage
    public var message: String
    /// A network or authentication failure (the CLI's exit code 3).
    public var isNetwork = false

    public init(stage: Stage, message: String, isNetwork: Bool = false) {
        self.stage = stage
        self.message = message
        self.isNetwork = isNetwork
    }

    public var description: String { "\(stage.rawValue): \(message)" }
}
