/// What a push did: resources created, updated (a new version), left unchanged (the server already held the same
/// content, so nothing was sent or the server wrote nothing), and failed; and the transactions sent.
public struct PushSummary: Sendable, Equatable, CustomStringConvertible {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var failed = 0
    public var transactions = 0
    /// Resources to push in all (for progress).
    public var total = 0

    public init() {}

    public var done: Int { created + updated + unchanged + failed }

    public var description: String {
        "\(created) created, \(updated) updated, \(unchanged) unchanged\(failed > 0 ? ", \(failed) failed" : "") (\(transactions) transaction\(transactions == 1 ? "" : "s"))"
    }
}
