import FHIRModel
import Foundation
import NIOHTTP1

/// ImmPort's ways to a study file, on loopback: GA4GH DRS 1.x objects (`/ga4gh/drs/v1/objects/{id}` and
/// `/access/{access_id}`), ImmPort's download answer (`/data/query/drs/download/{s3|stream}/{fileUUID}`:
/// `{message, url, status}`), the streaming endpoint it points to (`/data/query/drs/stream/{fileUUID}`, Bearer key)
/// and an S3-like bucket (`/s3/immport-synthetic/{fileUUID}/{fileName}`) whose URLs are signed and expire.
/// File bodies honour `Range` (206, `Content-Range`; 416 past the end).
struct DRSRoutes: Sendable {
    static let objectsPrefix = "/ga4gh/drs/v1/objects/"
    static let bucketPrefix = "/s3/immport-synthetic/"

    let catalog: StudyFileCatalog
    let signer = TestURLSigner()
    let configuration: ImmPortTestServer.Configuration

    init(configuration: ImmPortTestServer.Configuration) {
        self.configuration = configuration
        catalog = StudyFileCatalog(sharedDataDirectory: configuration.sharedDataDirectory, filesDirectory: configuration.filesDirectory)
    }

    // MARK: ImmPort's Shared Data side (the key was checked by SharedDataRoutes)

    /// `path` is what follows `/data/query`: `/drs/download/{method}/{uuid}` or `/drs/stream/{uuid}`.
    func sharedData(_ request: TestRequest, path: String, baseURL: String, springError: (Int, String, String) -> TestResponse) -> TestResponse {
        let parts = path.split(separator: "/").map(String.init)
        if parts.count == 3, parts[1] == "stream" {
            guard let entry = catalog[parts[2]] else { return springError(404, "Not Found", "No DRS object \(parts[2])") }
            return file(entry, request: request)
        }
        guard parts.count == 4, parts[1] == "download", parts[2] == "s3" || parts[2] == "stream" else {
            return springError(400, "Bad Request", "expected /drs/download/{s3|stream}/{fileUUID}")
        }
        guard let entry = catalog[parts[3]] else { return springError(404, "Not Found", "No DRS object \(parts[3])") }
        let body: FHIRElement = ["message": "Success", "url": .string(accessURL(entry, method: parts[2], baseURL: baseURL)), "status": 200]
        return TestResponse.json(.ok, FHIRJSONWriter().write(body), fhir: false)
    }

    func accessURL(_ entry: StudyFileCatalog.Entry, method: String, baseURL: String) -> String {
        if method == "stream" { return baseURL + "/data/query/drs/stream/" + entry.uuid }
        return baseURL + signer.sign(path: Self.bucketPrefix + entry.uuid + "/" + entry.name, lifetime: configuration.signedURLLifetimeSeconds)
    }

    // MARK: GA4GH DRS

    func objects(_ request: TestRequest, baseURL: String) -> TestResponse {
        if let required = configuration.requiredAPIKey, request.headers.first(name: "authorization") != "Bearer \(required)" {
            return drsError(401, "no or wrong bearer token")
        }
        let parts = request.path.dropFirst(Self.objectsPrefix.count).split(separator: "/").map(String.init)
        guard let id = parts.first, let entry = catalog[id] else { return drsError(404, "no DRS object \(parts.first ?? "")") }
        if parts.count == 1 {
            let host = baseURL.replacingOccurrences(of: "http://", with: "")
            var members: [(String, FHIRElement)] = [
                ("id", .string(id)), ("self_uri", .string("drs://\(host)/\(id)")), ("size", .number(FHIRNumber(entry.size))),
                ("created_time", "2025-07-01T00:00:00Z"), ("name", .string(entry.name)),
            ]
            if let md5 = entry.md5 { members.append(("checksums", [["checksum": .string(md5), "type": "md5"]])) }
            members.append(("access_methods", [["type": "https", "access_id": "s3"], ["type": "https", "access_id": "stream"]]))
            var object = FHIRObject()
            for (key, value) in members { object[key] = value }
            return TestResponse.json(.ok, FHIRJSONWriter().write(.object(object)), fhir: false)
        }
        guard parts.count == 3, parts[1] == "access", parts[2] == "s3" || parts[2] == "stream" else {
            return drsError(404, "no such access method")
        }
        let body: FHIRElement = ["url": .string(accessURL(entry, method: parts[2], baseURL: baseURL))]
        return TestResponse.json(.ok, FHIRJSONWriter().write(body), fhir: false)
    }

    func drsError(_ status: Int, _ message: String) -> TestResponse {
        TestResponse.json(
            HTTPResponseStatus(statusCode: status),
            FHIRJSONWriter().write(["msg": .string(message), "status_code": .number(FHIRNumber(status))]), fhir: false)
    }

    // MARK: The S3-like bucket

    func bucket(_ request: TestRequest) -> TestResponse {
        // S3 refuses a request that carries both a presigned query and an Authorization header.
        if request.headers.first(name: "authorization") != nil {
            return s3Error(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
        }
        switch signer.verify(path: request.path, query: request.query) {
        case .badSignature:
            return s3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
        case .expired:
            return s3Error(403, "AccessDenied", "Request has expired")
        case .valid:
            break
        }
        let parts = request.path.dropFirst(Self.bucketPrefix.count).split(separator: "/", maxSplits: 1).map(String.init)
        guard let uuid = parts.first, let entry = catalog[uuid] else { return s3Error(404, "NoSuchKey", "The specified key does not exist.") }
        return file(entry, request: request)
    }

    func s3Error(_ status: Int, _ code: String, _ message: String) -> TestResponse {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message><RequestId>SYNTHETIC</RequestId></Error>"
        return TestResponse(status: HTTPResponseStatus(statusCode: status), contentType: "application/xml", body: Array(xml.utf8))
    }

    /// The file's bytes, or the part `Range: bytes=a-b` (also `a-` and `-n`) asks for.
    func file(_ entry: StudyFileCatalog.Entry, request: TestRequest) -> TestResponse {
        guard let bytes = catalog.bytes(of: entry) else { return s3Error(404, "NoSuchKey", "The file of \(entry.uuid) is not in the files folder.") }
        var headers: [(String, String)] = [("Accept-Ranges", "bytes")]
        if let md5 = entry.md5 { headers.append(("ETag", "\"\(md5)\"")) }
        guard let range = request.headers.first(name: "range") else {
            return TestResponse(status: .ok, contentType: "application/octet-stream", body: bytes, headers: headers)
        }
        guard let (start, end) = Self.parseRange(range, size: bytes.count) else {
            var response = s3Error(416, "InvalidRange", "The requested range is not satisfiable")
            response.headers.append(("Content-Range", "bytes */\(bytes.count)"))
            return response
        }
        headers.append(("Content-Range", "bytes \(start)-\(end)/\(bytes.count)"))
        return TestResponse(status: .partialContent, contentType: "application/octet-stream", body: Array(bytes[start...end]), headers: headers)
    }

    /// First and last byte (inclusive), or nil when the range is unsatisfiable or not understood.
    static func parseRange(_ header: String, size: Int) -> (Int, Int)? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes="), !text.contains(",") else { return nil }
        let spec = text.dropFirst("bytes=".count).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        if spec[0].isEmpty {
            guard let suffix = Int(spec[1]), suffix > 0, size > 0 else { return nil }
            return (max(0, size - suffix), size - 1)
        }
        guard let start = Int(spec[0]), start < size else { return nil }
        let end = spec[1].isEmpty ? size - 1 : min(Int(spec[1]) ?? -1, size - 1)
        return end >= start ? (start, end) : nil
    }
}
