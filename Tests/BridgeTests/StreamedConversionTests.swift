@testable import Bridge
import FHIRModel
import Foundation
import SyntheticFHIR
import Testing
import TestSupport

/// `export --format ndjson --fhir-version r4` converts each study a window at a time as the merge streams it
/// (`StreamedConversion`). Its files, diagnostics and summaries must be those of the held path (every study merged,
/// then `ConvertStage.run`, then `ExportStage`), byte for byte.
@Suite struct StreamedConversionTests {
    static let root = SharedData.packageRoot

    @Test(arguments: ["fixtures", "generated-ndjson"])
    func theStreamedR4ExportIsTheHeldOne(_ layout: String) async throws {
        let temporary = try TemporaryDirectory()
        var source = Self.root + "/Fixtures"
        var studies = ["SDY99901", "SDY99902", "SDY99903"]
        if layout == "generated-ndjson" {
            source = temporary.path + "/study"
            // SYNTHETIC: the generated study, small enough for a debug build.
            try SyntheticImmPortStudy(subjects: 120, fhirLayout: .ndjson).write(to: source)
            studies = ["SDY99990"]
        }
        func pipeline(_ diagnostics: DiagnosticsCollector) -> BridgePipeline {
            var pipeline = BridgePipeline(mappingPaths: [Self.root + "/Mappings/immport.yaml"], source: .directory(source), diagnostics: diagnostics)
            pipeline.spoolPolicy = .always
            return pipeline
        }
        let heldDiagnostics = DiagnosticsCollector()
        let (bundles, conversions) = try await pipeline(heldDiagnostics).merge(studies: studies, version: .r4, convert: ConvertStage())
        let heldFiles = try ExportStage(format: .ndjson, output: temporary.path + "/held", bundleType: .collection, base: "b").write(bundles)

        let streamedDiagnostics = DiagnosticsCollector()
        let writer = try NDJSONExportWriter(directory: temporary.path + "/streamed", severalStudies: studies.count > 1, chunkSize: 3)
        let (reports, streamedConversions) = try await pipeline(streamedDiagnostics).streamMerged(
            studies: studies, convert: ConvertStage()) { try writer.write($0) }
        let streamedFiles = try writer.commit()

        #expect(streamedFiles.map { ($0 as NSString).lastPathComponent } == heldFiles.map { ($0 as NSString).lastPathComponent })
        for (held, streamed) in zip(heldFiles, streamedFiles) {
            #expect(try FileBytes.read(path: held) == (try FileBytes.read(path: streamed)), "\(held)")
        }
        #expect(reports.map(\.line) == bundles.map(\.report.line))
        #expect(streamedConversions.map(\.accession) == conversions.map(\.study.accession))
        #expect(streamedConversions.map(\.summary.line) == conversions.map(\.summary.line))
        #expect(streamedDiagnostics.diagnostics.map(\.description) == heldDiagnostics.diagnostics.map(\.description))
        #expect(conversions.contains { $0.summary.carriedCount > 0 })
        #expect(heldFiles.contains { $0.hasSuffix("Provenance.ndjson") })
    }

    /// A Provenance whose R4 form is its R5 one is handed on to be written a piece at a time; one with a target R4
    /// cannot hold (a type R4 lacks) is built whole and converted, as the held path converts it.
    @Test func aProvenanceIsConvertedWholeOnlyWhenR4ChangesIt() throws {
        func provenance(_ targets: [String]) -> StudyProvenance {
            StudyProvenance(id: "p", source: "s", recorded: "2026-01-01T00:00:00Z") { each in
                for target in targets { try Array(target.utf8).withUnsafeBufferPointer { try each($0) } }
            }
        }
        let plain = provenance(["Patient/a", "Observation/b", "Specimen/c"])
        guard case .provenance(let kept) = try StreamedConversion(stage: ConvertStage()).convert(plain) else {
            Issue.record("a Provenance R4 holds as it is should be handed on as it is")
            return
        }
        #expect(try kept.element() == plain.element())

        let odd = provenance(["Patient/a", "Transport/t"])
        let stream = StreamedConversion(stage: ConvertStage())
        guard case .resources(let converted) = try stream.convert(odd) else {
            Issue.record("a Provenance with a target R4 cannot hold should be converted whole")
            return
        }
        let diagnostics = DiagnosticsCollector()
        let held = ConvertStage().convert([try odd.element()], diagnostics: diagnostics)
        #expect(converted == held.resources)
        #expect(stream.finish(diagnostics: DiagnosticsCollector()).lost == held.lost)
        #expect(!held.lost.isEmpty)
    }

    /// Subjects' arms are named through their study's groups: a ResearchStudy after ResearchSubjects is refused, not
    /// converted otherwise than the held study would be.
    @Test func aStudyAfterItsSubjectsIsRefused() throws {
        let stream = StreamedConversion(stage: ConvertStage())
        let subject: FHIRElement = ["resourceType": "ResearchSubject", "id": "s1", "status": "active"]
        let study: FHIRElement = ["resourceType": "ResearchStudy", "id": "st", "status": "active"]
        _ = try stream.convert([subject])
        #expect(throws: BridgeFailure.self) { try stream.convert([study]) }
        #expect(throws: BridgeFailure.self) { try StreamedConversion(stage: ConvertStage()).convert([subject, study]) }
        #expect(try StreamedConversion(stage: ConvertStage()).convert([study, subject]).count == 2)
    }
}
