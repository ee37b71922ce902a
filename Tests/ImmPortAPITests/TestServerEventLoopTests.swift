import Dispatch
import Foundation
import ImmPortTestServer
import NIOCore
import NIOPosix
import TestSupport
import Testing

/// The test server answers on event loops of its own. The clients under test (async-http-client) run on NIO's shared
/// singleton; a server there held up their connects and reads while it computed an answer, which under a sanitizer
/// took long enough for their timeouts to fire.
struct TestServerEventLoopTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs /usr/bin/curl, a client outside NIO"))
    func theServerAnswersWhileEveryLoopOfTheSharedGroupIsBusy() async throws {
        let server = ImmPortTestServer(configuration: try .fixtures())
        try await server.start()
        // Each loop of the singleton is held until the answer is in, or until the limit if it never comes.
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let release = DispatchSemaphore(value: 0)
        let limit = TestTimeScale.seconds(20)
        let holds = loops.map { loop in
            loop.submit { release.wait(timeout: .now() + limit) == .success }
        }
        let answer: ChildProcess.Result
        do {
            answer = try await ChildProcess.run(
                "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", String(Int(limit * 2)), server.fhirBase + "/metadata"])
        } catch {
            for _ in loops { release.signal() }
            try? await server.stop()
            throw error
        }
        for _ in loops { release.signal() }
        var heldUntilAnswered = true
        for hold in holds where try await !hold.get() { heldUntilAnswered = false }
        try await server.stop()
        #expect(answer.standardOutputText == "200", "curl: \(answer.standardError)")
        #expect(heldUntilAnswered, "the server answered only once the shared loops were let go")
    }
}
