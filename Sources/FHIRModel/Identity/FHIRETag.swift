/// FHIR's version ETags (https://hl7.org/fhir/R5/http.html#versioning): `W/"3"` names `meta.versionId` 3. Read
/// by the clients from responses and `ifMatch`, written by the test server.
public enum FHIRETag {
    /// `W/"3"` for version `3`.
    public static func weak(versionId: String) -> String { "W/\"\(versionId)\"" }

    /// The version an ETag names: `3` from `W/"3"`, `"3"` or `3` (HAPI's transaction responses carry the bare
    /// version).
    public static func versionId(_ etag: String) -> String {
        var text = Substring(etag)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        return String(text)
    }
}
