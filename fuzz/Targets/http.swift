@testable import ImmPortAPI
import NIOHTTP1
@testable import FHIRModel

/// HTTP response handling without sockets: what the transport does with a response once it has arrived (status
/// errors with the body's explanation, Retry-After, redirect targets) and what the FHIR and Shared Data clients do
/// with its body (a searchset page streamed, a Shared Data answer split), for any status, headers and a body cut
/// anywhere. Input: two bytes of status, two of cut position, header lines up to an empty line, then the body.
/// Property: no message made from the response shows the API key.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Array(fuzzBytes(data, size))
    guard input.count >= 4 else { return 0 }
    let status = (Int(input[0]) << 8 | Int(input[1])) % 600
    let cut = Int(input[2]) << 8 | Int(input[3])
    var rest = input[4...]
    var headers = HTTPHeaders()
    while let newline = rest.firstIndex(of: 0x0A) {
        let line = String(decoding: rest[..<newline], as: UTF8.self)
        rest = rest[(newline + 1)...]
        if line.isEmpty || line == "\r" { break }
        // Only what NIO's parser lets through reaches the transport: a token name, a value without CR or LF.
        if let colon = line.firstIndex(of: ":"), isToken(line[..<colon]) {
            let value = String(line[line.index(after: colon)...]).trimmingSpaces
            if !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) { headers.add(name: String(line[..<colon]), value: value) }
        }
    }
    let fullBody = Array(rest)
    for body in [fullBody, Array(fullBody.prefix(cut))] {
        handle(HTTPResponseData(url: url, redactedURL: transport.redactor.redact(url), status: status, headers: headers, body: body, attempts: 1))
    }
    return 0
}

let apiKey = "fuzzSECRETkey0123456789"
let url = "https://www.immport.org/data/query/api/study/arm/SDY1?api_key=\(apiKey)"
let transport = HTTPTransport(redactor: SecretRedactor(secrets: [apiKey]))

func handle(_ response: HTTPResponseData) {
    var messages: [String] = []
    if !(200..<300).contains(response.status) {
        let error = transport.statusError(response, url: response.redactedURL, attempts: 1)
        messages.append(error.description)
    }
    if let retryAfter = response.headers.first(name: "retry-after"), let seconds = RetryPolicy.retryAfterSeconds(retryAfter) {
        require(seconds >= 0 && seconds.isFinite, "Retry-After \(retryAfter) gives \(seconds) s")
    }
    if let location = response.headers.first(name: "location") {
        let target = HTTPTransport.resolve(location, against: url)
        _ = EndpointSecurity.sameOrigin(target, url)
        _ = EndpointSecurity.mayCarryKey(target)
    }
    do {
        let page = try FHIRClient.searchPage(from: response, onNextLink: { _, _ in })
        _ = page.entries.count
    } catch {
        messages.append(transport.redactor.redact("\(error)"))
    }
    do {
        let answer = try SharedDataResponse(checking: response, endpoint: SharedDataEndpointCatalog.all[0])
        if case .failure(let error) = Result(catching: { () throws(ImmPortAPIError) in try answer.records.all() }) {
            messages.append(error.description)
        }
    } catch {
        messages.append(transport.redactor.redact("\(error)"))
    }
    for message in messages {
        require(!message.contains(apiKey), "a message shows the API key: \(message)")
    }
}

/// An HTTP field name (RFC 9110 token).
func isToken(_ name: Substring) -> Bool {
    !name.isEmpty && name.utf8.allSatisfy { byte in
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" || text.last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
