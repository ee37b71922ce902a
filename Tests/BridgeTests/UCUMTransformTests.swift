@testable import Bridge
import FHIRModel
import Testing
import TestSupport

/// The `ucum` transform (docs/mappings.md, "Units") on each side: FHIR Quantities and text, Shared Data text and
/// unit fields (with preferred-else-reported), the canonical form and the number comparison over it.
@Suite struct UCUMTransformTests {
    static let mapping = """
        mapping: ucum-transform-test
        sources:
          sharedData:
            endpoints:
              labtests: { path: "/api/study/labtest/{study}" }
        links:
          labResults:
            fhir: { resourceType: Observation }
            sharedData: { endpoint: labtests }
            key:
              - sharedData: labTestAccession
                fhir: [{ id: exact }]
            fields:
              canonical:
                fhir: value.ofType(Quantity)
                sharedData: resultValue
                transform:
                  fhir: [{ ucum: canonical }]
                  sharedData: [preferred-else-reported, { ucum: { to: canonical, unit: resultUnit } }]
                compare: { number: { tolerance: 0 } }
              inGramsPerLitre:
                fhir: value.ofType(Quantity)
                sharedData: resultValueReported
                transform:
                  fhir: [{ ucum: "g/L" }]
                  sharedData: [{ ucum: { to: "g/L", unit: resultUnitReported } }]
                compare: { number: { tolerance: 0.05 } }
              text:
                fhir: value.ofType(string)
                sharedData: resultValueReported
                transform:
                  fhir: [{ ucum: "g/L" }]
                  sharedData: [{ ucum: "g/L" }]
                compare: { number: { tolerance: 0 } }
        """

    static func compiled() throws -> CompiledLink {
        let directory = try TemporaryDirectory()
        let path = try directory.file("ucum.yaml", mapping)
        let diagnostics = DiagnosticsCollector()
        let compiled = try #require(MappingStage.run(paths: [path], diagnostics: diagnostics), "\(diagnostics.diagnostics)")
        #expect(diagnostics.diagnostics.isEmpty, "\(diagnostics.diagnostics)")
        return try #require(compiled.links.first)
    }

    static func field(_ name: String, in link: CompiledLink) throws -> CompiledField {
        try #require(link.fields.first { $0.declaration.name.value == name })
    }

    static func json(_ text: String) throws -> FHIRElement { try FHIRJSONReader().read(Array(text.utf8)) }

    static func observation(_ value: String) throws -> FHIRElement {
        try json(#"{"resourceType": "Observation", "id": "o1", "status": "final", "code": {"text": "hb"}, \#(value)}"#)
    }

    @Test func aUCUMQuantityAndAUnitFieldMeetInBaseUnits() throws {
        let link = try Self.compiled()
        let field = try Self.field("canonical", in: link)
        let resource = try Self.observation(
            #""valueQuantity": {"value": 1.2, "unit": "grams per decilitre", "system": "http://unitsofmeasure.org", "code": "g/dL"}"#)
        let fhir = try FieldValues.fhir(field, resource: resource, codeMaps: [:])
        #expect(fhir.raw == ["1.2 g/dL"])  // the code, not the display unit, under the UCUM system
        #expect(fhir.normalised == ["12000 g.m-3"])
        #expect(fhir.problem == nil)
        let record = try Self.json(#"{"resultValuePreferred": 12, "resultUnitPreferred": "g/L", "resultValueReported": "x", "resultUnitReported": "y"}"#)
        let sharedData = FieldValues.sharedData(field.declaration, record: record, codeMaps: [:])
        #expect(sharedData.raw == ["12 g/L"])
        #expect(sharedData.normalised == ["12000 g.m-3"])
        #expect(FieldComparison.equal(fhir.normalised, sharedData.normalised, by: field.declaration.comparison.value))
    }

    @Test func preferredElseReportedAppliesToTheUnitFieldOnItsOwn() throws {
        let field = try Self.field("canonical", in: try Self.compiled())
        // No preferred unit: the reported one counts, read leniently (mcg is ug, ml is a UCUM unit).
        let record = try Self.json(
            #"{"resultValuePreferred": "250", "resultUnitPreferred": null, "resultValueReported": "0.25", "resultUnitReported": "mcg/ml"}"#)
        let values = FieldValues.sharedData(field.declaration, record: record, codeMaps: [:])
        #expect(values.raw == ["250 mcg/ml"])
        #expect(values.normalised == ["250 g.m-3"])
        #expect(values.problem == nil)
    }

    @Test func aQuantityOfAnotherSystemIsReadByItsUnitLeniently() throws {
        let field = try Self.field("inGramsPerLitre", in: try Self.compiled())
        let resource = try Self.observation(#""valueQuantity": {"value": 250, "unit": "mcg/mL", "system": "http://example.org/units", "code": "MCGML"}"#)
        let fhir = try FieldValues.fhir(field, resource: resource, codeMaps: [:])
        #expect(fhir.raw == ["250 mcg/mL"])
        #expect(fhir.normalised == ["0.25"])
    }

    @Test func aConversionToAUnitGivesTheNumberAsNumberWritesIt() throws {
        let field = try Self.field("inGramsPerLitre", in: try Self.compiled())
        let record = try Self.json(#"{"resultValueReported": "13.20", "resultUnitReported": "g/dL"}"#)
        let values = FieldValues.sharedData(field.declaration, record: record, codeMaps: [:])
        #expect(values.normalised == ["132"])
        #expect(FieldComparison.equal(["132.04"], values.normalised, by: .number(tolerance: 0.05)))
        #expect(!FieldComparison.equal(["132.06"], values.normalised, by: .number(tolerance: 0.05)))
    }

    @Test func textIsReadAsNumberAndUnit() throws {
        let field = try Self.field("text", in: try Self.compiled())
        let resource = try Self.observation(#""valueString": "120 mg/dL""#)
        #expect(try FieldValues.fhir(field, resource: resource, codeMaps: [:]).normalised == ["1.2"])
        let record = try Self.json(#"{"resultValueReported": " 1.2 g/L "}"#)
        #expect(FieldValues.sharedData(field.declaration, record: record, codeMaps: [:]).normalised == ["1.2"])
    }

    @Test func aValueThatCannotBeConvertedKeepsItsTextAndSaysWhy() throws {
        let link = try Self.compiled()
        let text = try Self.field("text", in: link)
        let record = try Self.json(#"{"resultValueReported": "5 kg"}"#)
        let values = FieldValues.sharedData(text.declaration, record: record, codeMaps: [:])
        #expect(values.normalised == ["5 kg"])
        #expect(values.problem == "cannot convert \"5 kg\" to g/L: not the same kind of quantity (g against g.m-3)")

        let unknown = FieldValues.sharedData(text.declaration, record: try Self.json(#"{"resultValueReported": "5 thou/uL"}"#), codeMaps: [:])
        #expect(unknown.normalised == ["5 thou/uL"])
        #expect(unknown.problem?.hasPrefix("cannot convert \"5 thou/uL\" to g/L: unknown unit 'thou'") == true)

        let noUnit = FieldValues.sharedData(text.declaration, record: try Self.json(#"{"resultValueReported": "5"}"#), codeMaps: [:])
        #expect(noUnit.problem == "cannot convert \"5\" to g/L: no unit")

        let special = try Self.field("canonical", in: link)
        let resource = try Self.observation(#""valueQuantity": {"value": 37, "system": "http://unitsofmeasure.org", "code": "Cel"}"#)
        let fhir = try FieldValues.fhir(special, resource: resource, codeMaps: [:])
        #expect(fhir.normalised == ["37 Cel"])
        #expect(fhir.problem?.contains("Cel is a special unit") == true)

        // A UCUM code is read strictly: the lenient spellings are for free text only.
        let strict = try Self.observation(#""valueQuantity": {"value": 1, "system": "http://unitsofmeasure.org", "code": "mcg/mL"}"#)
        #expect(try FieldValues.fhir(special, resource: strict, codeMaps: [:]).problem?.contains("unknown unit 'mcg'") == true)
    }

    @Test func canonicalValuesCompareAsNumbersOnlyWhenTheirUnitsAgree() throws {
        let comparison = MappingComparison.number(tolerance: 0.5)
        #expect(FieldComparison.equal(["12000 g.m-3"], ["12000.4 g.m-3"], by: comparison))
        #expect(!FieldComparison.equal(["12000 g.m-3"], ["12000 m-3"], by: comparison))
        #expect(!FieldComparison.equal(["12000 g.m-3"], ["12000"], by: comparison))
        #expect(FieldComparison.equal(["12"], ["12.2"], by: comparison))
    }

    @Test func convertedNumbersKeepTheirDigits() throws {
        let target = MappingUnitConversion.Target.unit("g/L")
        let unit = FieldUnitConversion.UnitText(text: "mg/dL", isCode: true)
        #expect(try FieldUnitConversion.convert("123.456789012345678", unit: unit, to: target).get() == "1.23456789012345678")
        #expect(try FieldUnitConversion.convert("4.5", unit: .init(text: "10*3/uL", isCode: true), to: .unit("10*9/L")).get() == "4.5")
        #expect(try FieldUnitConversion.convert("50", unit: .init(text: "%", isCode: true), to: .unit("1")).get() == "0.5")
        #expect(try FieldUnitConversion.convert("2", unit: .init(text: "[IU]/mL", isCode: true), to: .unit("[IU]/L")).get() == "2000")
        // Factors written with exponents by the double's text still give plain decimals.
        #expect(try FieldUnitConversion.convert("5", unit: .init(text: "pg/mL", isCode: true), to: .canonical).get() == "0.000005 g.m-3")
        #expect(
            try FieldUnitConversion.convert("1", unit: .init(text: "mol/L", isCode: true), to: .canonical).get()
                == "602214076000000000000000000 m-3")
    }
}
