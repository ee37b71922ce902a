import Foundation

/// A service's base URL, checked once: an absolute http or https URL with a host, no credentials, query or
/// fragment, trailing slashes removed; and, when the key goes with it, https or a loopback host (127.0.0.0/8, ::1,
/// localhost). Both clients take one, so neither parses or checks a base again.
///
/// The key travels with the base it was checked for: a client cannot be handed a key for a base that may not carry
/// it. (The transport still refuses a key on any request that is not https or loopback: its own last line for
/// redirects and next links.)
public struct ServiceBase: Sendable, CustomStringConvertible {
    /// The base without a trailing slash, e.g. `https://fhir.immport.org/fhir`.
    public let url: String
    /// The key requests to this service may carry.
    public let apiKey: APIKey?

    /// Throws `ImmPortAPIError` (`.invalidArgument` for a malformed base, `.refusedRequest` for a key over plain
    /// http to another machine) naming the base (without secrets) and `origin` (`--fhir-base`, an environment
    /// variable), when given.
    public init(_ text: String, apiKey: APIKey? = nil, service: ImmPortService? = nil, origin: String? = nil) throws {
        let shown = Self.shown(text, key: apiKey)
        let what = (service.map { "the \($0) base" } ?? "the service base") + " \"\(shown)\"" + (origin.map { " (from \($0))" } ?? "")
        func invalid(_ problem: String) -> ImmPortAPIError { ImmPortAPIError(.invalidArgument, url: "", message: "\(what) \(problem)") }

        var base = text
        while base.hasSuffix("/") { base.removeLast() }
        guard !base.contains(where: \.isWhitespace) else { throw invalid("contains white space") }
        guard let components = URLComponents(string: base), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { throw invalid("is not an absolute http(s) URL (like \(ImmPortService.fhir.defaultBase))") }
        guard components.user == nil, components.password == nil else {
            throw invalid("carries credentials; the API key goes in IMMPORT_API_KEY or a key file, never in the URL")
        }
        guard components.query == nil, components.fragment == nil else { throw invalid("has a query or fragment; a base is only scheme, host, port and path") }
        if apiKey != nil, scheme == "http", !EndpointSecurity.isLoopback(host: host) {
            throw ImmPortAPIError(
                .refusedRequest, url: "",
                message: "\(what): refusing to send the API key over plain http to a host that is not this machine; use https")
        }
        url = base
        self.apiKey = apiKey
    }

    /// A base named in a configuration file, with where it was written (`config.yaml:3`).
    public struct Configured: Sendable {
        public var value: String
        public var origin: String
        public init(value: String, origin: String) {
            self.value = value
            self.origin = origin
        }
    }

    /// The base for `service` from, in this order, `flag` (the command line), the service's environment variable,
    /// a configuration file, and ImmPort's public server. Empty values count as not given.
    public static func resolve(
        _ service: ImmPortService, flag: String?, configured: Configured? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, apiKey: APIKey?
    ) throws -> ServiceBase {
        if let flag, !flag.isEmpty { return try ServiceBase(flag, apiKey: apiKey, service: service, origin: service.flag) }
        if let value = environment[service.environmentVariable], !value.isEmpty {
            return try ServiceBase(value, apiKey: apiKey, service: service, origin: service.environmentVariable)
        }
        if let configured, !configured.value.isEmpty {
            return try ServiceBase(configured.value, apiKey: apiKey, service: service, origin: configured.origin)
        }
        return try ServiceBase(service.defaultBase, apiKey: apiKey, service: service)
    }

    /// `url` + `path` (which starts with `/`).
    public func appending(_ path: String) -> String { url + path }

    /// True when `other` is on this base's server (scheme, host and port; loopback names count as one host).
    public func isSameOrigin(as other: String) -> Bool { EndpointSecurity.sameOrigin(other, url) }

    /// True when `otherBase` (an absolute reference's base, say) is this base, up to case of scheme and host and
    /// default ports.
    public func isSameBase(_ otherBase: String) -> Bool {
        var trimmed = otherBase
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard isSameOrigin(as: trimmed), let mine = URLComponents(string: url), let theirs = URLComponents(string: trimmed)
        else { return false }
        return mine.percentEncodedPath == theirs.percentEncodedPath
    }

    public var description: String { url }

    /// The text with the key and any password in its user information (`user:secret@`) removed, for messages.
    static func shown(_ text: String, key: APIKey?) -> String {
        let shown = (key?.redactor ?? SecretRedactor()).redact(text)
        guard let schemeEnd = shown.range(of: "://") else { return shown }
        let authority = shown[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return shown }
        return String(shown[..<shown.index(after: colon)]) + SecretRedactor.placeholder + String(shown[at...])
    }
}
