import FHIRModel
import Foundation
import ImmPortTestServer
import Testing

@Suite struct FHIRReadCommandTests {
    @Test func readsAResourceAndAVersion() async throws {
        try await CLIHarness.with { h in
            let read = try await h.run(["fhir", "read", "Patient/subject-SUB9990101", "--fhir-base", h.server.fhirBase, "-o", h.path("p.json")])
            #expect(read.status == 0, "\(read.standardError)")
            let patient = try FHIRJSONReader().read(FileBytes.read(path: h.path("p.json")))
            #expect(patient.resourceType == "Patient" && patient["id"]?.stringValue == "subject-SUB9990101")
            #expect(CLIHarness.line("fhir read", in: read.standardError) == "fhir read Patient/subject-SUB9990101: 1 resource, 1 requests, 0 retries")

            let vread = try await h.run(
                ["fhir", "read", "ResearchStudy/study-SDY99901/_history/2", "--pretty", "--fhir-base", h.server.fhirBase])
            #expect(vread.status == 0, "\(vread.standardError)")
            #expect(vread.standardOutputText.hasPrefix("{\n  \"resourceType\": \"ResearchStudy\""))
            #expect(try FHIRJSONReader().read(vread.standardOutput)["meta"]?["versionId"]?.stringValue == "2")
        }
    }

    @Test func notFoundExitsNonZeroWithTheServersDiagnosticsAndNoFile() async throws {
        try await CLIHarness.with { h in
            let missing = try await h.run(["fhir", "read", "Patient/nobody", "--fhir-base", h.server.fhirBase, "-o", h.path("p.json")])
            #expect(missing.status == 1)
            let error = try #require(CLIHarness.line("immport-bridge: error:", in: missing.standardError))
            #expect(error.contains(h.server.fhirBase + "/Patient/nobody") && error.contains("404"), "\(error)")
            #expect(missing.standardError.contains("HAPI-2001"))

            let noVersion = try await h.run(
                ["fhir", "read", "ResearchStudy/study-SDY99901/_history/7", "--fhir-base", h.server.fhirBase, "-o", h.path("s.json")])
            #expect(noVersion.status == 1)
            #expect(noVersion.standardError.contains("HAPI-0979"))
            #expect(try h.files() == [])
        }
    }

    @Test func badReferencesAreUsageErrors() async throws {
        try await CLIHarness.with { h in
            for reference in ["Patient", "Patient/", "Patient/1/history/2", "/1"] {
                let result = try await h.run(["fhir", "read", reference, "--fhir-base", h.server.fhirBase])
                #expect(result.status == 64, "\(reference)")
                #expect(result.standardError.contains("expected TYPE/ID or TYPE/ID/_history/VERSION"), "\(reference)")
            }
            #expect(h.server.state.requests.isEmpty)
        }
    }
}
