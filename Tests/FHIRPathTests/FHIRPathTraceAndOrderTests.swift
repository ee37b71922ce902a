import FHIRModel
import FHIRPath
import Synchronization
import Testing

/// `trace()` reaches the caller's handler, and `checksOrderedFunctions` rejects order-dependent functions on
/// unordered input at compile time. (Synthetic resource, written for this test.)
@Suite struct FHIRPathTraceAndOrderTests {
    static let patient: FHIRElement = [
        "resourceType": "Patient", "id": "p1",
        "name": [["family": "Chalmers", "given": ["Peter", "James"]], ["family": "Windsor", "given": ["Jim"]]],
    ]

    @Test func traceLogsTheProjectionAndPassesTheInputThrough() throws {
        let log = Mutex<[(String, [FHIRElement])]>([])
        var input = FHIRPathEvaluationInput(resource: Self.patient)
        input.trace = { name, items in log.withLock { $0.append((name, items.map(\.jsonValue))) } }
        let expression = try FHIRPathExpression("name.trace('given', given).family", options: .init(rootType: "Patient"))
        let result = try expression.evaluate(input).map(\.jsonValue)
        #expect(result == ["Chalmers", "Windsor"])
        let entries = log.withLock { $0 }
        #expect(entries.count == 1)
        #expect(entries.first?.0 == "given")
        #expect(entries.first?.1 == ["Peter", "James", "Jim"])
    }

    @Test func traceWithoutAHandlerChangesNothing() throws {
        let expression = try FHIRPathExpression("name.trace('n').given.count()")
        #expect(try expression.evaluateJSON(Self.patient) == [3])
    }

    @Test func orderDependentFunctionsOnChildrenAreRejectedOnlyWhenAsked() throws {
        var strict = FHIRPathCompileOptions(rootType: "Patient")
        strict.checksOrderedFunctions = true
        for source in ["Patient.children().skip(1)", "children().first()", "descendants().where(true)[0]"] {
            #expect(throws: FHIRPathCompileError.self, "\(source)") { try FHIRPathExpression(source, options: strict) }
            _ = try FHIRPathExpression(source, options: .init(rootType: "Patient"))
        }
        _ = try FHIRPathExpression("name.skip(1).given.first()", options: strict)
        _ = try FHIRPathExpression("children().count()", options: strict)
    }
}
