import FHIRModel
import Foundation
import ImmPortTestServer
import Testing

/// The file commands, briefly: a good run writes its output, a bad input exits non-zero naming the file and leaves
/// no output behind.
@Suite struct ConvertAndViewCommandTests {
    static let fixtures = ImmPortTestServer.fixturesDirectory + "/fhir"
    static let views = ImmPortTestServer.fixturesDirectory + "/../Mappings/views"

    @Test func convertWritesXMLAndRefusesMalformedJSON() async throws {
        try await CLIHarness.with { h in
            let good = try await h.run(["convert", Self.fixtures + "/Patient-subject-SUB9990101.json", h.path("p.xml"), "--to", "xml"])
            #expect(good.status == 0, "\(good.standardError)")
            let xml = try String(contentsOfFile: h.path("p.xml"), encoding: .utf8)
            #expect(xml.contains("<Patient xmlns=\"http://hl7.org/fhir\">") && xml.contains("subject-SUB9990101"))

            try Data(#"{"resourceType":"Patient","id":"#.utf8).write(to: URL(fileURLWithPath: h.path("bad.json")))
            let bad = try await h.run(["convert", h.path("bad.json"), h.path("bad.xml"), "--to", "xml"])
            #expect(bad.status == 2)
            #expect(bad.standardError.contains(h.path("bad.json")), "\(bad.standardError)")
            #expect(try h.files() == ["bad.json", "p.xml"], "a partial output or temporary file was left behind")
        }
    }

    @Test func viewWritesRowsAndRefusesAMissingInput() async throws {
        try await CLIHarness.with { h in
            let good = try await h.run([
                "view", Self.views + "/patients.json", Self.fixtures + "/Patient-subject-SUB9990101.json",
                Self.fixtures + "/Patient-subject-SUB9990102.json", "--format", "csv", "-o", h.path("patients.csv"),
            ])
            #expect(good.status == 0, "\(good.standardError)")
            let rows = try String(contentsOfFile: h.path("patients.csv"), encoding: .utf8).split(separator: "\r\n")  // RFC 4180 line ends
            #expect(rows.count == 3 && rows[0].hasPrefix("id,subject_accession"))
            #expect(good.standardError.contains("2 resources read, patients: 2 rows"))

            let missing = try await h.run(["view", Self.views + "/patients.json", h.path("nothing.ndjson"), "--format", "csv", "-o", h.path("x.csv")])
            #expect(missing.status == 1)
            #expect(missing.standardError.contains(h.path("nothing.ndjson")))
            let usage = try await h.run(["view", "--format", "csv"])
            #expect(usage.status == 64)
            #expect(try h.files() == ["patients.csv"])
        }
    }
}
