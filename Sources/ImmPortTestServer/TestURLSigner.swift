import Foundation

/// Makes and checks URLs signed in the style of S3's presigned URLs (`X-Amz-Date`, `X-Amz-Expires`,
/// `X-Amz-Signature`, ...). The signature is a keyed hash of the path, date and lifetime under a secret drawn when the
/// server starts, so a URL is valid only on the server that issued it, only unchanged, and only until it expires.
/// Not cryptography: a stand-in that makes a client treat the URL as a secret that goes stale.
struct TestURLSigner: Sendable {
    let secret = UInt64.random(in: 1...UInt64.max)

    enum Verdict: Equatable {
        case valid
        case expired
        case badSignature
    }

    /// `path` with the signed query; valid for `lifetime` seconds from `now`.
    func sign(path: String, lifetime: Int, now: Date = Date()) -> String {
        let date = Self.format(now)
        let query = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "SYNTHETICKEYID%2F\(date.prefix(8))%2Fus-east-1%2Fs3%2Faws4_request"),
            ("X-Amz-Date", date), ("X-Amz-Expires", String(lifetime)), ("X-Amz-SignedHeaders", "host"),
            ("X-Amz-Signature", signature(path: path, date: date, lifetime: lifetime)),
        ]
        return path + "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    func verify(path: String, query: [(String, String)], now: Date = Date()) -> Verdict {
        func value(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
        guard let date = value("X-Amz-Date"), let lifetimeText = value("X-Amz-Expires"), let lifetime = Int(lifetimeText),
            let sent = value("X-Amz-Signature"), sent == signature(path: path, date: date, lifetime: lifetime),
            let issued = Self.parse(date)
        else { return .badSignature }
        return now.timeIntervalSince(issued) > Double(lifetime) ? .expired : .valid
    }

    /// 64 hex digits, like SigV4's.
    func signature(path: String, date: String, lifetime: Int) -> String {
        let text = Array("\(path)\n\(date)\n\(lifetime)".utf8)
        return (0..<4).map { round -> String in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ secret &+ UInt64(round) &* 0x9e37_79b9_7f4a_7c15
            for byte in text {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            let hex = String(hash, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    static func format(_ date: Date) -> String { formatter().string(from: date) }
    static func parse(_ text: String) -> Date? { formatter().date(from: text) }

    private static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter
    }
}
