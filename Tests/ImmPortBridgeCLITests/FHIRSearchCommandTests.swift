import FHIRModel
import Foundation
import ImmPortTestServer
import Testing

/// `immport-bridge fhir search` as a user runs it: NDJSON file, one summary line on stderr, exit status, and no
/// output file at all when the search fails.
@Suite struct FHIRSearchCommandTests {
    @Test func writesEveryResourceOnceWithASummaryLine() async throws {
        try await CLIHarness.with { h in
            let result = try await h.run([
                "fhir", "search", "ResearchSubject", "study=ResearchStudy/study-SDY99901", "_include=ResearchSubject:subject", "_count=4",
                "--fhir-base", h.server.fhirBase, "-o", h.path("subjects.ndjson"),
            ])
            #expect(result.status == 0, "\(result.standardError)")
            let written = try h.ndjson("subjects.ndjson")
            let keys = written.map { "\($0.resourceType ?? "?")/\($0["id"]?.stringValue ?? "?")" }
            #expect(keys.count == 12 && Set(keys).count == 12)
            #expect(keys.filter { $0.hasPrefix("ResearchSubject/") }.count == 6 && keys.filter { $0.hasPrefix("Patient/") }.count == 6)
            #expect(
                CLIHarness.line("fhir search", in: result.standardError)
                    == "fhir search ResearchSubject: 2 pages, 12 resources (6 matches, 6 included), 0 duplicates dropped, 0 replaced by a newer version, 2 requests, 0 retries")
            #expect(try h.files() == ["subjects.ndjson"], "a temporary file was left beside the output")
        }
    }

    @Test func prefetchingWritesTheSameFile() async throws {
        try await CLIHarness.with { h in
            var outputs: [[UInt8]] = []
            for (n, flags) in [[], ["--prefetch"], ["--prefetch", "--concurrency", "1"]].enumerated() {
                h.server.inject(.duplicateEntries, on: .searchPage(2))
                let name = "observations-\(n).ndjson"
                let result = try await h.run(["fhir", "search", "Observation", "_count=5", "--fhir-base", h.server.fhirBase, "-o", h.path(name)] + flags)
                #expect(result.status == 0, "\(flags): \(result.standardError)")
                #expect(
                    CLIHarness.line("fhir search", in: result.standardError)
                        == "fhir search Observation: 6 pages, 27 resources (27 matches, 0 included), 5 duplicates dropped, 0 replaced by a newer version, 6 requests, 0 retries",
                    "\(flags)")
                outputs.append(try #require(FileManager.default.contents(atPath: h.path(name))).map { $0 })
            }
            #expect(outputs[0].count > 0 && outputs.allSatisfy { $0 == outputs[0] })
        }
    }

    @Test func aNewerVersionReplacesTheOlderLineInAFileAndIsFlaggedOnStandardOutput() async throws {
        try await CLIHarness.with { h in
            h.server.inject(.newerVersions, on: .searchPage(3))
            let toFile = try await h.run(["fhir", "search", "Observation", "_count=4", "--fhir-base", h.server.fhirBase, "-o", h.path("obs.ndjson")])
            #expect(toFile.status == 0, "\(toFile.standardError)")
            #expect(try h.ndjson("obs.ndjson").count == 27)
            #expect(CLIHarness.line("fhir search", in: toFile.standardError)?.contains("27 resources (27 matches, 0 included), 0 duplicates dropped, 4 replaced by a newer version") == true)

            h.server.inject(.newerVersions, on: .searchPage(3))
            let toStdout = try await h.run(["fhir", "search", "Observation", "_count=4", "--fhir-base", h.server.fhirBase])
            #expect(toStdout.status == 0)
            let lines = toStdout.standardOutputText.split(separator: "\n")
            #expect(lines.count == 31, "standard output cannot take lines back")
            #expect(toStdout.standardError.contains("4 resources were received again in a newer version"))
        }
    }

    @Test func aFailedSearchExitsNonZeroNamingThePageAndLeavesNoFile() async throws {
        try await CLIHarness.with { h in
            h.server.inject(.status(500), on: .searchPage(2), times: 10)
            let result = try await h.run([
                "fhir", "search", "Observation", "_count=4", "--fhir-base", h.server.fhirBase, "--max-attempts", "2", "-o", h.path("obs.ndjson"),
            ])
            #expect(result.status == 1)
            let error = try #require(CLIHarness.line("immport-bridge: error:", in: result.standardError))
            #expect(error.contains(h.server.fhirBase + "?_getpages=") && error.contains("500"), "\(error)")
            #expect(error.contains("giving up after 2 attempts"))
            #expect(CLIHarness.line("fhir search", in: result.standardError) == nil, "no summary for a failed search")
            #expect(try h.files() == [], "a partial output or temporary file was left behind")
        }
    }

    @Test func unauthorizedSaysWhereTheKeyComesFromAndNeverPrintsIt() async throws {
        try await CLIHarness.with { h in
            h.server.inject(.status(401), on: .any, times: 10)
            let result = try await h.run(
                ["fhir", "search", "Patient", "--fhir-base", h.server.fhirBase, "--log-level", "trace", "-o", h.path("p.ndjson")],
                key: CLIHarness.secretKey)
            #expect(result.status == 1)
            let error = try #require(CLIHarness.line("immport-bridge: error:", in: result.standardError))
            #expect(error.contains("IMMPORT_API_KEY") && error.contains("--api-key-file") && error.contains("/fhir/Patient"), "\(error)")
            #expect(result.standardError.contains("trace"), "trace logging printed nothing")
            #expect(h.server.state.requests.last?.header("authorization") == "Bearer \(CLIHarness.secretKey)", "the key was not sent")
            #expect(try h.files() == [])
        }
    }

    @Test func badArgumentsAreRefusedBeforeAnyRequest() async throws {
        try await CLIHarness.with { h in
            let notNameValue = try await h.run(["fhir", "search", "Observation", "colour", "--fhir-base", h.server.fhirBase, "-o", h.path("o.ndjson")])
            #expect(notNameValue.status == 1)
            #expect(notNameValue.standardError.contains("search parameter \"colour\" is not name=value"))

            let badBase = try await h.run(["fhir", "search", "Observation", "--fhir-base", "fhir.example.org", "-o", h.path("o.ndjson")])
            #expect(badBase.status == 1)
            #expect(badBase.standardError.contains("fhir.example.org") && badBase.standardError.contains("not an absolute http(s) URL"))

            let keyOverPlainHTTP = try await h.run(
                ["fhir", "search", "Observation", "--fhir-base", "http://fhir.example.org/fhir", "-o", h.path("o.ndjson")],
                key: CLIHarness.secretKey)
            #expect(keyOverPlainHTTP.status == 1)
            #expect(keyOverPlainHTTP.standardError.contains("refusing to send the API key over plain http"))

            let noType = try await h.run(["fhir", "search"])
            #expect(noType.status == 64, "ArgumentParser's usage error")
            let badLevel = try await h.run(["fhir", "search", "Observation", "--fhir-base", h.server.fhirBase, "--log-level", "loud"])
            #expect(badLevel.status == 64)
            #expect(badLevel.standardError.contains("'loud' is invalid for '--log-level"), "\(badLevel.standardError)")
            #expect(badLevel.standardError.contains("trace") && badLevel.standardError.contains("critical"), "the parser lists the levels")

            #expect(h.server.state.requests.isEmpty, "a request was sent for bad arguments")
            #expect(try h.files() == [])
        }
    }
}
