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
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [SharedData.packageRoot + "/Mappings/immport.yaml"], diagnostics: diagnostics))
        // One endpoint (default: the lab tests, the largest answer), or `all` of them one after another.
        let setting = SystemIO.environment("IMMPORT_BRIDGE_MEASURE_ENDPOINT") ?? "labtests"
        let names = setting == "all" ? mapping.endpoints.keys.sorted() : [setting]
        let spool = try ByteSpool()
        var pulled: [PulledRecords] = []
        for name in names {
            let endpoint = try #require(mapping.endpoints[name])
            pulled.append(try SharedDataDirectory(root: root + "/shared-data").records(of: endpoint, study: accession, spool: spool))
            print("\(name): \(pulled[pulled.count - 1].records.count) records from \(pulled[pulled.count - 1].source)")
        }
        #expect(pulled.contains { $0.records.count > 0 })
    }
}
