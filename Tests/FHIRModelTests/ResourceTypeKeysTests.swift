import FHIRModel
import Synchronization
import Testing
import TestSupport

/// Members built by each resource's type (`FHIRResourceTypeKeys`), the type read from the text's first member
/// before it is parsed; any text that does not begin so is built whole (synthetic resources).
@Suite struct ResourceTypeKeysTests {
    static let keys = FHIRResourceTypeKeys(
        byType: ["Patient": FHIRJSONKeyFilter(keys: ["resourceType", "id", "gender"]), "ResearchSubject": nil],
        otherTypes: FHIRJSONKeyFilter(keys: ["resourceType", "id"]))

    /// The members chosen for `text`; nil: the whole resource.
    func chosen(_ text: String) -> Set<String>? {
        Array(text.utf8).withUnsafeBytes { Self.keys.keys(forText: $0)?.keys }
    }

    @Test func theTypeIsReadFromTheFirstMemberOnly() {
        #expect(chosen(#"{"resourceType":"Patient","id":"p"}"#) == ["resourceType", "id", "gender"])
        // White space between the tokens and a byte order mark: a pretty-printed document.
        #expect(chosen("\u{FEFF} {\n  \"resourceType\" : \"Patient\",\n  \"id\": \"p\"\n}") == ["resourceType", "id", "gender"])
        // A type listed as whole, and one not listed.
        #expect(chosen(#"{"resourceType":"ResearchSubject","id":"s"}"#) == nil)
        #expect(chosen(#"{"resourceType":"Encounter","id":"e"}"#) == ["resourceType", "id"])
        // A name that only begins like a listed one is another type.
        #expect(chosen(#"{"resourceType":"PatientX","id":"e"}"#) == ["resourceType", "id"])
        #expect(chosen(#"{"resourceType":"Patien","id":"e"}"#) == ["resourceType", "id"])
        // Not the first member, an escape in the name, no closing quote, not an object: whole.
        for text in [#"{"id":"p","resourceType":"Patient"}"#, #"{"resourceType":"Pat\u0069ent"}"#, #"{"resourceType":"Patient"#, "[]", ""] {
            #expect(chosen(text) == nil, "\(text)")
        }
    }

    /// An NDJSON file and a pretty-printed document read by type: a listed type is built to its members, the rest
    /// as `otherTypes` or whole; versions are read from the text where `meta` was not built.
    @Test func filesAreBuiltByTypeAndVersionsReadFromTheText() throws {
        let folder = try TemporaryDirectory()
        let lines = [
            #"{"resourceType":"Patient","id":"p1","meta":{"versionId":"3"},"gender":"female","birthDate":"1970"}"#,
            #"{"resourceType":"Encounter","id":"e1","meta":{"versionId":"2"},"status":"finished"}"#,
            #"{"resourceType":"ResearchSubject","id":"s1","meta":{"versionId":"5"},"status":"active"}"#,
            #"{"id":"p2","resourceType":"Patient","gender":"male","meta":{"versionId":"7"}}"#,
        ]
        let ndjson = try folder.file("mixed.ndjson", lines.joined(separator: "\n") + "\n")
        let document = try folder.file("one.json", "{\n  \"resourceType\": \"Patient\",\n  \"id\": \"p3\",\n  \"meta\": {\"versionId\": \"9\"},\n  \"gender\": \"other\"\n}\n")
        var options = FHIRResourceInput.Options(keepsSourceText: true)
        options.topLevelKeysByType = Self.keys
        var built: [FHIRElement] = []
        var versions: [String?] = []
        for path in [ndjson, document] {
            let input = try FHIRResourceInput(path: path, options: options)
            try input.forEachResource { resource, _ in
                built.append(resource)
                versions.append(try FHIRResourceFiles.versionId(of: resource, handedOutBy: input))
            }
        }
        #expect(versions == ["3", "2", "5", "7", "9"])
        #expect(built.map { $0.objectValue?.members.map(\.key) ?? [] } == [
            ["resourceType", "id", "gender"],
            ["resourceType", "id"],
            ["resourceType", "id", "meta", "status"],
            ["id", "resourceType", "gender", "meta"],  // not first: whole
            ["resourceType", "id", "gender"],
        ])
    }
}

/// `FHIRResourceFiles.stream(optionsForJob:)`: each job of a read takes the options given as it starts, so that
/// filters learnt during the read (a links-only run's, once its mapping is compiled) apply to the jobs after.
@Suite struct OptionsForJobTests {
    @Test func eachJobReadsWithTheOptionsGivenAsItStarts() throws {
        let folder = try TemporaryDirectory()
        let lines = (0..<40).map { #"{"resourceType":"Observation","id":"o\#($0)","status":"final"}"# }
        let path = try folder.file("Observation.ndjson", lines.joined(separator: "\n") + "\n")
        let asked = Atomic<Int>(0)
        let base = FHIRResourceInput.Options()
        var built: [FHIRElement] = []
        // One worker, pieces of a line or two: the jobs start in order, the first one before any filter is known.
        try FHIRResourceFiles.stream(paths: [path], options: base, optionsForJob: {
            var options = base
            if asked.wrappingAdd(1, ordering: .relaxed).oldValue > 0 {
                options.topLevelKeysByType = FHIRResourceTypeKeys(byType: ["Observation": FHIRJSONKeyFilter(keys: ["resourceType", "id"])], otherTypes: nil)
            }
            return options
        }, workers: 1, pieceSize: 100) { input in
            var resources: [FHIRElement] = []
            try input.forEachResource { resource, _ in resources.append(resource) }
            return resources
        } consume: { _, resources in built += resources }
        #expect(built.map { $0["id"]?.stringValue } == (0..<40).map { "o\($0)" })
        #expect(asked.load(ordering: .relaxed) > 2)
        // The first job's resources are whole, every later one's built to its type and id.
        let whole = built.prefix { $0["status"] != nil }
        #expect(!whole.isEmpty && whole.count < built.count)
        #expect(built.dropFirst(whole.count).allSatisfy { $0["status"] == nil })
    }
}
