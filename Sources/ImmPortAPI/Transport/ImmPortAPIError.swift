/// Every failure of the ImmPort clients: what went wrong, with which URL (already redacted), and what to do.
public struct ImmPortAPIError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// 401: no key, or the key is wrong or expired.
        case unauthorized
        /// 403: the key is valid but lacks access (scope, restricted study).
        case forbidden
        case notFound
        /// 410: an expired FHIR search page.
        case gone
        /// Any other non-success status.
        case httpStatus
        /// The connection failed, was reset or timed out.
        case transport
        /// The body was not what was expected (malformed or truncated JSON, wrong resource type).
        case invalidResponse
        /// A request that would send the key somewhere it must not go, or a malformed URL.
        case refusedRequest
        /// A missing, unreadable or expired API key.
        case apiKey
        /// Arguments that do not fit the endpoint.
        case invalidArgument
    }

    public var kind: Kind
    /// The request's method (`GET`, `POST`), shown before the URL.
    public var method = "GET"
    /// The request's URL with secrets removed; empty when no request was involved.
    public var url: String
    public var status: Int?
    public var message: String
    /// OperationOutcome issue texts or the error fields of a JSON error body.
    public var diagnostics: [String]
    /// How many times the request was sent (1 when it was not retried).
    public var attempts: Int
    /// Why the retries stopped (`giving up after 5 attempts`), when they ran out; shown once, after the message.
    public var retrySummary: String?

    public init(
        _ kind: Kind, method: String = "GET", url: String, status: Int? = nil, message: String, diagnostics: [String] = [],
        attempts: Int = 1
    ) {
        self.kind = kind
        self.method = method
        self.url = url
        self.status = status
        self.message = message
        self.diagnostics = diagnostics
        self.attempts = attempts
    }

    public var description: String {
        var text = url.isEmpty ? "" : "\(method) \(url): "
        if let status { text += "HTTP \(status): " }
        text += message
        if !diagnostics.isEmpty { text += " [" + diagnostics.joined(separator: "; ") + "]" }
        if let retrySummary {
            text += "; \(retrySummary)"
        } else if attempts > 1 {
            text += " (after \(attempts) attempts)"
        }
        return text
    }

    /// The same error with its texts passed through `redactor` (for errors built from server-provided text).
    func redacted(by redactor: SecretRedactor) -> ImmPortAPIError {
        var copy = self
        copy.url = redactor.redact(url)
        copy.message = redactor.redact(message)
        copy.diagnostics = diagnostics.map(redactor.redact)
        return copy
    }
}
