import FHIRModel
import ImmPortAPI
import ImmPortTestServer
import Logging
import Testing

@Suite struct RedactionTests {
    @Test func redactorRemovesKnownSecretsBearerTokensAndCredentialParameters() {
        let redactor = SecretRedactor(secrets: [Harness.secretKey])
        #expect(redactor.redact("x \(Harness.secretKey) y") == "x [REDACTED] y")
        #expect(redactor.redact("Authorization: Bearer abc.def-ghi") == "Authorization: Bearer [REDACTED]")
        #expect(redactor.redact("https://h/x?api_key=zzz&b=1") == "https://h/x?api_key=[REDACTED]&b=1")
        #expect(redactor.redact("https://s3/x?X-Amz-Signature=abcd&y=2") == "https://s3/x?X-Amz-Signature=[REDACTED]&y=2")
        #expect(redactor.redact("_getpages=abc&_count=5") == "_getpages=abc&_count=5")
    }

    @Test func redactingLogHandlerCleansMessagesMetadataAndErrors() {
        let log = CapturedLog()
        let base = Logger(label: "x", factory: { _ in CapturingLogHandler(log: log) })
        var logger = RedactingLogHandler.logger(wrapping: base, redactor: SecretRedactor(secrets: [Harness.secretKey]))
        logger.logLevel = .trace
        logger[metadataKey: "key"] = "\(Harness.secretKey)"
        logger.trace("sending \(Harness.secretKey)", metadata: ["h": .array(["Bearer \(Harness.secretKey)"])])
        logger.error("failed", error: ImmPortAPIError(.transport, url: "u", message: "bad \(Harness.secretKey)"))
        #expect(log.text.contains("sending [REDACTED]"))
        #expect(!log.text.contains(Harness.secretKey))
    }

    /// The whole client at trace level, through every kind of failure: no log line and no error text holds the key.
    @Test func theKeyNeverAppearsInTraceLogsOrErrors() async throws {
        try await Harness.with(
            configure: { $0.requiredAPIKey = "the-right-key-123456"; $0.maxPageSize = 2 }, readTimeout: Harness.impatientReadTimeout) { h in
            h.server.setGzip(true)
            h.server.inject(.tooManyRequests(retryAfter: "0"), on: .searchPage(2))
            h.server.inject(.gone, on: .searchPage(2))
            h.server.inject(.resetMidBody, on: .searchPage(3))
            h.server.inject(.truncatedJSON, on: .pathContains("/Group?"))
            h.server.inject(.slow(seconds: Harness.slowFaultSeconds), on: .pathContains("/PractitionerRole?"))
            // Searches over many small pages, through every fault above.
            for type in ["ResearchSubject", "Group", "PractitionerRole", "Observation"] { _ = try await h.fhir.searchAll(type) }
            var errors: [String] = []
            for path in ["/api/study/arm/SDY99901", "/result/elisa", "/drs/download/s3/x"] {
                do { _ = try await h.sharedData.request(path: path) } catch { errors.append(checkedText(error)) }
            }
            h.server.inject(.serviceUnavailable(retryAfter: nil), on: .any, times: 50)
            do { _ = try await h.fhir.read("Patient", id: "subject-SUB9990101") } catch { errors.append(checkedText(error)) }
            #expect(errors.count == 4)
            #expect(errors.filter { $0.contains("[REDACTED]") }.count >= 3, "the 401 bodies echo the key and must show it redacted")
            let all = h.log.text + "\n" + errors.joined(separator: "\n")
            #expect(h.log.text.contains("trace"), "trace-level lines were captured")
            #expect(h.log.text.contains("Bearer [REDACTED]"), "the request headers were logged, redacted")
            #expect(!all.contains(Harness.secretKey))
        }
    }
}
