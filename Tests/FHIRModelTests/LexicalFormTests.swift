import Foundation
import TestSupport
import Testing
@testable import FHIRModel

/// The hand-written checks of `FHIRLexicalForm` against the spec's regular expressions, and the out-of-form corpus
/// through `validate` and the XML writer.
@Suite struct LexicalFormTests {
    /// The regexes of the R4 package (`hl7.fhir.r4.core-4.0.1.tgz`, `StructureDefinition-<type>.json`, the regex
    /// extension of `<type>.value`), copied as they are.
    static let specRegexes: [(String, String)] = [
        ("base64Binary", #"(\s*([0-9a-zA-Z\+/=]){4}\s*)+"#),
        ("code", #"[^\s]+(\s[^\s]+)*"#),
        ("date", #"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?"#),
        ("dateTime", #"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?"#),
        ("decimal", #"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?"#),
        ("id", #"[A-Za-z0-9\-\.]{1,64}"#),
        ("instant", #"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"#),
        ("integer", #"-?([0]|([1-9][0-9]*))"#),
        ("oid", #"urn:oid:[0-2](\.(0|[1-9][0-9]*))+"#),
        ("positiveInt", #"[1-9][0-9]*"#),
        ("time", #"([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?"#),
        ("unsignedInt", #"[0]|([1-9][0-9]*)"#),
        ("uri", #"\S*"#),
        ("uuid", #"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#),
    ]

    /// Samples for every type, in and out of form (only space, tab, CR, LF as white space: the XSD regex `\s`).
    static let samples = [
        "", "0", "-0", "1", "+1", "01", "-1", "12", "2147483647", "2147483648", "-2147483648", "-2147483649", "1.5",
        "-0.0", "1e5", "1E-5", "1.", ".5", "1.5e", "abc", "a b", "a  b", " a", "a ", "a\tb", "a\nb", "A-z.9",
        String(repeating: "a", count: 64), String(repeating: "a", count: 65), "a_b", "a/b", "é",
        "2020", "0000", "0001", "2020-1", "2020-01", "2020-13", "2020-00", "2020-01-01", "2020-02-29", "2021-02-29",
        "2021-04-31", "2020-01-32", "2020-01-00", "2020-01-01T10:00:00Z", "2020-01-01T10:00:00", "2020-01-01T24:00:00Z",
        "2020-01-01T23:59:60Z", "2020-01-01T10:00:00.123+05:30", "2020-01-01T10:00:00+14:00", "2020-01-01T10:00:00+14:01",
        "2020-01-01T10:00:00-13:59", "2020-01-01T10:00Z", "2020-01-01T10:00:00.Z", "2020-01-01 10:00:00Z",
        "10:00:00", "10:00", "24:00:00", "23:59:60", "23:60:00", "10:00:00.5", "10:00:00Z",
        "urn:oid:1.2.3", "urn:oid:3.1", "urn:oid:1", "urn:oid:1.02", "urn:oid:1.0", "urn:oid:1..2",
        "urn:uuid:c757873d-ec9a-4326-a141-556f43239520", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520",
        "urn:uuid:c757873d-ec9a-4326-a141-556f4323952", "QUJD", "QUI=", "QQ==", "QR==", "QUJDQ", "QUJD QUJD",
        " QUJD ", "QU JD", "Q===", "Q=Q=", "====", "QUJD\nQUJD", "http://example.org/a?b#c", "urn:x", "#frag",
    ]

    /// Samples a form refuses though the regex matches: the spec's prose is stricter (real dates, base64's `=`
    /// only at the end, FHIR's 32-bit integers).
    static let stricterThanRegex: [String: Set<String>] = [
        "date": ["2021-02-29", "2021-04-31"],
        "dateTime": ["2021-02-29", "2021-04-31"],
        "base64Binary": ["Q===", "Q=Q=", "===="],
        "integer": ["2147483648", "-2147483649"],
        "positiveInt": ["2147483648"],
        "unsignedInt": ["2147483648"],
    ]

    static func matches(_ pattern: String, _ text: String) throws -> Bool {
        let regex = try NSRegularExpression(pattern: "^(?:" + pattern + ")$")
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    @Test func theChecksAgreeWithTheSpecRegexes() throws {
        for (type, pattern) in Self.specRegexes {
            let form = FHIRLexicalForm(typeCode: type)
            #expect(form != .unchecked, "\(type)")
            for sample in Self.samples {
                let regex = try Self.matches(pattern, sample)
                let expected = regex && !(Self.stricterThanRegex[type]?.contains(sample) ?? false)
                let problem = form.problem(in: sample)
                #expect((problem == nil) == expected, "\(type) \"\(sample)\": regex \(regex), check: \(problem ?? "ok")")
            }
        }
    }

    @Test func stringsRefuseControlCharactersOnly() {
        #expect(FHIRLexicalForm.string.problem(in: "a\tb\r\nc é") == nil)
        #expect(FHIRLexicalForm.string.problem(in: "a\u{1}b") == "contains the control character U+0001")
        #expect(FHIRLexicalForm.string.xmlSchemaProblem(in: "abcdefghij\u{FFFE}") != nil)
        #expect(FHIRLexicalForm.string.xmlSchemaProblem(in: "abcdefghij\u{FFFD}") == nil)
    }

    // MARK: The out-of-form corpus

    /// One Parameters resource whose `parameter[i]` holds a value out of its type's form: at least one per
    /// primitive type (SYNTHETIC, written for this test).
    static let outOfForm: [(String, String)] = [
        ("valueDate", #""2020-13-45""#), ("valueDate", #""2021-02-29""#), ("valueDateTime", #""2020-01-01T10:00:00""#),
        ("valueDateTime", #""2020-01-01T25:00:00Z""#), ("valueInstant", #""2020-01-01""#), ("valueTime", #""24:00:00""#),
        ("valueId", #""has space""#), ("valueId", #""\#(String(repeating: "x", count: 65))""#), ("valueCode", #"" leading""#),
        ("valueUri", #""http://x/a b""#), ("valueUrl", #""http://x/\tb""#), ("valueCanonical", #""a b""#),
        ("valueOid", #""urn:oid:1.02""#), ("valueUuid", #""urn:uuid:C757873D-EC9A-4326-A141-556F43239520""#),
        ("valueBase64Binary", #""QUJDQ""#), ("valueInteger", "2147483648"), ("valueInteger", "1.5"),
        ("valueUnsignedInt", "-1"), ("valuePositiveInt", "0"), ("valueString", #""a\u0001b""#),
        ("valueMarkdown", #""\u0007""#),
    ]

    /// The same types, in form: written as XML they pass the official XSD.
    static let inForm: [(String, String)] = [
        ("valueDate", #""2020-02-29""#), ("valueDateTime", #""2020-01-01T10:00:00.5+14:00""#),
        ("valueInstant", #""2020-01-01T10:00:00Z""#), ("valueTime", #""23:59:59.999""#), ("valueId", #""a-b.C""#),
        ("valueCode", #""a b""#), ("valueUri", #""urn:x:y#f[1]""#), ("valueUrl", #""http://x:8080/a?b=c""#),
        ("valueCanonical", #""http://x/StructureDefinition/y|1.0""#), ("valueOid", #""urn:oid:2.16.840.1""#),
        ("valueUuid", #""urn:uuid:c757873d-ec9a-4326-a141-556f43239520""#), ("valueBase64Binary", #""QUJD QUI=""#),
        ("valueInteger", "-2147483648"), ("valueUnsignedInt", "0"), ("valuePositiveInt", "2147483647"),
        ("valueDecimal", "-1.50e+3"), ("valueString", #""tab\there""#), ("valueMarkdown", #""*x*\n""#),
        ("valueBoolean", "true"),
    ]

    static func parameters(_ values: [(String, String)]) -> String {
        let items = values.enumerated().map { #"{"name":"p\#($0.offset)","\#($0.element.0)":\#($0.element.1)}"# }
        return #"{"resourceType":"Parameters","parameter":["# + items.joined(separator: ",\n") + "]}"
    }

    @Test func validateReportsEveryOutOfFormValueAtItsElement() throws {
        let tree = try FHIRJSONReader().read(Self.parameters(Self.outOfForm))
        let diagnostics = FHIRValidator(definitions: .r4).validate(tree)
        for (index, (key, _)) in Self.outOfForm.enumerated() {
            let location = "Parameters.parameter[\(index)].\(key)"
            // (Integers out of range or with a fraction keep the validator's older, equally precise messages.)
            #expect(diagnostics.contains { $0.location == location },
                    "\(location): \(diagnostics.map(\.description))")
        }
        #expect(diagnostics.count == Self.outOfForm.count, "\(diagnostics.map(\.description))")
        #expect(FHIRValidator(definitions: .r4).validate(try FHIRJSONReader().read(Self.parameters(Self.inForm))).isEmpty)
        let patient = try FHIRJSONReader().read(#"{"resourceType":"Patient","birthDate":"2020-13-45"}"#)
        let reported = FHIRValidator(definitions: .r4).validate(patient).map(\.description)
        #expect(reported.count == 1 && reported[0].contains("Patient.birthDate") && reported[0].contains("month 13"))
    }

    @Test func theXMLWriterRefusesEachOutOfFormValueWithItsLocation() throws {
        for (key, value) in Self.outOfForm {
            let tree = try FHIRJSONReader().read(Self.parameters([(key, value)]))
            do {
                _ = try FHIRXMLWriter().write(tree)
                Issue.record("\(key) \(value) was written as XML")
            } catch let error as FHIRXMLError {
                #expect(error.location == "Parameters.parameter.\(key)", "\(error)")
            }
        }
    }

    @Test(.sharedData("fhir/r4/xsd/fhir-single.xsd"))
    func inFormValuesAndURIsTheWriterAcceptsPassTheXSD() throws {
        let schema = try SharedData.require("fhir/r4/xsd/fhir-single.xsd")
        guard let xmllint = try XMLTestSupport.xmllint() else { return }
        let directory = try XMLTestSupport.temporaryDirectory("lexical")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var files: [String] = []
        func write(_ values: [(String, String)], name: String) throws {
            let path = "\(directory)/\(name).xml"
            try Data(try FHIRXMLWriter().write(try FHIRJSONReader().read(Self.parameters(values)))).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        try write(Self.inForm, name: "in-form")
        // URIs: whatever the writer accepts must be an anyURI to libxml2; what it refuses must be one libxml2 refuses.
        let uris = ["http://x/%zz", "http://x/[a]", "a#b#c", "::::", "1a:b", "http://x:/", "http://a@b@c/", "%", "http://x/a%2",
                    "http://x?a=[1]", "http://[::1]:80/a", "x:#a[b]", "?a?b", "//a/b?c", "a:b:c", "a/b:c", "http:", "#",
                    "http://x/'a'", "http://ex.org/a|b", "é:ü", "urn:oid:1.2.3", "mailto:a@b.org", "http://x/a%2f"]
        var refused: [String: String] = [:]
        for (index, uri) in uris.enumerated() {
            let value = FHIRJSONWriter().string(.string(uri))
            let tree = try FHIRJSONReader().read(Self.parameters([("valueUri", value)]))
            let path = "\(directory)/uri-\(index).xml"
            if let bytes = try? FHIRXMLWriter().write(tree) {
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                files.append(path)
            } else {
                // Written by hand, as the writer would have, to ask libxml2.
                let escaped = uri.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
                    .replacingOccurrences(of: "<", with: "&lt;")
                let text = #"<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="p0"/><valueUri value=""#
                    + escaped + #""/></parameter></Parameters>"#
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                refused[path] = uri
                files.append(path)
            }
        }
        let invalid = try XMLTestSupport.validate(files, schema: schema, xmllint: xmllint)
        for file in files {
            if let uri = refused[file] {
                #expect(invalid[file] != nil, "the writer refused \(uri), which the XSD accepts")
            } else {
                #expect(invalid[file] == nil, "\(file): \(invalid[file] ?? [])")
            }
        }
    }
}
