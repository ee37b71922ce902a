import Bridge
import FHIRModel
import Foundation
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
