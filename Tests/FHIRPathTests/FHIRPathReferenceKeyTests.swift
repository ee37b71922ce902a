import FHIRModel
import FHIRPath
import Testing

/// `getReferenceKey([type])` over the reference forms FHIR allows (synthetic references, written for this test).
@Suite struct FHIRPathReferenceKeyTests {
    static func key(_ reference: String, _ type: String? = nil) throws -> [FHIRElement] {
        let resource: FHIRElement = ["resourceType": "Observation", "subject": ["reference": .string(reference)]]
        let call = type.map { "subject.getReferenceKey(\($0))" } ?? "subject.getReferenceKey()"
        return try FHIRPathExpression(call, options: .init(rootType: "Observation")).evaluateJSON(resource)
    }

    @Test func relativeAbsoluteVersionedContainedAndURNForms() throws {
        #expect(try Self.key("Patient/p1") == ["p1"])
        #expect(try Self.key("Patient/p1", "Patient") == ["p1"])
        #expect(try Self.key("Patient/p1", "Group") == [])
        #expect(try Self.key("https://fhir.example.org/fhir/Patient/p-2.x", "Patient") == ["p-2.x"])
        #expect(try Self.key("Patient/p1/_history/3", "Patient") == ["p1"])
        #expect(try Self.key("https://x.org/fhir/Patient/p1/_history/3") == ["p1"])
        // Keys join to getResourceKey() of top-level rows: contained and Bundle-local resources are not rows, and
        // text that is not a reference names nothing (the one reference model, FHIRReference, says which is which).
        #expect(try Self.key("#contained1") == [])
        #expect(try Self.key("#contained1", "Patient") == [])
        #expect(try Self.key("urn:uuid:0f9e6a2c-1111-4222-8333-944455556666") == [])
        #expect(try Self.key("Patient?identifier=x|1") == [])
        #expect(try Self.key("p1") == [])
        #expect(try Self.key("p1", "Patient") == [])
        #expect(try Self.key("Patient/") == [])
        #expect(try Self.key("") == [])
    }
}
