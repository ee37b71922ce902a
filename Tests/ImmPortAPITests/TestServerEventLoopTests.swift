import Dispatch
import Foundation
import ImmPortTestServer
import NIOCore
import NIOPosix
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The test server answers on event loops of its own. The clients under test (async-http-client, PostgresNIO) run
/// on NIO's shared singleton; a server there held up their connects and reads while it computed an answer, which
/// under a sanitizer took long enough for their timeouts to fire.
struct TestServerEventLoopTests {
    @Test func theServerAnswersWhileEveryLoopOfTheSharedGroupIsHeld() async throws {
        let server = ImmPortTestServer(configuration: try .fixtures())
        try await server.start()
        let port = server.port
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let limit = TestTimeScale.seconds(5)
        let holding = DispatchSemaphore(value: 0)
        let asked = DispatchSemaphore(value: 0)
        // Every loop but the first waits until the first has its answer; the first asks once all the others are
        // held, with blocking calls, so that a server on these loops could not answer. The loops are let go as soon
        // as the answer (or the limit) comes, whatever the test's own task is waiting for: the other tests share them.
        let others = loops.dropFirst().map { loop in
            loop.submit {
                holding.signal()
                _ = asked.wait(timeout: .now() + limit * 2)
            }
        }
        let answer = loops[0].submit { () -> String? in
            defer { for _ in others { asked.signal() } }
            for _ in others where holding.wait(timeout: .now() + limit) == .timedOut { return "the other loops were never held" }
            return Self.statusLine(port: port, path: "/fhir/metadata", timeout: limit)
        }
        let line: String?
        do {
            line = try await answer.get()
            for other in others { try await other.get() }
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
        #expect(line == "HTTP/1.1 200 OK", "the server did not answer while NIO's shared loops were held")
    }

    /// The status line of `GET path` from 127.0.0.1:`port`, with blocking POSIX calls (no NIO, no cooperative pool);
    /// nil when nothing came within `timeout` seconds.
    static func statusLine(port: Int, path: String, timeout: Double) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout.rounded(.up)), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while !received.contains(UInt8(ascii: "\n")) {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self).split(separator: "\r\n").first.map(String.init)
    }
}
