@testable import Bridge
import FHIRModel
import FHIRViews
import SyntheticFHIR
import Foundation
import Testing
import TestSupport

/// `export --format csv|tsv|sqlite|postgres` streams the merge: each window's rows go to a spool per view and the
/// tables are written from the spools (`TableExport.write(streaming:studies:)`). The tables must be the ones of the
/// plain path, every study held and then run through the views (`TableExport.write(_:)`), byte for byte.
@Suite struct StreamedTableExportTests {
    static let root = SharedData.packageRoot

    @Test(arguments: ["fixtures", "fixtures-again", "generated-ndjson"])
    func theStreamedTablesAreThePlainTables(_ layout: String) async throws {
        let temporary = try TemporaryDirectory()
        let source = try StreamedExportSource(layout: layout, in: temporary)
        let studies = source.studies
        // The default views, and one over Organizations and one over Practitioners, which studies may share.
        let viewFolder = temporary.path + "/views"
        try FileManager.default.createDirectory(atPath: viewFolder, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.root + "/Mappings/views") where name.hasSuffix(".json") {
            try FileManager.default.copyItem(atPath: Self.root + "/Mappings/views/" + name, toPath: viewFolder + "/" + name)
        }
        for type in ["Organization", "Practitioner"] {
            try #"{"resourceType":"ViewDefinition","name":"\#(type.lowercased())s","resource":"\#(type)","status":"active","select":[{"column":[{"name":"id","path":"id"},{"name":"tags","path":"meta.tag.code","collection":true}]}]}"#
                .write(toFile: viewFolder + "/\(type.lowercased())s.json", atomically: false, encoding: .utf8)
        }
        let views = try ViewSet(directory: viewFolder, version: .r5)
        func pipeline() -> BridgePipeline { source.pipeline() }
        let bundles = try await pipeline().merge(studies: studies).studies
        let plain = try await TableExport(views: views, format: .csv, output: temporary.path + "/plain").write(bundles)
        var streaming = TableExport(views: views, format: .csv, output: temporary.path + "/streamed")
        // Read back a few rows at a time: several runs, parsed on every core, in order.
        streaming.rowsPerRead = 7
        let (reports, streamed) = try await streaming.write(streaming: pipeline(), studies: studies)
        #expect(streamed.map(\.table) == plain.map(\.table))
        #expect(streamed.map(\.rows) == plain.map(\.rows))
        #expect(reports.map(\.line) == bundles.map(\.report.line))
        #expect(plain.reduce(0) { $0 + $1.rows } > 50)
        for table in plain.map(\.table) {
            #expect(try FileBytes.read(path: temporary.path + "/streamed/\(table).csv") == (try FileBytes.read(path: temporary.path + "/plain/\(table).csv")), "\(table)")
        }
    }
}
