import FHIRModel
import Foundation
import NIOHTTP1

/// Answers `/data/query/...` the way ImmPort's Shared Data API does, from files under Fixtures/shared-data/
/// named like the path (`api/study/arm/SDY99901.json`): study lists, result filters, lookups, paged search, DRS.
struct SharedDataRoutes: Sendable {
    let directory: String
    let configuration: ImmPortTestServer.Configuration
    let drs: DRSRoutes

    /// `path` is what follows `/data/query`; `baseURL` is the server's (for the download URLs DRS answers give).
    func respond(to request: TestRequest, path: String, baseURL: String) -> TestResponse {
        if needsKey(path), let required = configuration.requiredAPIKey {
            let sent = request.headers.first(name: "authorization")
            guard let sent, sent == "Bearer \(required)" else {
                // Some gateways echo the credential they rejected; the client must not repeat it unredacted.
                let message = sent.map { "Invalid credential: \($0)" } ?? "Full authentication is required to access this resource"
                return springError(401, "Unauthorized", message: message, path: path)
            }
        }
        if let restricted = configuration.restrictedStudies.first(where: { path.hasSuffix("/" + $0) }) {
            return springError(403, "Forbidden", message: "Access to \(restricted) is restricted", path: path)
        }
        if let format = request.value("format"), format != "json" {
            return springError(400, "Bad Request", message: "this test server serves format=json only", path: path)
        }
        if path.hasPrefix("/api/search/") { return search(request, path: path) }
        if path.hasPrefix("/drs/") {
            return drs.sharedData(request, path: path, baseURL: baseURL) { springError($0, $1, message: $2, path: path) }
        }
        guard let bytes = try? FileBytes.read(path: directory + path + ".json") else {
            return springError(404, "Not Found", message: "No static resource \(path.dropFirst()).", path: path)
        }
        if path.hasPrefix("/result/") { return filteredResults(bytes, request: request, path: path) }
        return TestResponse.json(.ok, bytes, fhir: false)
    }

    func needsKey(_ path: String) -> Bool {
        path.hasPrefix("/api/study") || path.hasPrefix("/result/") || path.hasPrefix("/drs/")
    }

    /// The filters AND together; each may hold comma-separated alternatives; matching is case-insensitive and
    /// exact, except `armName` and `studyTitle` (partial); `...Gte/Lte/Gt/Lt` compare numbers.
    func filteredResults(_ bytes: [UInt8], request: TestRequest, path: String) -> TestResponse {
        guard let rows = try? FHIRJSONReader().read(bytes).arrayValue else {
            return springError(500, "Internal Server Error", message: "fixture \(path) is not a JSON array", path: path)
        }
        var kept = rows
        for (name, value) in request.query where name != "format" {
            let alternatives = value.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for (suffix, compare) in [("Gte", { (a: Double, b: Double) in a >= b }), ("Lte", { $0 <= $1 }), ("Gt", { $0 > $1 }), ("Lt", { $0 < $1 })] as [(String, (Double, Double) -> Bool)] where name.hasSuffix(suffix) {
                let field = String(name.dropLast(suffix.count))
                guard let bound = Double(value) else {
                    return springError(400, "Bad Request", message: "\(name) must be a number", path: path)
                }
                kept = kept.filter { row in
                    guard let number = row[field]?.numberValue?.doubleValue ?? row[field]?.stringValue.flatMap(Double.init) else { return false }
                    return compare(number, bound)
                }
            }
            if ["Gte", "Lte", "Gt", "Lt"].contains(where: { name.hasSuffix($0) }) { continue }
            guard rows.contains(where: { $0[name] != nil }) || rows.isEmpty else {
                return springError(400, "Bad Request", message: "Unknown filter \(name)", path: path)
            }
            let partial = name == "armName" || name == "studyTitle"
            kept = kept.filter { row in
                guard let text = (row[name]?.stringValue ?? row[name]?.numberValue?.text)?.lowercased() else { return false }
                return alternatives.contains { partial ? text.contains($0) : text == $0 }
            }
        }
        return TestResponse.json(.ok, FHIRJSONWriter().write(.array(kept)), fhir: false)
    }

    /// Elasticsearch-shaped pages: `fromRecord` is zero-based, `pageSize` defaults to 10.
    func search(_ request: TestRequest, path: String) -> TestResponse {
        guard let bytes = try? FileBytes.read(path: directory + path + ".json"), let all = try? FHIRJSONReader().read(bytes) else {
            return springError(404, "Not Found", message: "No static resource \(path.dropFirst()).", path: path)
        }
        var hits = all["hits"]?["hits"]?.arrayValue ?? []
        if let term = request.value("term")?.lowercased(), !term.isEmpty {
            hits = hits.filter { String(decoding: FHIRJSONWriter().write($0), as: UTF8.self).lowercased().contains(term) }
        }
        if let accession = request.value("studyAccession") {
            let wanted = Set(accession.lowercased().split(separator: ",").map(String.init))
            hits = hits.filter { wanted.contains($0["_source"]?["study_accession"]?.stringValue?.lowercased() ?? "") }
        }
        guard let from = Int(request.value("fromRecord") ?? "0"), from >= 0, let size = Int(request.value("pageSize") ?? "10"), size > 0 else {
            return springError(400, "Bad Request", message: "fromRecord and pageSize must be non-negative integers", path: path)
        }
        let page = Array(hits.dropFirst(from).prefix(size))
        var response = all.objectValue ?? FHIRObject()
        response["hits"] = [
            "total": ["value": .number(FHIRNumber(hits.count)), "relation": "eq"], "max_score": 1, "hits": .array(page),
        ]
        return TestResponse.json(.ok, FHIRJSONWriter().write(.object(response)), fhir: false)
    }

    func springError(_ status: Int, _ error: String, message: String, path: String) -> TestResponse {
        let body: FHIRElement = [
            "timestamp": "2026-01-15T10:00:00.000+00:00", "status": .number(FHIRNumber(status)), "error": .string(error),
            "message": .string(message), "path": .string("/data/query" + path),
        ]
        return TestResponse.json(HTTPResponseStatus(statusCode: status), FHIRJSONWriter().write(body), fhir: false)
    }
}
