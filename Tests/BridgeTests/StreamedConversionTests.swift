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

    /// Handed over as trees and as the JSON the conversion's cores wrote (`writesResources`, what `export` asks for).
    @Test(arguments: ["fixtures", "generated-ndjson"], [false, true])
    func theStreamedR4ExportIsTheHeldOne(_ layout: String, written: Bool) async throws {
        let temporary = try TemporaryDirectory()
        let source = try StreamedExportSource(layout: layout, in: temporary)
        let studies = source.studies
        let pipeline = source.pipeline
        let heldDiagnostics = DiagnosticsCollector()
        let (bundles, conversions) = try await pipeline(heldDiagnostics).merge(studies: studies, version: .r4, convert: ConvertStage())
        let heldFiles = try ExportStage(format: .ndjson, output: temporary.path + "/held", bundleType: .collection, base: "b").write(bundles)

        let streamedDiagnostics = DiagnosticsCollector()
        let writer = try NDJSONExportWriter(directory: temporary.path + "/streamed", severalStudies: studies.count > 1, chunkSize: 3)
        let (reports, streamedConversions) = try await pipeline(streamedDiagnostics).streamMerged(
            studies: studies, writesResources: written, convert: ConvertStage()) { output in
            switch output {
            case .written: #expect(written)
            case .resources: #expect(!written)
            case .provenance: break
            }
            try writer.write(output)
        }
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
        let streamed = DiagnosticsCollector()
        #expect(stream.finish(diagnostics: streamed).line == held.summary.line)
        #expect(streamed.diagnostics == diagnostics.diagnostics)
        #expect(!held.lost.isEmpty)
    }

    /// A note or loss that recurs in many resources (the same message at the same place) is one diagnostic naming
    /// the first, how many more and a few of them; streamed a window at a time, the same diagnostics.
    @Test func recurringDiagnosticsAreOneEach() throws {
        let subjects: [FHIRElement] = (1...9).map { ["resourceType": "ResearchSubject", "id": .string("s\($0)"), "status": "active"] }
        let diagnostics = DiagnosticsCollector()
        let held = ConvertStage().convert(subjects, diagnostics: diagnostics, chunkSize: 2)
        let notes = diagnostics.diagnostics.filter { $0.severity == .note }
        #expect(notes.count == 1, "\(notes.map(\.description))")
        #expect(notes.first?.source == "ResearchSubject/s1")
        #expect(notes.first?.message.hasSuffix(
            "(also in 8 more resources: ResearchSubject/s2, ResearchSubject/s3, ResearchSubject/s4, ResearchSubject/s5, ResearchSubject/s6, and 3 more)") == true,
            "\(notes.first?.message ?? "")")
        #expect(held.resources.count == 9)

        let stream = StreamedConversion(stage: ConvertStage())
        for window in [Array(subjects[0..<4]), Array(subjects[4...])] { _ = try stream.convert(window) }
        let streamed = DiagnosticsCollector()
        #expect(stream.finish(diagnostics: streamed).line == held.summary.line)
        #expect(streamed.diagnostics == diagnostics.diagnostics)

        let one = DiagnosticsCollector()
        _ = ConvertStage().convert([subjects[0]], diagnostics: one)
        #expect(one.diagnostics.filter { $0.severity == .note }.map(\.message) == [notes[0].message.components(separatedBy: " (also in")[0]])
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
