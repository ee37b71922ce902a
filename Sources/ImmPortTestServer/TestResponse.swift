import NIOHTTP1

/// What the server answers, and how it delivers it.
struct TestResponse: Sendable {
    enum Delivery: Sendable, Equatable {
        case normal
        /// Announces the whole body, sends part of it, then closes the connection.
        case resetAfter(bytes: Int)
        /// Sends the body a chunk at a time, pausing after each.
        case trickle(chunkBytes: Int, pauseSeconds: Double)
    }

    var status: HTTPResponseStatus
    var headers: [(String, String)]
    var body: [UInt8]
    var delivery: Delivery = .normal
    /// Seconds to wait before answering.
    var delay: Double = 0

    init(status: HTTPResponseStatus, contentType: String, body: [UInt8], headers: [(String, String)] = []) {
        self.status = status
        self.headers = [("Content-Type", contentType)] + headers
        self.body = body
    }

    static func json(_ status: HTTPResponseStatus, _ body: [UInt8], fhir: Bool) -> TestResponse {
        TestResponse(status: status, contentType: fhir ? "application/fhir+json;charset=utf-8" : "application/json", body: body)
    }

    static func text(_ status: HTTPResponseStatus, _ text: String) -> TestResponse {
        TestResponse(status: status, contentType: "text/plain;charset=utf-8", body: Array(text.utf8))
    }
}

/// The parts of a request the routes need.
struct TestRequest: Sendable {
    var method: HTTPMethod
    /// Path without the query, percent-decoded.
    var path: String
    /// Query parameters in order, percent-decoded (repeats kept).
    var query: [(String, String)]
    var uri: String
    var headers: HTTPHeaders
    /// The request body, whole; empty when there was none or when it exceeded the server's limit.
    var body: [UInt8]
    /// The body was larger than `Configuration.maxRequestBodyBytes` and was dropped unread (answered 413).
    var bodyTooLarge: Bool

    init(head: HTTPRequestHead, body: [UInt8] = [], bodyTooLarge: Bool = false) {
        method = head.method
        uri = head.uri
        headers = head.headers
        self.body = body
        self.bodyTooLarge = bodyTooLarge
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = Self.decode(String(parts[0]))
        query = parts.count > 1 ? Self.parseQuery(parts[1]) : []
    }

    /// `a=1&b=x%7Cy` as percent-decoded pairs in order (repeats kept).
    static func parseQuery(_ text: Substring) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(String(kv[0])), kv.count > 1 ? decode(String(kv[1])) : "")
        }
    }

    func values(_ name: String) -> [String] { query.filter { $0.0 == name }.map(\.1) }
    func value(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
