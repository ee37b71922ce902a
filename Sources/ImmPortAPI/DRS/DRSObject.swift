import FHIRModel

/// A GA4GH DRS 1.x object (`GET /ga4gh/drs/v1/objects/{id}`): the parts a download needs.
public struct DRSObject: Sendable, Equatable {
    public var id: String
    public var selfURI: String?
    public var size: Int?
    public var name: String?
    /// `type` (lowercased: `md5`, `sha-256`, ...) and the hex digest (lowercased).
    public var checksums: [Checksum]
    public var accessMethods: [AccessMethod]

    public struct Checksum: Sendable, Equatable {
        public var type: String
        public var value: String
    }

    public struct AccessMethod: Sendable, Equatable {
        /// `https`, `s3`, `gs`, ...
        public var type: String
        /// A URL to fetch directly, when the object gives one; else `accessID` is exchanged for one.
        public var url: String?
        /// Headers the URL must be fetched with (`Name: value`).
        public var headers: [String]
        public var accessID: String?
    }

    /// Reads an object; throws naming `source` (a URL without secrets) when `id` is missing.
    public init(json: FHIRElement, source: String) throws {
        guard let id = json["id"]?.stringValue else {
            throw ImmPortAPIError(.invalidResponse, url: source, message: "the DRS object has no id")
        }
        self.id = id
        selfURI = json["self_uri"]?.stringValue
        size = json["size"]?.numberValue?.intValue
        name = json["name"]?.stringValue
        checksums = (json["checksums"]?.arrayValue ?? []).compactMap { item in
            guard let type = item["type"]?.stringValue, let value = item["checksum"]?.stringValue else { return nil }
            return Checksum(type: type.lowercased(), value: value.lowercased())
        }
        accessMethods = (json["access_methods"]?.arrayValue ?? []).compactMap { item in
            guard let type = item["type"]?.stringValue else { return nil }
            return AccessMethod(
                type: type.lowercased(), url: item["access_url"]?["url"]?.stringValue,
                headers: (item["access_url"]?["headers"]?.arrayValue ?? []).compactMap(\.stringValue), accessID: item["access_id"]?.stringValue)
        }
    }

    /// The MD5 among the checksums, if any.
    public var md5: String? { checksums.first { $0.type == "md5" }?.value }
}
