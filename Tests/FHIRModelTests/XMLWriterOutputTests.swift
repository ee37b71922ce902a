import Testing
@testable import FHIRModel

/// The bytes the XML writer produces, pinned: they are the bytes libxml2's xmlTextWriter wrote before the writer
/// became `XMLByteWriter`, so files written before and after compare equal.
@Suite struct XMLWriterOutputTests {
    func xml(_ json: String, pretty: Bool = false) throws -> String {
        try FHIRXMLWriter(pretty: pretty).string(FHIRJSONReader().read(json))
    }

    static let header = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"

    /// What xmlTextWriter did to an attribute value: `& < > "` and tab, line feed, carriage return as references;
    /// `'`, backslash and non-ASCII as they are.
    static func reference(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    @Test func attributeValuesAreEscapedAsXmlTextWriterDid() throws {
        let value = "a&b<c>d\"e'f\ng\r\th\\i é 漢 😀"
        let written = try xml(#"{"resourceType":"Patient","id":"p","name":[{"family":"# + FHIRJSONWriter().string(.string(value)) + "}]}")
        #expect(written == Self.header + #"<Patient xmlns="http://hl7.org/fhir"><id value="p"/><name><family value="a&amp;b&lt;c&gt;d&quot;e'f&#10;g&#13;&#9;h\i é 漢 😀"/></name></Patient>"# + "\n")
        // Every special byte at every position of a value longer than the eight bytes scanned at a time.
        for special in ["&", "<", ">", "\"", "\n", "\r", "\t", "\\", "é"] {
            for position in 0..<20 {
                let text = String(repeating: "x", count: position) + special + String(repeating: "y", count: 19 - position)
                // A string element: a code may not start or end with whitespace (FHIRLexicalForm).
                let out = try xml(#"{"resourceType":"Patient","name":[{"family":"# + FHIRJSONWriter().string(.string(text)) + "}]}")
                #expect(out.contains(#"<family value=""# + Self.reference(text) + #""/>"#), "\(special) at \(position)")
            }
        }
    }

    @Test func indentedOutputKeepsXmlTextWriterLayout() throws {
        // The narrative is written where the cursor is and its parent's end tag follows it on the same line.
        let source = #"{"resourceType":"Patient","id":"p","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</p></div>"},"active":true,"name":[{"given":["A"],"_given":[{"extension":[{"url":"u","valueCode":"c"}]}]}]}"#
        let expected = Self.header + """
            <Patient xmlns="http://hl7.org/fhir">
              <id value="p"/>
              <text>
                <status value="generated"/>
            <div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div></text>
              <active value="true"/>
              <name>
                <given value="A">
                  <extension url="u">
                    <valueCode value="c"/>
                  </extension>
                </given>
              </name>
            </Patient>

            """
        #expect(try xml(source, pretty: true) == expected)
        // A narrative that is its element's first content closes the start tag without a line break.
        #expect(try xml(#"{"resourceType":"Patient","text":{"div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}"#, pretty: true)
            == Self.header + "<Patient xmlns=\"http://hl7.org/fhir\">\n  <text><div xmlns=\"http://www.w3.org/1999/xhtml\">x</div></text>\n</Patient>\n")
    }

    @Test func charactersXMLCannotCarryAreRefusedNotWritten() throws {
        for control in ["\u{0}", "\u{1}", "\u{1F}"] {
            let json = #"{"resourceType":"Patient","name":[{"family":"# + FHIRJSONWriter().string(.string("a\(control)b")) + "}]}"
            do {
                _ = try xml(json)
                Issue.record("wrote a control character")
            } catch let error as FHIRXMLError {
                #expect(error.location == "Patient.name.family")
                #expect(error.reasonText.contains("control character U+00"))
            }
        }
    }
}
