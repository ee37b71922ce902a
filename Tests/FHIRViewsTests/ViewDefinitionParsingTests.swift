import FHIRModel
import FHIRViews
import Testing

@Suite struct ViewDefinitionParsingTests {
    func parse(_ json: String) throws -> ViewDefinition {
        try ViewDefinition(parsing: FHIRJSONReader().read(json), source: "view.json")
    }

    func error(_ json: String) -> ViewDefinitionError? {
        do {
            let definition = try parse(json)
            _ = try CompiledView(definition, options: .init(tableName: definition.name ?? "t"))
            return nil
        } catch let error as ViewDefinitionError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func readsEveryElement() throws {
        let view = try parse(
            #"""
            {"resourceType":"ViewDefinition","url":"http://example.org/v","name":"obs","status":"active",
             "resource":"Observation","fhirVersion":["5.0.0"],
             "constant":[{"name":"c","valueCode":"final"},{"name":"n","valuePositiveInt":3},{"name":"b","valueBase64Binary":"aGk="}],
             "select":[{"column":[{"name":"id","path":"getResourceKey()","type":"id","description":"key",
                        "tag":[{"name":"ansi/type","value":"VARCHAR"}]}]},
                       {"forEachOrNull":"code.coding","column":[{"name":"code","path":"code","collection":false}]},
                       {"repeat":["item","answer.item"],"column":[{"name":"link","path":"linkId"}]},
                       {"unionAll":[{"column":[{"name":"u","path":"'a'"}]},{"forEach":"x","column":[{"name":"u","path":"'b'"}]}]}],
             "where":[{"path":"status = %c","description":"final only"}]}
            """#)
        #expect(view.name == "obs")
        #expect(view.resource == "Observation")
        #expect(view.fhirVersions == ["5.0.0"])
        #expect(view.constants.map(\.type) == ["code", "positiveInt", "base64Binary"])
        #expect(view.select[0].columns[0].tag("ansi/type") == "VARCHAR")
        #expect(view.select[1].iteration == .forEachOrNull("code.coding"))
        #expect(view.select[2].iteration == .repeat(["item", "answer.item"]))
        #expect(view.select[3].unionAll.count == 2)
        #expect(view.whereClauses == [ViewWhere(path: "status = %c", description: "final only")])
        let layout = try ViewTableLayout(view)
        #expect(layout.names == ["id", "code", "link", "u"])
    }

    @Test func acceptsTheCanonicalURLAsResourceType() throws {
        let view = try parse(
            #"{"resourceType":"https://sql-on-fhir.org/ig/StructureDefinition/ViewDefinition","resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]}]}"#)
        #expect(view.resource == "Patient")
        #expect(throws: ViewDefinitionError.self) {
            try parse(#"{"resourceType":"Patient","resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]}]}"#)
        }
    }

    @Test func rejectsInvalidDefinitionsNamingTheLocation() {
        let cases: [(String, ViewDefinitionError.Kind, String)] = [
            (#"{}"#, .malformed, "resource"),
            (#"{"resource":"Patient"}"#, .malformed, "select"),
            (#"{"resource":"Patient","select":[{"column":[{"name":"1id","path":"id"}]}]}"#, .invalidName, "select[0].column[0].name"),
            (#"{"resource":"Patient","select":[{"column":[{"name":"a b","path":"id"}]}]}"#, .invalidName, "select[0].column[0].name"),
            (#"{"resource":"Patient","name":"_v","select":[{"column":[{"name":"id","path":"id"}]}]}"#, .invalidName, "name"),
            (#"{"resource":"Patient","select":[{"forEach":1}]}"#, .malformed, "select[0].forEach"),
            (#"{"resource":"Patient","select":[{"colum":[]}]}"#, .malformed, "select[0].colum"),
            (#"{"resource":"Patient","select":[{"forEach":"a","forEachOrNull":"b","column":[{"name":"x","path":"id"}]}]}"#, .malformed, "select[0]"),
            (#"{"resource":"Patient","constant":[{"name":"c"}],"select":[{"column":[{"name":"id","path":"id"}]}]}"#, .invalidConstant, "constant[0]"),
            (#"{"resource":"Patient","constant":[{"name":"c","valueInteger":"1"}],"select":[{"column":[{"name":"id","path":"id"}]}]}"#, .invalidConstant, "constant[0].valueInteger"),
            (#"{"resource":"Patient","constant":[{"name":"c","valuePositiveInt":0}],"select":[{"column":[{"name":"id","path":"id"}]}]}"#, .invalidConstant, "constant[0].valuePositiveInt"),
            (#"{"resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]},{"column":[{"name":"id","path":"id"}]}]}"#, .duplicateColumn, "select[1]"),
            (#"{"resource":"Patient","select":[{"unionAll":[{"column":[{"name":"a","path":"id"}]},{"column":[{"name":"b","path":"id"}]}]}]}"#, .unionMismatch, "select[0].unionAll[1]"),
            (#"{"resource":"Patient","select":[{"column":[{"name":"a","path":"name.where(use = %nope)"}]}]}"#, .undefinedConstant, "select[0].column[0].path"),
            (#"{"resource":"Patient","select":[{"column":[{"name":"a","path":"@@"}]}]}"#, .invalidPath, "select[0].column[0].path"),
        ]
        for (json, kind, location) in cases {
            let found = error(json)
            #expect(found?.kind == kind, "\(json)")
            #expect(found?.location == location, "\(json): \(String(describing: found))")
            #expect(found?.description.contains("invalid ViewDefinition") == true)
        }
    }

    @Test func constantReferencesSkipStringsAndKnownVariables() throws {
        #expect(error(#"{"resource":"Patient","select":[{"column":[{"name":"a","path":"'%nope' + %resource.id + %rowIndex.toString()"}]}]}"#) == nil)
    }
}
