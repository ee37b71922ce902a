import FHIRModel
import Logging
import Synchronization

/// A client for a FHIR server (HAPI FHIR R5 at ImmPort): capabilities, searches that page, read and vread, and
/// transactions (loading what the bridge made into a server).
public final class FHIRClient: Sendable {
    /// The service base, checked when it was made (and with the key, if one goes with it).
    public let base: ServiceBase
    let transport: HTTPTransport
    let pageCounter = Mutex(0)
    static let accept = "application/fhir+json, application/json;q=0.9"

    public init(base: ServiceBase, transport: HTTPTransport) {
        self.base = base
        self.transport = transport
    }

    var apiKey: APIKey? { base.apiKey }

    /// What the transport did so far: requests, retries, bytes (shared by every client on the same transport).
    public var transportStatistics: TransportStatistics { transport.statistics }

    /// `text` without the API key and other secrets: for messages that quote URLs.
    public func redact(_ text: String) -> String { transport.redactor.redact(text) }

    /// Search pages fetched so far by this client (restarts and retries of a page count once per page).
    public var pagesFetched: Int { pageCounter.withLock { $0 } }

    /// `GET [base]/metadata`.
    public func capabilities() async throws -> FHIRServerCapabilities {
        let statement = try await fetchResource(base.appending("/metadata"), expecting: "CapabilityStatement")
        return FHIRServerCapabilities(capabilityStatement: statement)
    }

    /// `GET [base]/Type/id`.
    public func read(_ type: String, id: String) async throws -> FHIRElement {
        try await fetchResource(base.appending("/\(QueryString.encode(type))/\(QueryString.encode(id))"), expecting: type)
    }

    /// `GET [base]/Type/id/_history/vid`.
    public func vread(_ type: String, id: String, versionId: String) async throws -> FHIRElement {
        try await fetchResource(
            base.appending("/\(QueryString.encode(type))/\(QueryString.encode(id))/_history/\(QueryString.encode(versionId))"),
            expecting: type)
    }

    /// The URL of `GET [base]/Type?parameters`.
    public func searchURL(_ type: String, _ parameters: [(String, String)]) -> String {
        QueryString.append(parameters, to: base.appending("/\(QueryString.encode(type))"))
    }

    /// A search whose pages arrive one at a time, following `Bundle.link[next]`; see `FHIRSearch`.
    public func search(
        _ type: String, _ parameters: [(String, String)] = [], options: FHIRSearch.Options = FHIRSearch.Options()
    ) -> FHIRSearch {
        FHIRSearch(client: self, initialURL: searchURL(type, parameters), options: options)
    }

    /// The search `type?parameters` going on from `next`, the next link of a page an earlier run received.
    public func search(
        _ type: String, _ parameters: [(String, String)], resumingAt next: String, options: FHIRSearch.Options = FHIRSearch.Options()
    ) -> FHIRSearch {
        FHIRSearch(client: self, initialURL: searchURL(type, parameters), options: options, resumeURL: next)
    }

    /// Every resource of a search (matches and includes), de-duplicated, in first-seen order.
    public func searchAll(
        _ type: String, _ parameters: [(String, String)] = [], options: FHIRSearch.Options = FHIRSearch.Options()
    ) async throws -> FHIRResourceCollection {
        var collection = FHIRResourceCollection()
        for try await page in search(type, parameters, options: options) {
            for entry in page.entries { collection.add(entry.resource) }
        }
        return collection
    }

    /// `POST [base]` of a `transaction` or `batch` Bundle (`application/fhir+json`); returns the server's
    /// `transaction-response` / `batch-response` Bundle, one entry per request entry (read it with
    /// `FHIRTransactionResponse`). A failed transaction is an `ImmPortAPIError` carrying the server's
    /// OperationOutcome texts. Retried after a failure only when sending it twice cannot do more than sending it
    /// once (`isIdempotent`).
    public func transaction(_ bundle: FHIRElement) async throws -> FHIRElement {
        let type = bundle["type"]?.stringValue ?? ""
        guard bundle.resourceType == "Bundle", type == "transaction" || type == "batch" else {
            let what = bundle.resourceType == "Bundle" ? "a Bundle of type \(type.isEmpty ? "(none)" : type)" : bundle.resourceType.map { "a \($0)" } ?? "JSON \(bundle.kindName)"
            throw ImmPortAPIError(
                .invalidArgument, method: "POST", url: redact(base.url), message: "a transaction needs a Bundle of type transaction or batch, not \(what)")
        }
        let sent = bundle["entry"]?.arrayValue?.count ?? 0
        let expected = type + "-response"
        return try await transport.post(
            base.url, body: FHIRJSONWriter().write(bundle), contentType: "application/fhir+json", accept: Self.accept,
            bearerToken: apiKey?.value, idempotent: Self.isIdempotent(bundle)
        ) { response in
            let tree = try FHIRJSONReader().read(response.body)
            guard tree.resourceType == "Bundle", tree["type"]?.stringValue == expected else {
                let got = tree.resourceType == "Bundle" ? "a Bundle of type \(tree["type"]?.stringValue ?? "(none)")" : tree.resourceType ?? "JSON \(tree.kindName)"
                throw ImmPortAPIError(
                    .invalidResponse, url: response.redactedURL, status: response.status, message: "expected a \(expected) Bundle, got \(got)")
            }
            let answered = tree["entry"]?.arrayValue?.count ?? 0
            guard answered == sent else {
                throw ImmPortAPIError(
                    .invalidResponse, url: response.redactedURL, status: response.status,
                    message: "the \(expected) has \(answered) entries for the \(sent) sent")
            }
            return tree
        }
    }

    /// Whether sending `bundle` again after a failure (a timeout, a lost connection, a 503) leaves the server as
    /// sending it once would, so that it may be retried like a GET. True when every entry is a `PUT` without
    /// `ifMatch` (update by id, which creates when missing, or conditional update), a conditional create (`POST`
    /// with `ifNoneExist`) or a read: a repeat finds what the first send wrote and changes nothing, though its
    /// answer may say `200 OK` where the lost one said `201 Created`. A plain `POST` would create a second
    /// resource and an `ifMatch` fails once the first send moved the version on, so such a Bundle (and any
    /// DELETE or PATCH) is sent once.
    public static func isIdempotent(_ bundle: FHIRElement) -> Bool {
        (bundle["entry"]?.arrayValue ?? []).allSatisfy { entry in
            let request = entry["request"]
            switch request?["method"]?.stringValue {
            case "PUT"?: return request?["ifMatch"] == nil
            case "POST"?: return !(request?["ifNoneExist"]?.stringValue ?? "").isEmpty
            case "GET"?, "HEAD"?: return true
            default: return false
            }
        }
    }

    func fetchResource(_ url: String, expecting type: String) async throws -> FHIRElement {
        try await transport.get(url, accept: Self.accept, bearerToken: apiKey?.value) { response in
            let tree = try FHIRJSONReader().read(response.body)
            guard tree.resourceType == type else {
                throw ImmPortAPIError(
                    .invalidResponse, url: response.redactedURL, status: response.status,
                    message: "expected a \(type), got \(tree.resourceType.map { "a \($0)" } ?? "JSON \(tree.kindName) without resourceType")")
            }
            return tree
        }
    }

    /// One searchset page as fetched and parsed, before de-duplication (which needs the search's state).
    struct FetchedBundle: Sendable {
        var url: String
        var redactedURL: String
        var total: Int?
        var entries: [FetchedEntry]
        var next: String?
    }

    /// An entry with what de-duplication and output need already read from it, so that this work happens where the
    /// page is parsed (the prefetching task) rather than on the consumer's side.
    struct FetchedEntry: Sendable {
        var resource: FHIRElement?
        /// Hashed here, on the parsing task, so that the consumer's de-duplication does not hash strings.
        var key: HashedResourceKey?
        var versionId: String?
        var mode: FHIRSearchMode
        /// An OperationOutcome the server put in the page about the search itself, not a result.
        var isOutcome: Bool
        var fullUrl: String?
        var json: ArraySlice<UInt8>?
    }

    /// GETs and parses one searchset page. `onNextLink` gets the page's raw next link (and the URL that answered)
    /// as soon as the Bundle's header is parsed, before its entries are, so that the next page can be requested
    /// while this one is still being parsed; it may be called more than once when the page is retried.
    func fetchBundle(
        _ url: String, onNextLink: (@Sendable (_ next: String, _ pageURL: String) -> Void)? = nil
    ) async throws -> FetchedBundle {
        let fetched = try await transport.get(url, accept: Self.accept, bearerToken: apiKey?.value) { response in
            try Self.searchPage(from: response, onNextLink: onNextLink)
        }
        pageCounter.withLock { $0 += 1 }
        return fetched
    }

    /// Parses a searchset page as it arrives (entries streamed, the next link reported before them).
    static func searchPage(
        from response: HTTPResponseData, onNextLink: (@Sendable (_ next: String, _ pageURL: String) -> Void)?
    ) throws -> FetchedBundle {
        var entries: [FetchedEntry] = []
        let body = response.body
        let header: ((FHIRElement) -> Void)? = onNextLink.map { report in
            { bundle in if let next = Self.nextLink(of: bundle) { report(next, response.url) } }
        }
        let bundle = try body.withUnsafeBytes { bytes in
            try FHIRJSONReader().readBundleStreamingEntries(bytes, header: header) { entry, span in
                entries.append(Self.digest(entry, span: span, in: body))
            }
        }
        guard bundle.resourceType == "Bundle" else {
            throw ImmPortAPIError(
                .invalidResponse, url: response.redactedURL, status: response.status,
                message: "expected a searchset Bundle, got \(bundle.resourceType ?? "JSON \(bundle.kindName)")")
        }
        let next = Self.nextLink(of: bundle)
        return FetchedBundle(
            url: response.url, redactedURL: response.redactedURL, total: bundle["total"]?.numberValue?.intValue,
            entries: entries, next: next)
    }

    static func nextLink(of bundle: FHIRElement) -> String? {
        (bundle["link"]?.arrayValue ?? []).first { $0["relation"]?.stringValue == "next" }?["url"]?.stringValue
    }

    static func digest(_ entry: FHIRElement, span: Range<Int>?, in body: [UInt8]) -> FetchedEntry {
        let resource = entry["resource"]
        let search = entry["search"]
        let mode = FHIRSearchMode(rawValue: search?["mode"]?.stringValue ?? "match") ?? .match
        let isOutcome = mode == .outcome || (resource?.resourceType == "OperationOutcome" && search?["mode"] == nil)
        return FetchedEntry(
            resource: resource, key: resource.flatMap(FHIRResourceKey.init(resource:)).map(HashedResourceKey.init), versionId: resource?.versionId,
            mode: mode, isOutcome: isOutcome, fullUrl: entry["fullUrl"]?.stringValue, json: span.map { body[$0] })
    }
}
