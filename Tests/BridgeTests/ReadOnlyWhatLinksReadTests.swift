@testable import Bridge
import FHIRModel
import Foundation
import ImmPortAPI
import SyntheticFHIR
import Testing
import TestSupport

/// A reconcile builds a directory's resources only as far as its links, their fields and the pull plan read them
/// (`BridgePipeline.readsOnlyWhatLinksRead`, `ResourceReadKeys`): every finding, matched ones included, is the one
/// whole trees give, on Fixtures (one resource a file) and on a generated study (NDJSON) holding several versions
/// of some resources.
@Suite struct ReadOnlyWhatLinksReadTests {
    static let root = SharedData.packageRoot

    /// Every finding of `studies`, in order, as text, and the run's diagnostics.
    static func findings(source: String, studies: [String], readsOnlyWhatLinksRead: Bool) async throws -> ([String], [String]) {
        let diagnostics = DiagnosticsCollector()
        var pipeline = BridgePipeline(mappingPaths: [root + "/Mappings/immport.yaml"], source: .directory(source), diagnostics: diagnostics)
        pipeline.linksOnly = true
        pipeline.readsOnlyWhatLinksRead = readsOnlyWhatLinksRead
        var found: [String] = []
        var summary = ReconcileSummary()
        try await pipeline.forEachLinkedStudy(studies: studies) { _, linked in
            try ReconcileStage(includeMatched: true).run(linked, summary: &summary) { finding in
                found.append(
                    [finding.study, finding.status.rawValue, finding.link, finding.fhirId ?? "-", finding.accession ?? "-", finding.field ?? "-",
                        finding.fhirValue ?? "-", finding.sharedDataValue ?? "-", finding.fhirNormalised ?? "-",
                        finding.sharedDataNormalised ?? "-", finding.reason ?? "-", finding.rule].joined(separator: " | "))
            }
        }
        return (found, diagnostics.diagnostics.map(\.description))
    }

    @Test func fixturesGiveTheFindingsOfWholeTrees() async throws {
        let studies = ["SDY99901", "SDY99902", "SDY99903"]
        let whole = try await Self.findings(source: Self.root + "/Fixtures", studies: studies, readsOnlyWhatLinksRead: false)
        let projected = try await Self.findings(source: Self.root + "/Fixtures", studies: studies, readsOnlyWhatLinksRead: true)
        #expect(Self.firstDifference(projected.0, whole.0) == nil)
        #expect(projected.1 == whole.1)
        #expect(whole.0.count > 100)
    }

    /// Two copies of a Patient and of a Specimen, each with its own version and a different compared value: the
    /// copy with the newer version is the one compared, whichever comes first in the file.
    @Test func theNewestVersionOfACopiedResourceIsTheOneCompared() async throws {
        let temporary = try TemporaryDirectory()
        let source = temporary.path + "/study"
        // SYNTHETIC: the generated study, small enough for a debug build.
        try SyntheticImmPortStudy(subjects: 40, fhirLayout: .ndjson).write(to: source)
        for type in ["Patient", "Specimen"] {
            let path = source + "/fhir/\(type).ndjson"
            var lines = try String(decoding: FileBytes.read(path: path), as: UTF8.self).split(separator: "\n").map(String.init)
            let first = try FHIRJSONReader().read(lines[0]), second = try FHIRJSONReader().read(lines[1])
            // The first resource's newer copy at the end; the second's older copy at the end.
            lines.append(try Self.copy(of: first, version: "9", changing: type))
            lines.append(try Self.copy(of: second, version: "0", changing: type))
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let whole = try await Self.findings(source: source, studies: ["SDY99990"], readsOnlyWhatLinksRead: false)
        let projected = try await Self.findings(source: source, studies: ["SDY99990"], readsOnlyWhatLinksRead: true)
        #expect(Self.firstDifference(projected.0, whole.0) == nil)
        #expect(projected.1 == whole.1)
        // The newer copies' values are the ones that disagree now; the older copies' were dropped.
        #expect(whole.0.contains { $0.contains("| mismatched | patients |") && $0.contains("| unknown |") })
        #expect(whole.0.contains { $0.contains("| mismatched | specimens |") && $0.contains("| copied type |") })
        #expect(whole.0.filter { $0.contains("| copied type |") }.count == 1)
    }

    /// The first finding that differs (and the counts), for a readable failure; nil when none does.
    static func firstDifference(_ a: [String], _ b: [String]) -> String? {
        if let index = a.indices.first(where: { $0 < b.count && a[$0] != b[$0] }) { return "finding \(index): \(a[index]) <> \(b[index])" }
        return a.count == b.count ? nil : "\(a.count) findings <> \(b.count)"
    }

    /// `resource` as an NDJSON line with `meta.versionId` set to `version` and its compared value changed.
    static func copy(of resource: FHIRElement, version: String, changing type: String) throws -> String {
        guard case .object(var object) = resource, case .object(var meta)? = object["meta"] else { throw CocoaError(.coderInvalidValue) }
        meta["versionId"] = .string(version)
        object["meta"] = .object(meta)
        if type == "Patient" {
            object["gender"] = .string("unknown")
        } else {
            object["type"] = ["text": "copied type"]
        }
        return String(decoding: FHIRJSONWriter().write(.object(object)), as: UTF8.self)
    }

    /// What the default mapping and plan read: the compared types to their members (no `meta`, no narrative), the
    /// types the plan follows every reference of (`*`) whole.
    @Test func theDefaultMappingReadsFewMembersOfMostTypes() throws {
        let mapping = try #require(MappingStage.run(paths: [Self.root + "/Mappings/immport.yaml"], diagnostics: DiagnosticsCollector()))
        let plan = try PullPlan.load(path: Self.root + "/Mappings/pull-plan.json")
        var reading = mapping.comparedReadKeys
        reading.add(plan.readKeys)
        #expect(reading.wholeTypes == ["ResearchStudy", "ResearchSubject"])
        let patient = try #require(reading.keys(of: "Patient"))
        #expect(patient.keeps("gender") && patient.keeps("identifier") && patient.keeps("extension") && patient.keeps("id"))
        #expect(!patient.keeps("meta") && !patient.keeps("birthDate") && !patient.keeps("text"))
        let observation = try #require(reading.keys(of: "Observation"))
        #expect(observation.keeps("valueQuantity") && observation.keeps("specimen") && observation.keeps("subject"))
        #expect(!observation.keeps("meta") && !observation.keeps("effectiveDateTime"))
        #expect(!reading.common.keeps("meta") && reading.common.keeps("gender"))
        #expect(reading.keys(of: "Basic")?.keys == ["resourceType", "id"])
    }
}
