import FHIRModel
import FHIRPath
import Synchronization
import Testing

/// An expression reuses its environment from one evaluation to the next (`FHIRPathEnvironmentPool`): nothing of
/// one evaluation may reach the next, and evaluations on several threads at once must not share one. (Synthetic
/// resources, written for this test.)
@Suite struct FHIRPathEnvironmentReuseTests {
    static func patient(_ id: String, family: String) -> FHIRElement {
        ["resourceType": "Patient", "id": .string(id), "name": [["family": .string(family)]]]
    }

    @Test func variablesTraceRootAndResourceDoNotOutliveTheirEvaluation() throws {
        let expression = try FHIRPathExpression("%resource.id | %rootResource.id | %who | trace('t').name.family")
        let log = Mutex<[String]>([])
        var first = FHIRPathEvaluationInput(
            resource: Self.patient("p1", family: "One"), variables: ["who": [.string("first")]],
            rootResource: ["resourceType": "Bundle", "id": "b1"])
        first.trace = { name, _ in log.withLock { $0.append(name) } }
        #expect(try expression.evaluate(first).map(\.jsonValue) == ["p1", "b1", "first", "One"])
        #expect(log.withLock { $0 } == ["t"])

        // The next evaluation, without variables, root or handler: %who is undefined again, %rootResource is the
        // resource, and the old handler hears nothing.
        let second = FHIRPathEvaluationInput(resource: Self.patient("p2", family: "Two"))
        #expect(throws: FHIRPathEvaluationError.self) { try expression.evaluate(second) }
        let withoutVariable = try FHIRPathExpression("%resource.id | %rootResource.id | trace('t').name.family")
        _ = try withoutVariable.evaluate(first)
        #expect(try withoutVariable.evaluate(second).map(\.jsonValue) == ["p2", "Two"])
        #expect(log.withLock { $0 } == ["t", "t"])
    }

    @Test func anErrorLeavesNothingBehind() throws {
        let expression = try FHIRPathExpression("name.family.single() | %resource.id")
        let two: FHIRElement = ["resourceType": "Patient", "id": "x", "name": [["family": "A"], ["family": "B"]]]
        #expect(throws: FHIRPathEvaluationError.self) { try expression.evaluate(FHIRPathEvaluationInput(resource: two)) }
        #expect(try expression.evaluateJSON(Self.patient("p3", family: "C")) == ["C", "p3"])
    }

    @Test func concurrentEvaluationsGetTheirOwnResults() async throws {
        let expression = try FHIRPathExpression(
            "Patient.name.where(family.startsWith('F')).family | %resource.id", options: .init(rootType: "Patient"))
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<500 {
                        let id = "t\(task)-\(i)"
                        let result = try expression.evaluateJSON(Self.patient(id, family: "F\(i)"))
                        if result != [.string("F\(i)"), .string(id)] { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
