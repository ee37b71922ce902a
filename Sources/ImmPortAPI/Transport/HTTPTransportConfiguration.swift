import FHIRModel

/// Timeouts, limits and identity of the one HTTP transport both clients share.
public struct HTTPTransportConfiguration: Sendable {
    public var connectTimeoutSeconds: Double
    /// Longest silence while a response is being received.
    public var readTimeoutSeconds: Double
    /// Longest time one attempt may take, headers to last byte.
    public var requestTimeoutSeconds: Double
    /// Requests in flight at once, across all tasks using this transport.
    public var maxConcurrentRequests: Int
    /// Larger bodies are refused rather than buffered.
    public var maxResponseBytes: Int
    public var retry: RetryPolicy
    public var userAgent: String

    public init(
        connectTimeoutSeconds: Double = 10, readTimeoutSeconds: Double = 90, requestTimeoutSeconds: Double = 600,
        maxConcurrentRequests: Int = 4, maxResponseBytes: Int = 1 << 30, retry: RetryPolicy = RetryPolicy(),
        userAgent: String = "immport-bridge/\(ToolVersion.current)"
    ) {
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.readTimeoutSeconds = readTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxConcurrentRequests = max(1, maxConcurrentRequests)
        self.maxResponseBytes = maxResponseBytes
        self.retry = retry
        self.userAgent = userAgent
    }
}
