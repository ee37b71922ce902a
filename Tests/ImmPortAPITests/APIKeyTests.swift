import FHIRModel
import Foundation
import ImmPortAPI
import Testing

@Suite struct APIKeyTests {
    func writeKeyFile(_ json: String) throws -> String {
        let path = NSTemporaryDirectory() + "immport-key-\(UUID().uuidString).json"
        try json.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @Test func readsTheKeyFileAndWarnsWhenItExpiresSoon() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let soon = ISO8601DateFormatter().string(from: now.addingTimeInterval(2 * 24 * 3600))
        let path = try writeKeyFile(#"{"id": 42, "api_key": "\#(Harness.secretKey)", "expires_at": "\#(soon)"}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let diagnostics = DiagnosticsCollector()
        let key = try #require(try APIKey.resolve(keyFile: path, environment: [:], now: now, diagnostics: diagnostics))
        #expect(key.value == Harness.secretKey && key.id == "42")
        #expect(diagnostics.diagnostics.count == 1)
        #expect(diagnostics.diagnostics.first?.message.contains("expires in 48 hours") == true)
        #expect(!key.description.contains(Harness.secretKey))
        let later = try #require(try APIKey.resolve(keyFile: path, environment: [:], now: now.addingTimeInterval(-30 * 24 * 3600), diagnostics: DiagnosticsCollector()))
        #expect(later.expiresAt != nil)
    }

    @Test func refusesAnExpiredKeySayingWhereToCreateOne() throws {
        let path = try writeKeyFile(#"{"id": "k1", "api_key": "\#(Harness.secretKey)", "expires_at": 1700000000}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try APIKey.resolve(keyFile: nil, environment: ["IMMPORT_API_KEY_FILE": path], now: Date(timeIntervalSince1970: 1_800_000_000))
            Issue.record("expected an expired-key error")
        } catch let error as ImmPortAPIError {
            let text = checkedText(error)
            #expect(error.kind == .apiKey)
            #expect(text.contains("expired") && text.contains("https://www.immport.org/auth/api/keys"))
        }
    }

    @Test func precedenceAndBadFiles() throws {
        let path = try writeKeyFile(#"{"api_key": "from-the-file-123456", "expires_at": null}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = ["IMMPORT_API_KEY": "from-the-environment", "IMMPORT_API_KEY_FILE": path]
        let fromFile = try APIKey.resolve(keyFile: path, environment: environment)
        let fromEnvironment = try APIKey.resolve(keyFile: nil, environment: environment)
        let none = try APIKey.resolve(keyFile: nil, environment: [:])
        #expect(fromFile?.value == "from-the-file-123456")
        #expect(fromEnvironment?.value == "from-the-environment")
        #expect(none == nil)
        let broken = try writeKeyFile(#"{"api_key": "\#(Harness.secretKey)", "expires_at": "next tuesday"}"#)
        defer { try? FileManager.default.removeItem(atPath: broken) }
        do {
            _ = try APIKey.load(keyFile: broken)
            Issue.record("expected a bad expires_at to be refused")
        } catch {
            let text = checkedText(error)
            #expect(text.contains(broken) && text.contains("expires_at"))
        }
        let notJSON = try writeKeyFile("\(Harness.secretKey)\n")
        defer { try? FileManager.default.removeItem(atPath: notJSON) }
        do {
            _ = try APIKey.load(keyFile: notJSON)
            Issue.record("expected a file that is not JSON to be refused")
        } catch {
            #expect(checkedText(error).contains("not ImmPort's key file JSON"))
        }
        #expect(throws: ImmPortAPIError.self) { try APIKey.load(keyFile: "/nonexistent/key.json") }
    }

    @Test func parsesExpiryForms() {
        #expect(APIKey.parseExpiryForTests("2030-01-02T03:04:05Z") != nil)
        #expect(APIKey.parseExpiryForTests("2030-01-02T03:04:05.123+02:00") != nil)
        #expect(APIKey.parseExpiryForTests("2030-01-02 03:04:05") != nil)
        #expect(APIKey.parseExpiryForTests("2030-01-02") != nil)
        #expect(APIKey.parseExpiryForTests("garbage") == nil)
    }
}
