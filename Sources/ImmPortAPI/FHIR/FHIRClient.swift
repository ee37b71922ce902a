import FHIRModel
import Logging
import Synchronization

/// A client for a FHIR server (HAPI FHIR R5 at ImmPort): capabilities, searches that page, read and vread.
public final class FHIRClient: Sendable {
    /// The service base without a trailing slash, e.g. `https://fhir.immport.org/fhir`.
    public let baseURL: String
    public let transport: HTTPTransport
    let apiKey: APIKey?
    let pageCounter = Mutex(0)
    static let accept = "application/fhir+json, application/json;q=0.9"

    public init(baseURL: String, transport: HTTPTransport, apiKey: APIKey? = nil) throws {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard EndpointSecurity.origin(of: base) != nil else {
            throw ImmPortAPIError(.invalidArgument, url: transport.redactor.redact(base), message: "the FHIR base is not an absolute http(s) URL")
        }
        if apiKey != nil, !EndpointSecurity.mayCarryKey(base) {
            throw ImmPortAPIError(
                .refusedRequest, url: transport.redactor.redact(base),
                message: "refusing to send the API key over plain http to a host that is not this machine; use https")
        }
        self.baseURL = base
        self.transport = transport
        self.apiKey = apiKey
    }

    /// Search pages fetched so far by this client (restarts and retries of a page count once per page).
    public var pagesFetched: Int { pageCounter.withLock { $0 } }

    /// `GET [base]/metadata`.
    public func capabilities() async throws -> FHIRServerCapabilities {
        let statement = try await fetchResource(baseURL + "/metadata", expecting: "CapabilityStatement")
        return FHIRServerCapabilities(capabilityStatement: statement)
    }

    /// `GET [base]/Type/id`.
    public func read(_ type: String, id: String) async throws -> FHIRElement {
        try await fetchResource("\(baseURL)/\(QueryString.encode(type))/\(QueryString.encode(id))", expecting: type)
    }

    /// `GET [base]/Type/id/_history/vid`.
    public func vread(_ type: String, id: String, versionId: String) async throws -> FHIRElement {
        try await fetchResource(
            "\(baseURL)/\(QueryString.encode(type))/\(QueryString.encode(id))/_history/\(QueryString.encode(versionId))",
            expecting: type)
    }

    /// The URL of `GET [base]/Type?parameters`.
    public func searchURL(_ type: String, _ parameters: [(String, String)]) -> String {
        QueryString.append(parameters, to: "\(baseURL)/\(QueryString.encode(type))")
    }

    /// A search whose pages arrive one at a time, following `Bundle.link[next]`; see `FHIRSearch`.
    public func search(
        _ type: String, _ parameters: [(String, String)] = [], options: FHIRSearch.Options = FHIRSearch.Options()
    ) -> FHIRSearch {
        FHIRSearch(client: self, initialURL: searchURL(type, parameters), options: options)
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

    /// One searchset page: the Bundle's entries and its `next` link.
    struct FetchedBundle: Sendable {
        var url: String
        var redactedURL: String
        var total: Int?
        var entries: [FHIRElement]
        var next: String?
    }

    func fetchBundle(_ url: String) async throws -> FetchedBundle {
        let fetched = try await transport.get(url, accept: Self.accept, bearerToken: apiKey?.value) { response in
            var entries: [FHIRElement] = []
            let bundle = try response.body.withUnsafeBytes { bytes in
                try FHIRJSONReader().readBundleStreamingEntries(bytes) { entries.append($0) }
            }
            guard bundle.resourceType == "Bundle" else {
                throw ImmPortAPIError(
                    .invalidResponse, url: response.redactedURL, status: response.status,
                    message: "expected a searchset Bundle, got \(bundle.resourceType ?? "JSON \(bundle.kindName)")")
            }
            let next = (bundle["link"]?.arrayValue ?? []).first { $0["relation"]?.stringValue == "next" }?["url"]?.stringValue
            return FetchedBundle(
                url: response.url, redactedURL: response.redactedURL, total: bundle["total"]?.numberValue?.intValue,
                entries: entries, next: next)
        }
        pageCounter.withLock { $0 += 1 }
        return fetched
    }
}
