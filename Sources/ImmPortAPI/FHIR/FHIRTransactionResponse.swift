import FHIRModel

/// A `transaction-response` or `batch-response` Bundle read entry by entry: what the server did with each request
/// entry, in request order, and the counts a push reports.
public struct FHIRTransactionResponse: Sendable {
    /// What one request entry came to.
    public enum Disposition: Sendable, Equatable {
        /// `201 Created`.
        case created
        /// A 2xx that wrote a new version (or that a server without HAPI's storage codes did not qualify).
        case updated
        /// A 2xx that wrote nothing: an update with no change, or a conditional create that found its resource.
        /// Known only from HAPI's storage response codes (`SUCCESSFUL_UPDATE_NO_CHANGE`, ...).
        case unchanged
        /// A 4xx or 5xx (in a batch; a failed transaction is an error, not a response).
        case failed
    }

    public struct Entry: Sendable {
        /// `response.status` as sent (`201 Created`).
        public var status: String
        /// Its code (`201`), nil when it does not start with one.
        public var statusCode: Int?
        /// The resource `response.location` names (`Patient/p1/_history/2` -> `Patient/p1`).
        public var key: FHIRResourceKey?
        /// The version from `response.location`, else from `response.etag` (`W/"2"` or `2`: HAPI sends the
        /// bare version in transaction responses).
        public var versionId: String?
        /// HAPI's storage response code from `response.outcome`, when the server sends one.
        public var storageCode: String?
        public var outcome: FHIRElement?
        public var disposition: Disposition
    }

    public static let storageResponseCodeSystem = "https://hapifhir.io/fhir/CodeSystem/hapi-fhir-storage-response-code"

    public var entries: [Entry]

    public init(_ bundle: FHIRElement) {
        entries = (bundle["entry"]?.arrayValue ?? []).map { entry in
            let response = entry["response"]
            let status = response?["status"]?.stringValue ?? ""
            let statusCode = Int(status.prefix { $0.isASCII && $0.isNumber })
            let location = response?["location"]?.stringValue.map(FHIRReference.init(parsing:))
            let outcome = response?["outcome"]
            let storageCode = (outcome?["issue"]?.arrayValue ?? []).lazy
                .flatMap { $0["details"]?["coding"]?.arrayValue ?? [] }
                .first { $0["system"]?.stringValue == Self.storageResponseCodeSystem }?["code"]?.stringValue
            let disposition: Disposition
            switch statusCode {
            case 201?:
                disposition = .created
            case (200..<300)? where storageCode.map(Self.wroteNothing) ?? false:
                disposition = .unchanged
            case (200..<300)?:
                disposition = .updated
            default:
                disposition = .failed
            }
            return Entry(
                status: status, statusCode: statusCode, key: location?.resourceKey,
                versionId: location?.version ?? response?["etag"]?.stringValue.map(FHIRETag.versionId),
                storageCode: storageCode, outcome: outcome, disposition: disposition)
        }
    }

    public var created: Int { entries.count { $0.disposition == .created } }
    public var updated: Int { entries.count { $0.disposition == .updated } }
    public var unchanged: Int { entries.count { $0.disposition == .unchanged } }
    public var failed: Int { entries.count { $0.disposition == .failed } }

    static func wroteNothing(_ code: String) -> Bool {
        code.hasSuffix("_NO_CHANGE") || code == "SUCCESSFUL_CREATE_WITH_CONDITIONAL_MATCH"
    }
}
