@testable import Bridge
import FHIRModel
import ImmPortAPI
import Testing
import TestSupport

/// Links that do not read each other run side by side (`LinkSchedule`, `LinkStage.run`) with the outcome of
/// linking them one after another: the same results, the same diagnostics in the same order, the same failure.
@Suite struct LinkScheduleTests {
    static func defaultMapping() throws -> CompiledMapping {
        try #require(MappingStage.run(paths: [MappingLoaderTests.defaultMapping], diagnostics: DiagnosticsCollector()))
    }

    @Test func aLinkReadingAnotherRunsInALaterWave() throws {
        let links = try Self.defaultMapping().links
        let schedule = LinkSchedule(links)
        let names = links.map(\.name)
        func wave(_ name: String) throws -> Int {
            let index = try #require(names.firstIndex(of: name))
            return try #require(schedule.waves.firstIndex { $0.contains(index) })
        }
        #expect(schedule.waves.joined().sorted() == Array(links.indices))
        #expect(schedule.reads[try #require(names.firstIndex(of: "labResults"))] == [try #require(names.firstIndex(of: "specimens"))])
        #expect(try wave("labResults") > wave("specimens"))
        #expect(try wave("labPanels") > wave("patients"))
        #expect(try wave("subjects") == 0 && wave("specimens") == 0)
        // Within a wave, the larger first.
        let sized = LinkSchedule(links) { $0.name == "arms" ? 10 : 1 }
        #expect(sized.waves[0].first == names.firstIndex(of: "arms"))
    }

    /// What a link found, as text to compare.
    static func digest(_ study: LinkedStudy) -> [String] {
        study.links.map { result in
            let pairs = result.pairs.map { "\($0.resource.index)=\($0.records):\($0.key)" }
            let fhir = result.unlinkedFHIR.map { "\($0.resource):\($0.key ?? [])" }
            let records = result.unlinkedSharedData.map { "\($0.record):\($0.key ?? [])" }
            let duplicates = result.duplicates.map { "\($0.side):\($0.key):\($0.resources):\($0.records)" }
            return "\(result.name) \(pairs) \(fhir) \(records) \(duplicates) \(result.conventions.map { $0.sorted { $0.key < $1.key }.map { "\($0)" } })"
        }
    }

    static func messages(_ diagnostics: DiagnosticsCollector) -> [String] { diagnostics.diagnostics.map(\.message) }

    @Test(arguments: ["SDY99901", "SDY99903"])
    func sideBySideLinksAsOneAfterAnother(accession: String) throws {
        let mapping = try Self.defaultMapping()
        let pulled = try LinkStageTests.pulledStudy(mapping, accession: accession)
        let alone = DiagnosticsCollector()
        let oneAfterAnother = try LinkStage.run(pulled, mapping: mapping, diagnostics: alone, chunkSize: 3, workers: 1)
        #expect(oneAfterAnother.links.map(\.name) == mapping.links.map(\.name))
        #expect(!Self.messages(alone).isEmpty)
        for workers in [2, 3] {
            let together = DiagnosticsCollector()
            let sideBySide = try LinkStage.run(pulled, mapping: mapping, diagnostics: together, chunkSize: 3, workers: workers)
            #expect(Self.digest(sideBySide) == Self.digest(oneAfterAnother))
            #expect(Self.messages(together) == Self.messages(alone))
        }
    }

    /// SDY99903 has a biosample listed twice: a site that makes that an error stops at `specimens`, with what the
    /// links before it said, however many run at once.
    @Test func theFailureThrownIsTheFirstInLinkOrder() throws {
        let directory = try TemporaryDirectory()
        let site = try MappingLoaderTests.site(
            "strict-specimens",
            links: """
              specimens:
                fhir: { resourceType: Specimen }
                sharedData: { endpoint: biosamples }
                duplicates: error
                key:
                  - sharedData: biosampleAccession
                    normalise: [trim, upper]
                    fhir:
                      - identifier: https://www.immport.org/biosample
                      - id: exact

            """, in: directory)
        let mapping = try #require(MappingStage.run(paths: [site], diagnostics: DiagnosticsCollector()))
        let pulled = try LinkStageTests.pulledStudy(mapping, accession: "SDY99903")
        var failures: [String] = []
        var said: [[String]] = []
        for workers in [1, 2] {
            let diagnostics = DiagnosticsCollector()
            do {
                _ = try LinkStage.run(pulled, mapping: mapping, diagnostics: diagnostics, workers: workers)
                Issue.record("linked with a duplicate under duplicates: error")
            } catch {
                failures.append(error.message)
            }
            said.append(Self.messages(diagnostics))
        }
        #expect(failures.count == 2 && failures[0] == failures[1])
        #expect(failures.first?.contains("BS99903052") == true)
        #expect(said[0] == said[1])
        // What the links before `specimens` said, and nothing of those after it (`practitioners` and `labPanels`
        // do not read `specimens`: side by side they were linked, and what they said is not said).
        let names = mapping.links.map(\.name)
        #expect(try #require(names.firstIndex(of: "specimens")) < (try #require(names.firstIndex(of: "practitioners"))))
        #expect(said[0].contains { $0.contains("ResearchSubject keyed by") })
        #expect(!said[0].contains { $0.contains("Practitioner keyed by") || $0.contains("DiagnosticReport keyed by") })
    }
}
