import FHIRModel
import FHIRViews
import Foundation
import Testing

/// Every input shape yields the same resources, with locations naming file and line or entry.
@Suite struct ResourceInputTests {
    static let patients = [
        #"{"resourceType":"Patient","id":"a"}"#, #"{"resourceType":"Patient","id":"b"}"#,
    ]

    func ids(_ content: String) throws -> [String] {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/input.json"
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        var ids: [String] = []
        try ResourceInput.forEachResource(path: path) { resource, _ in ids.append(resource["id"]?.stringValue ?? "?") }
        return ids
    }

    @Test func readsEveryShape() throws {
        #expect(try ids(Self.patients.joined(separator: "\n") + "\n\n") == ["a", "b"])
        #expect(try ids("[" + Self.patients.joined(separator: ",\n") + "]") == ["a", "b"])
        #expect(try ids("{\n  \"resourceType\": \"Patient\",\n  \"id\": \"a\"\n}\n") == ["a"])
        let bundle = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\n\"entry\":["
            + Self.patients.map { "{\"resource\":\($0)}" }.joined(separator: ",\n") + ",{\"request\":{\"method\":\"DELETE\"}}]}"
        #expect(try ids(bundle) == ["a", "b"])
        #expect(try ids(bundle.replacingOccurrences(of: "\n", with: "")) == ["a", "b"])
    }

    @Test func badLineIsNamedWithFileAndLine() throws {
        let error = #expect(throws: FHIRJSONError.self) {
            try ids(Self.patients[0] + "\n{\"resourceType\": \"Patient\", \"id\": }\n")
        }
        #expect(error?.line == 2)
        #expect(error?.description.contains("input.json") == true)
    }

    @Test func nonResourceIsRejected() throws {
        #expect(throws: ResourceInputError.self) { try ids("[1, 2]") }
        #expect(throws: ResourceInputError.self) { try ids("{\"id\": \"x\"}") }
    }
}
