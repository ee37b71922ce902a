import FHIRModel
import FHIRPath
import Testing
import TestSupport

/// Decimals beyond the 38 digits the engine computes in (`-1.0e+245`, `1.0e-245`) compare, convert and print
/// exactly; a number no Decimal holds fails with an error that says so. A user found
/// `Observation.component[6].value.value < 0` failing on the official R4 example `observation-decimal` with
/// "cannot compare FHIR.decimal with System.Integer". Every expression is evaluated typed, untyped and by the
/// general evaluator alone.
@Suite struct FHIRPathExtremeDecimalTests {
    static let jsonExample = "fhir/r4/examples/json/observation-decimal.json"
    static let xmlExample = "fhir/r4/examples/xml/observation-decimal.xml"

    static func observation(_ values: [String]) throws -> FHIRElement {
        let components = values.map { #"{"code": {"text": "c"}, "valueQuantity": {"value": \#($0), "unit": "g"}}"# }
        return try FHIRJSONReader().read(
            #"{"resourceType": "Observation", "status": "final", "code": {"text": "t"}, "component": ["#
                + components.joined(separator: ",") + "]}")
    }

    /// `-1` and then `zeros` zeros, or `0.` then zeros and `digits`.
    static func large(_ zeros: Int) -> FHIRElement { .string("-1" + String(repeating: "0", count: zeros)) }
    static func small(_ zeros: Int, _ digits: String) -> FHIRElement {
        .string("0." + String(repeating: "0", count: zeros) + digits)
    }

    /// The checks that hold for both forms of the example: the JSON (`-1.0e+245`, `1.0e-245`, `1.0e-22`) and the
    /// XML (`-1.000000000000000000e245`, `1.000000000000000000e-245`, `1.0e0`, `1.00`, `0.0000000000000000000001`).
    static func checkTheExample(_ resource: FHIRElement) throws {
        func values(_ expression: String) throws -> [FHIRElement] { try FHIRPathWay.values(expression, on: resource) }
        let component = "Observation.component"
        #expect(try values("\(component)[6].value.value < 0") == [true])
        #expect(try values("\(component)[6].value.value > 0") == [false])
        #expect(try values("\(component)[6].value.value = 0") == [false])
        #expect(try values("\(component)[6].value.value < -1000000000000000000000000000000000000000") == [true])
        #expect(try values("\(component)[5].value.value > 0") == [true])
        #expect(try values("\(component)[5].value.value < 0.0000000000000000000000000000000000000001") == [true])
        #expect(try values("\(component)[6].value.value < \(component)[5].value.value") == [true])
        #expect(try values("\(component)[5].value.value < \(component)[3].value.value") == [true])
        #expect(try values("\(component)[3].value.value = 0.0000000000000000000001") == [true])
        #expect(try values("\(component)[4].value.value = 1000000000000000000") == [true])
        #expect(try values("\(component)[2].value.value = 1") == [true])
        #expect(try values("\(component)[0].value.value = \(component)[1].value.value") == [true])
        #expect(try values("\(component).value.value.where($this < 0).count()") == [1])
        #expect(try values("\(component).value.value.where($this > 1).count()") == [1])
        #expect(try values("\(component)[6].value.value.toDecimal() < 0") == [true])
        #expect(try values("\(component)[6].value.value.toString()") == [Self.large(245)])
        #expect(try values("\(component)[6].value.value.toString().toDecimal() = \(component)[6].value.value") == [true])
        #expect(try values("\(component)[6].value.value.abs() > 1000000000000000000") == [true])
        #expect(try values("\(component)[6].value.value.precision()") == [0])
        // A Quantity compares through its value.
        #expect(try values("\(component)[6].value < \(component)[5].value") == [true])
        #expect(try values("\(component)[5].value > 0 'g'") == [true])
    }

    @Test(.sharedData(jsonExample)) func theOfficialExampleAsJSON() throws {
        let resource = try FHIRJSONReader().read(try FileBytes.read(path: SharedData.require(Self.jsonExample)))
        try Self.checkTheExample(resource)
        func values(_ expression: String) throws -> [FHIRElement] { try FHIRPathWay.values(expression, on: resource) }
        #expect(try values("Observation.component[5].value.value.toString()") == [Self.small(244, "10")])
        #expect(try values("Observation.component[3].value.value.toString()") == [Self.small(21, "10")])
        // The element itself prints as it was written.
        #expect(try values("Observation.component[6].value.value") == [.number(FHIRNumber("-1.0e+245")!)])
    }

    @Test(.sharedData(xmlExample)) func theOfficialExampleAsXML() throws {
        let resource = try FHIRXMLReader().read(path: SharedData.require(Self.xmlExample))
        try Self.checkTheExample(resource)
        func values(_ expression: String) throws -> [FHIRElement] { try FHIRPathWay.values(expression, on: resource) }
        #expect(try values("Observation.component[2].value.value.toString()") == ["1.0"])
        #expect(try values("Observation.component[1].value.value.toString()") == ["1.00"])
        #expect(try values("Observation.component[2].value.value = 1.0") == [true])
        #expect(try values("Observation.component[1].value.value ~ 1.0") == [true])
        #expect(try values("Observation.component[3].value.value.toString()") == [Self.small(21, "1")])
        #expect(try values("Observation.component[5].value.value.toString()")
            == [Self.small(244, "1000000000000000000")])
        #expect(try values("Observation.component[6].value.value.precision()") == [0])
        #expect(try values("Observation.component[6].value.value") == [.number(FHIRNumber("-1.000000000000000000e245")!)])
    }

    @Test func signsAndMagnitudesDecideBeyondTheRange() throws {
        let resource = try Self.observation(["1e400", "1e300", "-1e400", "-1e300", "1e-300", "1e-299", "25e399", "3e400"])
        func compare(_ a: Int, _ op: String, _ b: Int) throws -> [FHIRElement] {
            try FHIRPathWay.values(
                "Observation.component[\(a)].value.value \(op) Observation.component[\(b)].value.value", on: resource)
        }
        #expect(try compare(0, ">", 1) == [true])
        #expect(try compare(2, "<", 3) == [true])
        #expect(try compare(2, "<", 4) == [true])
        #expect(try compare(4, "<", 5) == [true])
        #expect(try compare(6, "<", 7) == [true])
        #expect(try compare(6, ">", 0) == [true])
        #expect(try compare(0, "=", 0) == [true])
        #expect(try compare(0, "=", 6) == [false])
        #expect(try compare(1, ">=", 1) == [true])
        // Zeros past the plain-text limit are written with an exponent (valid JSON), not a text of that length.
        let far = try Self.observation(["1e-5000", "-12e5000", "0e999999999"])
        func values(_ expression: String) throws -> [FHIRElement] { try FHIRPathWay.values(expression, on: far) }
        #expect(try values("Observation.component[0].value.value.toString()") == ["1e-5000"])
        #expect(try values("Observation.component[1].value.value.toString()") == ["-12e5000"])
        #expect(try values("Observation.component[1].value.value.toDecimal()") == [.number(FHIRNumber("-12e5000")!)])
        #expect(try values("Observation.component[0].value.value > 0") == [true])
        #expect(try values("Observation.component[2].value.value = 0") == [true])
        // Arithmetic leaving the range is empty, as FHIRPath specifies for overflow.
        #expect(try values("Observation.component[1].value.value + 1") == [])
    }

    @Test func numbersNoDecimalHoldsFailSayingSo() throws {
        // An exponent beyond nine digits, or more than 38 significant digits: no Decimal holds them exactly.
        let resource = try Self.observation([
            "1e-9000000000000000000", "1234567890123456789012345678901234567891", "1.00000000000000000000000000000000000000000",
        ])
        for expression in [
            "Observation.component[0].value.value < 0", "Observation.component[0].value.value.toString()",
            "Observation.component[0].value.value + 1", "Observation.component[0].value.value.toDecimal()",
            "-Observation.component[0].value.value", "Observation.component[0].value.value.abs()",
        ] {
            for way in FHIRPathWay.allCases {
                let compiled = try FHIRPathExpression(expression, options: way.options(rootType: "Observation"))
                #expect("\(way): \(expression)", performing: { try compiled.evaluateJSON(resource) }, throws: {
                    ($0 as? FHIRPathEvaluationError)?.message.contains(
                        "decimal 1e-9000000000000000000 is outside the range FHIRPath computes in") == true
                })
            }
        }
        #expect(throws: FHIRPathEvaluationError.self) {
            try FHIRPathWay.values("Observation.component[1].value.value > 0", on: resource)
        }
        // Zeros beyond 38 digits lose nothing: the number is held.
        #expect(try FHIRPathWay.values("Observation.component[2].value.value = 1", on: resource) == [true])
    }
}
