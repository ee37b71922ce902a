/// Counters for the one-line summaries the command line prints.
public struct TransportStatistics: Sendable, Equatable {
    /// Sends, retries included.
    public var requests = 0
    /// Sends that repeated an earlier one after a failure.
    public var retries = 0
    /// Body bytes after decompression.
    public var bytesReceived = 0
    /// Request body bytes (POST), retries included.
    public var bytesSent = 0

    public init() {}
}
