import FHIRModel
import Foundation
import NIOHTTP1

/// `POST /fhir` with a `transaction` or `batch` Bundle, processed as HAPI FHIR's JPA server (R5) processes the
/// interactions our clients send:
///
/// - `PUT Type/id`: creates the resource with that id when it is missing (201, version 1; a purely numeric id is
///   refused, as by HAPI's default client-id strategy), leaves it alone when the content is unchanged (200, same
///   version: `meta.versionId` and `meta.lastUpdated` are not content), else stores version n+1 (200). `ifMatch`
///   must name the current version (409 otherwise).
/// - `PUT Type?parameters` (conditional update): the one match is updated as above, none means a create (with the
///   body's id, else a server-assigned one), two or more fail with 412.
/// - `POST Type`, with `ifNoneExist` (conditional create): one match means 200 and nothing written, none a create
///   with a server-assigned id, two or more 412; without `ifNoneExist` always a create.
///
/// Creates run before updates (HAPI's order), answers come in request order. References to an entry's `urn:uuid:`
/// fullUrl become the `Type/id` its resource got. Resources are stored in definition order with `meta.versionId`
/// and `meta.lastUpdated` set, as HAPI re-encodes them. A transaction is all or nothing: any bad entry fails it
/// with one OperationOutcome (400, or 412 / 409 as above) and the store is as before. A batch runs each entry on
/// its own and answers a failed entry in its place.
///
/// Not modelled: GET, DELETE and PATCH entries (400), conditional references (`Patient?identifier=...` inside a
/// resource, kept as written), `Prefer: return=representation`, XML bodies (415).
struct FHIRTransactionProcessor: Sendable {
    static let storageResponseCodeSystem = "https://hapifhir.io/fhir/CodeSystem/hapi-fhir-storage-response-code"

    let configuration: ImmPortTestServer.Configuration
    let version: FHIRVersion

    init(configuration: ImmPortTestServer.Configuration) {
        self.configuration = configuration
        version = FHIRVersion.detect(fhirVersion: configuration.fhirVersion)?.version ?? .r5
    }

    /// Asked for at the first transaction, not when the server starts: the tables take a moment to load, and most
    /// servers (the pull benchmark's) never see a transaction.
    var definitions: FHIRDefinitions { .forVersion(version) }

    /// What one request entry did.
    struct EntryResult: Sendable {
        /// 201 created, 200 updated or left as it was.
        var status: Int
        var key: FHIRResourceKey
        var versionId: String
        var lastModified: String
        /// HAPI's storage response code (`SUCCESSFUL_UPDATE_NO_CHANGE`, ...).
        var code: String
    }

    func respond(to request: TestRequest, baseURL: String, state: ServerState) -> TestResponse {
        do throws(FHIRRequestFailure) {
            let bundle = try readBundle(request)
            let entries = bundle["entry"]?.arrayValue ?? []
            // HAPI takes a Bundle without a type as a transaction.
            switch bundle["type"]?.stringValue ?? "transaction" {
            case "transaction":
                var planned: [FHIRTransactionEntry] = []
                for (position, entry) in entries.enumerated() {
                    planned.append(try FHIRTransactionEntry(entry, position: position, definitions: definitions))
                }
                let results = try applyAtomically(planned, state: state).get()
                return responseBundle(type: "transaction-response", entries: results.map(responseEntry), baseURL: baseURL)
            case "batch":
                var answers: [FHIRElement] = []
                for (position, entry) in entries.enumerated() {
                    let result: Result<[EntryResult], FHIRRequestFailure>
                    do throws(FHIRRequestFailure) {
                        result = applyAtomically([try FHIRTransactionEntry(entry, position: position, definitions: definitions)], state: state)
                    } catch {
                        result = .failure(error)
                    }
                    switch result {
                    case .success(let results): answers.append(responseEntry(results[0]))
                    case .failure(let failure): answers.append(failedEntry(failure))
                    }
                }
                return responseBundle(type: "batch-response", entries: answers, baseURL: baseURL)
            case let other:
                throw FHIRRequestFailure(status: 400, diagnostics: "HAPI-0527: Unable to process transaction where incoming Bundle.type = \(other)")
            }
        } catch {
            return FHIRRoutes.outcome(error.status, error.diagnostics, code: error.code)
        }
    }

    func readBundle(_ request: TestRequest) throws(FHIRRequestFailure) -> FHIRElement {
        if let contentType = request.headers.first(name: "content-type"), !contentType.lowercased().contains("json") {
            throw FHIRRequestFailure(
                status: 415,
                diagnostics: "Incorrect Content-Type header value of \"\(contentType)\" was provided in the request: this test server reads JSON only (application/fhir+json)",
                code: "not-supported")
        }
        let tree: FHIRElement
        do {
            tree = try FHIRJSONReader().read(request.body)
        } catch {
            throw FHIRRequestFailure(status: 400, diagnostics: "Failed to parse JSON encoded FHIR content: \(error)", code: "structure")
        }
        guard tree.resourceType == "Bundle" else {
            throw FHIRRequestFailure(
                status: 400,
                diagnostics: "POST to the base takes a transaction or batch Bundle, not \(tree.resourceType.map { "a \($0)" } ?? "JSON \(tree.kindName)")")
        }
        return tree
    }

    /// Applies `entries` to a copy of the store and puts the copy in place only when every entry succeeded.
    func applyAtomically(_ entries: [FHIRTransactionEntry], state: ServerState) -> Result<[EntryResult], FHIRRequestFailure> {
        let now = Self.timestamp()
        return state.updateFHIRStore { store in
            var working = store
            do throws(FHIRRequestFailure) {
                let results = try apply(entries, to: &working, lastUpdated: now)
                store = working
                return .success(results)
            } catch {
                return .failure(error)
            }
        }
    }

    /// A write worked out before references to placeholders are resolved.
    private struct PendingWrite {
        enum Kind {
            case create(code: String)
            case put(existing: FHIRElement?, conditional: Bool)
        }
        var position: Int
        var key: FHIRResourceKey
        var resource: FHIRObject
        var kind: Kind
    }

    func apply(
        _ entries: [FHIRTransactionEntry], to store: inout FHIRFixtureStore, lastUpdated: String
    ) throws(FHIRRequestFailure) -> [EntryResult] {
        var results = [EntryResult?](repeating: nil, count: entries.count)
        var substitutions: [String: String] = [:]
        var placeholders = Set<String>()
        for entry in entries {
            if let placeholder = entry.placeholder, !placeholders.insert(placeholder).inserted {
                throw FHIRRequestFailure(status: 400, diagnostics: "HAPI-0534: Transaction bundle contains multiple resources with ID: \(placeholder)")
            }
        }
        var pending: [PendingWrite] = []

        for entry in entries {
            guard case .create(let type, let ifNoneExist) = entry.operation else { continue }
            if let ifNoneExist, let index = try match(type, ifNoneExist, for: "CREATE", in: store) {
                let existing = store.resources[index]
                let key = FHIRResourceKey(resource: existing)!
                results[entry.position] = Self.unchanged(
                    existing, key: key, code: "SUCCESSFUL_CREATE_WITH_CONDITIONAL_MATCH", lastUpdated: lastUpdated)
                if let placeholder = entry.placeholder { substitutions[placeholder] = key.description }
                continue
            }
            let key = FHIRResourceKey(type: type, id: store.assignID(forType: type))
            var resource = entry.resource
            resource["id"] = .string(key.id)
            // Stored at once, so that a later conditional create of the same Bundle finds it rather than making a
            // second one; its final content (references resolved) is written below.
            store.write(.object(Self.stamped(resource, version: "1", lastUpdated: lastUpdated)), as: key)
            pending.append(
                PendingWrite(
                    position: entry.position, key: key, resource: resource,
                    kind: .create(code: ifNoneExist == nil ? "SUCCESSFUL_CREATE" : "SUCCESSFUL_CREATE_NO_CONDITIONAL_MATCH")))
            if let placeholder = entry.placeholder { substitutions[placeholder] = key.description }
        }

        var updated = Set<FHIRResourceKey>()
        for entry in entries {
            let key: FHIRResourceKey
            var ifMatch: String?
            var conditional = false
            var clientAssignsID = true
            switch entry.operation {
            case .create:
                continue
            case .update(let target, let condition):
                key = target
                ifMatch = condition
            case .conditionalUpdate(let type, let query):
                conditional = true
                if let index = try match(type, query, for: "UPDATE", in: store) {
                    key = FHIRResourceKey(resource: store.resources[index])!
                    if let bodyID = entry.bodyID, bodyID != key.id {
                        throw FHIRRequestFailure(
                            status: 400,
                            diagnostics: "Can not update resource: Bundle.entry[\(entry.position)].resource has the ID \"\(bodyID)\" but \"\(type)?\(query)\" matched \(key)")
                    }
                } else if let bodyID = entry.bodyID {
                    key = FHIRResourceKey(type: type, id: bodyID)
                } else {
                    key = FHIRResourceKey(type: type, id: store.assignID(forType: type))
                    clientAssignsID = false
                }
            }
            guard updated.insert(key).inserted else {
                throw FHIRRequestFailure(status: 400, diagnostics: "HAPI-0535: Transaction bundle contains multiple resources with ID: \(key)")
            }
            let existing = store.resource(key)
            if existing == nil, clientAssignsID, key.id.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
                throw FHIRRequestFailure(
                    status: 400,
                    diagnostics: "HAPI-0960: Can not create resource with ID[\(key.id)], no resource with this ID exists and clients may only assign IDs which contain at least one non-numeric character")
            }
            if let ifMatch {
                let wanted = FHIRETag.versionId(ifMatch)
                guard existing?.versionId == wanted else {
                    throw FHIRRequestFailure(
                        status: 409, diagnostics: "Trying to update \(key)/_history/\(wanted) but this is not the current version", code: "conflict")
                }
            }
            var resource = entry.resource
            resource["id"] = .string(key.id)
            pending.append(PendingWrite(position: entry.position, key: key, resource: resource, kind: .put(existing: existing, conditional: conditional)))
            if let placeholder = entry.placeholder { substitutions[placeholder] = key.description }
        }

        for write in pending {
            let content = content(of: try PlaceholderReferences.resolve(in: write.resource, substitutions))
            var status = 201
            var version = "1"
            var code: String
            switch write.kind {
            case .create(let createCode):
                code = createCode
            case .put(let existing?, let conditional):
                status = 200
                if content == self.content(of: existing.objectValue ?? FHIRObject()) {
                    results[write.position] = Self.unchanged(
                        existing, key: write.key,
                        code: conditional ? "SUCCESSFUL_UPDATE_WITH_CONDITIONAL_MATCH_NO_CHANGE" : "SUCCESSFUL_UPDATE_NO_CHANGE",
                        lastUpdated: lastUpdated)
                    continue
                }
                version = String((existing.versionId.flatMap { Int($0) } ?? 0) + 1)
                code = conditional ? "SUCCESSFUL_UPDATE_WITH_CONDITIONAL_MATCH" : "SUCCESSFUL_UPDATE"
            case .put(nil, let conditional):
                code = conditional ? "SUCCESSFUL_UPDATE_NO_CONDITIONAL_MATCH" : "SUCCESSFUL_UPDATE_AS_CREATE"
            }
            let stored = order.reorder(.object(Self.stamped(content, version: version, lastUpdated: lastUpdated)))
            store.write(stored, as: write.key)
            results[write.position] = EntryResult(status: status, key: write.key, versionId: version, lastModified: lastUpdated, code: code)
        }
        return results.map { $0! }
    }

    var order: FHIRCanonicalOrder { FHIRCanonicalOrder(definitions: definitions) }

    /// What a version of a resource holds, for "unchanged?": definition order, without `meta.versionId` and
    /// `meta.lastUpdated` (the server's stamps), and without `meta` when nothing else is in it.
    func content(of resource: FHIRObject) -> FHIRObject {
        var object = resource
        if var meta = object["meta"]?.objectValue {
            _ = meta.removeValue(forKey: "versionId")
            _ = meta.removeValue(forKey: "lastUpdated")
            if meta.isEmpty { _ = object.removeValue(forKey: "meta") } else { object["meta"] = .object(meta) }
        }
        return order.reorder(.object(object)).objectValue ?? object
    }

    /// `resource` with `meta.versionId` and `meta.lastUpdated` set, ahead of whatever else `meta` holds.
    static func stamped(_ resource: FHIRObject, version: String, lastUpdated: String) -> FHIRObject {
        var object = resource
        var meta = FHIRObject()
        meta["versionId"] = .string(version)
        meta["lastUpdated"] = .string(lastUpdated)
        for member in object["meta"]?.objectValue ?? FHIRObject() where member.key != "versionId" && member.key != "lastUpdated" {
            meta[member.key] = member.value
        }
        object["meta"] = .object(meta)
        return object
    }

    /// The position of the one resource of `type` that the search `query` finds (through the server's search
    /// engine), nil when none does; several fail the conditional `operation` (`CREATE`, `UPDATE`) with 412. A type
    /// the server holds nothing of and has no search parameters for matches nothing.
    func match(_ type: String, _ query: String, for operation: String, in store: FHIRFixtureStore) throws(FHIRRequestFailure) -> Int? {
        guard FHIRSearchEngine.referenceParameters[type] != nil || !store.indexes(ofType: type).isEmpty else { return nil }
        let engine = FHIRSearchEngine(store: store, ignored: configuration.ignoredSearchParameters)
        let found = try engine.matches(type: type, query: TestRequest.parseQuery(Substring(query)))
        guard found.count <= 1 else {
            throw FHIRRequestFailure(
                status: 412,
                diagnostics: "Failed to \(operation) resource with match URL \"\(type)?\(query)\" because this search matched \(found.count) resources")
        }
        return found.first
    }

    /// The answer for an entry that wrote nothing: the resource as it is.
    static func unchanged(_ existing: FHIRElement, key: FHIRResourceKey, code: String, lastUpdated: String) -> EntryResult {
        EntryResult(
            status: 200, key: key, versionId: existing.versionId ?? "1",
            lastModified: existing["meta"]?["lastUpdated"]?.stringValue ?? lastUpdated, code: code)
    }

    func responseEntry(_ result: EntryResult) -> FHIRElement {
        let location = "\(result.key)/_history/\(result.versionId)"
        let display = Self.storageResponseDisplays[result.code] ?? ""
        let outcome: FHIRElement = [
            "resourceType": "OperationOutcome",
            "issue": [[
                "severity": "information", "code": "informational",
                "details": ["coding": [["system": .string(Self.storageResponseCodeSystem), "code": .string(result.code), "display": .string(display)]]],
                "diagnostics": .string("\(display) Resource \"\(location)\"."),
            ]],
        ]
        return [
            "response": [
                "status": .string("\(result.status) \(HTTPResponseStatus(statusCode: result.status).reasonPhrase)"),
                "location": .string(location), "etag": .string(FHIRETag.weak(versionId: result.versionId)),
                "lastModified": .string(result.lastModified), "outcome": outcome,
            ]
        ]
    }

    func failedEntry(_ failure: FHIRRequestFailure) -> FHIRElement {
        [
            "response": [
                "status": .string("\(failure.status) \(HTTPResponseStatus(statusCode: failure.status).reasonPhrase)"),
                "outcome": FHIRRoutes.operationOutcome(failure.diagnostics, code: failure.code),
            ]
        ]
    }

    func responseBundle(type: String, entries: [FHIRElement], baseURL: String) -> TestResponse {
        let bundle: FHIRElement = [
            "resourceType": "Bundle", "id": .string(UUID().uuidString.lowercased()), "type": .string(type),
            "link": [["relation": "self", "url": .string(baseURL)]], "entry": .array(entries),
        ]
        return TestResponse.json(.ok, FHIRJSONWriter().write(bundle), fhir: true)
    }

    /// The displays of HAPI's storage response codes this server answers with.
    static let storageResponseDisplays: [String: String] = [
        "SUCCESSFUL_CREATE": "Create succeeded.",
        "SUCCESSFUL_CREATE_NO_CONDITIONAL_MATCH": "Conditional create succeeded: no existing resource matched the conditional URL.",
        "SUCCESSFUL_CREATE_WITH_CONDITIONAL_MATCH":
            "Conditional create succeeded: an existing resource matched the conditional URL so no action was taken.",
        "SUCCESSFUL_UPDATE": "Update succeeded.",
        "SUCCESSFUL_UPDATE_AS_CREATE": "Update as create succeeded.",
        "SUCCESSFUL_UPDATE_NO_CHANGE": "Update succeeded: No changes were detected so no action was taken.",
        "SUCCESSFUL_UPDATE_NO_CONDITIONAL_MATCH":
            "Conditional update succeeded: no existing resource matched the conditional URL so a new resource was created.",
        "SUCCESSFUL_UPDATE_WITH_CONDITIONAL_MATCH":
            "Conditional update succeeded: an existing resource matched the conditional URL and was updated.",
        "SUCCESSFUL_UPDATE_WITH_CONDITIONAL_MATCH_NO_CHANGE":
            "Conditional update succeeded: an existing resource matched the conditional URL and was updated, but no changes were detected so no action was taken.",
    ]

    /// Now, as HAPI writes `meta.lastUpdated` (`2026-01-15T10:00:00.000+00:00`).
    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSxxx"
        return formatter.string(from: Date())
    }
}
