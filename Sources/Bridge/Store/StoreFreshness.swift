/// What a run may take from the store instead of fetching it again: `--refresh` takes nothing fetched before the
/// run began; `--max-age` nothing older than that; otherwise everything stored is taken.
public struct StoreFreshness: Sendable {
    public var refresh: Bool
    /// Seconds.
    public var maxAge: Double?
    /// When the run began (seconds since 1970): what this run fetched is always fresh for it.
    public var runStart: Double

    public init(refresh: Bool = false, maxAge: Double? = nil, runStart: Double = StudyStore.now) {
        self.refresh = refresh
        self.maxAge = maxAge
        self.runStart = runStart
    }

    /// Data fetched at or after this time may be used.
    public var cutoff: Double {
        var cutoff = -Double.infinity
        if let maxAge { cutoff = runStart - maxAge }
        if refresh { cutoff = max(cutoff, runStart) }
        return cutoff
    }

    public func isFresh(fetchedAt: Double) -> Bool { fetchedAt >= cutoff }

    /// Reads `12h`, `7d`, `30m`, `45s`, `2w` (a whole or decimal number and one unit) as seconds; nil if it is not one.
    public static func parseDuration(_ text: String) -> Double? {
        guard let unit = text.last, let number = Double(text.dropLast()), number >= 0, number.isFinite else { return nil }
        switch unit {
        case "s": return number
        case "m": return number * 60
        case "h": return number * 3600
        case "d": return number * 86_400
        case "w": return number * 604_800
        default: return nil
        }
    }
}
