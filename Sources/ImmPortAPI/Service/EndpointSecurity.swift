import Foundation

/// Where a request may go, and whether it may carry the API key: over https anywhere, over plain http only to this
/// machine (127.0.0.0/8, ::1, localhost).
public enum EndpointSecurity {
    /// Scheme, lowercased host and port of an absolute http(s) URL, or nil when it is not one.
    public static func origin(of url: String) -> (scheme: String, host: String, port: Int)? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty
        else { return nil }
        let port = parsed.port ?? (scheme == "https" ? 443 : 80)
        return (scheme, host.lowercased(), port)
    }

    /// `localhost`, an IPv4 address in 127.0.0.0/8, or the IPv6 loopback `::1` (bracketed or not, in any of its
    /// spellings). Names that merely start with `127.` are not loopback.
    public static func isLoopback(host: String) -> Bool {
        var bare = Substring(host.lowercased())
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
        if bare.hasSuffix("."), !bare.contains(":") { bare = bare.dropLast() }  // `localhost.` is fully qualified
        if bare == "localhost" { return true }
        if bare.contains(":") { return isIPv6Loopback(bare) }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) }),
            octets.allSatisfy({ Int($0)! <= 255 })
        else { return false }
        return octets[0] == "127"
    }

    /// `::1`, `0:0:0:0:0:0:0:1`, `0000::0001` and the like: seven zero groups, then 1.
    static func isIPv6Loopback(_ text: Substring) -> Bool {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ part: String) -> [Int]? {
            if part.isEmpty { return [] }
            var values: [Int] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = Int(group, radix: 16) else { return nil }
                values.append(value)
            }
            return values
        }
        guard let head = groups(halves[0]) else { return false }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return false }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        return all.count == 8 && all.dropLast().allSatisfy { $0 == 0 } && all.last == 1
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

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
