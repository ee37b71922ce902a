import FHIRModel
import FHIRViews
import Foundation
import TestSupport
import Testing

/// The ViewDefinitions shipped in Mappings/views run over the bundled (synthetic) Fixtures: every view compiles
/// against R5, produces one row per resource of its type (observations: one per coding), and carries the values
/// through unchanged (a decimal's trailing zero, reference keys, extension values).
@Suite struct DefaultViewsOverFixturesTests {
    static let root = SharedData.packageRoot

    static func fixtureFiles() throws -> [String] {
        let folder = root + "/Fixtures/fhir"
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
            .map { "\(folder)/\($0)" }
    }

    static func count(of type: String, in files: [String]) throws -> Int {
        try files.filter { try FHIRJSONReader().read(FileBytes.read(path: $0)).resourceType == type }.count
    }

    /// Runs one shipped view to NDJSON in a temporary folder and reads the rows back.
    static func rows(of viewName: String, over files: [String]) async throws -> [FHIRElement] {
        let definition = try ViewDefinition(contentsOf: "\(root)/Mappings/views/\(viewName).json")
        let view = try CompiledView(definition, options: ViewCompileOptions(version: .r5, tableName: viewName))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("views-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = "\(folder)/\(viewName).ndjson"
        _ = try await ViewRunner(views: [view]).run(
            inputs: files, into: FileOutputTarget(format: .ndjson, paths: [output]))
        var reader = try NDJSONReader(path: output)
        var result: [FHIRElement] = []
        while let row = try reader.next() { result.append(row) }
        return result
    }

    @Test func everyShippedViewCoversItsResources() async throws {
        let files = try Self.fixtureFiles()
        for (view, type) in [
            ("research_studies", "ResearchStudy"), ("research_subjects", "ResearchSubject"), ("patients", "Patient"),
            ("specimens", "Specimen"),
        ] {
            let rows = try await Self.rows(of: view, over: files)
            #expect(rows.count == (try Self.count(of: type, in: files)), "\(view)")
            #expect(rows.allSatisfy { $0["id"]?.stringValue != nil }, "\(view) has a row without an id")
        }
    }

    /// The same Fixtures written as FHIR XML (R5: their ResearchStudy has `associatedParty` and `comparisonGroup`,
    /// which R4 does not know) give the same rows: XML input is read with the views' release.
    @Test func xmlInputGivesTheSameRowsAsJSON() async throws {
        let files = try Self.fixtureFiles()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xml-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var xmlFiles: [String] = []
        for file in files {
            let resource = try FHIRJSONReader().read(FileBytes.read(path: file))
            let path = "\(folder)/\((file as NSString).lastPathComponent).xml"
            try Data(FHIRXMLWriter(version: .r5).write(resource)).write(to: URL(fileURLWithPath: path))
            xmlFiles.append(path)
        }
        for view in ["research_studies", "research_subjects", "patients", "observations", "specimens"] {
            let fromJSON = try await Self.rows(of: view, over: files)
            let fromXML = try await Self.rows(of: view, over: xmlFiles)
            #expect(!fromJSON.isEmpty && fromXML == fromJSON, "\(view)")
        }
    }

    /// Every shipped view reads a known, small set of members, so `view` builds only those (the rows staying the
    /// same is checked over the whole official suite, in SQLOnFHIRConformanceTests).
    @Test func everyShippedViewKnowsTheMembersItReads() throws {
        for name in ["research_studies", "research_subjects", "patients", "observations", "specimens"] {
            let definition = try ViewDefinition(contentsOf: "\(Self.root)/Mappings/views/\(name).json")
            let view = try CompiledView(definition, options: ViewCompileOptions(version: .r5, tableName: name))
            let keys = try #require(view.topLevelKeys, "\(name) reads every member")
            #expect(keys.keys.contains("resourceType") && keys.keys.contains("id"), "\(name)")
            #expect(!keys.keys.contains("meta") && !keys.keys.contains("text"), "\(name): \(keys.keys.sorted())")
        }
    }

    @Test func observationsKeepDecimalsAndReferenceKeys() async throws {
        let files = try Self.fixtureFiles()
        let rows = try await Self.rows(of: "observations", over: files)
        #expect(rows.count >= (try Self.count(of: "Observation", in: files)))
        let hemoglobin = try #require(rows.first { $0["id"] == "lab-SUB9990102-1" })
        #expect(hemoglobin["value"]?.numberValue?.text == "15.10")
        #expect(hemoglobin["patient_id"] == "subject-SUB9990102")
        #expect(hemoglobin["code"] == "718-7")
    }

    @Test func subjectsCarryStudyPatientAndArm() async throws {
        let rows = try await Self.rows(of: "research_subjects", over: try Self.fixtureFiles())
        let first = try #require(rows.first { $0["id"] == "rs-SUB9990101" })
        #expect(first["study_id"] == "study-SDY99901")
        #expect(first["patient_id"] == "subject-SUB9990101")
        #expect(first["assigned_arm"] == "ARM9990101")
    }

    @Test func patientsReadRaceFromTheExtension() async throws {
        let rows = try await Self.rows(of: "patients", over: try Self.fixtureFiles())
        let first = try #require(rows.first { $0["id"] == "subject-SUB9990101" })
        #expect(first["race"] == "White")
        #expect(first["birth_date"] == "1980")
    }
}
