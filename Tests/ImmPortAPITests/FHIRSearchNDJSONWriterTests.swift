import FHIRModel
import Foundation
@testable import ImmPortAPI
import ImmPortTestServer
import Testing

/// The streaming NDJSON output of a search: one line per resource, de-duplicated across pages, newer versions
/// replacing older lines, nothing left behind when the search fails.
@Suite struct FHIRSearchNDJSONWriterTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "ndjson-writer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func lines(_ path: String) throws -> [FHIRElement] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try FHIRJSONReader().read(String($0)) }
    }

    @Test(arguments: [false, true])
    func writesEachResourceOnceAsTheServerSentIt(prefetch: Bool) async throws {
        try await Harness.with { h in
            h.server.inject(.duplicateEntries, on: .searchPage(2))
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = directory + "/observations.ndjson"
            let writer = try FHIRSearchNDJSONWriter(path: path)
            var duplicates = 0
            for try await page in h.fhir.search("Observation", [("_count", "5")], options: .init(prefetch: prefetch)) {
                duplicates += page.duplicatesDropped
                try writer.write(page)
            }
            try writer.commit()
            #expect(duplicates == 5)
            #expect(writer.resourceCount == 27 && writer.linesCopied == 27 && writer.unremovedSupersededLines == 0)
            let written = try lines(path)
            #expect(written.count == 27)
            #expect(Set(written.compactMap(FHIRResourceKey.init(resource:))).count == 27)
            // Copied bytes are the fixture's compact JSON, which the writer would also produce from the tree.
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text == written.map { FHIRJSONWriter().string($0) + "\n" }.joined())
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["observations.ndjson"])
        }
    }

    @Test func aNewerVersionOnALaterPageReplacesTheLineAlreadyWritten() async throws {
        try await Harness.with { h in
            h.server.inject(.newerVersions, on: .searchPage(3))
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = directory + "/observations.ndjson"
            let writer = try FHIRSearchNDJSONWriter(path: path)
            var replaced: [FHIRResourceKey] = []
            for try await page in h.fhir.search("Observation", [("_count", "4")]) {
                replaced += page.entries.filter(\.replacesEarlierVersion).map(\.key)
                try writer.write(page)
            }
            try writer.commit()
            #expect(replaced.count == 4, "page 3 repeats page 2's four resources, one version newer")
            #expect(writer.linesWritten == 31 && writer.resourceCount == 27)
            let written = try lines(path)
            #expect(written.count == 27)
            let keys = written.compactMap(FHIRResourceKey.init(resource:))
            #expect(Set(keys).count == 27)
            for resource in written {
                let key = try #require(FHIRResourceKey(resource: resource))
                let original = try await h.fhir.read(key.type, id: key.id)
                let expected = replaced.contains(key) ? String((Int(original.versionId ?? "0") ?? 0) + 1) : original.versionId
                #expect(resource.versionId == expected, "\(key)")
            }
            // The newer copies sit where they were received (page 3, before its own resources), not where page 2 had them.
            #expect(Array(keys[4..<8]) == replaced)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["observations.ndjson"])
        }
    }

    @Test func aFailedSearchLeavesNoFile() async throws {
        try await Harness.with { h in
            h.server.inject(.status(500), on: .searchPage(3), times: 10)
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            do {
                let writer = try FHIRSearchNDJSONWriter(path: directory + "/observations.ndjson")
                for try await page in h.fhir.search("Observation", [("_count", "4")]) { try writer.write(page) }
                try writer.commit()
                Issue.record("expected the search to fail")
            } catch let error as ImmPortAPIError {
                #expect(error.status == 500)
                #expect(checkedText(error).contains("_getpages="), "the error names the page's URL")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "a partial output was left behind")
        }
    }

    @Test func resourcesWhoseBytesSpanLinesAreWrittenFromTheTree() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.ndjson"
        let pretty = Array("{\n  \"resourceType\": \"Patient\",\n  \"id\": \"p\"\n}".utf8)
        let compact = Array(#"{"resourceType":"Patient","id":"q"}"#.utf8)
        let writer = try FHIRSearchNDJSONWriter(path: path)
        for (n, bytes) in [pretty, compact].enumerated() {
            let resource = try FHIRJSONReader().read(bytes)
            try writer.write(
                FHIRSearchEntry(
                    resource: resource, key: FHIRResourceKey(resource: resource)!, mode: .match, fullUrl: nil,
                    receivedJSON: bytes[...], sequence: n, replacedSequence: nil))
        }
        try writer.commit()
        #expect(writer.linesCopied == 1)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"resourceType\":\"Patient\",\"id\":\"p\"}\n{\"resourceType\":\"Patient\",\"id\":\"q\"}\n")
    }
}
