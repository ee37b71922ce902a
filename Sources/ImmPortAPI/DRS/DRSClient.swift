import FHIRModel
import Foundation
import Synchronization

/// Reaches a study's files: the manifest (Shared Data API), GA4GH DRS objects (`/ga4gh/drs/v1/objects/{id}` on the
/// DRS base) and ImmPort's download answers (`/drs/download/{s3|stream}/{fileUUID}` under the Shared Data API).
/// Download URLs are credentials (signed, valid for days): they stay inside `ResolvedDownload`, which never shows
/// them, and no log line, error or file carries one.
public final class DRSClient: Sendable {
    /// The DRS server root (before `/ga4gh/drs/v1`).
    public let base: ServiceBase
    public let sharedData: SharedDataClient
    let transport: HTTPTransport
    /// Set when the DRS server answered 404 to an objects call: ImmPort's own download answers are used from then on,
    /// instead of asking again for every file.
    let objectsUnavailable = Mutex(false)

    public init(base: ServiceBase, sharedData: SharedDataClient, transport: HTTPTransport) {
        self.base = base
        self.sharedData = sharedData
        self.transport = transport
    }

    /// The DRS base from `flag` (`--drs-base`), else `IMMPORT_DRS_BASE`, else a configuration file, else the Shared
    /// Data API's host (scheme, host and port of `sharedData`), which is where ImmPort serves DRS.
    public static func resolveBase(
        flag: String?, configured: ServiceBase.Configured? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, sharedData: ServiceBase
    ) throws -> ServiceBase {
        if (flag ?? "").isEmpty && (environment[ImmPortService.drs.environmentVariable] ?? "").isEmpty,
            let configured, !configured.value.isEmpty
        {
            return try ServiceBase(configured.value, apiKey: sharedData.apiKey, service: .drs, origin: configured.origin)
        }
        if let flag, !flag.isEmpty { return try ServiceBase(flag, apiKey: sharedData.apiKey, service: .drs, origin: ImmPortService.drs.flag) }
        if let value = environment[ImmPortService.drs.environmentVariable], !value.isEmpty {
            return try ServiceBase(value, apiKey: sharedData.apiKey, service: .drs, origin: ImmPortService.drs.environmentVariable)
        }
        guard let components = URLComponents(string: sharedData.url), let scheme = components.scheme, let host = components.host else {
            return try ServiceBase(ImmPortService.drs.defaultBase, apiKey: sharedData.apiKey, service: .drs)
        }
        let port = components.port.map { ":\($0)" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return try ServiceBase("\(scheme)://\(shownHost)\(port)", apiKey: sharedData.apiKey, service: .drs)
    }

    /// The study's files, in the manifest's order.
    public func manifest(study: String) async throws -> [StudyFile] {
        let response = try await sharedData.request(path: "/api/study/manifest/\(study)")
        var files: [StudyFile] = []
        for record in try response.records.all() {
            guard let file = StudyFile(record: record.element) else {
                throw ImmPortAPIError(
                    .invalidResponse, url: response.url, message: "manifest record \(record.index + 1) has no fileAccession or fileName")
            }
            files.append(file)
        }
        return files
    }

    /// `GET {base}/ga4gh/drs/v1/objects/{id}`.
    public func object(id: String) async throws -> DRSObject {
        let url = base.appending("/ga4gh/drs/v1/objects/" + Self.pathSegment(id))
        let shown = transport.redactor.redact(url)
        return try await transport.get(url, bearerToken: base.apiKey?.value) { response in
            try DRSObject(json: try FHIRJSONReader().read(response.body), source: shown)
        }
    }

    /// Resolves `file` to a URL to fetch it from, by `preference`: `auto` asks the DRS server for the object (its
    /// checksums and size, and an access method) and falls back to ImmPort's S3 answer when the server has no
    /// objects endpoint or the object no usable access method; `drs` requires the DRS way; `s3` and `stream` ask
    /// ImmPort's download answer for that method directly.
    public func resolve(_ file: StudyFile, preference: DRSAccessPreference) async throws -> ResolvedDownload {
        guard let id = file.drsID else {
            throw ImmPortAPIError(.invalidArgument, url: "", message: "\(file.accession) (\(file.name)) has no fileUUID: it is not a DRS object")
        }
        switch preference {
        case .s3, .stream:
            return try await immPortDownload(id: id, method: preference == .s3 ? .s3 : .stream, object: nil)
        case .drs, .auto:
            var object: DRSObject?
            if preference == .drs || !objectsUnavailable.withLock({ $0 }) {
                do {
                    object = try await self.object(id: id)
                } catch let error as ImmPortAPIError where error.kind == .notFound && preference == .auto {
                    objectsUnavailable.withLock { $0 = true }
                }
            }
            if let object, let resolved = try await viaAccessMethod(object) { return resolved }
            if preference == .drs {
                throw ImmPortAPIError(.invalidResponse, url: "", message: "DRS object \(id) has no https access method this tool can use")
            }
            return try await immPortDownload(id: id, method: .s3, object: object)
        }
    }

    func immPortDownload(id: String, method: DRSAccessMethod, object: DRSObject?) async throws -> ResolvedDownload {
        let answer = try await sharedData.downloadURL(fileUUID: id, accessMethod: method)
        return ResolvedDownload(url: answer.url, headers: [], sendsKey: mayCarryKey(answer.url), method: "ImmPort \(method.rawValue)", object: object)
    }

    /// The first https access method: its URL, or the URL its `access_id` is exchanged for.
    func viaAccessMethod(_ object: DRSObject) async throws -> ResolvedDownload? {
        guard let method = object.accessMethods.first(where: { $0.type == "https" && ($0.url != nil || $0.accessID != nil) }) else { return nil }
        if let url = method.url {
            return ResolvedDownload(url: url, headers: Self.headerPairs(method.headers), sendsKey: mayCarryKey(url), method: "DRS https", object: object)
        }
        let accessID = method.accessID!
        let url = base.appending("/ga4gh/drs/v1/objects/\(Self.pathSegment(object.id))/access/\(Self.pathSegment(accessID))")
        let shown = transport.redactor.redact(url)
        let (accessURL, headers) = try await transport.get(url, bearerToken: base.apiKey?.value) { response -> (String, [String]) in
            let tree = try FHIRJSONReader().read(response.body)
            guard let accessURL = tree["url"]?.stringValue else {
                throw ImmPortAPIError(.invalidResponse, url: shown, message: "the DRS access answer has no url")
            }
            return (accessURL, (tree["headers"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
        return ResolvedDownload(
            url: accessURL, headers: Self.headerPairs(headers), sendsKey: mayCarryKey(accessURL), method: "DRS \(accessID)", object: object)
    }

    /// The key goes only to ImmPort's own servers (the Shared Data API's or the DRS server's origin), and never with
    /// a presigned URL: that is its own credential (and S3 refuses a request that carries both).
    func mayCarryKey(_ url: String) -> Bool {
        sharedData.base.apiKey != nil && !Self.isPresigned(url) && (sharedData.base.isSameOrigin(as: url) || base.isSameOrigin(as: url))
    }

    /// The URL carries a signature in its query (S3 SigV4 `X-Amz-Signature`, SigV2 `Signature`, GCS `X-Goog-Signature`).
    static func isPresigned(_ url: String) -> Bool {
        guard let query = URLComponents(string: url)?.queryItems else { return false }
        return query.contains { ["x-amz-signature", "signature", "x-goog-signature"].contains($0.name.lowercased()) }
    }

    var apiKey: APIKey? { sharedData.base.apiKey }

    static func headerPairs(_ lines: [String]) -> [(String, String)] {
        lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]).trimmingCharacters(in: .whitespaces), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
    }

    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }
}

/// `files get --access`: how a file is reached.
public enum DRSAccessPreference: String, Sendable, CaseIterable {
    case auto, drs, s3, stream
}

/// Where to fetch one file from. The URL is a credential (a signed URL, or an endpoint the key opens): it is kept
/// here, used by the downloader, and never shown; `description` names only the way it was found.
public struct ResolvedDownload: Sendable, CustomStringConvertible {
    let url: String
    let headers: [(String, String)]
    /// The URL is on ImmPort's own server, so the Bearer key goes with it.
    let sendsKey: Bool
    /// `DRS https`, `DRS s3`, `ImmPort s3`, `ImmPort stream`.
    public let method: String
    /// The DRS object, when the DRS server gave one (its checksums and size are checked too).
    public let object: DRSObject?

    public var description: String { "\(method) download URL (not shown: it is a credential)" }
}
