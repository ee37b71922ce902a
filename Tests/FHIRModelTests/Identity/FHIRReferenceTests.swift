import FHIRModel
import Testing

/// `FHIRReference` over every form https://hl7.org/fhir/R5/references.html describes, and text that is none of them.
@Suite struct FHIRReferenceTests {
    static func key(_ type: String, _ id: String) -> FHIRResourceKey { FHIRResourceKey(type: type, id: id) }

    static func isInvalid(_ reference: FHIRReference?) -> Bool {
        if case .invalid? = reference { return true }
        return false
    }

    @Test func relativeAndVersioned() {
        #expect(FHIRReference(parsing: "Patient/p1") == .relative(Self.key("Patient", "p1"), version: nil))
        #expect(FHIRReference(parsing: "Patient/p-2.x") == .relative(Self.key("Patient", "p-2.x"), version: nil))
        #expect(FHIRReference(parsing: "Observation/o1/_history/3") == .relative(Self.key("Observation", "o1"), version: "3"))
        let versioned = FHIRReference(parsing: "Observation/o1/_history/3")
        #expect(versioned.resourceKey == Self.key("Observation", "o1") && versioned.version == "3")
        #expect(versioned.description == "Observation/o1/_history/3")
        #expect(FHIRReference(parsing: "Patient/\(String(repeating: "a", count: 64))").resourceKey != nil)
    }

    @Test func absoluteRESTfulURLs() {
        #expect(
            FHIRReference(parsing: "https://fhir.example.org/fhir/Patient/p1")
                == .absolute(base: "https://fhir.example.org/fhir", Self.key("Patient", "p1"), version: nil))
        #expect(
            FHIRReference(parsing: "http://127.0.0.1:8080/Patient/p1/_history/2")
                == .absolute(base: "http://127.0.0.1:8080", Self.key("Patient", "p1"), version: "2"))
        let absolute = FHIRReference(parsing: "https://x.org/a/b/ResearchStudy/s1")
        #expect(absolute.resourceKey == Self.key("ResearchStudy", "s1") && absolute.resourceType == "ResearchStudy")
        #expect(absolute.description == "https://x.org/a/b/ResearchStudy/s1")
    }

    @Test func containedAndTheContainer() {
        #expect(FHIRReference(parsing: "#c1") == .contained(id: "c1"))
        #expect(FHIRReference(parsing: "#") == .contained(id: nil), "# alone is the container (R5)")
        #expect(FHIRReference(parsing: "#c1").resourceKey == nil)
        guard case .invalid(_, let reason) = FHIRReference(parsing: "#not an id") else {
            Issue.record("accepted a contained id with spaces")
            return
        }
        #expect(reason.contains("contained resource id"))
    }

    @Test func bundleLocalURNs() {
        let uuid = "urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7"
        #expect(FHIRReference(parsing: uuid) == .bundleLocal(uuid))
        #expect(FHIRReference(parsing: "urn:oid:1.2.840.10008") == .bundleLocal("urn:oid:1.2.840.10008"))
        #expect(FHIRReference(parsing: uuid).resourceKey == nil)
        for text in ["urn:uuid:1234", "urn:oid:1..2", "urn:oid:3.1", "urn:oid:1.02", "urn:isbn:0451450523"] {
            #expect(Self.isInvalid(FHIRReference(parsing: text)), "\(text)")
        }
    }

    @Test func conditionalReferencesAreNotKeys() {
        let reference = FHIRReference(parsing: "Patient?identifier=http://hospital.example/mrn|12345")
        #expect(reference == .conditional(type: "Patient", query: "identifier=http://hospital.example/mrn|12345"))
        #expect(reference.resourceKey == nil, "a search is not a key")
        #expect(reference.resourceType == "Patient")
        #expect(Self.isInvalid(FHIRReference(parsing: "Patient/1?x=1")))
        #expect(Self.isInvalid(FHIRReference(parsing: "Patient?")))
    }

    @Test func logicalReferencesComeFromTheElement() {
        let element: FHIRElement = ["type": "Patient", "identifier": ["system": "https://example.org/mrn", "value": "123"], "display": "x"]
        #expect(FHIRReference(element: element) == .logical(type: "Patient", system: "https://example.org/mrn", value: "123"))
        #expect(FHIRReference(element: ["display": "just a name"]) == nil)
        #expect(FHIRReference(element: "Patient/1") == nil, "a Reference is an object")
        #expect(FHIRReference(element: ["reference": "Patient/1", "identifier": ["value": "x"]]) == .relative(Self.key("Patient", "1"), version: nil))
        #expect(Self.isInvalid(FHIRReference(element: ["reference": 42])))
    }

    @Test func otherAbsoluteURLsCanBeFetchedNotKeyed() {
        for text in ["https://example.org/documents/report.pdf", "https://fhir.example.org/fhir/Patient?name=x", "ftp://x.org/Patient/1", "mailto:someone@example.org"] {
            #expect(FHIRReference(parsing: text) == .otherURL(text), "\(text)")
        }
    }

    @Test(arguments: [
        ("", "empty"), ("p1", "not one of"), ("Patient/", "id is missing"), ("/p1", "resource type before '/' is missing"),
        ("patient/p1", "'patient' is not a resource type name"), ("Patient/p 1", "'p 1' is not a FHIR id"),
        ("Patient/p_1", "not a FHIR id"), ("Patient/\(String(repeating: "a", count: 65))", "not a FHIR id"),
        ("Patient/1/history/2", "not one of"), ("a/Patient/1", "not one of"), ("Patient/1/_history/", "version is missing"),
        ("https:///Patient/1", "no host"),
    ])
    func garbageSaysWhy(_ text: String, _ why: String) {
        guard case .invalid(let kept, let reason) = FHIRReference(parsing: text) else {
            Issue.record("\"\(text)\" was accepted as \(FHIRReference(parsing: text))")
            return
        }
        #expect(kept == text)
        #expect(reason.contains(why), "\(text): \(reason)")
    }

    @Test func theFinderVisitsEveryLiteralReferenceOutsideContained() {
        let group: FHIRElement = [
            "resourceType": "Group", "id": "g1",
            "contained": [["resourceType": "Patient", "id": "c1", "managingOrganization": ["reference": "Organization/hidden"]]],
            "extension": [["url": "x", "valueReference": ["reference": "ResearchStudy/s1"]]],
            "member": [["entity": ["reference": "Patient/p1"]], ["entity": ["reference": "#c1"]]],
            "managingEntity": ["identifier": ["value": "logical"]],
        ]
        var found: [(String, String)] = []
        FHIRReferenceFinder.forEachReference(in: group) { path, reference in
            found.append((path.joined(separator: "."), reference.description))
        }
        #expect(found.map(\.0) == ["extension.valueReference", "member.entity", "member.entity"])
        #expect(found.map(\.1) == ["ResearchStudy/s1", "Patient/p1", "#c1"])
        #expect(FHIRReferenceFinder.references(in: group).compactMap(\.resourceKey) == [Self.key("ResearchStudy", "s1"), Self.key("Patient", "p1")])
        #expect(FHIRReferenceFinder.references(in: group).map(\.description) == found.map(\.1))
    }

    /// `references(in:)` finds what `forEachReference` finds, in its order (the selection's order follows it): a
    /// Reference's own `reference` before those in its extensions, arrays of arrays, a `reference` that is not a
    /// string skipped, the root's own `reference` member and `contained` left out.
    @Test func theFinderWithoutPathsFindsTheSameReferencesInTheSameOrder() {
        let resource: FHIRElement = [
            "resourceType": "Observation", "id": "o1", "reference": "Patient/root-is-not-a-reference",
            "subject": ["extension": [["url": "x", "valueReference": ["reference": "Patient/inner"]]], "reference": "Patient/outer"],
            "focus": [[["reference": "Group/g1"]], [["reference": 7]]],
            "contained": [["resourceType": "Patient", "id": "c1", "link": [["other": ["reference": "Patient/hidden"]]]]],
            "note": [["text": "Patient/in-text"]],
        ]
        var found: [String] = []
        FHIRReferenceFinder.forEachReference(in: resource) { _, reference in found.append(reference.description) }
        #expect(found == ["Patient/outer", "Patient/inner", "Group/g1"])
        #expect(FHIRReferenceFinder.references(in: resource).map(\.description) == found)
    }
}
