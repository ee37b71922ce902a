import Bridge
import FHIRModel
import Foundation
import Testing
import TestSupport

/// A `--from` pull runs jobs beside each other (the directory read beside the mapping's compilation, the Shared Data
/// answers beside the plan's selection); when both jobs fail, the failure reported is the one a plain sequence met
/// first: the mapping's, then the selection's. (SYNTHETIC directories, made here.)
@Suite struct DirectoryPullFailureTests {
    static let root = SharedData.packageRoot

    static func failure(mapping: String, directory: String, study: String) async -> BridgeFailure? {
        let pipeline = BridgePipeline(mappingPaths: [mapping], source: .directory(directory), diagnostics: DiagnosticsCollector())
        do {
            try await pipeline.forEachLinkedStudy(studies: [study]) { _, _ in }
            return nil
        } catch {
            return error
        }
    }

    @Test func aBadMappingIsReportedThoughTheDirectoryIsBadToo() async throws {
        let folder = try TemporaryDirectory()
        let mapping = try folder.file("mapping.yaml", "links: [unclosed\n")
        let failure = await Self.failure(mapping: mapping, directory: folder.path + "/no-such-directory", study: "SDY1")
        #expect(failure?.stage == .mapping, "\(String(describing: failure))")
    }

    @Test func theSelectionsFailureIsReportedThoughAnAnswerIsBadToo() async throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.path + "/fhir", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: folder.path + "/shared-data/api/study/demographic", withIntermediateDirectories: true)
        try folder.file("fhir/Patient.ndjson", #"{"resourceType":"Patient","id":"p1"}"# + "\n")
        try folder.file("shared-data/api/study/demographic/SDY1.json", "[{\"subjectAccession\": ")
        let failure = await Self.failure(mapping: Self.root + "/Mappings/immport.yaml", directory: folder.path, study: "SDY1")
        #expect(failure?.stage == .pull)
        #expect(failure?.message.contains("no ResearchStudy has the id or an identifier value SDY1") == true, "\(String(describing: failure))")
    }
}
