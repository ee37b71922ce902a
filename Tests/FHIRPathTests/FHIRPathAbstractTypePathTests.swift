import FHIRModel
import FHIRPath
import Testing

/// Paths through an abstract type (`Bundle.entry.resource`, `contained`: `Resource`) reach the elements of its
/// subtypes, as fhirpath.js and HAPI allow; only a name that no candidate type has is a compile error. A user
/// found `Bundle.entry.resource.where($this is MedicationRequest).subject.reference` refused with "Resource has
/// no element 'subject'". Every expression is evaluated typed, untyped and by the general evaluator alone.
/// (Synthetic resources, written for this test.)
@Suite struct FHIRPathAbstractTypePathTests {
    static let bundle: FHIRElement = [
        "resourceType": "Bundle", "type": "collection",
        "entry": [
            ["resource": ["resourceType": "Patient", "id": "p1", "name": [["family": "Doe"]]]],
            [
                "resource": [
                    "resourceType": "MedicationRequest", "id": "m1", "status": "active", "intent": "order",
                    "subject": ["reference": "Patient/p1"],
                ]
            ],
            [
                "resource": [
                    "resourceType": "Observation", "id": "o1", "status": "final", "code": ["text": "x"],
                    "subject": ["reference": "Patient/p2"],
                ]
            ],
        ],
    ]

    static func values(_ expression: String, _ resource: FHIRElement = bundle) throws -> [FHIRElement] {
        try FHIRPathWay.values(expression, on: resource)
    }

    static func compileError(_ expression: String, rootType: String? = "Bundle") -> String? {
        do {
            _ = try FHIRPathExpression(expression, options: .init(rootType: rootType))
            return nil
        } catch let error as FHIRPathCompileError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func theUsersExpression() throws {
        #expect(try Self.values("Bundle.entry.resource.where($this is MedicationRequest).subject.reference")
            == ["Patient/p1"])
        #expect(try Self.values("Bundle.entry.resource.where(is(MedicationRequest)).subject.reference") == ["Patient/p1"])
        #expect(try Self.values("Bundle.entry.resource.ofType(MedicationRequest).subject.reference") == ["Patient/p1"])
        #expect(try Self.values("Bundle.entry.resource.ofType(MedicationRequest).subject.resolve().name.family")
            == ["Doe"])
    }

    @Test func anElementSomeSubtypesHaveIsAllowed() throws {
        // Each resource gives its own subject; the Patient, which has none, gives nothing.
        #expect(try Self.values("Bundle.entry.resource.subject.reference") == ["Patient/p1", "Patient/p2"])
        #expect(try Self.values("entry.resource.status") == ["active", "final"])
        #expect(try Self.values("entry.resource.where(status = 'final').id") == ["o1"])
        // Through resolve(), whose result type is not known.
        #expect(try Self.values("entry.resource.subject.resolve().name.family") == ["Doe"])
        let contained: FHIRElement = [
            "resourceType": "Patient", "id": "p",
            "contained": [["resourceType": "Observation", "id": "c", "status": "final", "code": ["text": "y"]]],
        ]
        #expect(try Self.values("Patient.contained.code.text", contained) == ["y"])
    }

    @Test func anElementNoCandidateHasIsAnError() throws {
        #expect(Self.compileError("Bundle.entry.resource.given1") == "Resource has no element 'given1'")
        // Narrowed to Patient, which has no subject.
        #expect(
            Self.compileError("Bundle.entry.resource.where($this is Patient).subject")
                == "Patient has no element 'subject'")
        #expect(Self.compileError("Bundle.entry.resource.ofType(Patient).subject") == "Patient has no element 'subject'")
        // Untyped, the focus may be of any FHIR type, but of none with this element.
        #expect(Self.compileError("name.given1", rootType: nil) == "no FHIR type has an element 'given1'")
        #expect(Self.compileError("entry.resource.subject.resolve().foo", rootType: nil)
            == "no FHIR type has an element 'foo'")
    }

    @Test func whereNarrowsTheResultType() throws {
        func types(_ expression: String) throws -> [String]? {
            try FHIRPathExpression(expression, options: .init(rootType: "Bundle")).resultTypes
        }
        #expect(try types("Bundle.entry.resource") == ["Resource"])
        #expect(try types("Bundle.entry.resource.where($this is MedicationRequest)") == ["MedicationRequest"])
        #expect(try types("Bundle.entry.resource.where(status = 'active' and $this is MedicationRequest)")
            == ["MedicationRequest"])
        #expect(try types("Bundle.entry.resource.ofType(MedicationRequest).subject") == ["Reference"])
        #expect(try types("Bundle.entry.resource.where($this is MedicationRequest).subject") == ["Reference"])
        // A test of something else narrows nothing.
        #expect(try types("Bundle.entry.resource.where(id = 'm1')") == ["Resource"])
        #expect(try types("Bundle.entry.resource.where($this is MedicationRequest or id = 'x')") == ["Resource"])
    }

    @Test func otherJSONIsReadAsItComes() throws {
        // A caller's variable, type()'s TypeInfo and a focus declared non-FHIR are not checked against FHIR.
        let record: FHIRElement = ["study_accession": "SDY1", "arms": [["name": "A"]]]
        var options = FHIRPathCompileOptions()
        options.focusMayBeOtherJSON = true
        #expect(try FHIRPathExpression("study_accession", options: options).evaluateJSON(record) == ["SDY1"])
        #expect(Self.compileError("study_accession", rootType: nil) == "no FHIR type has an element 'study_accession'")
        let variable = try FHIRPathExpression("%study.arms.name")
        let input = FHIRPathEvaluationInput(
            resource: Self.bundle, variables: ["study": [.element(record, type: nil)]])
        #expect(try variable.evaluate(input).map(\.jsonValue) == ["A"])
        #expect(try Self.values("1.type().namespace") == ["System"])
    }
}
