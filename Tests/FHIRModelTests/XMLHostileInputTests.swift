import Foundation
import Testing
@testable import FHIRModel

/// Hostile and broken FHIR XML: each must end in a clear error with line:column, never a crash, a file read or a
/// network connection. The inputs are written here (synthetic, for these tests only).
@Suite(.serialized) struct XMLHostileInputTests {
    static let open = #"<Patient xmlns="http://hl7.org/fhir">"#

    func error(_ text: String, strict: Bool = true) -> FHIRXMLError? {
        do {
            _ = try FHIRXMLReader(options: .init(source: "hostile.xml", strictOrder: strict)).read(text)
            return nil
        } catch let error as FHIRXMLError {
            return error
        } catch {
            Issue.record("unexpected error type \(type(of: error)): \(error)")
            return nil
        }
    }

    func error(bytes: [UInt8]) -> FHIRXMLError? {
        do {
            _ = try FHIRXMLReader(options: .init(source: "hostile.xml")).read(bytes)
            return nil
        } catch let error as FHIRXMLError {
            return error
        } catch {
            return nil
        }
    }

    /// A file with a marker only an XXE could leak.
    func secretFile() throws -> String {
        let path = NSTemporaryDirectory() + "immport-xxe-secret-\(getpid())"
        try Data("TOP-SECRET-XXE-MARKER".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func xxeFileEntityIsRefusedWithoutReadingTheFile() throws {
        let secret = try secretFile()
        defer { try? FileManager.default.removeItem(atPath: secret) }
        let loadsBefore = XMLHardening.refusedExternalLoads.load(ordering: .relaxed)
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file://\(secret)">]>
            \(Self.open)<id value="&xxe;"/></Patient>
            """
        let failure = try #require(error(text))
        #expect(failure.reason == .doctypeForbidden)
        #expect(failure.line == 2 && failure.column == 1)
        #expect(!failure.description.contains("TOP-SECRET"))
        #expect(failure.description.hasPrefix("hostile.xml:2:1: DOCTYPE declarations are not allowed"))
        #expect(XMLHardening.refusedExternalLoads.load(ordering: .relaxed) == loadsBefore)
    }

    /// With the prolog check off, libxml2's reader still never substitutes the entity nor reads the file: the
    /// DOCTYPE node is refused, and the entity loader (which refuses everything) is not even asked.
    @Test func xxeIsRefusedByTheReaderLayerToo() throws {
        let secret = try secretFile()
        defer { try? FileManager.default.removeItem(atPath: secret) }
        var text = """
            <!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file://\(secret)">]>
            \(Self.open)<id value="&xxe;"/></Patient>
            """
        var values: [String] = []
        var failure: FHIRXMLError?
        text.withUTF8 { utf8 in
            do {
                let reader = try XMLStreamReader(
                    memory: UnsafeRawBufferPointer(utf8), source: "x", maxDepth: 64, maxBytes: 1 << 20, prologCheck: false)
                while try reader.read() { values.append(reader.value ?? "") }
            } catch let error as FHIRXMLError {
                failure = error
            } catch {}
        }
        let reason = try #require(failure?.reason)
        #expect(reason == .doctypeForbidden || { if case .malformed = reason { return true } else { return false } }())
        #expect(!values.joined().contains("TOP-SECRET"))
    }

    @Test func networkEntitiesAndExternalDTDsMakeNoConnection() throws {
        let listener = try LoopbackListener()
        let url = "http://127.0.0.1:\(listener.port)/evil"
        let inputs = [
            "<!DOCTYPE Patient [<!ENTITY e SYSTEM \"\(url).ent\">]>\(Self.open)<id value=\"&e;\"/></Patient>",
            "<!DOCTYPE Patient SYSTEM \"\(url).dtd\">\(Self.open)<id value=\"x\"/></Patient>",
            "<!DOCTYPE Patient [<!ENTITY % p SYSTEM \"\(url).pe\"> %p;]>\(Self.open)</Patient>",
            "\(Self.open)<text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"\(url).inc\"/></div></text></Patient>",
        ]
        for input in inputs {
            #expect(error(input) != nil, "accepted: \(input)")
        }
        #expect(listener.acceptedConnections() == 0)
    }

    @Test func billionLaughsIsRefusedNotExpanded() throws {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            text += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">\n"
        }
        text += "]>\n\(Self.open)<id value=\"&lol9;\"/></Patient>"
        let failure = try #require(error(text))
        #expect(failure.reason == .doctypeForbidden)
        #expect(failure.line == 2)
    }

    @Test func deepNestingIsBoundedWithoutCrashing() throws {
        let depth = 100_000
        var text = Self.open + "<extension url=\"u\">"
        text += String(repeating: "<extension url=\"u\">", count: depth)
        text += String(repeating: "</extension>", count: depth + 1) + "</Patient>"
        let failure = try #require(error(text))
        switch failure.reason {
        case .tooDeep, .malformed: break
        default: Issue.record("unexpected reason \(failure)")
        }
        #expect(failure.line == 1 && failure.column > 1)
    }

    @Test func invalidUTF8IsALocatedError() throws {
        var bytes = Array("\(Self.open)\n  <name>\n    <family value=\"".utf8)
        bytes += [0xC3, 0x28]  // a lead byte followed by a non-continuation byte
        bytes += Array("\"/>\n  </name>\n</Patient>".utf8)
        let failure = try #require(error(bytes: bytes))
        guard case .malformed(let message) = failure.reason else { Issue.record("\(failure)"); return }
        #expect(message.contains("UTF-8"))
        #expect(failure.line == 3 && failure.column > 0)
    }

    @Test func unknownElementNamesItsPlace() throws {
        let failure = try #require(error("\(Self.open)\n  <id value=\"1\"/>\n  <favouriteColour value=\"blue\"/>\n</Patient>"))
        #expect(failure.reason == .unknownElement("favouriteColour", parent: "Patient"))
        #expect(failure.line == 3 && failure.column == 3)
        #expect(failure.description == "hostile.xml:3:3: unknown element <favouriteColour> in Patient")
    }

    @Test func elementsOutOfOrderAreRefusedOrReorderedOnRequest() throws {
        let text = "\(Self.open)<gender value=\"male\"/><name><family value=\"Doe\"/></name></Patient>"
        let failure = try #require(error(text))
        #expect(failure.reason == .outOfOrder("name", after: "gender", parent: "Patient"))
        #expect(failure.line == 1 && failure.column == 60)
        let diagnostics = DiagnosticsCollector()
        let lenient = try FHIRXMLReader(options: .init(strictOrder: false, diagnostics: diagnostics)).read(text)
        #expect(lenient.objectValue?.keys == ["resourceType", "name", "gender"])
        #expect(diagnostics.diagnostics.count == 1)
    }

    @Test func textWhereAValueAttributeBelongs() throws {
        let failure = try #require(error("\(Self.open)\n<gender>male</gender></Patient>"))
        #expect(failure.reason == .textContent(element: "gender"))
        #expect(failure.line == 2)
        let inComplex = try #require(error("\(Self.open)<name>John Doe</name></Patient>"))
        #expect(inComplex.reason == .textContent(element: "name"))
    }

    @Test func valuesThatAreNotTheirType() throws {
        #expect(error("\(Self.open)<active value=\"yes\"/></Patient>")?.reason
            == .invalidValue(element: "active", value: "yes", expected: "boolean (true or false)"))
        let observation = #"<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="x"/></code>"#
        #expect(error("\(observation)<valueQuantity><value value=\"1,5\"/></valueQuantity></Observation>")?.reason
            == .invalidValue(element: "value", value: "1,5", expected: "decimal"))
        #expect(error("\(observation)<valueInteger value=\"+5\"/></Observation>")?.reason
            == .invalidValue(element: "valueInteger", value: "+5", expected: "integer"))
        #expect(error("\(Self.open)<gender/></Patient>")?.reason == .missingValue(element: "gender"))
    }

    @Test func structuralMistakes() throws {
        #expect(error("<Patient><id value=\"1\"/></Patient>")?.reason == .wrongNamespace(element: "Patient", namespace: "(none)"))
        #expect(error("<HumanName xmlns=\"http://hl7.org/fhir\"/>")?.reason == .notAResource("HumanName"))
        #expect(error("\(Self.open)<gender value=\"male\"/><gender value=\"female\"/></Patient>")?.reason
            == .repeated("gender", parent: "Patient"))
        #expect(error("\(Self.open)<gender value=\"male\" colour=\"red\"/></Patient>")?.reason
            == .unknownAttribute("colour", element: "gender"))
        #expect(error("\(Self.open)<contained><Patient/><Patient/></contained></Patient>")?.reason
            == .expectedResource(element: "contained"))
        #expect(error("\(Self.open)<text><status value=\"generated\"/><div>plain</div></text></Patient>")?.reason
            == .invalidXHTML("<div> must be in the XHTML namespace http://www.w3.org/1999/xhtml"))
        for broken in ["", "   ", "\(Self.open)<id value=\"1\"/>", "\(Self.open)</Patient><Patient/>", "\(Self.open)<id value=\"&nbsp;\"/></Patient>"] {
            guard case .malformed? = error(broken)?.reason else {
                Issue.record("not refused as malformed: \(broken)")
                continue
            }
        }
    }

    @Test func oversizedInputsAreRefused() throws {
        let huge = String(repeating: "a", count: 11_000_000)
        let failure = try #require(error("\(Self.open)<id value=\"\(huge)\"/></Patient>"))
        guard case .malformed = failure.reason else { Issue.record("\(failure)"); return }
        let small = FHIRXMLReader(options: .init(maxBytes: 64))
        #expect(throws: FHIRXMLError.self) { try small.read("\(Self.open)<id value=\"0123456789012345678901234567890\"/></Patient>") }
    }

    @Test func fileStreamingRefusesDoctypeToo() throws {
        let path = NSTemporaryDirectory() + "immport-xxe-\(getpid()).xml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("<?xml version=\"1.0\"?>\n<!-- a comment -->\n<!DOCTYPE Patient [<!ENTITY e \"x\">]>\n\(Self.open)<id value=\"&e;\"/></Patient>".utf8)
            .write(to: URL(fileURLWithPath: path))
        do {
            _ = try FHIRXMLReader().read(path: path)
            Issue.record("accepted a DOCTYPE")
        } catch let error as FHIRXMLError {
            #expect(error.reason == .doctypeForbidden)
            #expect(error.line == 3 && error.column == 1)
            #expect(error.source == path)
        }
    }
}

/// A TCP listener on 127.0.0.1 that only counts connection attempts (non-blocking accept).
final class LoopbackListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: address.sin_port)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    func acceptedConnections() -> Int {
        var count = 0
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return count }
            close(client)
            count += 1
        }
    }
}
