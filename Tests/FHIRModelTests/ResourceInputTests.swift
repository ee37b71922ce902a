import FHIRModel
import Foundation
import TestSupport
import Testing

/// `FHIRResourceInput`, the one reader of files of resources: every shape, the Bundle rule, what is refused and
/// where, and `FHIRFormat.detect`, the one detection rule.
@Suite struct ResourceInputTests {
    static let a = #"{"resourceType":"Patient","id":"a"}"#
    static let b = #"{"resourceType":"Patient","id":"b"}"#
    static let bundle = #"{"resourceType":"Bundle","id":"bu","type":"collection","entry":[{"resource":\#(a)},{"request":{"method":"DELETE"}},{"resource":\#(b)}]}"#

    /// (id or resourceType, place) of every resource read from `content` written to `name`.
    func read(
        _ content: String, name: String = "input.json", options: FHIRResourceInput.Options = .init()
    ) throws -> [(String, String)] {
        let directory = try TemporaryDirectory()
        let path = try directory.file(name, content)
        var read: [(String, String)] = []
        try FHIRResourceInput(path: path, options: options).forEachResource { resource, place in
            let placeText = place.description.replacingOccurrences(of: directory.path + "/", with: "")
            read.append((resource["id"]?.stringValue ?? resource.resourceType ?? "?", placeText))
        }
        return read
    }

    func ids(_ content: String, name: String = "input.json", entries: Bool = false) throws -> [String] {
        try read(content, name: name, options: .init(entries: entries)).map(\.0)
    }

    func places(_ content: String, name: String = "input.json", entries: Bool = false) throws -> [String] {
        try read(content, name: name, options: .init(entries: entries)).map(\.1)
    }

    /// The error `content` is refused with, as printed.
    func refusal(_ content: String, name: String = "input.json", entries: Bool = false) throws -> String {
        do {
            _ = try read(content, name: name, options: .init(entries: entries))
        } catch {
            return "\(error)".replacing(#/^.*immport-bridge-test-[^/]*/[^:]*/#, with: "")
        }
        Issue.record("\(content) was not refused")
        return ""
    }

    @Test func readsEveryShapeWithItsPlace() throws {
        // Lines of objects are NDJSON when the name does not say otherwise (a `.json` file is one document).
        #expect(try read(Self.a + "\n\n" + Self.b + "\n", name: "input.txt").map(\.1) == ["input.txt:1", "input.txt:3"])
        #expect(throws: FHIRJSONError.self) { try read(Self.a + "\n\n" + Self.b + "\n") }
        #expect(try read("[" + Self.a + ",\n" + Self.b + "]").map { "\($0.0) \($0.1)" } == ["a input.json: entry 1", "b input.json: entry 2"])
        #expect(try read("{\n  \"resourceType\": \"Patient\",\n  \"id\": \"a\"\n}\n").map { "\($0.0) \($0.1)" } == ["a input.json"])
        #expect(try ids(Self.a, name: "one.ndjson") == ["a"])
        let xml = #"<Patient xmlns="http://hl7.org/fhir"><id value="x"/></Patient>"#
        #expect(try ids(xml, name: "p.dat") == ["x"])
    }

    @Test func aBundleFileIsOneResourceUnlessEntriesAreAskedFor() throws {
        #expect(try ids(Self.bundle) == ["bu"])
        #expect(try read(Self.bundle, options: .init(entries: true)).map { "\($0.0) \($0.1)" } == ["a input.json: entry 1", "b input.json: entry 3"])
        // Pretty-printed, and with resourceType late (read whole, same answer).
        let late = #"{"type":"collection","entry":[{"resource":\#(Self.a)}],"resourceType":"Bundle"}"#
        #expect(try ids(late, entries: true) == ["a"])
        #expect(try ids(late) == ["Bundle"])
        let xml = #"<Bundle xmlns="http://hl7.org/fhir"><id value="xb"/><type value="collection"/><entry><resource><Patient><id value="p"/></Patient></resource></entry></Bundle>"#
        #expect(try ids(xml, name: "b.xml") == ["xb"])
        #expect(try places(xml, name: "b.xml", entries: true) == ["b.xml: entry 1"])
    }

    @Test func anNDJSONLineIsNeverUnpacked() throws {
        let lines = Self.a + "\n" + Self.bundle + "\n"
        #expect(try ids(lines, name: "bulk.ndjson") == ["a", "bu"])
        #expect(try ids(lines, name: "bulk.ndjson", entries: true) == ["a", "bu"])
        // Detected from the content too, and an array item that is a Bundle stays one resource.
        #expect(try ids(lines, name: "bulk.txt", entries: true) == ["a", "bu"])
        #expect(try ids("[" + Self.bundle + "]", entries: true) == ["bu"])
    }

    @Test func entriesWithoutResourceAreCounted() throws {
        let directory = try TemporaryDirectory()
        let input = try FHIRResourceInput(path: directory.file("b.json", Self.bundle), options: .init(entries: true))
        var count = 0
        try input.forEachResource { _, _ in count += 1 }
        #expect(count == 2 && input.entriesWithoutResource == 1 && input.shape == .bundleEntries)
    }

    @Test func aTopLevelThatIsNotAResourceIsRefusedWithItsPlace() throws {
        #expect(try refusal("null") == ":1:1: expected a resource (a JSON object with resourceType), found a JSON null")
        #expect(try refusal("\n  42") == ":2:3: expected a resource (a JSON object with resourceType), found a JSON number")
        #expect(try refusal(#""text""#) == ":1:1: expected a resource (a JSON object with resourceType), found a JSON string")
        #expect(try refusal("true") == ":1:1: expected a resource (a JSON object with resourceType), found a JSON boolean")
        #expect(try refusal("[1, 2]") == ":1:2: entry 1: expected a resource (a JSON object with resourceType), found a JSON number")
        #expect(try refusal("[\n" + Self.a + ",\n \"x\"]") == ":3:2: entry 2: expected a resource (a JSON object with resourceType), found a JSON string")
        #expect(try refusal(#"{"id": "x"}"#) == ":1:1: expected a resource (a JSON object with resourceType), found a JSON object without resourceType")
        #expect(try refusal(Self.a + "\n[1]\n", name: "input.txt") == ":2: expected a resource (a JSON object with resourceType), found a JSON array")
        #expect(try refusal(#"{"resourceType":"Bundle","entry":[{"resource":"no"}]}"#, entries: true) == ":1:47: entry 1: expected a resource (a JSON object with resourceType), found a JSON string")
    }

    @Test func malformedJSONIsPlacedByLineAndColumn() throws {
        let error = #expect(throws: FHIRJSONError.self) { try ids(Self.a + "\n{\"resourceType\": \"Patient\", \"id\": }\n", name: "input.txt") }
        #expect(error?.line == 2 && error?.column == 35)
        #expect(try refusal(Self.a + "\n{\"resourceType\": \"Patient\", \"id\": }\n", name: "input.txt") == ":2:35: unexpected '}', expecting a value")
    }

    @Test func badNDJSONLinesCanBeReportedAndSkipped() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("x.ndjson", Self.a + "\n{oops\n42\n" + Self.b + "\n")
        var failures: [String] = []
        var ids: [String] = []
        try FHIRResourceInput(path: path).forEachResource(badLine: { failures.append("\($0)") }) { resource, _ in
            ids.append(resource["id"]?.stringValue ?? "?")
        }
        #expect(ids == ["a", "b"])
        #expect(failures == [
            "\(path):2:2: unexpected 'o', expecting a key in double quotes",
            "\(path):3: expected a resource (a JSON object with resourceType), found a JSON number",
        ])
    }

    @Test func theMemberFilterBuildsOnlyTheNamedMembers() throws {
        let directory = try TemporaryDirectory()
        let keys = FHIRJSONKeyFilter(keys: ["resourceType", "id"])
        for (name, text) in [("a.ndjson", #"{"resourceType":"Patient","id":"a","name":[{"family":"F"}]}"#),
                             ("a.json", #"{"resourceType":"Patient","id":"a","name":[{"family":"F"}]}"#)] {
            var seen: [FHIRElement] = []
            try FHIRResourceInput(path: directory.file(name, text), options: .init(topLevelKeys: keys)).forEachResource { r, _ in seen.append(r) }
            #expect(seen.count == 1 && seen[0]["id"]?.stringValue == "a" && seen[0]["name"] == nil, "\(name)")
        }
    }

    @Test func theDetectionRule() {
        func detect(_ text: String, path: String? = nil, atEnd: Bool = true) -> FHIRFormat? {
            FHIRFormat.detect(head: Array(text.utf8), atEnd: atEnd, path: path)
        }
        #expect(detect("\u{FEFF}  <Patient/>") == .xml)
        #expect(detect(" {\"a\":1}") == .json)
        #expect(detect("[1]") == .json)
        #expect(detect("{\"a\":\"}\"}\n{\"b\":2}\n") == .ndjson)
        #expect(detect("{\"a\":{\"b\":2}}\n") == .json)
        #expect(detect("{\"a\":{\"b\":2}}\n", path: "x.ndjson") == .ndjson)
        #expect(detect("{\"a\":{\"b\":2}}\n", path: "x.JSONL") == .ndjson)
        #expect(detect("{\"a\":\"}\"}\n{\"b\":2}\n", path: "two-values.json") == .json)  // named a document: one value
        #expect(detect("<Patient/>", path: "x.json") == .xml)
        #expect(detect("{\n  \"a\": 1\n}\n{\"b\":2}") == .json)  // a document spanning lines is not a line of NDJSON
        #expect(detect("{\"a\":1} {\"b\":2}") == .json)  // two values on one line: a document with trailing content
        #expect(detect("42") == .json)
        #expect(detect("") == .json)
        #expect(detect("{\"a\":1}", atEnd: false) == nil)  // a line not yet ended: read on
        #expect(detect("{\"a\":1}\n  ", atEnd: false) == nil)
        #expect(detect("{\"a\":1}\n  \n{", atEnd: false) == .ndjson)
    }

    @Test func placesPrintOneWay() {
        #expect(SourceLocation(source: "f.json", line: 3, column: 7, entry: 2).description == "f.json:3:7: entry 2")
        #expect(FHIRJSONError(reason: .emptyKey, offset: 9, line: 1, column: 10, source: "f.ndjson").description == "f.ndjson:1:10: empty key")
        #expect(FHIRXMLError(reason: .doctypeForbidden, line: 2, column: 1, source: "f.xml").description.hasPrefix("f.xml:2:1: DOCTYPE"))
        #expect(FHIRInputError(location: SourceLocation(source: "f", entry: 4), message: "m").description == "f: entry 4: m")
        let failure = Diagnostic(readFailure: FHIRJSONError(reason: .emptyKey, offset: 0, line: 1, column: 1), source: "s.json")
        #expect(failure.description == "s.json:1:1: error: empty key")
    }
}
