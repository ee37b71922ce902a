import FHIRModel
import Foundation
import ImmPortAPI
import ImmPortTestServer
import Testing

@Suite struct TransportTests {
    @Test func sendsUserAgentGzipAndBearerOnlyWhereNeeded() async throws {
        try await Harness.with { h in
            h.server.setGzip(true)
            let capabilities = try await h.fhir.capabilities()
            #expect(capabilities.detection?.version == .r5)
            let lookup = try await h.sharedData.request(path: "/api/lookup/lkSpecies")
            #expect(lookup.recordCount == 2)
            _ = try await h.sharedData.request(path: "/api/study/arm/SDY99901")
            let requests = h.server.state.requests
            #expect(requests.allSatisfy { $0.header("User-Agent") == "immport-bridge/\(ToolVersion.current)" })
            #expect(requests.allSatisfy { $0.header("Accept-Encoding")?.contains("gzip") == true })
            let lookupRequest = try #require(requests.first { $0.uri.contains("lkSpecies") })
            #expect(lookupRequest.header("Authorization") == nil, "lookups need no key, so none is sent")
            let armRequest = try #require(requests.first { $0.uri.contains("/arm/") })
            #expect(armRequest.header("Authorization") == "Bearer \(Harness.secretKey)")
        }
    }

    @Test func retriesTooManyRequestsHonouringRetryAfterSecondsAndDates() async throws {
        try await Harness.with { h in
            h.server.inject(.tooManyRequests(retryAfter: "1"), on: .pathContains("metadata"))
            let start = ContinuousClock.now
            _ = try await h.fhir.capabilities()
            #expect(ContinuousClock.now - start >= .milliseconds(900), "Retry-After: 1 was not honoured")
            let date = RetryPolicy.httpDate(Date().addingTimeInterval(2))
            h.server.inject(.serviceUnavailable(retryAfter: date), on: .pathContains("metadata"))
            _ = try await h.fhir.capabilities()
            #expect(h.transport.statistics.retries == 2)
        }
    }

    @Test func parsesRetryAfterForms() {
        #expect(RetryPolicy.retryAfterSeconds("120") == 120)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == 0)
        #expect(RetryPolicy.retryAfterSeconds("soon") == nil)
        let policy = RetryPolicy(baseDelaySeconds: 1, maxDelaySeconds: 4)
        for attempt in 1...6 {
            let wait = policy.backoffSeconds(afterFailedAttempts: attempt)
            let ceiling = min(4, pow(2, Double(attempt - 1)))
            #expect(wait >= ceiling / 2 && wait <= ceiling)
        }
    }

    @Test(arguments: [TestFault.serviceUnavailable(retryAfter: nil), .resetMidBody, .truncatedJSON, .slow(seconds: Harness.slowFaultSeconds), .status(502)])
    func recoversFromOneTransientFault(_ fault: TestFault) async throws {
        let isSlow = if case .slow = fault { true } else { false }
        try await Harness.with(readTimeout: isSlow ? Harness.impatientReadTimeout : Harness.patientReadTimeout) { h in
            h.server.inject(fault, on: .pathContains("/Patient/subject-SUB9990101"))
            let patient = try await h.fhir.read("Patient", id: "subject-SUB9990101")
            #expect(patient["gender"]?.stringValue == "female")
            #expect(h.transport.statistics.retries == 1)
        }
    }

    @Test func givesUpAfterTheRetryBudgetNamingTheURL() async throws {
        try await Harness.with { h in
            h.server.inject(.serviceUnavailable(retryAfter: nil), on: .pathContains("/Patient/"), times: 100)
            do {
                _ = try await h.fhir.read("Patient", id: "subject-SUB9990101")
                Issue.record("expected the retry budget to run out")
            } catch let error as ImmPortAPIError {
                let text = checkedText(error)
                #expect(error.attempts == 4)
                #expect(error.status == 503)
                #expect(text.contains("\(h.server.fhirBase)/Patient/subject-SUB9990101"))
                #expect(text.contains("giving up after 4 attempts"))
            }
        }
    }

    @Test func retryAfterBeyondTheBudgetFailsAtOnce() async throws {
        try await Harness.with(retry: RetryPolicy(maxAttempts: 5, maxTotalSeconds: 2, baseDelaySeconds: 0.01)) { h in
            h.server.inject(.tooManyRequests(retryAfter: "3600"), on: .pathContains("metadata"))
            // "At once" means without a second attempt: asserted by the attempt count, not by a clock, so a loaded
            // machine cannot make it flaky.
            do {
                _ = try await h.fhir.capabilities()
                Issue.record("expected the request to fail")
            } catch let error as ImmPortAPIError {
                #expect(error.attempts == 1)
                #expect(error.status == 429)
            }
            #expect(h.transport.statistics.requests == 1)
        }
    }

    @Test func refusesToSendTheKeyOverPlainHTTPToAnotherHost() async throws {
        let transport = HTTPTransport(redactor: SecretRedactor(secrets: [Harness.secretKey]))
        let key = APIKey(value: Harness.secretKey, source: "test")
        do {
            _ = try await transport.get("http://fhir.example.org/fhir/metadata", bearerToken: key.value) { $0.status }
            Issue.record("expected a refusal")
        } catch let error as ImmPortAPIError {
            #expect(error.kind == .refusedRequest)
            #expect(checkedText(error).contains("plain http"))
        }
        #expect(transport.statistics.requests == 0)
        try await transport.shutdown()
    }

    @Test func boundsConcurrentRequests() async throws {
        try await Harness.with { h in
            for n in 1...6 { h.server.inject(.slow(seconds: 0.2), on: .pathContains("subject-SUB999010\(n)")) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...6 {
                    group.addTask { _ = try await h.fhir.read("Patient", id: "subject-SUB999010\(n)") }
                }
                try await group.waitForAll()
            }
            // A retry (a connection the loaded machine dropped) is a request too; six reads were asked for.
            let statistics = h.transport.statistics
            #expect(statistics.requests - statistics.retries == 6, "\(statistics.requests) requests, \(statistics.retries) retries")
            #expect(h.server.state.maxConcurrentRequests <= 4, "more requests in flight than maxConcurrentRequests")
            #expect(h.server.state.maxConcurrentRequests >= 2, "requests were not run concurrently at all")
        }
    }
}
