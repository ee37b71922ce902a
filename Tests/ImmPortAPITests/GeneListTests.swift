import FHIRModel
import ImmPortAPI
import ImmPortTestServer
import Testing

/// Gene lists: the three published forms read, JSON <-> GMT round trips, disagreeing forms reported, ValueSets valid.
@Suite struct GeneListTests {
    static let folder = ImmPortTestServer.fixturesDirectory + "/genelists"

    static func fixture(_ name: String) throws -> [UInt8] { try FileBytes.read(path: folder + "/" + name) }

    @Test func jsonAndGMTRoundTrip() throws {
        let fromJSON = try GeneListFormats.readJSON(Self.fixture("all_gene_lists.json"), source: "all_gene_lists.json")
        let fromGMT = try GeneListFormats.readGMT(Self.fixture("all_gene_lists.gmt"), source: "all_gene_lists.gmt")
        #expect(fromJSON.count == 3)
        #expect(fromJSON.map(\.id) == fromGMT.map(\.id))
        #expect(fromJSON.map(\.symbols) == fromGMT.map(\.symbols))
        // JSON -> GMT -> JSON keeps ids, descriptions and genes (GMT has no room for the name).
        let viaGMT = try GeneListFormats.readGMT(GeneListFormats.writeGMT(fromJSON), source: "written.gmt")
        #expect(viaGMT == fromJSON.map { GeneList(id: $0.id, description: $0.description, symbols: $0.symbols) })
        // GMT -> JSON -> GMT gives the same bytes back.
        let gmtBytes = GeneListFormats.writeGMT(fromGMT)
        let viaJSON = try GeneListFormats.readJSON(GeneListFormats.writeJSON(fromGMT), source: "written.json")
        #expect(viaJSON == fromGMT)
        #expect(GeneListFormats.writeGMT(viaJSON) == gmtBytes)
        #expect(gmtBytes == (try Self.fixture("all_gene_lists.gmt")))
    }

    @Test func txtFormsAndBadLinesAreRead() throws {
        let txt = try GeneListFormats.readTXT(Self.fixture("synthetic_chemokines.txt"), id: "synthetic_chemokines", source: "x.txt")
        #expect(txt.symbols == ["CXCL8", "CCL2", "CCL5", "CXCL10"])
        let crlf = try GeneListFormats.readTXT(Array("Symbol\r\nIL6\r\n\r\nTNF\r\n".utf8), id: "x", source: "x.txt")
        #expect(crlf.symbols == ["IL6", "TNF"])
        #expect(throws: GeneListFormats.FormatError.self) { try GeneListFormats.readGMT(Array("only-an-id\n".utf8), source: "bad.gmt") }
        do {
            _ = try GeneListFormats.readJSON(Array(#"[{"id": "a", "genes": [{"Name": "x"}]}]"#.utf8), source: "bad.json")
            Issue.record("a gene without a symbol was accepted")
        } catch let error as GeneListFormats.FormatError {
            #expect(error.description.contains("bad.json") && error.description.contains("gene 1 has no Symbol"))
        }
    }

    @Test func disagreeingFormsAreReported() async throws {
        try await Harness.with { h in
            let client = GeneListClient(base: try ServiceBase(h.server.geneListBase), transport: h.transport)
            let all = try await client.all()
            #expect(all.lists.count == 3 && all.disagreements.isEmpty)
            let some = try await client.lists(ids: ["synthetic_interferon_response", "synthetic_cytokines"])
            #expect(some.lists.map(\.id) == ["synthetic_interferon_response", "synthetic_cytokines"])
            #expect(some.disagreements.map(\.id) == ["synthetic_interferon_response"])
            #expect(some.disagreements.first?.message.contains("only in TXT: IFI27") == true)
            // The key never goes to the public folder.
            #expect(h.server.state.requests.allSatisfy { $0.header("authorization") == nil })
            await #expect(throws: ImmPortAPIError.self) { _ = try await client.lists(ids: ["no_such_list"]) }
        }
    }

    @Test func valueSetsAreValidR5() throws {
        let lists = try GeneListFormats.readJSON(Self.fixture("all_gene_lists.json"), source: "all_gene_lists.json")
        let valueSet = GeneListValueSet.resource(lists[0])
        #expect(valueSet["resourceType"]?.stringValue == "ValueSet")
        #expect(valueSet["name"]?.stringValue == "SyntheticCytokines")
        let include = try #require(valueSet["compose"]?["include"]?[0])
        #expect(include["system"]?.stringValue == "http://www.genenames.org")
        #expect(include["concept"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == lists[0].symbols)
        let bundle = GeneListValueSet.document(lists)
        for resource in [valueSet, bundle] {
            let problems = FHIRValidator(definitions: .r5).validate(resource).filter { $0.severity == .error }
            #expect(problems.isEmpty, "\(problems)")
        }
        #expect(GeneListValueSet.resource(GeneList(id: "empty", symbols: []))["compose"] == nil)
    }
}
