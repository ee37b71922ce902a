import FHIRModel

/// The accession pattern compiled as a suffix matcher (`LinkStage.accessionSuffixMatcher`), once per thread and
/// pattern. A `Regex` is not `Sendable`, so workers cannot share one; compiling one per chunk of a link's resources
/// (each chunk with a resource that did not link needs it) was a fiftieth of a reconcile.
final class AccessionSuffixMatchers {
    static let perThread = PerThread { AccessionSuffixMatchers() }

    private var compiled: [String: Regex<Substring>?] = [:]

    /// Nil for a pattern that does not compile (`LinkStage.run` refuses those before any reader asks).
    func matcher(_ pattern: String) -> Regex<Substring>? {
        if let known = compiled[pattern] { return known }
        let made = try? LinkStage.accessionSuffixMatcher(pattern)
        compiled[pattern] = made
        return made
    }
}
