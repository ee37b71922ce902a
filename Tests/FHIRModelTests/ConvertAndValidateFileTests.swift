import Foundation
import Testing
@testable import FHIRModel

/// The logic behind `immport-bridge convert` and `validate`, run on temporary files.
@Suite final class ConvertAndValidateFileTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "immport-bridge-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func file(_ name: String, _ text: String) throws -> String {
        let path = "\(directory)/\(name)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func contents(_ path: String) throws -> String { String(decoding: try FileBytes.read(path: path), as: UTF8.self) }

    let patient = #"{"id":"1","resourceType":"Patient","birthDate":"1974-12-25"}"#
    let observation = #"{"resourceType":"Observation","status":"final","code":{"text":"w"},"valueQuantity":{"value":72.50}}"#

    @Test func bundleToNDJSONIsOneLineUnlessEntriesAreAskedFor() throws {
        let bundle = #"{"resourceType":"Bundle","type":"searchset","entry":[{"resource":\#(patient)},{"request":{"method":"DELETE","url":"Patient/2"}},{"resource":\#(observation)}]}"#
        let input = try file("b.json", bundle)
        let output = "\(directory)/out.ndjson"
        let entries = try FHIRConverter(options: .init(to: .ndjson, entries: true)).convert(inputPath: input, outputPath: output)
        #expect(entries == .init(inputFormat: .json, inputShape: .bundleEntries, resourcesWritten: 2, entriesWithoutResource: 1))
        #expect(try contents(output) == patient + "\n" + observation + "\n")
        let whole = try FHIRConverter(options: .init(to: .ndjson)).convert(inputPath: input, outputPath: output)
        #expect(whole == .init(inputFormat: .json, inputShape: .resource, resourcesWritten: 1, entriesWithoutResource: 0))
        #expect(try contents(output) == bundle + "\n")
        // --entries to JSON: the entries' resources in a collection Bundle.
        try FHIRConverter(options: .init(to: .json, entries: true)).convert(inputPath: input, outputPath: output)
        #expect(try contents(output) == #"{"resourceType":"Bundle","type":"collection","entry":[{"resource":\#(patient)},{"resource":\#(observation)}]}"# + "\n")
    }

    @Test func aTopLevelThatIsNotAResourceIsRefusedWhateverTheTarget() throws {
        for target in FHIRFormat.allCases {
            for (name, text) in [("n.json", "null"), ("42.json", "42"), ("s.json", #""text""#), ("t.json", "true"), ("a.json", "[1, 2]"), ("o.json", #"{"id":"x"}"#)] {
                let output = "\(directory)/out-\(name).\(target)"
                #expect(throws: FHIRInputError.self, "\(name) to \(target)") {
                    try FHIRConverter(options: .init(to: target)).convert(inputPath: try file(name, text), outputPath: output)
                }
                #expect(!FileManager.default.fileExists(atPath: output))
            }
        }
    }

    @Test func ndjsonToJSONMakesACollectionBundleInCanonicalOrder() throws {
        let input = try file("in.ndjson", patient + "\n\n" + observation + "\n")
        let output = "\(directory)/out.json"
        try FHIRConverter(options: .init(to: .json, canonical: true)).convert(inputPath: input, outputPath: output)
        #expect(try contents(output) == #"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"1","birthDate":"1974-12-25"}},{"resource":\#(observation)}]}"# + "\n")
    }

    @Test func detectsNDJSONContentWithoutTheExtension() throws {
        let input = try file("noext", patient + "\r\n" + observation)
        let output = "\(directory)/array.ndjson"
        let summary = try FHIRConverter(options: .init(to: .ndjson, canonical: true)).convert(inputPath: input, outputPath: output)
        #expect(summary.inputShape == .ndjson && summary.resourcesWritten == 2)
        #expect(try contents(output).hasPrefix(#"{"resourceType":"Patient","id":"1""#))
    }

    @Test func arrayToNDJSONAndPrettyJSON() throws {
        let input = try file("a.json", "[\(patient),\(observation)]")
        let ndjson = "\(directory)/a.ndjson"
        try FHIRConverter(options: .init(to: .ndjson)).convert(inputPath: input, outputPath: ndjson)
        #expect(try contents(ndjson) == patient + "\n" + observation + "\n")
        let pretty = "\(directory)/p.json"
        try FHIRConverter(options: .init(to: .json, pretty: true)).convert(inputPath: input, outputPath: pretty)
        #expect(try FHIRJSONReader().read(contents(pretty)) == FHIRJSONReader().read("[\(patient),\(observation)]"))
        #expect(try contents(pretty).contains("\n    \"resourceType\": \"Patient\""))
        #expect(throws: FHIRConverter.Failure.self) { try FHIRConverter(options: .init(to: .ndjson, pretty: true)) }
    }

    @Test func failedConversionLeavesNoOutput() throws {
        let input = try file("bad.ndjson", patient + "\n{\"resourceType\":\"Patient\",\"id\":01}\n")
        let output = "\(directory)/never.ndjson"
        do {
            try FHIRConverter(options: .init(to: .ndjson)).convert(inputPath: input, outputPath: output)
            Issue.record("converted a malformed file")
        } catch let error as FHIRJSONError {
            #expect(error.line == 2 && error.column == 32 && error.source == input)
        }
        #expect(!FileManager.default.fileExists(atPath: output))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("never") }
        #expect(leftovers.isEmpty)
    }

    @Test func validateReportsLinesAndExitCodes() throws {
        let valid = try file("ok.json", patient)
        #expect(FHIRFileValidator(version: .r4).validate(path: valid).exitCode == 0)

        let invalid = try file("bad.json", "{\n  \"resourceType\": \"Patient\",\n  \"name\": [\n    {\"given\": [\"a\", 7]}\n  ],\n  \"active\": \"true\"\n}\n")
        let report = FHIRFileValidator(version: .r4).validate(path: invalid)
        #expect(report.exitCode == 1)
        #expect(report.diagnostics.map(\.description) == [
            "\(invalid):4: error: Patient.name[0].given[1]: string must be a JSON string, found number 7",
            "\(invalid):6: error: Patient.active: boolean must be a JSON boolean, found string \"true\"",
        ])

        let ndjson = try file("mixed.ndjson", patient + "\n" + #"{"resourceType":"Patient","active":1}"# + "\n" + "{oops}\n" + patient + "\n")
        let mixed = FHIRFileValidator(version: .r4).validate(path: ndjson)
        #expect(mixed.exitCode == 2)
        #expect(mixed.resourcesChecked == 3)
        #expect(mixed.diagnostics.map(\.description) == ["\(ndjson):2: error: Patient.active: boolean must be a JSON boolean, found number 1"])
        #expect(mixed.readFailures == ["\(ndjson):3:2: error: unexpected 'o', expecting a key in double quotes"])

        let missing = FHIRFileValidator(version: .r4).validate(path: "\(directory)/does-not-exist.json")
        #expect(missing.exitCode == 2)
        #expect(missing.readFailures == ["\(directory)/does-not-exist.json: error: cannot open: No such file or directory"])

        let truncated = try file("t.json", "{\"resourceType\":\n")
        let broken = FHIRFileValidator(version: .r4).validate(path: truncated)
        #expect(broken.exitCode == 2)
        #expect(broken.readFailures == ["\(truncated):2:1: error: unexpected end of input, expecting a value"])
    }

    @Test func validateLocatesProblemsInsideArraysOfResources() throws {
        let path = try file("arr.json", "[\n\(patient),\n" + #"{"resourceType":"Patient","gender":["male"]}"# + "\n]")
        let report = FHIRFileValidator(version: .r4).validate(path: path)
        #expect(report.diagnostics.map(\.description) == [
            "\(path):3: entry 2: error: Patient.gender: gender must be a single value (maximum cardinality 1), found an array"
        ])
    }
}
