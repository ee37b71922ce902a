import FHIRModel
import Foundation
import SyntheticFHIR
import Testing
import TestSupport

/// The large generated study (`SyntheticImmPortStudy`, Benchmarks/Generator): 200 subjects (enough for every rule of
/// the schedule to fire; the benchmarks generate 1,000 and 10,000, and the check below takes minutes at 1,000 in a
/// debug build, starving the other tests of the 2 cores) written twice into temporary directories give the same bytes, the counts its schedule promises, R5 resources the definitions accept,
/// and a discrepancy list that reconcile finds exactly, no more, no less.
@Suite struct FixtureGeneratedStudyTests {
    static let subjects = 200

    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "generated-study-\(UUID().uuidString)"
    }

    /// Every file under `root`, by relative path, with its bytes.
    static func contents(of root: String, under relative: String = "") throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for name in DirectoryListing.names(in: root + "/" + relative) ?? [] {
            let path = relative.isEmpty ? name : relative + "/" + name
            if DirectoryListing.names(in: root + "/" + path) != nil {
                out.merge(try contents(of: root, under: path)) { first, _ in first }
            } else {
                out[path] = try FileBytes.read(path: root + "/" + path)
            }
        }
        return out
    }

    /// How many of the subjects 1...N a rule picks, among those on both sides (n % 50 is neither 0 nor 25).
    static func onBothSides(_ rule: (Int) -> Bool) -> Int {
        (1...subjects).filter { $0 % 50 != 0 && $0 % 50 != 25 && rule($0) }.count
    }

    @Test func twoRunsWriteTheSameBytesAndTheListIsTrueOfThem() async throws {
        let study = SyntheticImmPortStudy(subjects: Self.subjects)
        let first = Self.temporaryDirectory()
        let second = Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let written = try study.write(to: first)
        try study.write(to: second)
        let files = try Self.contents(of: first)
        #expect(files.count == written.files)
        #expect(files == (try Self.contents(of: second)), "two runs with one seed differ")

        // Counts: every 50th subject only in FHIR, every 50th from the 25th only in Shared Data.
        let oneSided = Self.subjects / 50
        let inFHIR = Self.subjects - oneSided
        let inSharedData = Self.subjects - oneSided
        #expect(written.fhirResources["Patient"] == inFHIR && written.fhirResources["ResearchSubject"] == inFHIR)
        #expect(written.fhirResources["Specimen"] == 2 * inFHIR && written.fhirResources["Observation"] == 2 * inFHIR)
        #expect(written.fhirResources["DiagnosticReport"] == inFHIR && written.fhirResources["ResearchStudy"] == 1)
        #expect(written.fhirResources["Group"] == 2 && written.fhirResources["Practitioner"] == 2)
        #expect(files.keys.filter { $0.hasPrefix("fhir/") }.count == written.fhirResourceCount)
        let duplicatedSerum = Self.onBothSides { $0 % 113 == 0 }
        #expect(written.sharedDataRecords["api/study/demographic/SDY99990.json"] == inSharedData)
        #expect(written.sharedDataRecords["api/study/biosample/SDY99990.json"] == 2 * inSharedData + duplicatedSerum)
        #expect(written.sharedDataRecords["api/study/labtest/SDY99990.json"] == 2 * inSharedData)
        #expect(written.sharedDataRecords["result/hai.json"] == inSharedData)
        for (path, count) in written.sharedDataRecords where path != "api/study/summary/SDY99990.json" {
            let records = try FHIRJSONReader().read(try #require(files["shared-data/" + path])).arrayValue
            #expect(records?.count == count, "\(path)")
        }

        // The schedule, counted from its rules rather than from the generator.
        let entries = try ReconcileDiscrepancyListTests.listed(from: first + "/discrepancies.json")
        #expect(Set(entries.map(\.study)) == ["SDY99990"])
        func listed(_ link: String, _ field: String?, _ status: String) -> Int {
            entries.filter { $0.link == link && $0.field == field && $0.status == status }.count
        }
        #expect(listed("patients", "sex", "mismatched") == Self.onBothSides { $0 % 97 == 0 })
        #expect(listed("subjects", "arm", "mismatched") == Self.onBothSides { $0 % 71 == 0 })
        #expect(listed("patients", "race", "missing-in-shared-data") == Self.onBothSides { $0 % 83 == 0 && $0 % 10 != 0 })
        #expect(listed("specimens", "type", "mismatched") == Self.onBothSides { $0 % 61 == 0 && $0 % 113 != 0 })
        #expect(listed("labResults", "value", "mismatched") == Self.onBothSides { $0 % 89 == 0 })
        #expect(listed("specimens", nil, "duplicate") == 3 * duplicatedSerum)
        #expect(listed("subjects", nil, "unlinked-fhir") == oneSided && listed("subjects", nil, "unlinked-shared-data") == oneSided)
        #expect(entries.count == written.discrepancies)

        // The list is true of the files, and complete: reconcile finds exactly what it lists (the Fixtures' lists
        // are also checked entry by entry against the files by FixtureDiscrepancyListTests).
        let expected = try ReconcileDiscrepancyListTests.listed(from: first + "/discrepancies.json")
        let found = try await ReconcileDiscrepancyListTests.found(study: "SDY99990", root: first)
        #expect(ReconcileDiscrepancyListTests.difference(expected: expected, found: found) == nil)
    }

    @Test func theResourcesAreValidR5AndTagged() throws {
        let study = SyntheticImmPortStudy(subjects: 60)
        let validator = FHIRValidator(definitions: .r5)
        var resources = study.studyResources()
        study.forEachSubject { resources += study.subjectResources($0) }
        #expect(Set(resources.compactMap { $0.resourceType }) == Set(SyntheticImmPortStudy.fhirTypes))
        for resource in resources {
            let problems = validator.validate(resource)
            #expect(problems.isEmpty, "\(resource.resourceType ?? "")/\(resource["id"]?.stringValue ?? ""): \(problems.map(\.description))")
            #expect(resource["meta"]?["tag"]?[0]?["code"] == "synthetic")
        }
    }

    @Test func aDifferentSeedChangesTheValuesNotTheSchedule() {
        let one = SyntheticImmPortStudy(subjects: 200, seed: 1)
        let other = SyntheticImmPortStudy(subjects: 200, seed: 2)
        var differentValues = 0
        for number in 1...200 {
            let (a, b) = (one.subject(number), other.subject(number))
            #expect(a.side == b.side && a.sexDiffers == b.sexDiffers && a.serumListedTwice == b.serumListedTwice)
            #expect(one.discrepancies(of: a).count == other.discrepancies(of: b).count)
            if a.fhirHemoglobin != b.fhirHemoglobin { differentValues += 1 }
        }
        #expect(differentValues > 100)
    }

    @Test func aDirectoryThatIsNotEmptyIsRefusedAndNothingIsLeftBehind() throws {
        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("keep".utf8).write(to: URL(fileURLWithPath: directory + "/other.txt"))
        #expect(throws: (any Error).self) { try SyntheticImmPortStudy(subjects: 3).write(to: directory) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["other.txt"])
        let parent = (directory as NSString).deletingLastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0.contains(".partial-") }
        #expect(!leftovers.contains { $0.hasPrefix((directory as NSString).lastPathComponent) })
    }
}
