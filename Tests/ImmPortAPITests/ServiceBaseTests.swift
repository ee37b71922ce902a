import FHIRModel
import ImmPortAPI
import Testing

/// `ServiceBase`: parsed and checked once, resolved from flag, environment and default in one place.
@Suite struct ServiceBaseTests {
    static let key = APIKey(value: "ServiceBaseTestKey-5e6f7a8b9c", source: "test")

    @Test func trailingSlashesAreRemovedAndPathsAppended() throws {
        let base = try ServiceBase("https://fhir.example.org/fhir///")
        #expect(base.url == "https://fhir.example.org/fhir")
        #expect(base.appending("/metadata") == "https://fhir.example.org/fhir/metadata")
        #expect(try ServiceBase("http://127.0.0.1:8080/").url == "http://127.0.0.1:8080")
    }

    @Test(arguments: [
        ("fhir.example.org", "not an absolute http(s) URL"),
        ("ftp://fhir.example.org/fhir", "not an absolute http(s) URL"),
        ("https:///fhir", "not an absolute http(s) URL"),
        ("", "not an absolute http(s) URL"),
        ("https://fhir.example.org/fhir?_format=json", "query or fragment"),
        ("https://fhir.example.org/fhir#top", "query or fragment"),
        ("https://fhir.example.org/ fhir", "white space"),
    ])
    func malformedBasesAreRefusedNamingTheURL(_ text: String, _ problem: String) {
        do {
            _ = try ServiceBase(text, service: .fhir, origin: "--fhir-base")
            Issue.record("accepted \(text)")
        } catch let error as ImmPortAPIError {
            #expect(error.kind == .invalidArgument)
            #expect(error.description.contains("the FHIR base \"\(text)\" (from --fhir-base)"), "\(error)")
            #expect(error.description.contains(problem), "\(error)")
            #expect(!error.description.hasPrefix("GET"), "no request was made")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func credentialsInTheURLAreRefusedAndNotShown() {
        do {
            _ = try ServiceBase("https://alice:hunter2-secret@fhir.example.org/fhir")
            Issue.record("accepted credentials")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("carries credentials") && text.contains("alice:[REDACTED]@fhir.example.org"), "\(text)")
            #expect(!text.contains("hunter2-secret"))
        }
    }

    @Test(arguments: [
        "https://fhir.example.org/fhir", "http://127.0.0.1:8080/fhir", "http://127.255.0.9/fhir", "http://localhost/fhir",
        "http://LOCALHOST:9/fhir", "http://[::1]:8080/fhir", "http://[0:0:0:0:0:0:0:1]/fhir",
    ])
    func aKeyMayGoOverHTTPSAnywhereAndPlainHTTPOnlyToLoopback(_ text: String) throws {
        let base = try ServiceBase(text, apiKey: Self.key)
        #expect(base.apiKey?.value == Self.key.value)
    }

    @Test(arguments: [
        "http://fhir.example.org/fhir", "http://10.0.0.1/fhir", "http://127.example.org/fhir", "http://128.0.0.1/fhir",
        "http://127.0.0.1.example.org/fhir", "http://[::2]/fhir", "http://localhost.example.org/fhir",
    ])
    func aKeyOverPlainHTTPToAnotherMachineIsRefusedOnce(_ text: String) throws {
        // Without a key, the same base is fine: the rule is about the key.
        #expect(try ServiceBase(text).url == text)
        do {
            _ = try ServiceBase(text, apiKey: Self.key)
            Issue.record("accepted the key for \(text)")
        } catch let error as ImmPortAPIError {
            #expect(error.kind == .refusedRequest)
            #expect(error.description.contains(text) && error.description.contains("refusing to send the API key over plain http"))
            #expect(!error.description.contains(Self.key.value))
        }
    }

    @Test func theKeyIsRedactedFromTheBaseInErrors() {
        let text = "http://fhir.example.org/\(Self.key.value)/fhir"
        do {
            _ = try ServiceBase(text, apiKey: Self.key)
            Issue.record("accepted")
        } catch {
            #expect(!String(describing: error).contains(Self.key.value))
            #expect(String(describing: error).contains("[REDACTED]"))
        }
    }

    @Test func flagBeatsEnvironmentBeatsDefault() throws {
        let environment = ["IMMPORT_FHIR_BASE": "https://env.example.org/fhir/", "IMMPORT_SHARED_DATA_BASE": "https://env.example.org/data"]
        #expect(try ServiceBase.resolve(.fhir, flag: "https://flag.example.org/fhir", environment: environment, apiKey: nil).url == "https://flag.example.org/fhir")
        #expect(try ServiceBase.resolve(.fhir, flag: nil, environment: environment, apiKey: nil).url == "https://env.example.org/fhir")
        #expect(try ServiceBase.resolve(.sharedData, flag: nil, environment: environment, apiKey: nil).url == "https://env.example.org/data")
        #expect(try ServiceBase.resolve(.fhir, flag: nil, environment: [:], apiKey: nil).url == "https://fhir.immport.org/fhir")
        #expect(try ServiceBase.resolve(.sharedData, flag: "", environment: ["IMMPORT_SHARED_DATA_BASE": ""], apiKey: nil).url == "https://www.immport.org/data/query")
        do {
            _ = try ServiceBase.resolve(.sharedData, flag: nil, environment: ["IMMPORT_SHARED_DATA_BASE": "www.immport.org"], apiKey: nil)
            Issue.record("accepted")
        } catch {
            #expect(String(describing: error).contains("the Shared Data base \"www.immport.org\" (from IMMPORT_SHARED_DATA_BASE)"))
        }
    }

    @Test func sameOriginAndSameBase() throws {
        let base = try ServiceBase("http://127.0.0.1:8080/fhir")
        #expect(base.isSameOrigin(as: "http://localhost:8080/fhir?_getpages=1"))
        #expect(!base.isSameOrigin(as: "http://127.0.0.1:8081/fhir"))
        #expect(!base.isSameOrigin(as: "https://127.0.0.1:8080/fhir"))
        #expect(base.isSameBase("http://127.0.0.1:8080/fhir/"))
        #expect(base.isSameBase("HTTP://LOCALHOST:8080/fhir"))
        #expect(!base.isSameBase("http://127.0.0.1:8080/other"))
        #expect(try ServiceBase("https://FHIR.example.org/fhir").isSameBase("https://fhir.example.org:443/fhir"))
    }
}
