import Bridge
import FHIRModel
import Testing
import TestSupport

/// The reconcile stage on each Fixtures study lists exactly the deliberate disagreements of
/// Fixtures/discrepancies.json, and nothing else (matches and `not-compared` aside: they are not disagreements).
@Suite struct ReconcileDiscrepancyListTests {
    static let root = SharedData.packageRoot

    struct Entry: Hashable, CustomStringConvertible {
        var study, link: String
        var field: String?
        var status, accession: String
        var fhirId, fhirValue, sharedDataValue: String?
        var severity: String
        var description: String {
            "\(study) \(link).\(field ?? "-") \(status) \(accession) fhir=\(fhirId ?? "-") [\(fhirValue ?? "nil") | \(sharedDataValue ?? "nil")] \(severity)"
        }
    }

    static func listed() throws -> [Entry] {
        let list = try FHIRJSONReader().read(FileBytes.read(path: root + "/Fixtures/discrepancies.json"))
        return (list["discrepancies"]?.arrayValue ?? []).map { item in
            Entry(
                study: item["study"]?.stringValue ?? "", link: item["link"]?.stringValue ?? "", field: item["field"]?.stringValue,
                status: item["status"]?.stringValue ?? "", accession: item["accession"]?.stringValue ?? "",
                fhirId: item["fhirId"]?.stringValue, fhirValue: item["fhirValue"]?.stringValue,
                sharedDataValue: item["sharedDataValue"]?.stringValue, severity: item["severity"]?.stringValue ?? "")
        }
    }

    static func found(study: String) async throws -> [Entry] {
        let diagnostics = DiagnosticsCollector()
        let pipeline = BridgePipeline(mappingPaths: [root + "/Mappings/immport.yaml"], source: .directory(root + "/Fixtures"), diagnostics: diagnostics)
        var entries: [Entry] = []
        var summary = ReconcileSummary()
        try await pipeline.forEachLinkedStudy(studies: [study]) { _, linked in
            ReconcileStage(includeMatched: false).run(linked, summary: &summary) { finding in
                guard finding.status != .matched, finding.status != .notCompared else { return }
                entries.append(
                    Entry(
                        study: finding.study, link: finding.link, field: finding.field, status: finding.status.rawValue,
                        accession: finding.accession ?? "", fhirId: finding.fhirId, fhirValue: finding.fhirValue,
                        sharedDataValue: finding.sharedDataValue, severity: finding.severity.rawValue))
            }
        }
        return entries
    }

    @Test(arguments: ["SDY99901", "SDY99903"])
    func theReportListsExactlyTheDeliberateDisagreements(study: String) async throws {
        let expected = try Self.listed().filter { $0.study == study }
        #expect(!expected.isEmpty)
        let found = try await Self.found(study: study)
        var unmatched = found
        var missing: [Entry] = []
        for entry in expected {
            if let index = unmatched.firstIndex(of: entry) { unmatched.remove(at: index) } else { missing.append(entry) }
        }
        #expect(missing.isEmpty, "listed but not found:\n\(missing.map(\.description).joined(separator: "\n"))")
        #expect(unmatched.isEmpty, "found but not listed:\n\(unmatched.map(\.description).joined(separator: "\n"))")
    }
}
