import FHIRModel

/// ImmPort's public gene-list folder (`https://s3.immport.org/release/genelists/current/`) on loopback, under
/// `/release/genelists/current/`, from a folder of files (Fixtures/genelists). No key: the folder is public.
struct GeneListRoutes: Sendable {
    static let prefix = "/release/genelists/current/"
    let directory: String

    func respond(to request: TestRequest) -> TestResponse {
        let name = String(request.path.dropFirst(Self.prefix.count))
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), let bytes = try? FileBytes.read(path: directory + "/" + name) else {
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
            return TestResponse(status: .notFound, contentType: "application/xml", body: Array(xml.utf8))
        }
        let type = name.hasSuffix(".json") ? "application/json" : "text/plain"
        return TestResponse(status: .ok, contentType: type, body: bytes)
    }
}
