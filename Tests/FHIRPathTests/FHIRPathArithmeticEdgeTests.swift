import FHIRModel
import FHIRPath
import Testing

/// Arithmetic at the ends of the number and date ranges gives a value, empty or an evaluation error, never a
/// crash (each of these used to trap the process).
@Suite struct FHIRPathArithmeticEdgeTests {
    static let resource: FHIRElement = ["resourceType": "Basic", "id": "b"]

    static func values(_ expression: String) throws -> [FHIRElement] {
        try FHIRPathExpression(expression).evaluateJSON(resource)
    }

    @Test func integerEnds() throws {
        #expect(try Self.values("(-9223372036854775807 - 1) div -1") == [])
        #expect(try Self.values("(-9223372036854775807 - 1) mod -1") == [0])
        #expect(try Self.values("(-9223372036854775807 - 1).abs()") == [.number(FHIRNumber("9223372036854775808")!)])
        #expect(try Self.values("(0 - 7) mod 3") == [-1])
        #expect(try Self.values("7 div -2") == [-3])
    }

    @Test func dateArithmeticOutOfRangeIsAnError() throws {
        for expression in [
            "@2014-01-01 + 9223372036854775807 days", "@2014-01-01 + 99999999999 years",
            "@2014-01-01T10:00:00Z + 9223372036854775807 milliseconds", "@2014-01 + 9223372036854775807 months",
            "@2014-01-01 - 9223372036854775807 weeks",
        ] {
            #expect(throws: FHIRPathEvaluationError.self, "\(expression)") { try Self.values(expression) }
        }
        #expect(try Self.values("@2014-03-31 - 1 month") == ["2014-02-28"])
        #expect(try Self.values("@2014-01-01 + 1000000 years") == ["1002014-01-01"])
    }
}
