import Bridge
import FHIRModel
import ImmPortAPI
import Testing
import TestSupport

/// The link stage on the bundled SDY99901 Fixtures with the default mapping: every entity ends in exactly one
/// state, and the states are the ones Fixtures/README.md documents.
@Suite struct LinkStageTests {
    static let root = SharedData.packageRoot

    /// A Fixtures study (SDY99901 unless named) as `--from Fixtures` reads it: the pull plan applied to every
    /// Fixtures/fhir file.
    static func pulledStudy(_ mapping: CompiledMapping, accession: String = "SDY99901") throws -> PulledStudy {
        var all = FHIRResourceCollection()
        for name in DirectoryListing.names(in: root + "/Fixtures/fhir", withSuffix: ".json") ?? [] {
            all.add(try FHIRJSONReader().read(try FileBytes.read(path: root + "/Fixtures/fhir/" + name)))
        }
        let plan = try PullPlan.load(path: root + "/Mappings/pull-plan.json")
        let collection = try FHIRDirectoryPull(plan: plan).select(
            accession: accession, from: all, source: "Fixtures/fhir", diagnostics: DiagnosticsCollector())
        let directory = SharedDataDirectory(root: root + "/Fixtures/shared-data")
        var sharedData: [String: PulledRecords] = [:]
        for (name, endpoint) in mapping.endpoints {
            sharedData[name] = try directory.records(of: endpoint, study: accession)
        }
        return PulledStudy(accession: accession, fhir: collection, sharedData: sharedData)
    }

    static func linked() throws -> (LinkedStudy, DiagnosticsCollector) {
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [root + "/Mappings/immport.yaml"], diagnostics: diagnostics))
        let pulled = try pulledStudy(mapping)
        return (try LinkStage.run(pulled, mapping: mapping, diagnostics: diagnostics), diagnostics)
    }

    /// The offline pull selects what the online pull of SDY99901 returns (StudyPullTests): its 50 resources, and
    /// none of the unrelated study SDY99902's.
    @Test func theDirectoryPullSelectsTheStudysResources() throws {
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [Self.root + "/Mappings/immport.yaml"], diagnostics: diagnostics))
        let pulled = try Self.pulledStudy(mapping)
        #expect(pulled.fhir.count == 50)
        #expect(!pulled.fhir.keys.contains { ["study-SDY99902", "subject-SUB9990201", "rs-SUB9990201", "specimen-BS9990201"].contains($0.id) })
    }

    @Test func everyEntityEndsInExactlyOneState() throws {
        let (study, _) = try Self.linked()
        for result in study.links {
            let type = result.link.declaration.resourceType.value
            let resources = study.pulled.fhir.keys(ofType: type).filter { key in
                guard let condition = result.link.fhirWhere, let resource = try? study.pulled.fhir.resource(key) else { return true }
                return (try? condition.evaluate(.init(resource: resource)).first?.jsonValue.boolValue) == true
            }
            var seen: [FHIRResourceKey: Int] = [:]
            for pair in result.pairs { seen[study.resourceKey(of: pair), default: 0] += 1 }
            for unlinked in result.unlinkedFHIR { seen[unlinked.resource, default: 0] += 1 }
            for duplicate in result.duplicates { for resource in duplicate.resources { seen[resource, default: 0] += 1 } }
            #expect(Set(seen.keys) == Set(resources), "link \(result.name): FHIR side")
            #expect(seen.values.allSatisfy { $0 == 1 }, "link \(result.name): a resource in two states")

            let recordCount = study.pulled.sharedData[result.link.declaration.endpoint.value]?.records.count ?? 0
            var records: [Int: Int] = [:]
            for pair in result.pairs { for record in pair.records { records[record, default: 0] += 1 } }
            for unlinked in result.unlinkedSharedData { records[unlinked.record, default: 0] += 1 }
            for duplicate in result.duplicates { for record in duplicate.records { records[record, default: 0] += 1 } }
            #expect(Set(records.keys) == Set(0..<recordCount), "link \(result.name): Shared Data side")
            #expect(records.values.allSatisfy { $0 == 1 }, "link \(result.name): a record in two states")
        }
    }

    @Test func theDocumentedOneSidedSubjectsAreUnlinkedAndTheRestLinked() throws {
        let (study, diagnostics) = try Self.linked()
        let patients = try #require(study[link: "patients"])
        #expect(Set(patients.pairs.map(\.key[0])) == ["SUB9990101", "SUB9990102", "SUB9990103", "SUB9990104", "SUB9990105"])
        #expect(patients.unlinkedFHIR.map(\.resource.id) == ["subject-SUB9990106"])
        let demographics = try #require(study.pulled.sharedData["demographics"])
        #expect(patients.unlinkedSharedData.map { (try? demographics.records.record(at: $0.record))?["subjectAccession"]?.stringValue } == ["SUB9990107"])
        #expect(patients.duplicates.isEmpty)
        // The convention found is reported once: SDY99901 keys subjects by an identifier of an undeclared system.
        let notes = diagnostics.diagnostics.filter { $0.severity == .note && $0.message.contains("Patient keyed by") }
        #expect(notes.count == 1)
        #expect(notes.first?.message.contains("identifier of any system for 5 of 5") == true)

        let study1 = try #require(study[link: "study"])
        #expect(study1.pairs.map { study.resourceKey(of: $0).id } == ["study-SDY99901"])
        let arms = try #require(study[link: "arms"])
        #expect(arms.pairs.count == 2 && arms.unlinkedFHIR.isEmpty && arms.unlinkedSharedData.isEmpty)
    }

    /// Observations are keyed through their specimen's link (`reference` + `link`) and the test name.
    @Test func labResultsJoinThroughTheSpecimenLink() throws {
        let (study, _) = try Self.linked()
        let labs = try #require(study[link: "labResults"])
        #expect(labs.pairs.count == 10)
        #expect(Set(labs.unlinkedFHIR.map(\.resource.id)) == ["lab-SUB9990106-1", "lab-SUB9990106-2"])
        #expect(labs.unlinkedSharedData.count == 2)
        let pair = try #require(labs.pairs.first { study.resourceKey(of: $0).id == "lab-SUB9990103-1" })
        #expect(pair.key == ["BS99901031", "hemoglobin"])
    }

    /// `id: accession-suffix` takes the accession at the end of an id (`patient-SUB1` gives `SUB1`), on every core
    /// in chunks: a resource whose suffix no record has is unlinked under that suffix, and any chunk size gives the
    /// same link. (SYNTHETIC resources and records.)
    @Test func anAccessionSuffixKeyLinksIdsThatEndInAnAccession() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("suffix.yaml", """
            mapping: accession-suffix-test
            sources:
              sharedData:
                endpoints:
                  demographics: { path: "/api/study/demographic/{study}" }
            links:
              patients:
                fhir: { resourceType: Patient }
                sharedData: { endpoint: demographics }
                key:
                  - sharedData: subjectAccession
                    normalise: [trim, upper]
                    fhir:
                      - id: accession-suffix
            """)
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [path], diagnostics: diagnostics), "\(diagnostics.diagnostics)")
        var fhir = FHIRResourceCollection()
        for id in ["patient-SUB1", "SUB2", "p-unknown-SUB9", "no-accession"] {
            fhir.add(try FHIRJSONReader().read(#"{"resourceType":"Patient","id":"\#(id)"}"#))
        }
        let records = try ["SUB1", "SUB2", "SUB3"].map { try FHIRJSONReader().read(#"{"subjectAccession":"\#($0)"}"#) }
        let pulled = PulledStudy(
            accession: "SDY1", fhir: fhir, sharedData: ["demographics": PulledRecords(source: "demographics.json", records: records)])
        func describe(_ chunkSize: Int) throws -> [String] {
            let result = try #require(try LinkStage.run(pulled, mapping: mapping, diagnostics: DiagnosticsCollector(), chunkSize: chunkSize).links.first)
            return result.pairs.map { "\(fhir.key(at: $0.resource).id)=\($0.key)" }.sorted()
                + result.unlinkedFHIR.map { "\($0.resource.id):\($0.key ?? [])" }.sorted()
                + result.unlinkedSharedData.map { "record \($0.record)" }
        }
        let plain = try describe(1_000)
        #expect(plain == ["SUB2=[\"SUB2\"]", "patient-SUB1=[\"SUB1\"]", "no-accession:[]", "p-unknown-SUB9:[\"SUB9\"]", "record 2"])
        #expect(try describe(1) == plain)
    }
}
