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

    static func listed(from path: String = root + "/Fixtures/discrepancies.json") throws -> [Entry] {
        let list = try FHIRJSONReader().read(FileBytes.read(path: path))
        return (list["discrepancies"]?.arrayValue ?? []).map { item in
            Entry(
                study: item["study"]?.stringValue ?? "", link: item["link"]?.stringValue ?? "", field: item["field"]?.stringValue,
                status: item["status"]?.stringValue ?? "", accession: item["accession"]?.stringValue ?? "",
                fhirId: item["fhirId"]?.stringValue, fhirValue: item["fhirValue"]?.stringValue,
                sharedDataValue: item["sharedDataValue"]?.stringValue, severity: item["severity"]?.stringValue ?? "")
        }
    }

    static func found(study: String, root directory: String = root + "/Fixtures") async throws -> [Entry] {
        let diagnostics = DiagnosticsCollector()
        let pipeline = BridgePipeline(mappingPaths: [root + "/Mappings/immport.yaml"], source: .directory(directory), diagnostics: diagnostics)
        var entries: [Entry] = []
        var summary = ReconcileSummary()
        try await pipeline.forEachLinkedStudy(studies: [study]) { _, linked in
            try ReconcileStage(includeMatched: false).run(linked, summary: &summary) { finding in
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
        #expect(Self.difference(expected: expected, found: found) == nil)
    }

    /// Nil when both hold the same entries as many times each; else what differs, for the failure message.
    static func difference(expected: [Entry], found: [Entry]) -> String? {
        var unmatched: [Entry: Int] = [:]
        for entry in found { unmatched[entry, default: 0] += 1 }
        var missing: [Entry] = []
        for entry in expected {
            if let n = unmatched[entry], n > 0 { unmatched[entry] = n - 1 } else { missing.append(entry) }
        }
        let extra = unmatched.flatMap { entry, n in Array(repeating: entry, count: n) }
        guard !missing.isEmpty || !extra.isEmpty else { return nil }
        return "listed but not found:\n\(missing.map(\.description).joined(separator: "\n"))\nfound but not listed:\n\(extra.map(\.description).joined(separator: "\n"))"
    }
}
