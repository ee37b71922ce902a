import AsyncHTTPClient
import FHIRModel
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The one HTTP transport of the tool: pooled connections, gzip, timeouts, bounded concurrency, retries of
/// idempotent requests with backoff, and redaction of the API key from everything it logs or throws. GET, and POST
/// with a body (a FHIR transaction).
public final class HTTPTransport: Sendable {
    public let configuration: HTTPTransportConfiguration
    public let redactor: SecretRedactor
    let client: HTTPClient
    let logger: Logger
    let limiter: ConcurrencyLimiter
    let counters = Mutex(TransportStatistics())
    let isShutDown = Mutex(false)

    public init(
        configuration: HTTPTransportConfiguration = HTTPTransportConfiguration(), redactor: SecretRedactor = SecretRedactor(),
        logger: Logger = Logger(label: "immport-bridge.http")
    ) {
        self.configuration = configuration
        self.redactor = redactor
        let redactingLogger = RedactingLogHandler.logger(wrapping: logger, redactor: redactor)
        self.logger = redactingLogger
        limiter = ConcurrencyLimiter(limit: configuration.maxConcurrentRequests)
        var clientConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,  // redirects are followed here, where the key's destination is checked
            timeout: .init(
                connect: .milliseconds(Int64(configuration.connectTimeoutSeconds * 1000)),
                read: .milliseconds(Int64(configuration.readTimeoutSeconds * 1000))),
            connectionPool: .init(
                idleTimeout: .seconds(60),
                concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConcurrentRequests),
            decompression: .enabled(limit: .ratio(500)))
        clientConfiguration.httpVersion = .automatic
        // The default TLS configuration of async-http-client verifies certificates and host names; it is kept.
        client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration,
            backgroundActivityLogger: redactingLogger)
    }

    deinit {
        if !isShutDown.withLock({ $0 }) { try? client.syncShutdown() }
    }

    public func shutdown() async throws {
        let already = isShutDown.withLock { state -> Bool in
            defer { state = true }
            return state
        }
        if !already { try await client.shutdown() }
    }

    public var statistics: TransportStatistics { counters.withLock { $0 } }

    /// GETs `url` and hands the complete response to `decode`, retrying transient failures (network errors,
    /// retryable statuses, bodies that `decode` rejects as malformed JSON) within the retry budget.
    /// `bearerToken` is sent only where `EndpointSecurity.mayCarryKey` allows it; elsewhere the request is refused.
    public func get<T: Sendable>(
        _ url: String, accept: String = "application/json", bearerToken: String? = nil,
        decode: @Sendable (HTTPResponseData) throws -> T
    ) async throws -> T {
        try await perform(
            Outgoing(method: .GET, body: nil, contentType: nil, idempotent: true), url, accept: accept,
            bearerToken: bearerToken, decode: decode)
    }

    /// POSTs `body` (of `contentType`) to `url` and hands the complete response to `decode`. Only the caller knows
    /// whether sending it twice does the same as sending it once: with `idempotent` it is retried exactly like a
    /// GET; without, it is sent once and any failure is thrown, a lost connection or a timeout included, because
    /// the server may have acted on it. Redirects are followed only when they keep the method (307, 308).
    /// The API key rules are those of `get`.
    public func post<T: Sendable>(
        _ url: String, body: [UInt8], contentType: String, accept: String = "application/json",
        bearerToken: String? = nil, idempotent: Bool, decode: @Sendable (HTTPResponseData) throws -> T
    ) async throws -> T {
        try await perform(
            Outgoing(method: .POST, body: body, contentType: contentType, idempotent: idempotent), url, accept: accept,
            bearerToken: bearerToken, decode: decode)
    }

    /// What a request sends besides its URL and headers.
    struct Outgoing: Sendable {
        var method: HTTPMethod
        var body: [UInt8]?
        var contentType: String?
        /// May be sent again after a failure.
        var idempotent: Bool
    }

    func perform<T: Sendable>(
        _ outgoing: Outgoing, _ url: String, accept: String, bearerToken: String?,
        decode: @Sendable (HTTPResponseData) throws -> T
    ) async throws -> T {
        do {
            return try await attempt(outgoing, url, accept: accept, bearerToken: bearerToken, decode: decode)
        } catch var error as ImmPortAPIError {
            error.method = outgoing.method.rawValue
            throw error
        }
    }

    private func attempt<T: Sendable>(
        _ outgoing: Outgoing, _ url: String, accept: String, bearerToken: String?,
        decode: @Sendable (HTTPResponseData) throws -> T
    ) async throws -> T {
        let started = ContinuousClock.now
        let retry = configuration.retry
        var currentURL = url
        var token = bearerToken
        var attempts = 0
        var redirects = 0
        var lastError: ImmPortAPIError?

        while true {
            let shownURL = redactor.redact(currentURL)
            try Self.checkDestination(currentURL, shownURL: shownURL, carriesKey: token != nil)
            attempts += 1
            if attempts > 1 { counters.withLock { $0.retries += 1 } }
            counters.withLock { $0.requests += 1 }

            let outcome: AttemptOutcome
            do {
                let (target, sentToken, attempt) = (currentURL, token, attempts)
                outcome = try await limiter.withPermit { [self] in
                    try await send(outgoing, target, accept: accept, token: sentToken, attempt: attempt)
                }
            } catch let error as CancellationError {
                throw error
            } catch {
                outcome = .failed(
                    ImmPortAPIError(
                        .transport, url: shownURL, message: describeTransportError(error, url: currentURL),
                        attempts: attempts))
            }

            var failure: ImmPortAPIError
            var retryAfter: Double?
            switch outcome {
            case .response(var response):
                response.attempts = attempts
                let status = response.status
                if (200..<300).contains(status) {
                    do {
                        return try decode(response)
                    } catch let error as FHIRJSONError {
                        failure = ImmPortAPIError(
                            .invalidResponse, url: shownURL, status: status,
                            message: "malformed or truncated JSON: \(redactor.redact(error.description))",
                            attempts: attempts)
                    } catch var error as ImmPortAPIError {
                        error.attempts = attempts
                        throw error.redacted(by: redactor)
                    }
                } else if (300..<400).contains(status), status != 304, let location = response.headers.first(name: "location"),
                    outgoing.method == .GET || status == 307 || status == 308
                {
                    redirects += 1
                    attempts -= 1
                    guard redirects <= 5 else {
                        throw ImmPortAPIError(.httpStatus, url: shownURL, status: status, message: "more than 5 redirects")
                    }
                    let target = Self.resolve(location, against: currentURL)
                    if token != nil, !EndpointSecurity.sameOrigin(target, currentURL) {
                        logger.debug("redirect leaves the origin; the API key is not forwarded", metadata: ["to": "\(redactor.redact(target))"])
                        token = nil
                    }
                    currentURL = target
                    continue
                } else {
                    failure = statusError(response, url: shownURL, attempts: attempts)
                    if !retry.retryableStatuses.contains(status) { throw failure }
                    if let header = response.headers.first(name: "retry-after") {
                        retryAfter = RetryPolicy.retryAfterSeconds(header)
                    }
                }
            case .failed(let error):
                failure = error
            }

            guard outgoing.idempotent else {
                failure.message += "; not retried: the request is not idempotent and the server may have acted on it"
                throw failure
            }
            lastError = failure
            let elapsed = Self.seconds(ContinuousClock.now - started)
            let wait = retryAfter ?? retry.backoffSeconds(afterFailedAttempts: attempts)
            if attempts >= retry.maxAttempts || elapsed + wait > retry.maxTotalSeconds {
                var final = lastError ?? failure
                final.attempts = attempts
                final.retrySummary = attempts >= retry.maxAttempts
                    ? "giving up after \(attempts) attempts"
                    : "giving up after \(attempts) attempts: waiting \(Self.format(wait)) s more would exceed the \(Self.format(retry.maxTotalSeconds)) s retry budget"
                logger.notice("\(final.description)")  // the caller reports the error itself
                throw final
            }
            logger.info(
                "retrying", metadata: ["url": "\(shownURL)", "attempt": "\(attempts + 1)", "wait_s": "\(Self.format(wait))", "reason": "\(failure.message)"])
            try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
        }
    }

    enum AttemptOutcome: Sendable {
        case response(HTTPResponseData)
        case failed(ImmPortAPIError)
    }

    private func send(_ outgoing: Outgoing, _ url: String, accept: String, token: String?, attempt: Int) async throws -> AttemptOutcome {
        var request = HTTPClientRequest(url: url)
        request.method = outgoing.method
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body = outgoing.body {
            if let contentType = outgoing.contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body))
            counters.withLock { $0.bytesSent += body.count }
        }
        let shownURL = redactor.redact(url)
        if logger.logLevel <= .trace {
            let shownHeaders = request.headers.map { name, value in
                name.lowercased() == "authorization" ? "\(name): Bearer \(SecretRedactor.placeholder)" : "\(name): \(value)"
            }
            logger.trace(
                "\(outgoing.method.rawValue)",
                metadata: [
                    "url": "\(shownURL)", "attempt": "\(attempt)", "headers": "\(shownHeaders.joined(separator: ", "))",
                    "body_bytes": "\(outgoing.body?.count ?? 0)",
                ])
        }
        let response = try await client.execute(
            request, timeout: .milliseconds(Int64(configuration.requestTimeoutSeconds * 1000)), logger: logger)
        let buffer = try await response.body.collect(upTo: configuration.maxResponseBytes)
        let body = Array(buffer.readableBytesView)
        counters.withLock { $0.bytesReceived += body.count }
        logger.debug("response", metadata: ["url": "\(shownURL)", "status": "\(response.status.code)", "bytes": "\(body.count)"])
        return .response(
            HTTPResponseData(
                url: url, redactedURL: shownURL, status: Int(response.status.code), headers: response.headers,
                body: body, attempts: attempt))
    }

    /// 401 and 403 say what to do; other statuses carry the server's own explanation.
    func statusError(_ response: HTTPResponseData, url: String, attempts: Int) -> ImmPortAPIError {
        let diagnostics = ErrorBodySummary.diagnostics(from: response.body).map(redactor.redact)
        switch response.status {
        case 401:
            return ImmPortAPIError(
                .unauthorized, url: url, status: 401,
                message: "the server wants an API key and did not accept the one sent (or none was sent): set IMMPORT_API_KEY or use --api-key-file / IMMPORT_API_KEY_FILE; keys expire, create a new one at \(APIKey.creationPage)",
                diagnostics: diagnostics, attempts: attempts)
        case 403:
            return ImmPortAPIError(
                .forbidden, url: url, status: 403,
                message: "the API key was accepted but does not give access to this resource: check the key's scopes (browse, download) at \(APIKey.creationPage) and whether the study is restricted",
                diagnostics: diagnostics, attempts: attempts)
        case 404:
            return ImmPortAPIError(.notFound, url: url, status: 404, message: "not found", diagnostics: diagnostics, attempts: attempts)
        case 410:
            return ImmPortAPIError(.gone, url: url, status: 410, message: "gone (an expired search page?)", diagnostics: diagnostics, attempts: attempts)
        default:
            let reason = HTTPResponseStatus(statusCode: response.status).reasonPhrase
            return ImmPortAPIError(.httpStatus, url: url, status: response.status, message: reason, diagnostics: diagnostics, attempts: attempts)
        }
    }

    /// What went wrong, in words a person reads (`the connection was refused (nothing is listening at
    /// 127.0.0.1:8080)`), never a library's debug description; `url` names the host and port.
    func describeTransportError(_ error: any Error, url: String = "") -> String {
        redactor.redact(TransportErrorText.describe(error, url: url, configuration: configuration))
    }

    /// Refuses a request to anything but an absolute http(s) URL, and one that would carry the key over plain http
    /// to another machine (checked again at every redirect).
    static func checkDestination(_ url: String, shownURL: String, carriesKey: Bool) throws {
        guard EndpointSecurity.origin(of: url) != nil else {
            throw ImmPortAPIError(.refusedRequest, url: shownURL, message: "not an absolute http(s) URL")
        }
        if carriesKey, !EndpointSecurity.mayCarryKey(url) {
            throw ImmPortAPIError(
                .refusedRequest, url: shownURL,
                message: "refusing to send the API key over plain http to a host that is not this machine; use https")
        }
    }

    static func resolve(_ location: String, against base: String) -> String {
        if let absolute = URL(string: location), absolute.scheme != nil { return location }
        return URL(string: location, relativeTo: URL(string: base))?.absoluteString ?? location
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func format(_ seconds: Double) -> String {
        let rounded = (seconds * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
