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
    /// `insert` places a new member by its rank and orders only that one object: a nested object out of order
    /// stays so; an object itself out of order is sorted; an unknown type gets the member last.
    @Test func insertPlacesOneMemberAndOrdersOnlyItsObject() throws {
        let order = FHIRCanonicalOrder(definitions: .r4)
        func inserted(_ json: String, _ key: String, _ value: String, as type: String) throws -> String {
            guard case .object(var object) = try FHIRJSONReader().read(json) else { throw CancellationError() }
            order.insert(key: key, value: try FHIRJSONReader().read(value), into: &object, asType: type)
            return FHIRJSONWriter().string(.object(object))
        }
        let patient = #"{"resourceType":"Patient","id":"1","meta":{"source":"s","versionId":"1"},"gender":"male"}"#
        #expect(try inserted(patient, "identifier", #"[{"value":"v"}]"#, as: "Patient")
            == #"{"resourceType":"Patient","id":"1","meta":{"source":"s","versionId":"1"},"identifier":[{"value":"v"}],"gender":"male"}"#)
        #expect(try inserted(patient, "zzz", "1", as: "Patient")
            == #"{"resourceType":"Patient","id":"1","meta":{"source":"s","versionId":"1"},"gender":"male","zzz":1}"#)
        #expect(try inserted(#"{"gender":"male","resourceType":"Patient"}"#, "id", #""1""#, as: "Patient")
            == #"{"resourceType":"Patient","id":"1","gender":"male"}"#)
        #expect(try inserted(#"{"b":1}"#, "a", "2", as: "Nonsense") == #"{"b":1,"a":2}"#)
        #expect(order.slot(of: "gender", inType: "Patient")!.rank < order.slot(of: "birthDate", inType: "Patient")!.rank)
        #expect(order.slot(of: "name", inType: "Patient")?.childType == "HumanName")
        #expect(order.slot(of: "x", inType: "Nonsense") == nil)
    }
}
