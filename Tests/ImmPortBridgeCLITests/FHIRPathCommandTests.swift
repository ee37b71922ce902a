import FHIRModel
import Foundation
import ImmPortTestServer
import Testing

/// `immport-bridge fhirpath` as users run it: one JSON line per resource, the same answer from JSON and XML, trace
/// lines on stderr, exit 2 with the column for a syntax error.
@Suite struct FHIRPathCommandTests {
    static let fixtures = ImmPortTestServer.fixturesDirectory + "/fhir"

    @Test func jsonXMLAndArraysGiveOneLinePerResource() async throws {
        try await CLIHarness.with { h in
            let patient = Self.fixtures + "/Patient-subject-SUB9990101.json"
            let toXML = try await h.run(["convert", patient, h.path("p.xml"), "--to", "xml", "--fhir-version", "r5"])
            #expect(toXML.status == 0, "\(toXML.standardError)")
            let resource = try FHIRJSONReader().read(FileBytes.read(path: patient))
            try Data(FHIRJSONWriter().write(.array([resource, resource]))).write(to: URL(fileURLWithPath: h.path("two.json")))

            let expression = "Patient.identifier.value | Patient.gender"
            let fromJSON = try await h.run(["fhirpath", expression, patient, "--fhir-version", "r5"])
            let fromXML = try await h.run(["fhirpath", expression, h.path("p.xml"), "--fhir-version", "r5"])
            let fromArray = try await h.run(["fhirpath", expression, h.path("two.json"), "--fhir-version", "r5"])
            #expect(fromJSON.status == 0 && fromXML.status == 0 && fromArray.status == 0, "\(fromXML.standardError)")
            let line = fromJSON.standardOutputText
            #expect(line.hasPrefix("[\"") && line.hasSuffix("]\n") && line.split(separator: "\n").count == 1, "\(line)")
            #expect(fromXML.standardOutputText == line)
            #expect(fromArray.standardOutputText == line + line)
        }
    }

    @Test func traceGoesToStandardErrorAndTheResultIsUnchanged() async throws {
        try await CLIHarness.with { h in
            let patient = Self.fixtures + "/Patient-subject-SUB9990101.json"
            let plain = try await h.run(["fhirpath", "identifier.value", patient])
            let traced = try await h.run(["fhirpath", "identifier.trace('ids', system).value", patient])
            #expect(traced.status == 0 && traced.standardOutputText == plain.standardOutputText)
            #expect(CLIHarness.line("trace \(patient) ids: [\"", in: traced.standardError) != nil, "\(traced.standardError)")
        }
    }

    @Test func aSyntaxErrorExitsTwoAndPointsAtTheColumn() async throws {
        try await CLIHarness.with { h in
            let result = try await h.run(["fhirpath", "name.where(use = )", Self.fixtures + "/Patient-subject-SUB9990101.json"])
            #expect(result.status == 2)
            #expect(result.standardError.contains("column"), "\(result.standardError)")
            #expect(result.standardOutputText.isEmpty)
        }
    }
}
