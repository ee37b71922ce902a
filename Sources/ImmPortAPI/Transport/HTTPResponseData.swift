import NIOHTTP1

/// A complete response: status, headers and the whole (decompressed) body.
public struct HTTPResponseData: Sendable {
    /// The URL that answered, after redirects. Not redacted: use `redactedURL` in messages.
    public var url: String
    public var redactedURL: String
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var attempts: Int
}
