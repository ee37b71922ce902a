import Bridge
import FHIRModel
import Testing
import TestSupport

/// A measurement, not a check: one large answer of a generated study read through the spooled path, so that the
/// process's peak memory can be taken around it (`/usr/bin/time -f %M` on the test binary). Runs only when
/// `IMMPORT_BRIDGE_MEASURE_STUDY` names a directory laid out like Fixtures/ (such as a generated study).
@Suite struct SpooledAnswerMemoryTests {
    static let study = SystemIO.environment("IMMPORT_BRIDGE_MEASURE_STUDY")

    @Test(.enabled(if: study != nil, "IMMPORT_BRIDGE_MEASURE_STUDY is not set"))
    func aLargeAnswerReadThroughTheSpool() throws {
        let root = try #require(Self.study)
        let accession = SystemIO.environment("IMMPORT_BRIDGE_MEASURE_ACCESSION") ?? "SDY99990"
        let name = SystemIO.environment("IMMPORT_BRIDGE_MEASURE_ENDPOINT") ?? "labtests"
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [SharedData.packageRoot + "/Mappings/immport.yaml"], diagnostics: diagnostics))
        let endpoint = try #require(mapping.endpoints[name])
        let spool = try ByteSpool()
        let pulled = try SharedDataDirectory(root: root + "/shared-data").records(of: endpoint, study: accession, spool: spool)
        #expect(pulled.records.count > 0)
        print("\(name): \(pulled.records.count) records from \(pulled.source)")
    }
}
