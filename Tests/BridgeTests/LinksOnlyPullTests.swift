@testable import Bridge
import FHIRModel
import FHIRPath
import Foundation
import ImmPortAPI
import Testing
import TestSupport

/// A run that only links and compares (a reconcile, `BridgePipeline.linksOnly`) reads the endpoints its links and
/// lookup code maps read, and not those only the merge's emits read (assay results, adverse events, files).
@Suite struct LinksOnlyPullTests {
    static let root = SharedData.packageRoot

    @Test func theDefaultMappingsLinksReadTheirOwnEndpointsAndNotTheEmits() throws {
        let mapping = try #require(MappingStage.run(paths: [Self.root + "/Mappings/immport.yaml"], diagnostics: DiagnosticsCollector()))
        let read = mapping.endpointsReadByLinks
        for link in mapping.links { #expect(read.contains(link.declaration.endpoint.value), "\(link.name)") }
        for emit in mapping.spec.emits.all where !mapping.links.contains(where: { $0.declaration.endpoint.value == emit.endpoint.value }) {
            #expect(!read.contains(emit.endpoint.value), "\(emit.endpoint.value) is read by emits only")
        }
        #expect(read.isSubset(of: Set(mapping.endpoints.keys)))
        #expect(!read.contains("elisa") && read.contains("labtests") && read.contains("demographics"))
    }

    /// A spooled reconcile parses each linked resource only as far as its link's compared fields read
    /// (`CompiledLink.fieldResourceKeys`): the fields' members and the resource's type and id, and not what only the
    /// key reads (an Observation's `specimen`, a Patient's `identifier`); a field whose expression may read anything
    /// builds the whole resource.
    @Test func aLinksComparedFieldsNameTheMembersTheyRead() throws {
        let mapping = try #require(MappingStage.run(paths: [Self.root + "/Mappings/immport.yaml"], diagnostics: DiagnosticsCollector()))
        let patients = try #require(mapping.links.first { $0.name == "patients" })
        let keys = try #require(patients.fieldResourceKeys).keys
        #expect(keys.isSuperset(of: ["resourceType", "id", "gender", "extension"]))
        #expect(!keys.contains("identifier") && !keys.contains("meta"))
        var anything = patients
        anything.fields[0].fhir = try FHIRPathExpression("descendants().ofType(code)", options: FHIRPathCompileOptions(version: .r5, rootType: "Patient"))
        #expect(anything.fieldResourceKeys == nil)
    }

    /// Resources built only as far as the plan and the links read them (`LinksOnlyMembers`, every piece of the read
    /// filtered, not only those begun after the mapping is compiled) give the findings whole trees give, matched
    /// ones included; what no stage reads (`meta`, an Observation's `status`) is not built, and versions still are
    /// read (from the text). SYNTHETIC generated study and Fixtures.
    @Test(arguments: ["fixtures", "generated-ndjson"])
    func resourcesBuiltAsFarAsTheLinksReadGiveWholeTreesFindings(_ layout: String) async throws {
        let temporary = try TemporaryDirectory()
        let (source, studies) = try ReconcileTestStudies.source(layout, in: temporary)
        let diagnostics = DiagnosticsCollector()
        let pipeline = BridgePipeline(mappingPaths: [Self.root + "/Mappings/immport.yaml"], source: .directory(source), diagnostics: diagnostics)
        let (mapping, plan) = try pipeline.prepare()
        let members = LinksOnlyMembers.byType(mapping: mapping, plan: plan)
        let pull = PullStage(plan: plan, mapping: mapping, source: .directory(source), diagnostics: diagnostics, endpointNames: mapping.endpointsReadByLinks)
        func read(_ keys: FHIRResourceTypeKeys?) throws -> FHIRResourceCollection {
            var chosen: (@Sendable () -> FHIRResourceTypeKeys?)?
            if let keys { chosen = { keys } }
            return try PullStage.readDirectory(source, keys: chosen)
        }
        func findings(_ all: FHIRResourceCollection) async throws -> [String] {
            var found: [String] = []
            for study in studies {
                let linked = try LinkStage.run(try await pull.run(accession: study, directoryResources: all), mapping: mapping, diagnostics: diagnostics)
                var summary = ReconcileSummary()
                try ReconcileStage(includeMatched: true).run(linked, summary: &summary) { found.append(ReconcileTestStudies.line($0)) }
            }
            return found
        }
        let whole = try read(nil)
        let filtered = try read(members)
        let wholeFindings = try await findings(whole)
        let filteredFindings = try await findings(filtered)
        #expect(wholeFindings.count > 100)
        #expect(filteredFindings.count == wholeFindings.count)
        #expect(filteredFindings.indices.first { filteredFindings[$0] != wholeFindings[$0] }.map { "\(filteredFindings[$0]) <> \(wholeFindings[$0])" } == nil)
        // The same resources under the same keys, the same older versions dropped.
        #expect(filtered.keys == whole.keys)
        #expect(filtered.duplicatesDropped == whole.duplicatesDropped)
        let observation = try #require(filtered.positions(ofType: "Observation").first)
        let built = try filtered.resource(at: observation)
        #expect(built["meta"] == nil && built["status"] == nil)
        #expect(built["subject"] != nil && built["id"] != nil)
        #expect(try whole.resource(at: observation)["status"] != nil)
    }

    /// Fixtures/ with one emit-only answer (adverse events) made malformed: the merge's pull reads it and fails
    /// naming the file; the links-only pull never opens it, and links the study as before.
    @Test func aLinksOnlyPullDoesNotReadAnEmitOnlyAnswer() async throws {
        let folder = try TemporaryDirectory.fixtures(
            Self.root + "/Fixtures", replacing: "shared-data/api/study/adverseEvent/SDY99901.json", with: "[{\"adverseEventAccession\": ")

        func pull(linksOnly: Bool) async -> Result<Int, BridgeFailure> {
            var pipeline = BridgePipeline(
                mappingPaths: [Self.root + "/Mappings/immport.yaml"], source: .directory(folder.path), diagnostics: DiagnosticsCollector())
            pipeline.linksOnly = linksOnly
            var pairs = 0
            do {
                try await pipeline.forEachLinkedStudy(studies: ["SDY99901"]) { _, linked in
                    pairs = linked.links.reduce(0) { $0 + $1.pairs.count }
                    #expect(linked.pulled.sharedData["adverseEvents"] == nil || !linksOnly)
                }
                return .success(pairs)
            } catch {
                return .failure(error)
            }
        }
        let whole = await pull(linksOnly: false)
        guard case .failure(let failure) = whole else {
            Issue.record("the merge's pull read the malformed adverse events: \(whole)")
            return
        }
        #expect(failure.message.contains("adverseEvent/SDY99901.json"), "\(failure.message)")
        let linksOnly = await pull(linksOnly: true)
        guard case .success(let pairs) = linksOnly else {
            Issue.record("the links-only pull failed: \(linksOnly)")
            return
        }
        #expect(pairs > 0)
    }
}
