import Foundation
import Testing
@testable import FHIRModel

/// What the XML reader (libxml2's SAX2 push parser under `XMLStreamReader`) must get exactly right: values as the
/// document means them, a byte order mark, and the place of an error, also deep into a file read chunk by chunk.
@Suite struct XMLReaderDetailTests {
    static let open = #"<Patient xmlns="http://hl7.org/fhir">"#

    func failure(_ text: String) -> FHIRXMLError? {
        do {
            _ = try FHIRXMLReader(options: .init(source: "x.xml")).read(text)
            return nil
        } catch {
            return error as? FHIRXMLError
        }
    }

    @Test func attributeValuesMeanWhatTheDocumentSays() throws {
        // libxml2 hands `&amp;` and `&#38;` on as the text `&#38;` when it substitutes no entities; both are `&`.
        let xml = Self.open + #"<name><family value="a&amp;b &#38;c &amp;#38;d &lt;&#60;&gt;&quot;&apos; &#10;x&#x9;y z"/></name></Patient>"#
        let tree = try FHIRXMLReader().read(xml)
        #expect(tree["name"]?[0]?["family"]?.stringValue == "a&b &c &#38;d <<>\"' \nx\ty z")
        // A raw line break in an attribute value is a space (attribute-value normalisation).
        let raw = try FHIRXMLReader().read(Self.open + "<name><family value=\"a\nb\"/></name></Patient>")
        #expect(raw["name"]?[0]?["family"]?.stringValue == "a b")
    }

    @Test func encodingsAreReadAsBefore() throws {
        // UTF-8 without a declaration, and a declaration naming another encoding, which libxml2 switches to.
        let utf8 = Array((Self.open + #"<name><family value="Müller é"/></name></Patient>"#).utf8)
        #expect(try FHIRXMLReader().read(utf8)["name"]?[0]?["family"]?.stringValue == "Müller é")
        var latin1 = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?>"#.utf8) + Array((Self.open + #"<name><family value="M"#).utf8)
        latin1 += [0xFC]  // ü in ISO-8859-1
        latin1 += Array(#"ller"/></name></Patient>"#.utf8)
        #expect(try FHIRXMLReader().read(latin1)["name"]?[0]?["family"]?.stringValue == "Müller")
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        let tree = try FHIRXMLReader().read("\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + Self.open + "<id value=\"1\"/></Patient>")
        #expect(tree["id"]?.stringValue == "1")
        let error = try #require(failure("\u{FEFF}" + Self.open + "\n  <bogus/></Patient>"))
        #expect(error.line == 2 && error.column == 3)
    }

    @Test func errorsNameWhereTheTagOrTextStarts() throws {
        // A start tag spread over lines is placed at its `<`.
        let multiline = try #require(failure(Self.open + "\n  <active\n    value=\"true\"/>\n  <bogus\n    a=\"1\"/>\n</Patient>"))
        #expect(multiline.reason == .unknownElement("bogus", parent: "Patient"))
        #expect(multiline.line == 4 && multiline.column == 3)
        let text = try #require(failure(Self.open + "\n<gender>male</gender></Patient>"))
        #expect(text.reason == .textContent(element: "gender"))
        #expect(text.line == 2 && text.column == 9)
    }

    @Test func errorsDeepInAStreamedFileKeepTheirPlace() throws {
        // Far beyond the first chunks the reader hands libxml2, and beyond the window of bytes it keeps.
        var text = "<Bundle xmlns=\"http://hl7.org/fhir\">\n  <type value=\"collection\"/>\n"
        for i in 0..<3000 {
            text += "  <entry>\n    <fullUrl value=\"urn:uuid:\(i)\"/>\n    <resource>\n      <Patient>\n        <id value=\"p\(i)\"/>\n      </Patient>\n    </resource>\n  </entry>\n"
        }
        text += "  <entry>\n    <resource>\n      <Patient>\n        <id value=\"x\"/>   <bogus value=\"1\"/>\n      </Patient>\n    </resource>\n  </entry>\n</Bundle>\n"
        let line = 2 + 3000 * 8 + 4
        let path = NSTemporaryDirectory() + "immport-xml-deep-\(getpid()).xml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        for streamed in [false, true] {
            do {
                let reader = FHIRXMLReader(options: .init(source: "deep.xml"))
                _ = streamed ? try reader.read(path: path) : try reader.read(text)
                Issue.record("accepted <bogus>")
            } catch let error as FHIRXMLError {
                #expect(error.reason == .unknownElement("bogus", parent: "Patient"))
                #expect(error.line == line && error.column == 27, "streamed: \(streamed)")
            }
        }
    }

    @Test func aFileThatCannotBeReadIsAFileError() throws {
        let directory = NSTemporaryDirectory()
        #expect(throws: FileIOError.self) { try FHIRXMLReader().read(path: directory) }
    }

    /// Parsers are kept between documents; one abandoned inside an element (here with a namespace prefix bound)
    /// must not lend that state to the next document.
    @Test func anAbandonedParseLeavesNothingBehind() throws {
        for _ in 0..<20 {
            #expect(failure(#"<f:Patient xmlns:f="http://hl7.org/fhir"><f:bogus/><f:id value="1"/></f:Patient>"#)?.reason
                == .unknownElement("bogus", parent: "Patient"))
            #expect(failure(#"<f:Patient><f:id value="1"/></f:Patient>"#) != nil)
            #expect(try FHIRXMLReader().read(Self.open + "<id value=\"2\"/></Patient>")["id"]?.stringValue == "2")
        }
    }
}
