import Foundation
import Testing
@testable import FHIRModel

/// The FHIR XML rules on small synthetic resources, both directions.
@Suite struct XMLRulesTests {
    func xml(_ json: String, version: FHIRVersion = .r4, pretty: Bool = false) throws -> String {
        try FHIRXMLWriter(version: version, pretty: pretty).string(FHIRJSONReader().read(json))
    }

    func json(_ xml: String, version: FHIRVersion = .r4) throws -> String {
        FHIRJSONWriter().string(try FHIRXMLReader(version: version).read(xml))
    }

    static let header = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"

    @Test func definitionOrderAttributesAndPrimitiveExtensionsAlignedWithNulls() throws {
        // JSON out of order; `_given` aligned with nulls; `id` on a complex element is an attribute.
        let source = #"{"gender":"male","name":[{"id":"n1","_given":[null,{"id":"g2","extension":[{"url":"http://e","valueString":"x"}]}],"given":["Peter",null],"family":"Chalmers"}],"resourceType":"Patient","id":"p"}"#
        let written = try xml(source)
        #expect(written == Self.header + #"<Patient xmlns="http://hl7.org/fhir"><id value="p"/><name id="n1"><family value="Chalmers"/><given value="Peter"/><given id="g2"><extension url="http://e"><valueString value="x"/></extension></given></name><gender value="male"/></Patient>"# + "\n")
        let back = try json(written)
        #expect(back == #"{"resourceType":"Patient","id":"p","name":[{"id":"n1","family":"Chalmers","given":["Peter",null],"_given":[null,{"id":"g2","extension":[{"url":"http://e","valueString":"x"}]}]}],"gender":"male"}"#)
    }

    @Test func choiceTypesDecimalsAndBooleansKeepTheirText() throws {
        let source = #"{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueQuantity":{"value":1.0e0,"unit":"kg"},"component":[{"code":{"text":"c"},"valueBoolean":false},{"code":{"text":"d"},"valueInteger":-0}]}"#
        let written = try xml(source)
        #expect(written.contains(#"<valueQuantity><value value="1.0e0"/><unit value="kg"/></valueQuantity>"#))
        #expect(written.contains(#"<valueBoolean value="false"/>"#))
        #expect(try json(written) == source)
    }

    @Test func containedAndBundleResourcesAreWrapped() throws {
        let source = ##"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"a","contained":[{"resourceType":"Organization","id":"o","name":"Org"}],"managingOrganization":{"reference":"#o"}}}]}"##
        let written = try xml(source)
        #expect(written.contains(#"<entry><fullUrl value="urn:uuid:1"/><resource><Patient><id value="a"/><contained><Organization><id value="o"/><name value="Org"/></Organization></contained>"#))
        #expect(try json(written) == source)
    }

    @Test func narrativeDivIsWrittenVerbatimAndReadBackExactly() throws {
        let div = #"<div xmlns="http://www.w3.org/1999/xhtml"><p>A &amp; B &lt; C — é <b class="x">bold</b><br/></p><table><tr><td></td></tr></table></div>"#
        let source = #"{"resourceType":"Patient","text":{"status":"generated","div":"# + FHIRJSONWriter().string(.string(div)) + "}}"
        let written = try xml(source)
        #expect(written.contains(div))
        let back = try FHIRXMLReader().read(written)
        #expect(back["text"]?["div"]?.stringValue == div)
        // A div without the namespace declaration gets it, so it does not fall into the FHIR namespace.
        let bare = try xml(#"{"resourceType":"Patient","text":{"status":"generated","div":"<div><p>x</p></div>"}}"#)
        #expect(bare.contains(#"<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div>"#))
    }

    @Test func unwritableTreesAreClearErrors() throws {
        func failure(_ json: String) -> String {
            do {
                _ = try xml(json)
                return "written"
            } catch { return "\(error)" }
        }
        #expect(failure(#"{"resourceType":"Patient","colour":"blue"}"#) == #"Patient: unknown element "colour" in Patient"#)
        #expect(failure(#"{"resourceType":"Patient","name":[{"given":["a","b"],"_given":[null]}]}"#)
            == "Patient.name.given: given has 2 values but _given has 1 items")
        #expect(failure(#"{"resourceType":"Patient","active":"true"}"#) == "Patient.active: active must be a JSON boolean, found string")
        #expect(failure(#"{"resourceType":"Observation","status":"final","code":{},"valueString":"a","valueBoolean":true}"#)
            .contains("a choice element takes one type"))
        #expect(failure(#"{"resourceType":"Patient","text":{"status":"generated","div":"<div>unclosed"}}"#)
            .hasPrefix("Patient.text.div: invalid narrative div: not well-formed XML"))
        #expect(failure(#"{"resourceType":"Patient","text":{"status":"generated","div":"<!DOCTYPE div [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><div>&x;</div>"}}"#)
            .contains("DOCTYPE declarations are not allowed"))
        #expect(failure(#"{"resourceType":"Nonsense"}"#) == #"Nonsense: "Nonsense" is not a FHIR R4 resource type"#
            || failure(#"{"resourceType":"Nonsense"}"#) == #""Nonsense" is not a FHIR R4 resource type"#)
    }

    @Test func r5Integer64IsAJSONStringAndR5OrderApplies() throws {
        // R5's Attachment.size is integer64: a JSON string in JSON, a plain value attribute in XML.
        let r5 = #"{"resourceType":"DocumentReference","status":"current","content":[{"attachment":{"contentType":"text/plain","size":"9007199254740993"}}]}"#
        let written = try xml(r5, version: .r5)
        #expect(written.contains(#"<size value="9007199254740993"/>"#))
        #expect(try json(written, version: .r5) == r5)
        // R4's Attachment.size is unsignedInt: a JSON number.
        #expect(try json(written.replacingOccurrences(of: "9007199254740993", with: "12"), version: .r4).contains(#""size":12"#))
        // R5 puts ResearchStudy.title before status (R4 the other way round).
        let study = try xml(#"{"resourceType":"ResearchStudy","status":"active","title":"T"}"#, version: .r5)
        #expect(study.contains(#"<title value="T"/><status value="active"/>"#))
    }

    /// A Bundle written an entry at a time (`FHIRXMLBundleWriter`), one entry's repeating member made while it is
    /// written (`add(_:streaming:items:)`): the bytes of the whole Bundle written at once, for an empty stream too
    /// and with values that need escaping.
    @Test func anEntryWithAStreamedMemberIsTheWholeEntry() throws {
        let directory = try XMLTestSupport.temporaryDirectory("streamed-member")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let targets: [FHIRElement] = ["Patient/1", "Observation/a&b", "Specimen/<x>", "Group/\"q\""].map { ["reference": $0] }
        for (count, pretty) in [(4, true), (0, true), (4, false)] {
            let patient: FHIRElement = ["fullUrl": "urn:uuid:p", "resource": ["resourceType": "Patient", "id": "p"]]
            func provenance(_ items: [FHIRElement]) -> FHIRElement {
                ["fullUrl": "urn:uuid:v", "resource": ["resourceType": "Provenance", "id": "v", "target": .array(items), "recorded": "2026-01-01T00:00:00Z"]]
            }
            let header: FHIRElement = ["resourceType": "Bundle", "id": "b", "type": "collection"]
            var whole = header.objectValue!
            whole["entry"] = [patient, provenance(Array(targets.prefix(count)))]
            let expected = try FHIRXMLWriter(version: .r5, pretty: pretty).write(.object(whole))

            let path = directory + "/streamed-\(count)-\(pretty).xml"
            let file = try AtomicFileWriter(path: path)
            let bundle = try FHIRXMLBundleWriter(version: .r5, pretty: pretty, header: header, to: file)
            try bundle.add(patient)
            try bundle.add(provenance([]), streaming: "target") { emit in for target in targets.prefix(count) { try emit(target) } }
            try bundle.finish()
            try file.commit()
            #expect(try FileBytes.read(path: path) == expected, "\(count) targets, pretty \(pretty)")
        }
    }

    @Test func streamingBundleThroughFilesKeepsEveryEntry() throws {
        var entries: [String] = []
        for i in 0..<50 { entries.append(#"{"fullUrl":"urn:uuid:\#(i)","resource":{"resourceType":"Patient","id":"p\#(i)","birthDate":"2000-01-01"}}"#) }
        let source = #"{"resourceType":"Bundle","type":"searchset","total":50,"entry":["# + entries.joined(separator: ",") + "]}"
        let directory = try XMLTestSupport.temporaryDirectory("stream")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let xmlPath = directory + "/bundle.xml"
        let output = try AtomicFileWriter(path: xmlPath)
        var bytes = Array(source.utf8)
        try bytes.withUnsafeMutableBytes { raw in
            let header = try FHIRJSONReader().readBundleStreamingEntries(UnsafeRawBufferPointer(raw)) { _ in }
            try FHIRXMLWriter().writeBundle(header: header, to: output) { emit in
                _ = try FHIRJSONReader().readBundleStreamingEntries(UnsafeRawBufferPointer(raw)) { try emit($0) }
            }
        }
        try output.commit()
        let jsonPath = directory + "/bundle.json"
        let jsonOutput = try AtomicFileWriter(path: jsonPath)
        try FHIRXMLConverter.xmlToJSON(inputPath: xmlPath, output: jsonOutput)
        try jsonOutput.commit()
        #expect(try FHIRJSONReader().read(FileBytes.read(path: jsonPath)) == FHIRJSONReader().read(source))
        // Pretty JSON streamed the same way reads back equal too.
        let prettyPath = directory + "/pretty.json"
        let prettyOutput = try AtomicFileWriter(path: prettyPath)
        try FHIRXMLConverter.xmlToJSON(inputPath: xmlPath, output: prettyOutput, pretty: true)
        try prettyOutput.commit()
        let prettyText = String(decoding: try FileBytes.read(path: prettyPath), as: UTF8.self)
        #expect(prettyText == FHIRJSONWriter(pretty: true).string(try FHIRJSONReader().read(source)) + "\n")
        bytes = []
    }
}
