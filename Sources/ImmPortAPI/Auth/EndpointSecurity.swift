import Foundation

/// Where a request may go, and whether it may carry the API key.
public enum EndpointSecurity {
    /// Scheme, lowercased host and port of an absolute http(s) URL, or nil when it is not one.
    public static func origin(of url: String) -> (scheme: String, host: String, port: Int)? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty
        else { return nil }
        let port = parsed.port ?? (scheme == "https" ? 443 : 80)
        return (scheme, host.lowercased(), port)
    }

    public static func isLoopback(host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.") || bare.hasSuffix(".localhost")
    }

    /// A key may travel over https anywhere, and over plain http only to this machine.
    public static func mayCarryKey(_ url: String) -> Bool {
        guard let origin = origin(of: url) else { return false }
        return origin.scheme == "https" || isLoopback(host: origin.host)
    }

    public static func sameOrigin(_ a: String, _ b: String) -> Bool {
        guard let x = origin(of: a), let y = origin(of: b) else { return false }
        // Servers on this machine name themselves localhost or 127.0.0.1 interchangeably in their links.
        let sameHost = x.host == y.host || (isLoopback(host: x.host) && isLoopback(host: y.host))
        return x.scheme == y.scheme && sameHost && x.port == y.port
    }
}
