import FHIRModel
import NIOHTTP1

/// Answers `/fhir/...` the way HAPI FHIR R5 does: metadata, searches with `_getpages` paging, read, vread,
/// transactions and batches (`POST /fhir`), OperationOutcome errors.
struct FHIRRoutes: Sendable {
    let configuration: ImmPortTestServer.Configuration
    let transactions: FHIRTransactionProcessor

    init(configuration: ImmPortTestServer.Configuration) {
        self.configuration = configuration
        transactions = FHIRTransactionProcessor(configuration: configuration)
    }

    func engine(_ store: FHIRFixtureStore) -> FHIRSearchEngine {
        FHIRSearchEngine(store: store, ignored: configuration.ignoredSearchParameters)
    }

    /// `path` is what follows `/fhir`.
    func respond(
        to request: TestRequest, path: String, baseURL: String, state: ServerState, fault: TestFault?
    ) -> TestResponse {
        let segments = path.split(separator: "/").map(String.init)
        if request.method == .POST {
            guard segments.isEmpty else {
                return outcome(405, "this test server takes POST only at the base, for a transaction or batch Bundle")
            }
            return transactions.respond(to: request, baseURL: baseURL, state: state)
        }
        // One copy per request: a transaction that lands meanwhile does not change what this answer sees.
        let store = state.fhirStore
        if segments.isEmpty {
            guard let searchID = request.value("_getpages") else {
                return outcome(400, "HAPI-0418: Invalid request: the FHIR endpoint on this server does not know how to handle GET operation[] with parameters \(request.query.map(\.0))")
            }
            let offset = Int(request.value("_getpagesoffset") ?? "0") ?? 0
            guard let search = state.search(searchID), fault != .gone else {
                state.forgetSearch(searchID)
                return outcome(410, "HAPI-0417: Search ID \"\(searchID)\" does not exist and may have expired", code: "processing")
            }
            let count = min(Int(request.value("_count") ?? "") ?? search.count, configuration.maxPageSize)
            return page(
                search, id: searchID, store: store, offset: offset, count: count, baseURL: baseURL,
                previous: fault == .duplicateEntries ? .again : fault == .newerVersions ? .newer : nil)
        }
        if segments == ["metadata"] { return json(.ok, CapabilityStatementBuilder.build(store: store, configuration: configuration)) }
        let type = segments[0]
        let engine = engine(store)
        switch segments.count {
        case 1:
            let matches: [Int]
            do {
                matches = try engine.matches(type: type, query: request.query)
                // Validate includes before a search is stored, as HAPI does.
                _ = try engine.included(for: [], query: request.query, excluded: [])
            } catch {
                return outcome(error.status, error.diagnostics)
            }
            let requested = Int(request.value("_count") ?? "") ?? configuration.defaultPageSize
            let count = max(1, min(requested, configuration.maxPageSize))
            let search = ServerState.Search(
                matches: matches, query: request.query.filter { $0.0 == "_include" || $0.0 == "_revinclude" }, count: count)
            let id = state.storeSearch(search)
            return page(search, id: id, store: store, offset: 0, count: count, baseURL: baseURL, previous: nil)
        case 2, 4:
            guard let index = store.index(of: FHIRResourceKey(type: type, id: segments[1])) else {
                return outcome(404, "HAPI-2001: Resource \(type)/\(segments[1]) is not known", code: "not-found")
            }
            if segments.count == 4 {
                guard segments[2] == "_history", let version = store.serialized(at: index, version: segments[3]) else {
                    return outcome(404, "HAPI-0979: Version \"\(segments.last!)\" is not valid for resource \(type)/\(segments[1])", code: "not-found")
                }
                return TestResponse.json(.ok, version, fhir: true)
            }
            return TestResponse.json(.ok, store.serialized[index], fhir: true)
        default:
            return outcome(400, "HAPI-0418: Invalid request: \(request.uri)")
        }
    }

    /// How a page repeats the previous page's matches (faults).
    enum Repeat { case again, newer }

    func page(
        _ search: ServerState.Search, id: String, store: FHIRFixtureStore, offset: Int, count: Int, baseURL: String,
        previous: Repeat?
    ) -> TestResponse {
        let end = min(search.matches.count, offset + count)
        let start = min(offset, end)
        var pageMatches = Array(search.matches[start..<end])
        let repeated = previous == nil ? [] : Array(search.matches[max(0, start - count)..<start])
        if previous == .again { pageMatches = repeated + pageMatches }
        let includes = (try? engine(store).included(for: pageMatches, query: search.query, excluded: Set(pageMatches))) ?? []
        var out: [UInt8] = []
        out.reserveCapacity((pageMatches.count + includes.count) * 1024 + 1024)
        out += Array("{\"resourceType\":\"Bundle\",\"id\":\"\(id)-\(offset)\",\"meta\":{\"lastUpdated\":\"2026-01-15T10:00:00.000+00:00\"},\"type\":\"searchset\"".utf8)
        if configuration.sendTotal { out += Array(",\"total\":\(search.matches.count)".utf8) }
        out += Array(",\"link\":[{\"relation\":\"self\",\"url\":".utf8)
        FHIRJSONWriter.appendString("\(baseURL)?_getpages=\(id)&_getpagesoffset=\(offset)&_count=\(count)&_bundletype=searchset", into: &out)
        out += Array("}".utf8)
        if end < search.matches.count {
            out += Array(",{\"relation\":\"next\",\"url\":".utf8)
            FHIRJSONWriter.appendString("\(baseURL)?_getpages=\(id)&_getpagesoffset=\(end)&_count=\(count)&_bundletype=searchset", into: &out)
            out += Array("}".utf8)
        }
        out += Array("],\"entry\":[".utf8)
        var first = true
        let newer = previous == .newer ? repeated : []
        for (indexes, mode, bumped) in [(newer, "match", true), (pageMatches, "match", false), (includes, "include", false)] {
            for index in indexes {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                let resource = store.resources[index]
                out += Array("{\"fullUrl\":".utf8)
                FHIRJSONWriter.appendString("\(baseURL)/\(resource.resourceType ?? "")/\(resource["id"]?.stringValue ?? "")", into: &out)
                out += Array(",\"resource\":".utf8)
                out += bumped ? FHIRJSONWriter().write(Self.nextVersion(of: resource)) : store.serialized[index]
                out += Array(",\"search\":{\"mode\":\"\(mode)\"}}".utf8)
            }
        }
        out += Array("]}".utf8)
        return TestResponse.json(.ok, out, fhir: true)
    }

    /// The resource with `meta.versionId` one higher (1 when it had none).
    static func nextVersion(of resource: FHIRElement) -> FHIRElement {
        guard case .object(var object) = resource else { return resource }
        var meta = object["meta"]?.objectValue ?? FHIRObject()
        meta["versionId"] = .string(String((Int(meta["versionId"]?.stringValue ?? "0") ?? 0) + 1))
        object["meta"] = .object(meta)
        return .object(object)
    }

    func json(_ status: HTTPResponseStatus, _ element: FHIRElement) -> TestResponse {
        TestResponse.json(status, FHIRJSONWriter().write(element), fhir: true)
    }

    func outcome(_ status: Int, _ diagnostics: String, code: String = "processing") -> TestResponse {
        Self.outcome(status, diagnostics, code: code)
    }

    /// An error answer: `status` with an OperationOutcome of one issue.
    static func outcome(_ status: Int, _ diagnostics: String, code: String = "processing") -> TestResponse {
        TestResponse.json(HTTPResponseStatus(statusCode: status), FHIRJSONWriter().write(operationOutcome(diagnostics, code: code)), fhir: true)
    }

    static func operationOutcome(_ diagnostics: String, code: String = "processing") -> FHIRElement {
        [
            "resourceType": "OperationOutcome",
            "issue": [["severity": "error", "code": .string(code), "diagnostics": .string(diagnostics)]],
        ]
    }
}

/// The server's CapabilityStatement: R5, the stored types with their search parameters, and (unless turned off)
/// the `_include`/`_revinclude` values the engine understands; transaction and batch at the base.
enum CapabilityStatementBuilder {
    static func build(store: FHIRFixtureStore, configuration: ImmPortTestServer.Configuration) -> FHIRElement {
        let types = Set(store.types).union(FHIRSearchEngine.referenceParameters.keys).sorted()
        var resources: [FHIRElement] = []
        for type in types {
            let references = FHIRSearchEngine.referenceParameters[type] ?? [:]
            var parameters: [FHIRElement] = [["name": "_id", "type": "token"], ["name": "identifier", "type": "token"]]
            for name in references.keys.sorted() { parameters.append(["name": .string(name), "type": "reference"]) }
            var resource = FHIRObject()
            resource["type"] = .string(type)
            resource["interaction"] = [
                ["code": "read"], ["code": "vread"], ["code": "update"], ["code": "create"], ["code": "search-type"],
            ]
            resource["updateCreate"] = true
            resource["conditionalCreate"] = true
            resource["conditionalUpdate"] = true
            resource["searchParam"] = .array(parameters)
            if configuration.advertiseIncludes {
                resource["searchInclude"] = .array(references.keys.sorted().map { .string("\(type):\($0)") })
                var revIncludes: [FHIRElement] = []
                for (source, parameters) in FHIRSearchEngine.referenceParameters.sorted(by: { $0.key < $1.key }) {
                    for name in parameters.keys.sorted() { revIncludes.append(.string("\(source):\(name)")) }
                }
                resource["searchRevInclude"] = .array(revIncludes)
            }
            resources.append(.object(resource))
        }
        return [
            "resourceType": "CapabilityStatement", "status": "active", "date": "2026-01-15", "kind": "instance",
            "software": ["name": "immport-bridge test server (imitating HAPI FHIR)", "version": "0"],
            "fhirVersion": .string(configuration.fhirVersion), "format": ["application/fhir+json", "json"],
            "rest": [["mode": "server", "resource": .array(resources), "interaction": [["code": "transaction"], ["code": "batch"]]]],
        ]
    }
}
