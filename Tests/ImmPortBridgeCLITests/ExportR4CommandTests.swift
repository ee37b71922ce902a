import FHIRModel
import Foundation
import Testing
import TestSupport

/// `immport-bridge export --fhir-version r4`: every Fixtures study, as JSON, XML and Bulk NDJSON, valid against
/// R4's definitions and (XML) R4's schema; the R5 XML of the same studies against R5's schema.
@Suite struct ExportR4CommandTests {
    static let root = SharedData.packageRoot
    static let mapping = root + "/Mappings/immport.yaml"
    static let studies = ["SDY99901", "SDY99902", "SDY99903"]

    func export(_ h: CLIHarness, _ extra: [String]) async throws -> ChildProcess.Result {
        try await h.run(["export"] + Self.studies + ["--from", Self.root + "/Fixtures", "--mapping", Self.mapping] + extra)
    }

    @Test func exportsEveryFixtureStudyAsValidR4WithASummaryOfWhatR4CouldNotHold() async throws {
        try await CLIHarness.with { h in
            let run = try await export(h, ["--fhir-version", "r4", "-o", h.path("r4")])
            #expect(run.status == 0, "\(run.standardError)")
            for study in Self.studies {
                #expect(run.standardError.contains("convert \(study) to R4: "), "\(run.standardError)")
                let bundle = try FHIRJSONReader().read(FileBytes.read(path: h.path("r4/\(study).json")))
                let errors = FHIRValidator(definitions: .r4).validate(bundle).filter { $0.severity == .error }
                #expect(errors.isEmpty, "\(study): \(errors.prefix(5).map(\.description))")
                let resources = (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
                let subjects = resources.filter { $0.resourceType == "ResearchSubject" }
                #expect(!subjects.isEmpty && subjects.allSatisfy { $0["individual"] != nil && $0["subject"] == nil })
            }
            let summary = CLIHarness.line("convert SDY99901 to R4: ", in: run.standardError) ?? ""
            #expect(summary.contains("elements carried in cross-version extensions"), "\(summary)")
            let validate = try await h.run(["validate", "--fhir-version", "r4"] + Self.studies.map { h.path("r4/\($0).json") })
            #expect(validate.status == 0, "\(validate.standardError)")
            // Without the extensions, what R4 cannot hold is listed as warnings.
            let plain = try await export(h, ["--fhir-version", "r4", "--no-cross-version-extensions", "-o", h.path("plain")])
            #expect(plain.status == 0)
            #expect(plain.standardError.contains("warning: ResearchStudy.recruitment: R4 cannot hold it"), "\(plain.standardError)")
            #expect(!(CLIHarness.line("convert SDY99901 to R4: ", in: plain.standardError) ?? "").contains("nothing left out"))
        }
    }

    @Test(.sharedData("fhir/r4/xsd/fhir-single.xsd", "fhir/r5/xsd/fhir-single.xsd"))
    func writesR4AndR5XMLValidAgainstTheirSchemas() async throws {
        try await CLIHarness.with { h in
            for version in ["r4", "r5"] {
                let run = try await export(h, ["--fhir-version", version, "--format", "fhir-xml", "-o", h.path(version)])
                #expect(run.status == 0, "\(run.standardError)")
                let schema = try SharedData.require("fhir/\(version)/xsd/fhir-single.xsd")
                let files = Self.studies.map { h.path("\(version)/\($0).xml") }
                guard let check = try await XMLSchemaCheck.validate(files, schema: schema) else { return }
                #expect(check.status == 0, "\(version): \(check.standardError.suffix(2000))")
                let validate = try await h.run(["validate", "--fhir-version", version] + files)
                #expect(validate.status == 0, "\(validate.standardError)")
            }
        }
    }

    @Test func writesR4BulkNDJSON() async throws {
        try await CLIHarness.with { h in
            let run = try await export(h, ["--fhir-version", "r4", "--format", "ndjson", "-o", h.path("bulk")])
            #expect(run.status == 0, "\(run.standardError)")
            let names = try FileManager.default.contentsOfDirectory(atPath: h.path("bulk")).sorted()
            #expect(names.contains("ResearchStudy.ndjson") && names.contains("DocumentReference.ndjson"))
            for name in names {
                for resource in try h.ndjson("bulk/\(name)") {
                    let errors = FHIRValidator(definitions: .r4).validate(resource).filter { $0.severity == .error }
                    #expect(errors.isEmpty, "\(name): \(errors.prefix(3).map(\.description))")
                }
            }
            let studies = try h.ndjson("bulk/ResearchStudy.ndjson")
            #expect(studies.count == 3 && studies.allSatisfy { $0["progressStatus"] == nil && $0["status"] != nil })
        }
    }
}
