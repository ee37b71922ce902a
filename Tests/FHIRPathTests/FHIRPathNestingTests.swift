import FHIRModel
import Foundation
import Testing
import TestSupport

@testable import FHIRPath

/// The parser, compiler and evaluator recurse once per level of an expression, so an expression nested thousands
/// of levels deep overflowed the stack (fuzzing found 1,600 signs in a row: `- - - ... 0.0001`). Expressions deeper
/// than `FHIRPathParser.maxNesting` are refused as syntax errors; real ones stay far below it and still work.
@Suite struct FHIRPathNestingTests {
    static func expectRefused(_ source: String, _ what: String) {
        let error = #expect(throws: FHIRPathSyntaxError.self, "\(what)") { try FHIRPathExpression(source) }
        #expect(error?.message.contains("nested more than \(FHIRPathParser.maxNesting) levels deep") == true, "\(what): \(String(describing: error))")
    }

    @Test func deeplyNestedExpressionsAreRefusedNotOverflowed() {
        Self.expectRefused(String(repeating: "-", count: 20_000) + "1", "signs")
        Self.expectRefused(String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000), "parentheses")
        Self.expectRefused(String(repeating: "where(", count: 5_000) + "true" + String(repeating: ")", count: 5_000), "arguments")
        Self.expectRefused("name" + String(repeating: ".given", count: 20_000), "a member chain")
        Self.expectRefused((0..<20_000).map { _ in "1" }.joined(separator: " + "), "an operator chain")
        Self.expectRefused("name" + String(repeating: "[0]", count: 20_000), "indexers")
    }

    @Test func theFuzzFindingIsRefused() throws {
        let folder = SharedData.packageRoot + "/Tests/FHIRPathTests/Regressions/fhirpath-eval"
        let files = (DirectoryListing.names(in: folder) ?? []).map { "\(folder)/\($0)" }
        #expect(!files.isEmpty)
        for path in files {
            let bytes = try FileBytes.read(path: path)
            let line = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
            Self.expectRefused(line, path)
        }
    }

    @Test func expressionsWithinTheLimitStillEvaluate() throws {
        let depth = FHIRPathParser.maxNesting - 10
        let patient = try FHIRJSONReader().read(#"{"resourceType":"Patient","active":true}"#)
        let parenthesised = String(repeating: "(", count: depth) + "active" + String(repeating: ")", count: depth)
        #expect(try FHIRPathExpression(parenthesised).evaluateJSON(patient) == [.boolean(true)])
        let sum = (0..<depth).map { _ in "1" }.joined(separator: " + ")
        #expect(try FHIRPathExpression(sum).evaluateJSON(patient) == [.number(FHIRNumber(depth))])
    }
}
