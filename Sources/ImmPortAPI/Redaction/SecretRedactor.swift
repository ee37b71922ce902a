/// Removes secrets (API keys, bearer tokens, credential-like query parameters) from any text before it is logged,
/// put into an error or written to a report. Every string that leaves the transport passes through here.
public struct SecretRedactor: Sendable {
    public static let placeholder = "[REDACTED]"

    /// Exact secret values known to this process (the API key).
    public private(set) var secrets: [String]

    /// Query parameter names whose values are always hidden, whatever they hold.
    static let sensitiveParameterNames: Set<String> = [
        "api_key", "apikey", "api-key", "key", "token", "access_token", "id_token", "password", "secret",
        "x-amz-signature", "x-amz-credential", "x-amz-security-token",
    ]

    public init(secrets: [String] = []) {
        // Very short "secrets" would blank out ordinary words; keys are long, so ignore anything under 6 characters.
        self.secrets = secrets.filter { $0.count >= 6 }.sorted { $0.count > $1.count }
    }

    public mutating func add(secret: String) {
        guard secret.count >= 6, !secrets.contains(secret) else { return }
        secrets.append(secret)
        secrets.sort { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingAll(secret, with: Self.placeholder)
        }
        result = Self.redactBearerTokens(result)
        result = Self.redactSensitiveQueryValues(result)
        return result
    }

    /// `Bearer abc.def` -> `Bearer [REDACTED]`, for tokens this process never saw (echoed by a proxy, say).
    static func redactBearerTokens(_ text: String) -> String {
        guard text.range(of: "bearer ", options: .caseInsensitive) != nil else { return text }
        var output = ""
        var rest = Substring(text)
        while let range = rest.range(of: "bearer ", options: .caseInsensitive) {
            output += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let tokenEnd = rest.firstIndex { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "," || $0 == "\n" || $0 == "\r" || $0 == "}" } ?? rest.endIndex
            if tokenEnd != rest.startIndex {
                output += placeholder
                rest = rest[tokenEnd...]
            }
        }
        return output + rest
    }

    /// `?api_key=abc&x=1` -> `?api_key=[REDACTED]&x=1`.
    static func redactSensitiveQueryValues(_ text: String) -> String {
        guard text.contains("=") else { return text }
        var output = ""
        var rest = Substring(text)
        while let eq = rest.firstIndex(of: "=") {
            let before = rest[..<eq]
            let nameStart = before.lastIndex { $0 == "?" || $0 == "&" || $0 == " " || $0 == ";" }.map { before.index(after: $0) } ?? before.startIndex
            let name = before[nameStart...].lowercased()
            output += rest[...eq]
            rest = rest[rest.index(after: eq)...]
            if sensitiveParameterNames.contains(name) {
                let valueEnd = rest.firstIndex { $0 == "&" || $0 == " " || $0 == "#" || $0 == "\n" || $0 == "\"" } ?? rest.endIndex
                if valueEnd != rest.startIndex {
                    output += placeholder
                    rest = rest[valueEnd...]
                }
            }
        }
        return output + rest
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var output = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            output += rest[..<range.lowerBound]
            output += replacement
            rest = rest[range.upperBound...]
        }
        return output + rest
    }
}
