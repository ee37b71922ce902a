import FHIRModel
import Foundation

/// Reads ImmPort's gene-list folder (`https://s3.immport.org/release/genelists/current/`, public: no key is sent):
/// `all_gene_lists.json` and `all_gene_lists.gmt` hold every list, `{id}.json` and `{id}.txt` one each. Reading a
/// list compares its forms and reports those that disagree (the JSON form wins).
public final class GeneListClient: Sendable {
    public let base: ServiceBase
    let transport: HTTPTransport

    public static let allJSON = "all_gene_lists.json"
    public static let allGMT = "all_gene_lists.gmt"

    public init(base: ServiceBase, transport: HTTPTransport) {
        self.base = base
        self.transport = transport
    }

    /// The lists as read, and the disagreements between their forms.
    public struct Result: Sendable {
        public var lists: [GeneList]
        public var disagreements: [GeneListDisagreement]
    }

    /// Every list, from `all_gene_lists.json`, compared with `all_gene_lists.gmt`.
    public func all() async throws -> Result {
        let lists = try GeneListFormats.readJSON(try await fetch(Self.allJSON, json: true), source: url(Self.allJSON))
        let gmt = try GeneListFormats.readGMT(try await fetch(Self.allGMT, json: false), source: url(Self.allGMT))
        var disagreements: [GeneListDisagreement] = []
        let gmtByID = Dictionary(gmt.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for list in lists {
            let forms = [("JSON", list.symbols)] + (gmtByID[list.id].map { [("GMT", $0.symbols)] } ?? [])
            if gmtByID[list.id] == nil {
                disagreements.append(GeneListDisagreement(id: list.id, message: "in \(Self.allJSON) but not in \(Self.allGMT)"))
            } else if let disagreement = GeneListDisagreement.compare(id: list.id, forms: forms) {
                disagreements.append(disagreement)
            }
        }
        let jsonIDs = Set(lists.map(\.id))
        for list in gmt where !jsonIDs.contains(list.id) {
            disagreements.append(GeneListDisagreement(id: list.id, message: "in \(Self.allGMT) but not in \(Self.allJSON)"))
        }
        return Result(lists: lists, disagreements: disagreements)
    }

    /// The lists `ids`, each read from `{id}.json` and compared with `{id}.txt` and its line of
    /// `all_gene_lists.gmt` (a form that is missing is reported, not fatal; a missing JSON form is an error).
    public func lists(ids: [String]) async throws -> Result {
        let gmt = try GeneListFormats.readGMT(try await fetch(Self.allGMT, json: false), source: url(Self.allGMT))
        let gmtByID = Dictionary(gmt.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var lists: [GeneList] = []
        var disagreements: [GeneListDisagreement] = []
        for id in ids {
            guard !id.isEmpty, !id.contains("/"), !id.hasPrefix(".") else {
                throw ImmPortAPIError(.invalidArgument, url: "", message: "\"\(id)\" is not a gene-list id")
            }
            let jsonName = "\(id).json"
            let read = try GeneListFormats.readJSON(try await fetch(jsonName, json: true), source: url(jsonName))
            guard read.count == 1, var list = read.first else {
                throw GeneListFormats.FormatError(source: url(jsonName), message: "holds \(read.count) lists, expected the one list \(id)")
            }
            if list.id != id {
                disagreements.append(GeneListDisagreement(id: id, message: "\(jsonName) calls the list \(list.id)"))
                list.id = id
            }
            var forms = [("JSON", list.symbols)]
            let txtName = "\(id).txt"
            do {
                forms.append(("TXT", try GeneListFormats.readTXT(try await fetch(txtName, json: false), id: id, source: url(txtName)).symbols))
            } catch let error as ImmPortAPIError where error.kind == .notFound {
                disagreements.append(GeneListDisagreement(id: id, message: "no TXT form (\(txtName) not found)"))
            }
            if let line = gmtByID[id] {
                forms.append(("GMT", line.symbols))
            } else {
                disagreements.append(GeneListDisagreement(id: id, message: "not in \(Self.allGMT)"))
            }
            if let disagreement = GeneListDisagreement.compare(id: id, forms: forms) { disagreements.append(disagreement) }
            lists.append(list)
        }
        return Result(lists: lists, disagreements: disagreements)
    }

    func url(_ name: String) -> String { base.appending("/" + name) }

    /// The file's bytes; JSON is parsed on the fetching side, so a truncated answer is retried like any other.
    func fetch(_ name: String, json: Bool) async throws -> [UInt8] {
        try await transport.get(url(name), accept: json ? "application/json" : "text/plain, */*") { response in
            if json { _ = try FHIRJSONReader().read(response.body) }
            return response.body
        }
    }
}
