import FHIRModel

/// A client for ImmPort's Shared Data API (`https://www.immport.org/data/query`): every endpoint of the catalog,
/// paged search, DRS download URLs. The key is sent only to endpoints that need it.
public final class SharedDataClient: Sendable {
    /// The service base, checked when it was made (and with the key, if one goes with it).
    public let base: ServiceBase
    let transport: HTTPTransport

    public init(base: ServiceBase, transport: HTTPTransport) {
        self.base = base
        self.transport = transport
    }

    var apiKey: APIKey? { base.apiKey }

    /// What the transport did so far: requests, retries, bytes (shared by every client on the same transport).
    public var transportStatistics: TransportStatistics { transport.statistics }

    /// Calls `endpoint` with its path parameters and query. Checks the query names against the catalog first.
    public func request(
        _ endpoint: SharedDataEndpoint, pathParameters: [String: String] = [:], query: [(String, String)] = []
    ) async throws -> SharedDataResponse {
        try endpoint.checkQuery(query)
        let url = QueryString.append(query, to: base.appending(try endpoint.path(with: pathParameters)))
        var token: String?
        if endpoint.requiresAPIKey {
            guard let apiKey else {
                throw ImmPortAPIError(
                    .apiKey, url: transport.redactor.redact(url),
                    message: "\(endpoint) needs an ImmPort API key: set IMMPORT_API_KEY or use --api-key-file / IMMPORT_API_KEY_FILE (create a key at \(APIKey.creationPage))")
            }
            token = apiKey.value
        }
        return try await transport.get(url, accept: "application/json", bearerToken: token) { response in
            try SharedDataResponse(checking: response, endpoint: endpoint)
        }
    }

    /// Calls the endpoint that `path` (`/api/study/arm/SDY1`) belongs to.
    public func request(path: String, query: [(String, String)] = []) async throws -> SharedDataResponse {
        guard let (endpoint, parameters) = SharedDataEndpointCatalog.match(path: path) else {
            throw ImmPortAPIError(
                .invalidArgument, url: "",
                message: "\(path) is not a Shared Data API endpoint; known paths look like /api/study/{studyAccession}, /api/study/arm/{studyAccession}, /result/elisa, /api/lookup/lkSpecies, /api/search/study, /drs/download/{accessMethod}/{fileUUID}")
        }
        return try await request(endpoint, pathParameters: parameters, query: query)
    }

    /// The pages of a study or subject search, from `fromRecord` on (zero-based, as the spec says), de-duplicated by
    /// hit `_id` in case the server counts from one.
    public func search(_ kind: SearchKind, query: [(String, String)] = [], pageSize: Int = 100) -> SharedDataSearch {
        SharedDataSearch(client: self, endpoint: SharedDataEndpointCatalog.endpoint(operation: kind.operation)!, query: query, pageSize: pageSize)
    }

    public enum SearchKind: String, Sendable {
        case study, subject
        var operation: String { self == .study ? "study_search" : "subject_search" }
    }

    /// `/drs/download/{s3|stream}/{fileUUID}`: a time-limited download URL.
    public func downloadURL(fileUUID: String, accessMethod: DRSAccessMethod = .s3) async throws -> DRSDownloadURL {
        let endpoint = SharedDataEndpointCatalog.endpoint(operation: "get_url_from_drs")!
        let response = try await request(endpoint, pathParameters: ["accessMethod": accessMethod.rawValue, "fileUUID": fileUUID])
        let tree = try response.tree()
        guard let url = tree["url"]?.stringValue else {
            throw ImmPortAPIError(
                .invalidResponse, url: response.url,
                message: "no url in the DRS answer (message: \(tree["message"]?.stringValue ?? "none"), status: \(tree["status"]?.numberValue?.text ?? tree["status"]?.stringValue ?? "none"))")
        }
        return DRSDownloadURL(url: url, message: tree["message"]?.stringValue, status: tree["status"]?.numberValue?.intValue)
    }
}

public enum DRSAccessMethod: String, Sendable { case s3, stream }

/// A DRS answer. S3 URLs expire (after 7 days); the URL carries a signature and is redacted in logs.
public struct DRSDownloadURL: Sendable {
    public var url: String
    public var message: String?
    public var status: Int?
}
