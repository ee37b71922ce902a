import Foundation

/// When and how long to wait before sending an idempotent request again.
public struct RetryPolicy: Sendable {
    /// Total sends, the first included.
    public var maxAttempts: Int
    /// No retry starts once this much time has gone by since the first send (waiting included).
    public var maxTotalSeconds: Double
    /// The first backoff; each further retry doubles it, up to `maxDelaySeconds`.
    public var baseDelaySeconds: Double
    public var maxDelaySeconds: Double
    /// Statuses that mean "try again later" rather than "your request is wrong".
    public var retryableStatuses: Set<Int>

    public init(
        maxAttempts: Int = 5, maxTotalSeconds: Double = 120, baseDelaySeconds: Double = 0.5,
        maxDelaySeconds: Double = 30, retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxTotalSeconds = maxTotalSeconds
        self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.retryableStatuses = retryableStatuses
    }

    /// The wait before attempt `failedAttempts + 1`: exponential, with jitter between half and all of it so that
    /// clients that failed together do not come back together.
    public func backoffSeconds(afterFailedAttempts failedAttempts: Int) -> Double {
        let exponent = Double(max(0, failedAttempts - 1))
        let ceiling = min(maxDelaySeconds, baseDelaySeconds * pow(2, exponent))
        return ceiling * Double.random(in: 0.5...1.0)
    }

    /// Seconds to wait from a `Retry-After` value: delta-seconds (`120`) or an HTTP-date
    /// (`Wed, 21 Oct 2015 07:28:00 GMT`). Nil when the value is neither.
    public static func retryAfterSeconds(_ value: String, now: Date = Date()) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite { return max(0, seconds) }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }

    /// Formats a date the way `Retry-After` carries it (used by the test server).
    public static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
