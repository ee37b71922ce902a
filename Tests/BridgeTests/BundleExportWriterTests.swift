import Bridge
import FHIRModel
import Foundation
import SyntheticFHIR
import Testing
import TestSupport

/// The Bundle formats written from a streamed merge (`BundleExportWriter`) against the held path (`ExportStage` of
/// `BridgePipeline.merge`): the same files, byte for byte, for one study and several, JSON and XML, R5 and R4,
/// collection and transaction Bundles, the Provenance (written a piece at a time in JSON) included.
@Suite struct BundleExportWriterTests {
    static let root = SharedData.packageRoot

    struct Case: CustomTestStringConvertible, Sendable {
        var layout: String
        var format: ExportFormat
        var version: FHIRVersion
        var type: StudyBundle.BundleType
        var testDescription: String { "\(layout) \(format.rawValue) \(version) \(type.rawValue)" }
    }

    static let cases: [Case] = ["fixtures", "one-fixture", "generated-ndjson"].flatMap { layout in
        [ExportFormat.fhirJSON, .fhirXML].flatMap { format in
            [FHIRVersion.r5, .r4].map { Case(layout: layout, format: format, version: $0, type: .collection) }
        }
    } + [Case(layout: "fixtures", format: .fhirJSON, version: .r5, type: .transaction),
         Case(layout: "one-fixture", format: .fhirXML, version: .r4, type: .transaction)]

    @Test(arguments: cases)
    func theStreamedBundlesAreTheHeldOnes(_ test: Case) async throws {
        let temporary = try TemporaryDirectory()
        let source = try StreamedExportSource(layout: test.layout, in: temporary, generatedSubjects: 60)
        let studies = source.studies
        let pipeline = source.pipeline
        for side in ["held", "streamed"] { try FileManager.default.createDirectory(atPath: temporary.path + "/" + side, withIntermediateDirectories: true) }
        let convert: ConvertStage? = test.version == .r4 ? ConvertStage() : nil
        let name = studies.count == 1 ? "bundle.\(test.format == .fhirJSON ? "json" : "xml")" : "bundles"

        let heldDiagnostics = DiagnosticsCollector()
        let (bundles, _) = try await pipeline(heldDiagnostics).merge(studies: studies, version: test.version, convert: ConvertStage())
        let heldFiles = try ExportStage(format: test.format, output: temporary.path + "/held/" + name, bundleType: test.type, base: "https://b.example/fhir")
            .write(bundles)

        let streamedDiagnostics = DiagnosticsCollector()
        let writer = try BundleExportWriter(
            format: test.format, output: temporary.path + "/streamed/" + name, studyCount: studies.count, bundleType: test.type,
            base: "https://b.example/fhir", version: test.version)
        var begun: [String] = []
        let (reports, _) = try await pipeline(streamedDiagnostics).streamMerged(
            studies: studies, convert: convert, begins: { begun.append($0); try writer.begin(study: $0) }, ends: { _ in try writer.end() }
        ) { try writer.write($0) }
        #expect(begun == studies)
        #expect(FileManager.default.fileExists(atPath: temporary.path + "/streamed/" + name) == (studies.count > 1),
                "nothing is in place before commit (a directory for several studies)")
        let streamedFiles = try writer.commit()

        #expect(streamedFiles.map { ($0 as NSString).lastPathComponent } == heldFiles.map { ($0 as NSString).lastPathComponent })
        for (held, streamed) in zip(heldFiles, streamedFiles) {
            let (a, b) = (try FileBytes.read(path: held), try FileBytes.read(path: streamed))
            if a != b {
                let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
                let streamedText = String(decoding: b[max(0, at - 80)..<min(b.count, at + 80)], as: UTF8.self)
                let heldText = String(decoding: a[max(0, at - 80)..<min(a.count, at + 80)], as: UTF8.self)
                Issue.record("\(streamed) differs from \(held) at byte \(at) of \(b.count) / \(a.count): \(streamedText) // held: \(heldText)")
            }
        }
        #expect(reports.map(\.line) == bundles.map(\.report.line))
        #expect(streamedDiagnostics.diagnostics.map(\.description) == heldDiagnostics.diagnostics.map(\.description))
    }

    /// A run that fails after a study's Bundle was begun leaves nothing in place: the previous output stays.
    @Test func aFailedRunLeavesThePreviousOutput() throws {
        let temporary = try TemporaryDirectory()
        let path = temporary.path + "/out.json"
        try "previous\n".write(toFile: path, atomically: false, encoding: .utf8)
        do {
            let writer = try BundleExportWriter(format: .fhirJSON, output: path, studyCount: 1, bundleType: .collection, base: "b", version: .r5)
            try writer.begin(study: "SDY1")
            try writer.write([["resourceType": "Patient", "id": "p1"]])
            // No end, no commit: the run failed here.
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == ["out.json"])
    }
}
