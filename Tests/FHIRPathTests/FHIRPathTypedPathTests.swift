import FHIRModel
import FHIRPath
import Testing

/// Paths whose steps know their types run on bare tree nodes, and `path op constant` compares without collections
/// (`FHIRPathNodeSteps`, `FHIRPathConstantComparison`). These check that those quicker ways give what FHIRPath
/// requires on the cases they must not get wrong: primitive extensions, nulls in arrays, extension-only values,
/// `$this`, several items, numbers written in every JSON form. Synthetic resources, written for this test.
@Suite struct FHIRPathTypedPathTests {
    static let patient: FHIRElement = [
        "resourceType": "Patient",
        "name": [
            ["given": ["Ann", .null, "Bo"], "_given": [.null, ["extension": [["url": "u", "valueString": "x"]]], .null]],
            ["family": "Doe", "given": ["Cy"]],
        ],
        "birthDate": "1970-01-01",
        "_birthDate": ["extension": [["url": "http://example.org/accuracy", "valueCode": "estimated"]]],
        "deceasedBoolean": false,
    ]

    static func values(_ expression: String, _ resource: FHIRElement = patient, root: String? = "Patient") throws
        -> [FHIRElement]
    {
        try FHIRPathExpression(expression, options: .init(rootType: root)).evaluateJSON(resource)
    }

    @Test func primitiveExtensionsAndNullsInArrays() throws {
        // The null given name with an extension is an item (no value, one extension); the plain null is not.
        #expect(try Self.values("Patient.name.given.count()") == [4])
        #expect(try Self.values("name.given") == ["Ann", .null, "Bo", "Cy"])
        #expect(try Self.values("name.given.extension.url") == ["u"])
        #expect(try Self.values("name.given.where(hasValue().not()).extension.value") == ["x"])
        #expect(try Self.values("birthDate.extension('http://example.org/accuracy').value") == ["estimated"])
        #expect(try Self.values("birthDate") == ["1970-01-01"])
        // A primitive's `id` and `extension` are its children, held in its `_name` object.
        #expect(try Self.values("birthDate.extension.url") == ["http://example.org/accuracy"])
        #expect(try Self.values("Patient.birthDate.extension.value") == ["estimated"])
        #expect(try Self.values("name.given.extension.value", root: nil) == ["x"])
        #expect(try Self.values("Patient.birthDate < @2000-01-01") == [true])
        #expect(try Self.values("deceased.ofType(boolean)") == [false])
        #expect(try Self.values("deceased.ofType(dateTime)") == [])
    }

    @Test func resourcesOfAnotherTypeTakeTheGeneralPath() throws {
        // Compiled for a Patient, evaluated on other resources: no Patient members, no crash, same as FHIRPath says.
        let observation: FHIRElement = ["resourceType": "Observation", "status": "final"]
        let unknown: FHIRElement = ["resourceType": "Unheard", "name": [["given": ["Zed"]]]]
        #expect(try Self.values("Patient.name.given", observation, root: nil) == [])
        #expect(try Self.values("Patient.birthDate < @2000", observation, root: nil) == [])
        #expect(try Self.values("name.given", Self.patient, root: nil) == ["Ann", .null, "Bo", "Cy"])
        // An unknown resource type is read untyped: its members are found by name.
        #expect(try Self.values("name.given", unknown, root: nil) == ["Zed"])
        let typed = try FHIRPathExpression("name.given", options: .init(rootType: "Patient"))
        #expect(try typed.evaluateJSON(unknown) == ["Zed"])
        #expect(try typed.evaluateJSON(observation) == [])
    }

    @Test func criteriaWithThisAndSeveralItems() throws {
        #expect(try Self.values("name.where(given = 'Cy').family") == ["Doe"])
        #expect(try Self.values("name.given.where($this = 'Bo')") == ["Bo"])
        #expect(try Self.values("name.given.where($this.length() > 2)") == ["Ann"])
        // `given = 'Ann'` on the first name compares a collection of three: false, not an error.
        #expect(try Self.values("name.where(given = 'Ann').count()") == [0])
        // An ordering comparison of several items is an error, as in the general evaluation.
        #expect(throws: FHIRPathEvaluationError.self) { try Self.values("name.where(given > 'A')") }
        #expect(throws: FHIRPathEvaluationError.self) { try Self.values("name.given > 'A'") }
    }

    @Test func numbersAgainstConstants() throws {
        func observation(_ value: String) throws -> FHIRElement {
            try FHIRJSONReader().read(
                #"{"resourceType": "Observation", "valueQuantity": {"value": \#(value), "unit": "mg"}}"#)
        }
        let expression = try FHIRPathExpression(
            "value.ofType(Quantity).where(value > 100).unit", options: .init(rootType: "Observation"))
        let cases: [(String, Bool)] = [
            ("100", false), ("100.0", false), ("100.000000000000000000001", true), ("1e2", false), ("1.01E2", true),
            ("-101", false), ("100.5", true), ("99999999999999999999", true), ("0", false),
        ]
        for (text, passes) in cases {
            #expect(try expression.evaluateJSON(observation(text)) == (passes ? ["mg"] : []), "value \(text)")
        }
        #expect(try Self.values("Observation.value.ofType(Quantity).value >= 100.0", observation("100"), root: nil) == [true])
        #expect(try Self.values("Observation.value.ofType(Quantity).value < 0.001", observation("9e-4"), root: nil) == [true])
        // A number too far out of range is no decimal: an error, not a hang or a crash.
        #expect(throws: FHIRPathEvaluationError.self) {
            try Self.values("Observation.value.ofType(Quantity).value > 1", observation("1e-9000000000000000000"), root: nil)
        }
    }

    @Test func decimalsBeyondThirtyEightDigitsDoNotTrap() throws {
        // 1e-50 has 50 fraction digits: 10^50 does not fit the 128-bit mantissa the arithmetic works in, which used
        // to trap (a crash) when such a value was compared, rounded or truncated.
        let observation = try FHIRJSONReader().read(
            #"{"resourceType": "Observation", "valueQuantity": {"value": 1e-50, "unit": "mg"}}"#)
        func value(_ tail: String) throws -> [FHIRElement] {
            try Self.values("Observation.value.ofType(Quantity).value" + tail, observation, root: nil)
        }
        #expect(try value(" > 1") == [false])
        #expect(try value(" < 1") == [true])
        #expect(try value(" > 0") == [true])
        #expect(try value(".round(2)") == [.number(FHIRNumber("0.00")!)])
        #expect(try value(".truncate()") == [0])
        #expect(try value(".floor()") == [0])
        #expect(try value(".ceiling()") == [1])
        #expect(try value(" * 1e0".replacingOccurrences(of: "1e0", with: "1.0")).count == 1)
        #expect(try value(".toString()") == [.string("0." + String(repeating: "0", count: 49) + "1")])
    }

    @Test func stringsAgainstConstants() throws {
        let observation: FHIRElement = [
            "resourceType": "Observation",
            "code": ["coding": [["system": "http://loinc.org", "code": "8867-4"], ["system": "s", "code": "x"]]],
        ]
        #expect(try Self.values("code.coding.where(system = 'http://loinc.org').code", observation, root: "Observation") == ["8867-4"])
        #expect(try Self.values("code.coding.where(system != 'http://loinc.org').code", observation, root: "Observation") == ["x"])
        #expect(try Self.values("code.coding.where(code = 8867).code", observation, root: "Observation") == [])
        // The same on an untyped focus: the general evaluation.
        #expect(try Self.values("code.coding.where(system = 'http://loinc.org').code", observation, root: nil) == ["8867-4"])
    }
}
