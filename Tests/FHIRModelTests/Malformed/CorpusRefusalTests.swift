import Foundation
import TestSupport
import Testing
@testable import FHIRModel

/// The file corpus in `Tests/FHIRModelTests/Corpus` (written by its `generate.py`, synthetic): every malformed JSON
/// document goes through every way the tool reads JSON, every hostile XML document through every way it reads XML,
/// and each must be refused with a line and column, never read, never a crash.
@Suite struct CorpusRefusalTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus").path

    static func files(_ folder: String, suffix: String) -> [String] {
        let directory = corpus + "/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { directory + "/" + $0 }
    }

    static let jsonFiles = files("MalformedJSON", suffix: ".json")
    static let xmlFiles = files("HostileXML", suffix: ".xml")

    /// Valid as NDJSON, where a document is a line and a file may have no lines at all.
    static let validAsNDJSON: Set<String> = ["empty", "whitespace-only", "second-top-level-after-newline"]

    @Test func theCorpusIsThere() {
        #expect(Self.jsonFiles.count >= 100)
        #expect(Self.xmlFiles.count >= 30)
    }

    /// A position every refusal must carry: one-based line and column.
    func expectPlaced(_ error: any Error, _ name: String, path: String) {
        switch error {
        case let error as FHIRJSONError:
            #expect(error.line >= 1 && error.column >= 1, "\(name): \(error)")
            #expect(error.description.hasPrefix("\(error.line):") || error.description.hasPrefix(path + ":"), "\(name): \(error)")
        case let error as FHIRXMLError:
            #expect(error.line >= 1 && error.column >= 1, "\(name): \(error)")
        case let error as FHIRInputError:
            #expect(error.location.line ?? 0 >= 1 && error.location.column ?? 0 >= 1, "\(name): \(error)")
        default:
            Issue.record("\(name): refused without a position: \(type(of: error)) \(error)")
        }
    }

    func refuses(_ name: String, _ path: String, way: String, _ read: () throws -> Void) {
        do {
            try read()
            Issue.record("\(name): read without error (\(way))")
        } catch {
            expectPlaced(error, "\(name) (\(way))", path: path)
        }
    }

    @Test(arguments: jsonFiles)
    func everyMalformedJSONDocumentIsRefusedByEveryReadPath(_ path: String) throws {
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let bytes = try FileBytes.read(path: path)
        let options = FHIRJSONReader.Options(source: path)
        refuses(name, path, way: "whole") { _ = try FHIRJSONReader(options: options).read(bytes) }
        refuses(name, path, way: "Bundle entries streamed") {
            try bytes.withUnsafeBytes { raw in _ = try FHIRJSONReader(options: options).readBundleStreamingEntries(raw) { _ in } }
        }
        refuses(name, path, way: "array items streamed, else whole") {
            try bytes.withUnsafeBytes { raw in
                if try !FHIRJSONReader(options: options).readArrayStreamingItems(raw, { _ in }) {
                    _ = try FHIRJSONReader(options: options).read(raw)
                }
            }
        }
        for filter in [FHIRJSONKeyFilter(), FHIRJSONKeyFilter(keys: ["resourceType", "id"], prefixes: ["value"])] {
            var filtered = options
            filtered.topLevelKeys = filter
            refuses(name, path, way: "members filtered \(filter.keys.sorted())") { _ = try FHIRJSONReader(options: filtered).read(bytes) }
        }
        // As the commands read files: detected format, Bundle entries streamed or not, and as NDJSON.
        for entries in [false, true] {
            refuses(name, path, way: "resource input, entries \(entries)") {
                try FHIRResourceInput(path: path, options: .init(entries: entries)).forEachResource { _, _ in }
            }
        }
        if !Self.validAsNDJSON.contains(name) {
            refuses(name, path, way: "NDJSON") {
                try FHIRResourceInput(path: path, options: .init(format: .ndjson)).forEachResource { _, _ in }
            }
        }
    }

    @Test(arguments: xmlFiles)
    func everyHostileXMLDocumentIsRefusedByEveryReadPath(_ path: String) throws {
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let bytes = try FileBytes.read(path: path)
        refuses(name, path, way: "whole") { _ = try FHIRXMLReader(options: .init(source: path)).read(bytes) }
        refuses(name, path, way: "resource input") {
            try FHIRResourceInput(path: path, options: .init(format: .xml)).forEachResource { _, _ in }
        }
        let directory = try TemporaryDirectory()
        let output = directory.path + "/out.json"
        refuses(name, path, way: "convert to JSON") {
            try FHIRConverter(options: .init(to: .json, from: .xml)).convert(inputPath: path, outputPath: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output), "\(name): a failed conversion left output")
    }
}
