import FHIRModel
import Foundation
import ImmPortTestServer
import Testing

@Suite struct SharedDataCommandTests {
    @Test func writesTheResponseAsReceived() async throws {
        try await CLIHarness.with { h in
            let result = try await h.run(
                ["shared-data", "/result/elisa", "studyAccession=SDY99901", "--shared-data-base", h.server.sharedDataBase, "-o", h.path("elisa.json")],
                key: CLIHarness.secretKey)
            #expect(result.status == 0, "\(result.standardError)")
            let records = try FHIRJSONReader().read(FileBytes.read(path: h.path("elisa.json"))).arrayValue ?? []
            #expect(!records.isEmpty && records.allSatisfy { $0["studyAccession"]?.stringValue == "SDY99901" })
            #expect(
                CLIHarness.line("shared-data", in: result.standardError)
                    == "shared-data /result/elisa: \(records.count) records, 1 page, 1 requests, 0 retries")
            #expect(try h.files() == ["elisa.json"])
        }
    }

    @Test func aKeyProtectedEndpointWithoutAKeyAndWithOne() async throws {
        try await CLIHarness.with(configure: { $0.requiredAPIKey = CLIHarness.secretKey }) { h in
            let without = try await h.run(
                ["shared-data", "/api/study/arm/SDY99901", "--shared-data-base", h.server.sharedDataBase, "-o", h.path("arm.json")])
            #expect(without.status == 1)
            #expect(without.standardError.contains("IMMPORT_API_KEY") && without.standardError.contains("/api/study/arm/SDY99901"))
            #expect(try h.files() == [])

            let wrongKey = "WrongKey-9876543210-ALSO-SECRET"
            let wrong = try await h.run(
                ["shared-data", "/api/study/arm/SDY99901", "--shared-data-base", h.server.sharedDataBase, "-o", h.path("arm.json")], key: wrongKey)
            #expect(wrong.status == 1)
            #expect(wrong.standardError.contains("401") && wrong.standardError.contains("did not accept"), "\(wrong.standardError)")
            #expect(!wrong.standardError.contains(wrongKey))
            #expect(try h.files() == [])

            let with = try await h.run(
                ["shared-data", "/api/study/arm/SDY99901", "--shared-data-base", h.server.sharedDataBase, "--log-level", "trace", "-o", h.path("arm.json")],
                key: CLIHarness.secretKey)
            #expect(with.status == 0, "\(with.standardError)")
            #expect(try h.files() == ["arm.json"])
        }
    }

    @Test func unknownEndpointsParametersAndPersistentTruncationFailCleanly() async throws {
        try await CLIHarness.with { h in
            let unknown = try await h.run(["shared-data", "/api/nothing/here", "--shared-data-base", h.server.sharedDataBase, "-o", h.path("x.json")])
            #expect(unknown.status == 1)
            #expect(unknown.standardError.contains("/api/nothing/here"))

            let parameter = try await h.run(
                ["shared-data", "/result/elisa", "colour=blue", "--shared-data-base", h.server.sharedDataBase, "-o", h.path("x.json")])
            #expect(parameter.status == 1)
            #expect(parameter.standardError.contains("colour"))

            let noKey = try await h.run(["shared-data", "/result/elisa", "--shared-data-base", h.server.sharedDataBase, "-o", h.path("x.json")])
            #expect(noKey.status == 1)
            #expect(noKey.standardError.contains("/result/elisa needs an ImmPort API key"))
            #expect(h.server.state.requests.isEmpty, "bad arguments and a missing key must be refused before a request is sent")

            h.server.inject(.truncatedJSON, on: .pathContains("/result/elisa"), times: 10)
            let truncated = try await h.run(
                ["shared-data", "/result/elisa", "--shared-data-base", h.server.sharedDataBase, "--max-attempts", "2", "-o", h.path("x.json")],
                key: CLIHarness.secretKey)
            #expect(truncated.status == 1)
            let error = try #require(CLIHarness.line("immport-bridge: error:", in: truncated.standardError))
            #expect(error.contains("/result/elisa") && error.contains("truncated"), "\(error)")
            #expect(try h.files() == [])
        }
    }
}
