import AsyncHTTPClient
import FHIRModel
import NIOCore
import NIOHTTP1

/// How a streamed GET ended: the status and headers of the final response (after redirects), and, for a status
/// that is not 2xx, the start of its body (for the error text); a 2xx body went to the consumer.
public struct HTTPStreamResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// Body bytes handed to the consumer.
    public var bytesReceived: Int
    /// Up to 64 KiB of a non-2xx body.
    public var errorBody: [UInt8]
}

extension HTTPTransport {
    /// GETs `url` once, tells `begin` a 2xx response's status and headers, and hands its body to `consume` chunk by
    /// chunk as it arrives, so no body is held whole: the
    /// way study files are downloaded. Not retried here: only the caller knows how much it kept and where to
    /// resume (`Range`), so it retries. Redirects are followed (at most 5); the key is dropped when one leaves the
    /// origin, as for `get`. No deadline: the read timeout bounds a stall.
    ///
    /// `shownURL` is what logs and errors call the URL: a signed URL is a credential and must never be shown, so a
    /// caller that holds one passes a description instead. `headers` are sent but never logged (DRS access
    /// methods may carry credentials in them). Throws `ImmPortAPIError` (`.transport`) naming `shownURL` for a
    /// failed connection or a body cut short; `consume`'s own errors pass through.
    public func stream(
        _ url: String, shownURL: String, headers extraHeaders: [(String, String)] = [], bearerToken: String? = nil,
        begin: (Int, HTTPHeaders) throws -> Void = { _, _ in }, consume: (ByteBuffer) throws -> Void
    ) async throws -> HTTPStreamResponse {
        await limiter.acquire()
        do {
            let response = try await streamHoldingPermit(
                url, shownURL: shownURL, headers: extraHeaders, bearerToken: bearerToken, begin: begin, consume: consume)
            await limiter.release()
            return response
        } catch {
            await limiter.release()
            throw error
        }
    }

    private func streamHoldingPermit(
        _ url: String, shownURL: String, headers extraHeaders: [(String, String)], bearerToken: String?,
        begin: (Int, HTTPHeaders) throws -> Void, consume: (ByteBuffer) throws -> Void
    ) async throws -> HTTPStreamResponse {
        var currentURL = url
        var token = bearerToken
        var redirects = 0
        while true {
            try Self.checkDestination(currentURL, shownURL: shownURL, carriesKey: token != nil)
            var request = HTTPClientRequest(url: currentURL)
            request.method = .GET
            request.headers.add(name: "User-Agent", value: configuration.userAgent)
            // The bytes as stored: their size and checksum are what is verified.
            request.headers.add(name: "Accept-Encoding", value: "identity")
            for (name, value) in extraHeaders { request.headers.add(name: name, value: value) }
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            counters.withLock { $0.requests += 1 }
            if logger.logLevel <= .trace {
                let names = request.headers.map { name, value in
                    name.lowercased() == "range" || name.lowercased() == "user-agent" || name.lowercased() == "accept-encoding"
                        ? "\(name): \(value)" : "\(name): \(SecretRedactor.placeholder)"
                }
                logger.trace("GET (streamed)", metadata: ["url": "\(redactor.redact(shownURL))", "headers": "\(names.joined(separator: ", "))"])
            }
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, deadline: .distantFuture, logger: logger)
            } catch let error as CancellationError {
                throw error
            } catch {
                throw ImmPortAPIError(.transport, url: shownURL, message: describeTransportError(error))
            }
            let status = Int(response.status.code)
            if (300..<400).contains(status), status != 304, let location = response.headers.first(name: "location") {
                redirects += 1
                guard redirects <= 5 else { throw ImmPortAPIError(.httpStatus, url: shownURL, status: status, message: "more than 5 redirects") }
                let target = Self.resolve(location, against: currentURL)
                if token != nil, !EndpointSecurity.sameOrigin(target, currentURL) { token = nil }
                currentURL = target
                continue
            }
            var received = 0
            var errorBody: [UInt8] = []
            if (200..<300).contains(status) { try begin(status, response.headers) }
            do {
                for try await chunk in response.body {
                    if (200..<300).contains(status) {
                        received += chunk.readableBytes
                        try consume(chunk)
                    } else if errorBody.count < 65536 {
                        errorBody += chunk.readableBytesView.prefix(65536 - errorBody.count)
                    }
                }
            } catch {
                counters.withLock { $0.bytesReceived += received }
                if error is CancellationError || error is ImmPortAPIError || error is FileIOError { throw error }
                throw ImmPortAPIError(.transport, url: shownURL, status: status, message: describeTransportError(error) + " (after \(received) bytes)")
            }
            counters.withLock { $0.bytesReceived += received + errorBody.count }
            logger.debug("response", metadata: ["url": "\(redactor.redact(shownURL))", "status": "\(status)", "bytes": "\(received)"])
            return HTTPStreamResponse(status: status, headers: response.headers, bytesReceived: received, errorBody: errorBody)
        }
    }

    /// The error a non-2xx streamed response stands for, worded as `get`'s are.
    public func statusError(_ response: HTTPStreamResponse, shownURL: String) -> ImmPortAPIError {
        statusError(
            HTTPResponseData(url: shownURL, redactedURL: shownURL, status: response.status, headers: response.headers, body: response.errorBody, attempts: 1),
            url: shownURL, attempts: 1)
    }
}
