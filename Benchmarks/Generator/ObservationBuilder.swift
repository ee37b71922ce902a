import FHIRModel

/// Observations of the kinds an immunology study records: vital signs and lab values as decimals that keep their
/// trailing zeros (`72.50`, `0.000`), negative values, exponents (`1.2e4`, which FHIR's decimal allows), integers,
/// coded and text results, components, and missing values with a reason.
struct ObservationBuilder {
    let cohort: SyntheticFHIR

    static let loinc = "http://loinc.org"
    static let vitalSigns = Build.concept(
        "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")
    static let laboratory = Build.concept(
        "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory")

    func observation(_ index: Int, _ rng: inout SplitMix64) -> FHIRElement {
        let specimen = cohort.specimens > 0 ? index % cohort.specimens : nil
        let patient = specimen.map(cohort.patientOf(specimen:)) ?? index % cohort.patients
        let kind = rng.int(0...14)
        let isVital = kind <= 4

        var o = ObjectBuilder(resourceType: "Observation", id: cohort.observationID(index))
        o["meta"] = Build.meta(&rng)
        if rng.chance(0.3) {
            o["extension"] = .array([
                Build.extensionElement(
                    "https://www.immport.org/fhir/StructureDefinition/study-time-collected", "valueDecimal",
                    Build.decimal(units: rng.int(-14...400) * 10 + rng.pick([0, 5]), scale: 2))
            ])
        }
        o["identifier"] = .array([
            Build.identifier(system: "https://www.immport.org/fhir/result", value: cohort.observationID(index))
        ])
        o["status"] = .string(rng.pick(["final", "final", "final", "amended", "preliminary"]))
        o["category"] = .array([isVital ? ObservationBuilder.vitalSigns : ObservationBuilder.laboratory])
        let (code, result) = ObservationBuilder.measurement(kind, &rng)
        o["code"] = code
        o["subject"] = Build.reference("Patient/\(cohort.patientID(patient))")
        if rng.chance(0.1) {
            o["effectivePeriod"] = Build.period(
                start: Dates.dateTime(&rng, years: 2010...2023), end: Dates.dateTime(&rng, years: 2024...2024))
        } else {
            o["effectiveDateTime"] = .string(Dates.dateTime(&rng, years: 2010...2024))
        }
        o["issued"] = .string(Dates.instant(&rng, years: 2010...2024))
        if rng.chance(0.4) {
            o["performer"] = .array([Build.reference("Organization/LAB-\(rng.int(1...40))", display: "Study laboratory")])
        }
        for member in result { o[member.key] = member.value }
        if rng.chance(0.15) {
            var note = ObjectBuilder()
            note["text"] = .string(rng.pick(Vocabulary.notes))
            o["note"] = .array([note.element])
        }
        if !isVital, let specimen { o["specimen"] = Build.reference("Specimen/\(cohort.specimenID(specimen))") }
        if let range = ObservationBuilder.referenceRange(kind) { o["referenceRange"] = .array([range]) }
        if kind == 4 { o["component"] = ObservationBuilder.bloodPressure(&rng) }
        return o.element
    }

    /// The code of measurement `kind` and its value members (`value[x]`, `dataAbsentReason`, `interpretation`).
    static func measurement(_ kind: Int, _ rng: inout SplitMix64) -> (FHIRElement, FHIRObject) {
        var value = ObjectBuilder()
        let code: FHIRElement
        switch kind {
        case 0:
            code = Build.concept(loinc, "29463-7", "Body weight", text: "Body weight")
            value["valueQuantity"] = Build.quantity(Build.decimal(units: rng.int(3500...12000), scale: 2), unit: "kg", code: "kg")
        case 1:
            code = Build.concept(loinc, "8302-2", "Body height")
            value["valueQuantity"] = Build.quantity(Build.decimal(units: rng.int(1450...2050), scale: 1), unit: "cm", code: "cm")
        case 2:
            code = Build.concept(loinc, "8310-5", "Body temperature")
            value["valueQuantity"] = Build.quantity(Build.decimal(units: rng.int(355...401), scale: 1), unit: "°C", code: "Cel")
        case 3:
            code = Build.concept(loinc, "8867-4", "Heart rate")
            value["valueQuantity"] = Build.quantity(Build.integer(rng.int(48...130)), unit: "beats/minute", code: "/min")
        case 4:
            code = Build.concept(loinc, "85354-9", "Blood pressure panel with all children optional")
        case 5:
            code = Build.concept(loinc, "718-7", "Hemoglobin [Mass/volume] in Blood")
            value["valueQuantity"] = Build.quantity(Build.decimal(units: rng.int(90...180), scale: 1), unit: "g/dL", code: "g/dL")
        case 6:
            let units = rng.int(200...1500)
            code = Build.concept(loinc, "6690-2", "Leukocytes [#/volume] in Blood by Automated count")
            value["valueQuantity"] = Build.quantity(Build.decimal(units: units, scale: 2), unit: "10*3/uL", code: "10*3/uL")
            let flag = units < 400 ? ("L", "Low") : units > 1100 ? ("H", "High") : ("N", "Normal")
            value["interpretation"] = .array([
                Build.concept("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", flag.0, flag.1)
            ])
        case 7:
            code = Build.concept(loinc, "20447-9", "HIV 1 RNA [#/volume] (viral load) in Serum or Plasma by NAA with probe detection")
            if rng.chance(0.3) {
                value["valueQuantity"] = Build.quantity(Build.integer(20), unit: "copies/mL", code: "{copies}/mL", comparator: "<")
            } else {
                let mantissa = Build.decimalText(units: rng.int(10...99), scale: 1)
                let exponent = rng.pick(["e3", "e4", "E5", "e+6"])
                value["valueQuantity"] = Build.quantity(Build.number(mantissa + exponent), unit: "copies/mL", code: "{copies}/mL")
            }
        case 8:
            code = Build.concept(loinc, "24467-3", "CD3+CD4+ (T4 helper) cells [#/volume] in Blood")
            value["valueQuantity"] = Build.quantity(Build.integer(rng.int(150...1600)), unit: "cells/uL", code: "/uL")
        case 9:
            code = Build.concept(loinc, "1988-5", "C reactive protein [Mass/volume] in Serum or Plasma")
            let units = rng.chance(0.2) ? 0 : rng.int(1...80_000)
            value["valueQuantity"] = Build.quantity(Build.decimal(units: units, scale: 3), unit: "mg/L", code: "mg/L")
        case 10:
            code = Build.concept(loinc, "1925-7", "Base excess in Arterial blood by calculation")
            value["valueQuantity"] = Build.quantity(Build.decimal(units: rng.int(-80...60), scale: 1), unit: "mmol/L", code: "mmol/L")
        case 11:
            code = Build.concept(
                "https://www.immport.org/fhir/CodeSystem/assay", "HAI", "Hemagglutination inhibition titer",
                text: "HAI titer A/H1N1")
            value["valueInteger"] = Build.integer(10 << rng.int(0...7))
        case 12:
            code = Build.concept(
                "https://www.immport.org/fhir/CodeSystem/assay", "ELISA-IgG", "Anti-spike IgG ELISA")
            value["valueCodeableConcept"] = rng.chance(0.6)
                ? Build.concept("http://snomed.info/sct", "10828004", "Positive")
                : Build.concept("http://snomed.info/sct", "260385009", "Negative")
        case 13:
            code = Build.concept(
                "https://www.immport.org/fhir/CodeSystem/assay", "COMMENT", "Assay comment", text: "Kommentar / コメント")
            value["valueString"] = .string(rng.pick(Vocabulary.notes))
        default:
            code = Build.concept(loinc, "2345-7", "Glucose [Mass/volume] in Serum or Plasma")
            value["dataAbsentReason"] = Build.concept(
                "http://terminology.hl7.org/CodeSystem/data-absent-reason", rng.pick(["not-performed", "error", "unknown"]))
        }
        return (code, value.object)
    }

    static func referenceRange(_ kind: Int) -> FHIRElement? {
        let bounds: (String, String, String, String)
        switch kind {
        case 5: bounds = ("12.0", "17.5", "g/dL", "g/dL")
        case 6: bounds = ("4.00", "11.00", "10*3/uL", "10*3/uL")
        case 9: bounds = ("0.000", "5.000", "mg/L", "mg/L")
        default: return nil
        }
        var range = ObjectBuilder()
        range["low"] = Build.quantity(Build.number(bounds.0), unit: bounds.2, code: bounds.3)
        range["high"] = Build.quantity(Build.number(bounds.1), unit: bounds.2, code: bounds.3)
        range["text"] = .string("\(bounds.0)–\(bounds.1) \(bounds.2)")
        return range.element
    }

    static func bloodPressure(_ rng: inout SplitMix64) -> FHIRElement {
        let systolic = rng.int(95...170)
        let parts = [("8480-6", "Systolic blood pressure", systolic), ("8462-4", "Diastolic blood pressure", systolic - rng.int(25...60))]
        return .array(parts.map { part in
            var component = ObjectBuilder()
            component["code"] = Build.concept(loinc, part.0, part.1)
            component["valueQuantity"] = Build.quantity(Build.integer(part.2), unit: "mmHg", code: "mm[Hg]")
            return component.element
        })
    }
}
