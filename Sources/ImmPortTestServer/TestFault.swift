/// A failure the test server can be told to produce, the way real servers and proxies fail.
public enum TestFault: Sendable, Equatable {
    /// 429 with this `Retry-After` value (seconds or an HTTP-date).
    case tooManyRequests(retryAfter: String)
    /// 503, with an optional `Retry-After`.
    case serviceUnavailable(retryAfter: String?)
    /// Sends the headers and half the body, then drops the connection.
    case resetMidBody
    /// A complete HTTP response whose JSON body is cut in half.
    case truncatedJSON
    /// Answers only after this many seconds.
    case slow(seconds: Double)
    /// Answers a search page with 410 Gone and forgets the search, like HAPI when a search expired.
    case gone
    /// Puts the previous page's entries on this page again.
    case duplicateEntries
    /// Puts the previous page's entries on this page again, each with `meta.versionId` one higher, as if they were
    /// updated while the search was paged.
    case newerVersions
    /// Answers with this status and an OperationOutcome (FHIR) or a Spring-style error (Shared Data).
    case status(Int)
    /// A complete response with one byte of its body changed: a file whose checksum is wrong.
    case corruptBody
    /// The whole body, but `chunkBytes` at a time with `pauseSeconds` after each (a slow download).
    case slowBody(chunkBytes: Int, pauseSeconds: Double)
}

extension TestFault {
    /// The fault's answer takes the place of the real one, which is then not worked out at all.
    var replacesResponse: Bool {
        switch self {
        case .tooManyRequests, .serviceUnavailable, .status: return true
        case .resetMidBody, .truncatedJSON, .slow, .gone, .duplicateEntries, .newerVersions, .corruptBody, .slowBody: return false
        }
    }
}

/// Which requests a fault hits.
public enum FaultTarget: Sendable, Equatable {
    case any
    /// Requests whose path and query contain this text.
    case pathContains(String)
    /// The n-th page (1-based) of any FHIR search: page 1 is the search request itself, later pages are
    /// `_getpages` requests.
    case searchPage(Int)
}

struct FaultRule: Sendable {
    var fault: TestFault
    var target: FaultTarget
    /// How many more requests it hits.
    var remaining: Int
}
