import FHIRModel
import Foundation
import TestSupport
import Testing

/// `FHIRResourceInput.Options.readsVersionIds` and `wholeResourceTypes`: trees built to `topLevelKeys` without
/// `meta` still give each resource's `meta.versionId` (`versionId(of:)`), and resources of the whole types are built
/// as an unfiltered read builds them, in every shape the input can take.
@Suite struct ResourceInputVersionTests {
    /// Resources with and without versions, `meta` before and after other members, an escaped version, a `meta`
    /// without `versionId`, a type read whole, and a version that is not a string.
    static let resources = [
        #"{"resourceType":"Patient","id":"p1","meta":{"versionId":"3","lastUpdated":"2026-01-01T00:00:00Z"},"gender":"male","birthDate":"1970"}"#,
        #"{"id":"p2","gender":"female","meta":{"tag":[{"code":"x"}],"versionId":"1\u0032"},"resourceType":"Patient"}"#,
        #"{"resourceType":"Patient","id":"p3","gender":"other"}"#,
        #"{"resourceType":"Patient","id":"p4","meta":{"lastUpdated":"2026-01-01T00:00:00Z"}}"#,
        #"{"resourceType":"ResearchSubject","id":"s1","meta":{"versionId":"7"},"status":"active","subject":{"reference":"Patient/p1"}}"#,
        #"{"resourceType":"Patient","id":"p5","meta":{"versionId":12}}"#,
    ]

    static let options = FHIRResourceInput.Options(
        topLevelKeys: FHIRJSONKeyFilter(keys: ["resourceType", "id", "gender"]), readsVersionIds: true,
        wholeResourceTypes: ["ResearchSubject"])

    struct Read: Equatable {
        var tree: FHIRElement
        var versionId: String?
    }

    static func read(path: String, options: FHIRResourceInput.Options) throws -> [Read] {
        let input = try FHIRResourceInput(path: path, options: options)
        var read: [Read] = []
        try input.forEachResource { resource, _ in read.append(Read(tree: resource, versionId: input.versionId(of: resource))) }
        return read
    }

    /// What the filtered read must give for a resource whose whole tree is `whole`.
    static func expected(from whole: FHIRElement) -> Read {
        guard whole.resourceType != "ResearchSubject", case .object(let object) = whole else {
            return Read(tree: whole, versionId: whole.versionId)
        }
        let kept = object.members.filter { ["resourceType", "id", "gender"].contains($0.key) }
        return Read(tree: .object(FHIRObject(members: kept)), versionId: whole.versionId)
    }

    @Test func ndjsonLinesGiveTheVersionsOfTheirWholeTrees() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("resources.ndjson", Self.resources.joined(separator: "\n") + "\n")
        let whole = try Self.read(path: path, options: .init())
        let filtered = try Self.read(path: path, options: Self.options)
        #expect(filtered == whole.map { Self.expected(from: $0.tree) })
        #expect(filtered.map(\.versionId) == ["3", "12", nil, nil, "7", nil])
        // Without the option, the filtered trees have no version: what the option is for.
        var plain = Self.options
        plain.readsVersionIds = false
        #expect(try Self.read(path: path, options: plain).map(\.versionId) == [nil, nil, nil, nil, "7", nil])
    }

    @Test func aDocumentThatIsOneResourceGivesItsVersion() throws {
        let directory = try TemporaryDirectory()
        for (index, text) in Self.resources.enumerated() {
            let path = try directory.file("r\(index).json", text)
            let whole = try Self.read(path: path, options: .init())
            #expect(try Self.read(path: path, options: Self.options) == whole.map { Self.expected(from: $0.tree) }, "\(text)")
        }
    }

    /// Array items and Bundle entries are built whole, filter or not: their versions come from their trees.
    @Test func arrayItemsAndBundleEntriesKeepTheirWholeTrees() throws {
        let directory = try TemporaryDirectory()
        let array = try directory.file("array.json", "[" + Self.resources.joined(separator: ",") + "]")
        #expect(try Self.read(path: array, options: Self.options) == Self.read(path: array, options: .init()))
        let entries = Self.resources.map { #"{"resource":\#($0)}"# }.joined(separator: ",")
        let bundle = try directory.file("bundle.json", #"{"resourceType":"Bundle","type":"collection","entry":[\#(entries)]}"#)
        var options = Self.options
        options.entries = true
        #expect(try Self.read(path: bundle, options: options) == Self.read(path: bundle, options: .init(entries: true)))
        #expect(try Self.read(path: bundle, options: options).map(\.versionId) == ["3", "12", nil, nil, "7", nil])
    }
}
