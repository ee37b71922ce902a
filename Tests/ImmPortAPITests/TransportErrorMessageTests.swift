import Foundation
@testable import ImmPortAPI
import TestSupport
import Testing

/// Transport failures read as one sentence naming the URL and what happened (issue 16 item 7).
@Suite struct TransportErrorMessageTests {
    /// A loopback port nothing listens on: bound, then closed.
    static func closedLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        #expect(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func aRefusedConnectionIsOneSentence() async throws {
        let port = try Self.closedLoopbackPort()
        // The HTTP client keeps trying a refused connection until the connect timeout: kept short here (scaled, so
        // that a slow run still sees the refusal before its connect timeout).
        let transport = HTTPTransport(
            configuration: HTTPTransportConfiguration(
                connectTimeoutSeconds: TestTimeScale.seconds(0.5),
                retry: RetryPolicy(maxAttempts: 3, maxTotalSeconds: TestTimeScale.seconds(120), baseDelaySeconds: 0.01, maxDelaySeconds: 0.02)))
        let url = "http://127.0.0.1:\(port)/fhir/Patient?_count=1"
        var text = ""
        do {
            _ = try await transport.get(url) { $0.status }
            Issue.record("a closed port answered")
        } catch let error as ImmPortAPIError {
            text = error.description
            #expect(error.kind == .transport && error.attempts == 3)
        }
        try await transport.shutdown()
        #expect(text == "GET \(url): the connection was refused (nothing is listening at 127.0.0.1:\(port)); giving up after 3 attempts")
    }

    @Test func errnoAndTimeoutsReadAsSentences() {
        #expect(TransportErrorText.describe(errno: ECONNRESET, place: "h:1") == "the server at h:1 reset the connection")
        #expect(TransportErrorText.hostAndPort(of: "https://example.org/fhir") == "example.org:443")
        #expect(TransportErrorText.hostAndPort(of: "http://[::1]:8080/x") == "[::1]:8080")
        let error = ImmPortAPIError(.httpStatus, url: "https://h/x", status: 404, message: "not found", attempts: 2)
        #expect(error.description == "GET https://h/x: HTTP 404: not found (after 2 attempts)")
    }
}
