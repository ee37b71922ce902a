import FHIRModel
import Foundation

/// An ImmPort API key and what is known about it. Its `description` never shows the key.
public struct APIKey: Sendable, CustomStringConvertible {
    /// Where keys are created (and re-created when they expire).
    public static let creationPage = "https://www.immport.org/auth/api/keys"
    /// Keys closer than this to expiry draw a warning.
    public static let expiryWarningSeconds: Double = 3 * 24 * 3600

    public let value: String
    public let id: String?
    public let expiresAt: Date?
    /// `IMMPORT_API_KEY` or the key file's path.
    public let source: String

    public init(value: String, id: String? = nil, expiresAt: Date? = nil, source: String) {
        self.value = value
        self.id = id
        self.expiresAt = expiresAt
        self.source = source
    }

    public var description: String {
        var text = "API key"
        if let id { text += " \(id)" }
        text += " from \(source)"
        if let expiresAt { text += ", expires \(ISO8601DateFormatter().string(from: expiresAt))" }
        return text
    }

    /// A redactor that knows this key.
    public var redactor: SecretRedactor { SecretRedactor(secrets: [value]) }

    /// Finds the key: `keyFile` (from `--api-key-file`) first, then `IMMPORT_API_KEY`, then `IMMPORT_API_KEY_FILE`.
    /// Nil when none is configured. Warns through `diagnostics` when the key expires within three days; throws for
    /// an expired key or an unreadable key file.
    public static func resolve(
        keyFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment, now: Date = Date(),
        diagnostics: DiagnosticsCollector? = nil
    ) throws -> APIKey? {
        let key: APIKey
        if let keyFile, !keyFile.isEmpty {
            key = try load(keyFile: keyFile)
        } else if let value = environment["IMMPORT_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            key = APIKey(value: value, source: "IMMPORT_API_KEY")
        } else if let path = environment["IMMPORT_API_KEY_FILE"], !path.isEmpty {
            key = try load(keyFile: path)
        } else {
            return nil
        }
        try key.checkExpiry(now: now, diagnostics: diagnostics)
        return key
    }

    /// Refuses an expired key; warns about one that expires soon.
    public func checkExpiry(now: Date = Date(), diagnostics: DiagnosticsCollector? = nil) throws {
        guard let expiresAt else { return }
        let remaining = expiresAt.timeIntervalSince(now)
        let when = ISO8601DateFormatter().string(from: expiresAt)
        if remaining <= 0 {
            throw ImmPortAPIError(
                .apiKey, url: "",
                message: "the \(self) expired at \(when); create a new key at \(Self.creationPage) and download its key file")
        }
        if remaining < Self.expiryWarningSeconds {
            let hours = Int(remaining / 3600)
            diagnostics?.warning(
                "the API key expires in \(hours) hours (\(when)); create a new one at \(Self.creationPage)", source: source)
        }
    }

    /// Reads ImmPort's key file: JSON `{"id": ..., "api_key": "...", "expires_at": ...}`.
    public static func load(keyFile path: String) throws -> APIKey {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path: path)
        } catch {
            throw ImmPortAPIError(.apiKey, url: "", message: "cannot read the API key file \(path): \(error)")
        }
        let tree: FHIRElement
        do {
            tree = try FHIRJSONReader().read(bytes)
        } catch let error as FHIRJSONError {
            // Only the position: the reason text could quote part of the key.
            throw ImmPortAPIError(
                .apiKey, url: "",
                message: "\(path):\(error.line):\(error.column): not ImmPort's key file JSON {\"id\", \"api_key\", \"expires_at\"}")
        }
        guard case .object(let object) = tree else {
            throw ImmPortAPIError(.apiKey, url: "", message: "\(path): expected a JSON object {\"id\", \"api_key\", \"expires_at\"}, found \(tree.kindName)")
        }
        guard let value = object["api_key"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw ImmPortAPIError(.apiKey, url: "", message: "\(path): no \"api_key\" string in the key file")
        }
        let id = object["id"].flatMap { $0.stringValue ?? $0.numberValue?.text }
        var expiresAt: Date?
        if let raw = object["expires_at"], !raw.isNull {
            guard let date = parseExpiry(raw) else {
                throw ImmPortAPIError(
                    .apiKey, url: "",
                    message: "\(path): \"expires_at\" is neither an ISO 8601 date-time nor epoch seconds")
            }
            expiresAt = date
        }
        return APIKey(value: value, id: id, expiresAt: expiresAt, source: path)
    }

    /// ISO 8601 (with or without fractional seconds or zone; a missing zone means UTC), a date, or epoch seconds
    /// (milliseconds when the number is too large for seconds).
    static func parseExpiry(_ element: FHIRElement) -> Date? {
        if let number = element.numberValue {
            let value = number.doubleValue
            guard value.isFinite else { return nil }
            return Date(timeIntervalSince1970: value > 1e11 ? value / 1000 : value)
        }
        guard var text = element.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text) { return parseExpiry(.number(FHIRNumber(unchecked: String(seconds)))) }
        text = text.replacingOccurrences(of: " ", with: "T")
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        for candidate in [text, text + "Z"] {
            if let date = plain.date(from: candidate) ?? withFraction.date(from: candidate) { return date }
        }
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        return dateOnly.date(from: text)
    }
}

extension APIKey {
    /// `parseExpiry` for a string, exposed for tests.
    public static func parseExpiryForTests(_ text: String) -> Date? { parseExpiry(.string(text)) }
}
