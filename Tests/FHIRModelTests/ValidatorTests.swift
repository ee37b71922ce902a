import Testing
@testable import FHIRModel

@Suite struct ValidatorTests {
    let validator = FHIRValidator(definitions: .r4)

    func problems(_ json: String, _ validator: FHIRValidator? = nil) throws -> [String] {
        let tree = try FHIRJSONReader().read(json)
        return (validator ?? self.validator).validate(tree).map { "\($0.location ?? "-"): \($0.message)" }
    }

    @Test func validPatientHasNoProblems() throws {
        let json = #"""
            {"resourceType":"Patient","id":"p1","active":true,"name":[{"family":"Chalmers","given":["Peter","James"],
             "_given":[null,{"extension":[{"url":"http://example.org/x","valueCode":"x"}]}]}],
             "birthDate":"1974-12-25","_birthDate":{"extension":[{"url":"http://example.org/t","valueDateTime":"1974-12-25T14:35:45-05:00"}]},
             "deceasedBoolean":false,"multipleBirthInteger":2,
             "contact":[{"relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0131","code":"N"}]}]}],
             "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}
            """#
        #expect(try problems(json) == [])
    }

    @Test func unknownElementsAndBadChoiceSuffixes() throws {
        #expect(try problems(#"{"resourceType":"Patient","nickname":"x"}"#)
            == [#"Patient.nickname: unknown element "nickname" in Patient"#])
        let choice = try problems(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueFoo":1}"#)
        #expect(choice.count == 1 && choice[0].hasPrefix("Observation.valueFoo: valueFoo: Foo is not a type of value[x]"))
        let bare = try problems(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"value":1}"#)
        #expect(bare.count == 1 && bare[0].hasPrefix("Observation.value: value[x] needs a type suffix"))
        let two = try problems(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a","valueBoolean":true}"#)
        #expect(two == ["Observation.valueBoolean: value[x] appears twice (valueString and valueBoolean)"])
    }

    @Test func wrongJSONKindsForPrimitives() throws {
        #expect(try problems(#"{"resourceType":"Patient","active":"true"}"#)
            == [#"Patient.active: boolean must be a JSON boolean, found string "true""#])
        #expect(try problems(#"{"resourceType":"Patient","multipleBirthInteger":1.5}"#)
            == ["Patient.multipleBirthInteger: integer must be an integer, found 1.5"])
        #expect(try problems(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"72.5"}}"#)
            == [#"Observation.valueQuantity.value: decimal must be a JSON number, found string "72.5""#])
        #expect(try problems(#"{"resourceType":"Patient","birthDate":19741225}"#)
            == ["Patient.birthDate: date must be a JSON string, found number 19741225"])
        #expect(try problems(#"{"resourceType":"Patient","name":[{"given":["a",3]}]}"#)
            == ["Patient.name[0].given[1]: string must be a JSON string, found number 3"])
        #expect(try problems(#"{"resourceType":"Patient","text":{"status":"generated","div":{"p":"x"}}}"#)
            == ["Patient.text.div: xhtml must be a JSON string, found object"])
        #expect(try problems(#"{"resourceType":"Patient","communication":[{"language":{"text":"en"},"preferred":1}]}"#)
            == ["Patient.communication[0].preferred: boolean must be a JSON boolean, found number 1"])
        let positive = try problems(#"{"resourceType":"Patient","photo":[{"size":-1}]}"#)
        #expect(positive == ["Patient.photo[0].size: unsignedInt must not be negative, found -1"])
    }

    @Test func arrayVersusSingle() throws {
        #expect(try problems(#"{"resourceType":"Patient","name":{"family":"x"}}"#)
            == ["Patient.name: name must be an array (it repeats), found object"])
        #expect(try problems(#"{"resourceType":"Patient","gender":["male"]}"#)
            == ["Patient.gender: gender must be a single value (maximum cardinality 1), found an array"])
        #expect(try problems(#"{"resourceType":"Patient","name":[]}"#)
            == ["Patient.name: empty array: FHIR JSON leaves out elements without content"])
    }

    @Test func resourceTypeProblems() throws {
        #expect(try problems(#"{"id":"x"}"#) == ["-: missing resourceType"])
        #expect(try problems(#"{"resourceType":"Patiant"}"#) == [#"-: unknown resource type "Patiant" in FHIR R4"#])
        #expect(try problems(#"{"resourceType":"DomainResource"}"#) == [#"-: resourceType "DomainResource" is abstract"#])
        #expect(try problems(#"{"resourceType":7}"#) == ["-: resourceType must be a string, found number"])
        #expect(try problems(#"["Patient"]"#) == ["-: a resource must be a JSON object, found array"])
        // ActorDefinition exists only in R5.
        #expect(try problems(#"{"resourceType":"ActorDefinition","status":"draft","actorType":"person"}"#).count == 1)
        #expect(try problems(#"{"resourceType":"ActorDefinition","status":"draft","type":"person"}"#,
                             FHIRValidator(definitions: .r5)) == [])
    }

    @Test func primitiveExtensionShapes() throws {
        #expect(try problems(#"{"resourceType":"Patient","_birthDate":[{"id":"a"}]}"#)
            == ["Patient._birthDate: _birthDate must be an object (birthDate is single), found an array"])
        #expect(try problems(#"{"resourceType":"Patient","name":[{"given":["a","b"],"_given":[null]}]}"#)
            == ["Patient.name[0]._given: _given has 1 items but given has 2"])
        #expect(try problems(#"{"resourceType":"Patient","name":[{"given":["a",null],"_given":[null,null]}]}"#)
            == ["Patient.name[0].given[1]: null value without a matching extension in _given[1]"])
        #expect(try problems(#"{"resourceType":"Patient","name":[{"given":[null],"_given":[{"id":"g"}]}]}"#) == [])
        #expect(try problems(#"{"resourceType":"Patient","_name":{"id":"x"}}"#)
            == ["Patient._name: _name: only primitive elements carry a _ extension part; name is HumanName"])
        #expect(try problems(#"{"resourceType":"Patient","_gender":{"value":"x"}}"#)
            == [#"Patient._gender.value: unknown element "value" in Element"#])
        #expect(try problems(#"{"resourceType":"Patient","_gender":"male"}"#)
            == ["Patient._gender: must be an object with id and extension, found string"])
        #expect(try problems(#"{"resourceType":"Patient","_nickname":{"id":"x"}}"#)
            == [#"Patient._nickname: _nickname extends an unknown element "nickname" of Patient"#])
    }

    @Test func containedAndBundleEntriesAreCheckedAsTheirOwnType() throws {
        let contained = try problems(#"""
            {"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o","active":"yes"},
             {"resourceType":"Practitioner","id":"pr","gender":"female"}]}
            """#)
        #expect(contained == [#"Patient.contained[0].active: boolean must be a JSON boolean, found string "yes""#])
        let bundle = try problems(#"""
            {"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","active":true}},
             {"fullUrl":"urn:x","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueFoo":1}},
             {"resource":{"id":"no-type"}}]}
            """#)
        #expect(bundle.count == 2)
        #expect(bundle.first?.hasPrefix("Bundle.entry[1].resource.valueFoo: ") == true)
        #expect(bundle.last == "Bundle.entry[2].resource: missing resourceType")
    }

    @Test func requiredElementsAndExtensions() throws {
        #expect(try problems(#"{"resourceType":"Observation","code":{"text":"x"}}"#)
            == ["Observation: missing required element status (minimum cardinality 1)"])
        // A required primitive present only through its extension part counts as present.
        #expect(try problems(#"{"resourceType":"Observation","_status":{"extension":[{"url":"u","valueCode":"x"}]},"code":{"text":"x"}}"#) == [])
        #expect(try problems(#"{"resourceType":"Patient","extension":[{"valueString":"x"}]}"#)
            == ["Patient.extension[0]: missing required element url (minimum cardinality 1)"])
        #expect(try problems(#"{"resourceType":"Patient","extension":[{"url":"u","valueFoo":"x"}]}"#).count == 1)
        #expect(try problems(#"{"resourceType":"Patient","modifierExtension":[{"url":"u","valueReference":{"reference":"Patient/1"}}]}"#) == [])
    }

    @Test func r5Integer64IsAString() throws {
        let r5 = FHIRValidator(definitions: .r5)
        let base = #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueInteger64":"#
        // Observation.value[x] has no integer64 in R5; Extension.value[x] does.
        #expect(try problems(base + #""9007199254740993"}"#, r5).count == 1)
        let ext = #"{"resourceType":"Patient","extension":[{"url":"u","valueInteger64":"#
        #expect(try problems(ext + #""9007199254740993"}]}"#, r5) == [])
        #expect(try problems(ext + #"9007199254740993}]}"#, r5)
            == ["Patient.extension[0].valueInteger64: integer64 must be a JSON string of digits, found number 9007199254740993"])
        #expect(try problems(ext + #""12a"}]}"#, r5)
            == [#"Patient.extension[0].valueInteger64: integer64 must be a string of a 64-bit integer, found "12a""#])
    }

    @Test func questionnaireNestedItemsUseTheContentReference() throws {
        let json = #"""
            {"resourceType":"Questionnaire","status":"draft","item":[{"linkId":"1","type":"group",
             "item":[{"linkId":"1.1","type":"string","item":[{"linkId":"1.1.1","type":"boolean","required":"no"}]}]}]}
            """#
        #expect(try problems(json)
            == [#"Questionnaire.item[0].item[0].item[0].required: boolean must be a JSON boolean, found string "no""#])
    }
}

@Suite struct DeepNestingTests {
    /// A Questionnaire whose items nest as deep as the reader allows (each level is an object and an array).
    static func deepQuestionnaire(levels: Int) -> String {
        var text = #"{"linkId":"leaf","type":"boolean","required":"no"}"#
        for level in 0..<levels {
            text = #"{"type":"group","item":["# + text + #"],"linkId":"\#(level)"}"#
        }
        return #"{"resourceType":"Questionnaire","item":["# + text + #"],"status":"draft"}"#
    }

    @Test func validatorAndCanonicalOrderHandleTheDeepestReadableResource() throws {
        let text = Self.deepQuestionnaire(levels: 254)
        let tree = try FHIRJSONReader().read(text)
        let diagnostics = FHIRValidator(definitions: .r4).validate(tree)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message == #"boolean must be a JSON boolean, found string "no""#)
        #expect(diagnostics.first?.location?.hasSuffix(".item[0].required") == true)
        let canonical = FHIRCanonicalOrder(definitions: .r4).reorder(tree)
        #expect(DefinitionOrderCheck(definitions: .r4).problems(in: canonical).isEmpty)
        #expect(FHIRJSONWriter().string(canonical).hasPrefix(#"{"resourceType":"Questionnaire","status":"draft","item":[{"linkId":"253","type":"group","item""#))
        // One level more is past the reader's limit of 512.
        #expect(throws: FHIRJSONError.self) { try FHIRJSONReader().read(Self.deepQuestionnaire(levels: 256)) }
    }
}
