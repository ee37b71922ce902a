import FHIRModel
import Foundation
import Testing
import TestSupport

/// `immport-bridge export`, run as users run it: from the bundled Fixtures with no network, and from the loopback
/// test server serving the same Fixtures.
@Suite struct ExportCommandTests {
    static let root = SharedData.packageRoot
    static let mapping = root + "/Mappings/immport.yaml"

    @Test func exportsTheSecondFixtureStudyWithItsAssayResultsAdverseEventsAndFiles() async throws {
        try await CLIHarness.with { h in
            let run = try await h.run(["export", "SDY99903", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "-o", h.path("s.json")])
            #expect(run.status == 0, "\(run.standardError)")
            let bundle = try FHIRJSONReader().read(FileBytes.read(path: h.path("s.json")))
            #expect(FHIRValidator(definitions: .r5).validate(bundle).filter { $0.severity == .error }.isEmpty)
            let resources = (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
            let types = Dictionary(grouping: resources, by: { $0.resourceType ?? "" }).mapValues(\.count)
            #expect((types["AdverseEvent"] ?? 0) > 0 && (types["DocumentReference"] ?? 0) > 0)
            for prefix in ["SDY99903-elisa-", "SDY99903-hai-", "SDY99903-neutabtiter-", "SDY99903-mbaa-", "SDY99903-elispot-"] {
                #expect(resources.contains { ($0["id"]?.stringValue ?? "").hasPrefix(prefix) }, "no \(prefix) resource")
            }
            #expect(resources.filter { $0.resourceType == "DocumentReference" }.allSatisfy {
                ($0["content"]?[0]?["attachment"]?["url"]?.stringValue ?? "").hasPrefix("drs://")
            })
        }
    }

    @Test func exportsAFixtureStudyOfflineAsValidR5TwiceTheSame() async throws {
        try await CLIHarness.with { h in
            let first = try await h.run(["export", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "-o", h.path("a.json")])
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardError.contains("export SDY99901: 50 FHIR resources"))
            let second = try await h.run(["export", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "-o", h.path("b.json")])
            #expect(second.status == 0)
            #expect(try FileBytes.read(path: h.path("a.json")) == FileBytes.read(path: h.path("b.json")), "two runs differ")
            let bundle = try FHIRJSONReader().read(FileBytes.read(path: h.path("a.json")))
            let errors = FHIRValidator(definitions: .r5).validate(bundle).filter { $0.severity == .error }
            #expect(errors.isEmpty, "\(errors.prefix(5).map(\.description))")
            let validate = try await h.run(["validate", "--fhir-version", "r5", h.path("a.json")])
            #expect(validate.status == 0, "\(validate.standardError)")
            #expect(h.server.state.requests.isEmpty, "--from sent a request")
        }
    }

    /// Every Shared Data subject, arm and biosample is linked, emitted or reported as unlinked.
    @Test func reportsWhatDidNotLink() async throws {
        try await CLIHarness.with { h in
            let run = try await h.run(["export", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "-o", h.path("a.json")])
            #expect(run.status == 0)
            #expect(run.standardError.contains("link patients: 5 linked, 1 only in FHIR (subject-SUB9990106), 1 only in Shared Data (SUB9990107)"), "\(run.standardError)")
            #expect(run.standardError.contains("link arms: 2 linked"))
            #expect(run.standardError.contains("link specimens: 10 linked, 2 only in FHIR"))
        }
    }

    @Test(.sharedData("fhir/r5/xsd/fhir-single.xsd"), arguments: ["SDY99901", "SDY99903"])
    func writesXMLValidAgainstTheR5Schema(study: String) async throws {
        try await CLIHarness.with { h in
            let xml = try await h.run(["export", study, "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "--format", "fhir-xml", "-o", h.path("s.xml")])
            #expect(xml.status == 0, "\(xml.standardError)")
            let schema = try SharedData.require("fhir/r5/xsd/fhir-single.xsd")
            guard let check = try await XMLSchemaCheck.validate([h.path("s.xml")], schema: schema) else { return }
            #expect(check.status == 0, "\(check.standardError.suffix(2000))")
        }
    }

    @Test func writesXMLAndBulkNDJSON() async throws {
        try await CLIHarness.with { h in
            let xml = try await h.run(["export", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "--format", "fhir-xml", "-o", h.path("s.xml")])
            #expect(xml.status == 0, "\(xml.standardError)")
            let back = try await h.run(["convert", h.path("s.xml"), h.path("s.json"), "--to", "json", "--fhir-version", "r5"])
            #expect(back.status == 0, "\(back.standardError)")
            let ndjson = try await h.run(["export", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "--format", "ndjson", "-o", h.path("bulk")])
            #expect(ndjson.status == 0)
            let names = try FileManager.default.contentsOfDirectory(atPath: h.path("bulk")).sorted()
            #expect(names.contains("Patient.ndjson") && names.contains("Observation.ndjson") && names.contains("Provenance.ndjson"))
            #expect(names.allSatisfy { $0.hasSuffix(".ndjson") }, "a temporary file was left: \(names)")
            let patients = try h.ndjson("bulk/Patient.ndjson")
            #expect(patients.count == 6 && patients.allSatisfy { $0.resourceType == "Patient" })
        }
    }

    /// Online, through the loopback server: the same resources as offline.
    @Test func exportsThroughTheServersLikeOffline() async throws {
        try await CLIHarness.with { h in
            let offline = try await h.run(["export", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "-o", h.path("off.json")])
            #expect(offline.status == 0)
            let online = try await h.run(
                ["export", "SDY99901", "--mapping", Self.mapping, "-o", h.path("on.json"),
                 "--fhir-base", h.server.fhirBase, "--shared-data-base", h.server.sharedDataBase],
                key: CLIHarness.secretKey)
            #expect(online.status == 0, "\(online.standardError)")
            func ids(_ name: String) throws -> [String] {
                let bundle = try FHIRJSONReader().read(FileBytes.read(path: h.path(name)))
                return (bundle["entry"]?.arrayValue ?? []).compactMap { entry in
                    guard let resource = entry["resource"] else { return nil }
                    return "\(resource.resourceType ?? "")/\(resource["id"]?.stringValue ?? "")"
                }
            }
            #expect(try ids("on.json") == ids("off.json"))
        }
    }

    @Test func aBadMappingExitsTwoNamingTheFileLineAndColumnAndWritesNothing() async throws {
        try await CLIHarness.with { h in
            let broken = Self.root + "/Tests/BridgeTests/MappingCorpus/unknown-link-key.yaml"
            let run = try await h.run(["export", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping", broken, "-o", h.path("x.json")])
            #expect(run.status == 2)
            #expect(run.standardError.contains("unknown-link-key.yaml:10:5: error: link patients: unknown key 'cardinalty'"), "\(run.standardError)")
            #expect(try h.files() == [])
        }
    }

    @Test func oneStudyIntoAnExistingDirectoryIsWrittenAsStudyJSONInIt() async throws {
        try await CLIHarness.with { h in
            try FileManager.default.createDirectory(atPath: h.path("out"), withIntermediateDirectories: true)
            let run = try await h.run(["export", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "-o", h.path("out")])
            #expect(run.status == 0, "\(run.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: h.path("out")) == ["SDY99901.json"])
        }
    }

    /// The streamed NDJSON export writes a study's files as the merge hands them over: when a later study fails,
    /// nothing is renamed into place, so the previous export stays as it was and no temporary file is left, spooled
    /// or not.
    @Test(arguments: ["always", "never"])
    func aFailedStreamedExportLeavesThePreviousFilesAsTheyWere(spool: String) async throws {
        try await CLIHarness.with { h in
            let first = try await h.run(
                ["export", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "--format", "ndjson", "-o", h.path("bulk")],
                environment: ["IMMPORT_BRIDGE_SPOOL": spool])
            #expect(first.status == 0, "\(first.standardError)")
            let names = try FileManager.default.contentsOfDirectory(atPath: h.path("bulk")).sorted()
            let before = try names.map { try FileBytes.read(path: h.path("bulk/" + $0)) }
            let failed = try await h.run(
                ["export", "SDY99902", "SDY00000", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "--format", "ndjson", "-o", h.path("bulk")],
                environment: ["IMMPORT_BRIDGE_SPOOL": spool])
            #expect(failed.status == 1)
            #expect(failed.standardError.contains("SDY00000"), "\(failed.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: h.path("bulk")).sorted() == names)
            #expect(try names.map { try FileBytes.read(path: h.path("bulk/" + $0)) } == before)
            #expect(names.count >= 6)
        }
    }

    @Test func anUnknownStudyFailsWithoutOutput() async throws {
        try await CLIHarness.with { h in
            let run = try await h.run(["export", "SDY00000", "--from", Self.root + "/Fixtures", "--mapping", Self.mapping, "-o", h.path("x.json")])
            #expect(run.status == 1)
            #expect(run.standardError.contains("no ResearchStudy has the id or an identifier value SDY00000"), "\(run.standardError)")
            #expect(try h.files() == [])
        }
    }
}
