import Testing
@testable import FHIRModel

@Suite struct CanonicalOrderTests {
    func canonical(_ json: String, _ version: FHIRVersion = .r4) throws -> String {
        let tree = try FHIRJSONReader().read(json)
        return FHIRJSONWriter().string(FHIRCanonicalOrder(definitions: .forVersion(version)).reorder(tree))
    }

    @Test func ordersResourcesBackbonesAndPrimitiveExtensions() throws {
        let input = #"{"gender":"male","_gender":{"id":"g"},"zzz":1,"name":[{"given":["A"],"family":"B","_given":[{"id":"x"}]}],"id":"1","resourceType":"Patient","contact":[{"name":{"family":"C"},"relationship":[{"text":"N"}]}],"yyy":2}"#
        #expect(try canonical(input) == #"{"resourceType":"Patient","id":"1","name":[{"family":"B","given":["A"],"_given":[{"id":"x"}]}],"gender":"male","_gender":{"id":"g"},"contact":[{"relationship":[{"text":"N"}],"name":{"family":"C"}}],"zzz":1,"yyy":2}"#)
    }

    @Test func ordersChoiceElementsContainedResourcesAndExtensions() throws {
        let input = #"{"valueQuantity":{"unit":"kg","value":72.50},"status":"final","resourceType":"Observation","code":{"text":"w"},"contained":[{"name":"x","resourceType":"Organization"}],"extension":[{"valueString":"v","url":"u"}]}"#
        #expect(try canonical(input) == #"{"resourceType":"Observation","contained":[{"resourceType":"Organization","name":"x"}],"extension":[{"url":"u","valueString":"v"}],"status":"final","code":{"text":"w"},"valueQuantity":{"value":72.50,"unit":"kg"}}"#)
    }

    @Test func ordersBundleEntriesByTheirOwnType() throws {
        let input = #"{"entry":[{"resource":{"active":true,"resourceType":"Patient"},"fullUrl":"urn:1"}],"type":"collection","resourceType":"Bundle"}"#
        #expect(try canonical(input) == #"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:1","resource":{"resourceType":"Patient","active":true}}]}"#)
    }

    @Test func followsTheRelease() throws {
        // R5 ResearchStudy has name before title (R4 has no name).
        let input = #"{"resourceType":"ResearchStudy","status":"active","title":"T","name":"n"}"#
        #expect(try canonical(input, .r5) == #"{"resourceType":"ResearchStudy","name":"n","title":"T","status":"active"}"#)
        #expect(try canonical(#"{"resourceType":"Questionnaire","item":[{"type":"group","linkId":"1","item":[{"type":"string","linkId":"1.1"}]}],"status":"draft"}"#)
            == #"{"resourceType":"Questionnaire","status":"draft","item":[{"linkId":"1","type":"group","item":[{"linkId":"1.1","type":"string"}]}]}"#)
    }

    @Test func unknownResourceTypesAndNonObjectsAreLeftAlone() throws {
        #expect(try canonical(#"{"b":1,"resourceType":"Nonsense","a":2}"#) == #"{"b":1,"resourceType":"Nonsense","a":2}"#)
        #expect(try canonical(#"[{"id":"1","resourceType":"Patient"},3]"#) == #"[{"resourceType":"Patient","id":"1"},3]"#)
    }
}
