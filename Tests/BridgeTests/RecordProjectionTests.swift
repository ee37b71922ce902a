@testable import Bridge
import FHIRModel
import Testing
import TestSupport

/// The pull builds each record only to the fields the mapping reads (`CompiledMapping.recordKeys`). A stage that read
/// a field left out would read nothing there, so the link, merge and reconcile of the Fixtures study with projected
/// records must equal those with whole records: the default mapping, and a site mapping that resolves a conflict
/// (`MergeStageTests.conflictSite`).
@Suite struct RecordProjectionTests {
    static let root = SharedData.packageRoot

    /// Link, merge (the Bundle's bytes) and reconcile (every finding) of one pulled study, as text to compare.
    static func results(_ pulled: PulledStudy, mapping: CompiledMapping) throws -> [String] {
        let diagnostics = DiagnosticsCollector()
        let linked = try LinkStage.run(pulled, mapping: mapping, diagnostics: diagnostics)
        let options = MergeStage.Options(fhirSource: "Fixtures/fhir", sharedDataSource: "Fixtures/shared-data")
        let bundle = try MergeStage.run(linked, options: options, diagnostics: diagnostics).bundle(type: .collection, base: "b")
        var summary = ReconcileSummary()
        var findings: [String] = []
        try ReconcileStage(includeMatched: true).run(linked, summary: &summary) { findings.append("\($0)") }
        return [String(decoding: FHIRJSONWriter().write(bundle), as: UTF8.self)] + findings
            + diagnostics.diagnostics.map(\.description)
    }

    @Test(arguments: ["default", "conflict"]) func projectedRecordsGiveWholeRecordsResults(_ which: String) throws {
        var paths = [Self.root + "/Mappings/immport.yaml"]
        let siteDirectory = try TemporaryDirectory()
        if which == "conflict" {
            paths = [try MergeStageTests.conflictSite(policy: "keep-both", in: siteDirectory)]
        }
        let mapping = try #require(MappingStage.run(paths: paths, diagnostics: DiagnosticsCollector()))
        let whole = try LinkStageTests.pulledStudy(mapping)
        let directory = SharedDataDirectory(root: Self.root + "/Fixtures/shared-data")
        var sharedData: [String: PulledRecords] = [:]
        var fieldsDropped = 0
        for (name, endpoint) in mapping.endpoints {
            let keys = mapping.recordKeys(ofEndpoint: name)
            sharedData[name] = try directory.records(of: endpoint, study: whole.accession, keys: keys)
            // The same fields through the whole-answer path (a small answer) and the item-by-item path.
            let file = Self.root + "/Fixtures/shared-data" + endpoint.declaration.path.value.replacingOccurrences(of: "{study}", with: whole.accession) + ".json"
            if case .array = endpoint.declaration.records.value, let bytes = try? FileBytes.read(path: file) {
                #expect(
                    try SharedDataAnswer.records(bytes, source: name, at: endpoint.declaration.records.value, keys: keys, parallel: true)
                        == SharedDataAnswer.records(bytes, source: name, at: endpoint.declaration.records.value, keys: keys, parallel: false))
            }
            let all = try whole.sharedData[name]?.records.all() ?? []
            let kept = try sharedData[name]?.records.all() ?? []
            fieldsDropped += zip(all, kept).reduce(0) { $0 + ($1.0.objectValue?.count ?? 0) - ($1.1.objectValue?.count ?? 0) }
        }
        // Most of each record is not read by the mapping.
        #expect(fieldsDropped > 100)
        let projected = PulledStudy(accession: whole.accession, fhir: whole.fhir, sharedData: sharedData)
        #expect(try Self.results(projected, mapping: mapping) == Self.results(whole, mapping: mapping))
    }
}
