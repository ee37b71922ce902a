import FHIRModel
import Testing

@testable import Bridge

/// A push sends every resource after those it references, so a server that checks references accepts each
/// transaction however the resources are chunked.
@Suite struct PushOrderTests {
    static func resource(_ type: String, _ id: String, references: [String] = []) throws -> FHIRElement {
        let extensions = references.map { #"{"url":"http://example.org/r","valueReference":{"reference":"\#($0)"}}"# }
        return try FHIRJSONReader().read(#"{"resourceType":"\#(type)","id":"\#(id)","extension":[\#(extensions.joined(separator: ","))]}"#)
    }

    @Test func referencedResourcesComeFirstAndNothingIsLost() throws {
        let input = [
            try Self.resource("Observation", "o1", references: ["Patient/p1", "Specimen/s1"]),
            try Self.resource("Specimen", "s1", references: ["Patient/p1"]),
            try Self.resource("Patient", "p1", references: ["Organization/org"]),
            try Self.resource("Patient", "p2", references: ["Practitioner/elsewhere"]),
            try Self.resource("Organization", "org"),
        ]
        let ordered = PushOrder.ordered(input)
        let ids = ordered.compactMap { $0["id"]?.stringValue }
        #expect(ids.count == input.count && Set(ids) == ["o1", "s1", "p1", "p2", "org"])
        for (position, resource) in ordered.enumerated() {
            for reference in FHIRReferenceFinder.references(in: resource) {
                guard let key = reference.resourceKey, let target = ordered.firstIndex(where: { FHIRResourceKey(resource: $0) == key }) else { continue }
                #expect(target < position, "\(key) after its referrer")
            }
        }
    }

    @Test func aCycleKeepsEveryResourceOnce() throws {
        let input = [
            try Self.resource("Group", "g", references: ["ResearchStudy/s"]),
            try Self.resource("ResearchStudy", "s", references: ["Group/g"]),
        ]
        let ids = PushOrder.ordered(input).compactMap { $0["id"]?.stringValue }
        #expect(ids.sorted() == ["g", "s"])
    }

    /// A chain deeper than any call stack would take.
    @Test func aLongChainDoesNotOverflow() throws {
        let input = try (0..<20_000).map { try Self.resource("Basic", "b\($0)", references: $0 > 0 ? ["Basic/b\($0 - 1)"] : []) }
        let ordered = PushOrder.ordered(input.reversed())
        #expect(ordered.first?["id"]?.stringValue == "b0" && ordered.last?["id"]?.stringValue == "b19999")
    }

    @Test func decimalsCompareByValueAndStampsAreIgnored() throws {
        let sent = try FHIRJSONReader().read(#"{"resourceType":"Observation","id":"o","status":"final","valueQuantity":{"value":3.20}}"#)
        let stored = try FHIRJSONReader().read(#"{"valueQuantity":{"value":3.2},"id":"o","meta":{"versionId":"4","lastUpdated":"2026-01-01T00:00:00Z"},"status":"final","resourceType":"Observation"}"#)
        #expect(FHIRServerStamps.sameContent(stored, sent, definitions: .r5))
        let changed = try FHIRJSONReader().read(#"{"resourceType":"Observation","id":"o","status":"final","valueQuantity":{"value":3.21}}"#)
        #expect(!FHIRServerStamps.sameContent(changed, sent, definitions: .r5))
    }
}
