import FHIRModel

/// Biosamples (ImmPort's `BS` accessions) taken from the cohort's patients.
struct SpecimenBuilder {
    let cohort: SyntheticFHIR

    func specimen(_ index: Int, _ rng: inout SplitMix64) -> FHIRElement {
        let patient = cohort.patientOf(specimen: index)
        var s = ObjectBuilder(resourceType: "Specimen", id: cohort.specimenID(index))
        s["meta"] = Build.meta(&rng)
        s["identifier"] = .array([
            Build.identifier(system: "https://www.immport.org/fhir/biosample", value: cohort.specimenID(index))
        ])
        s["accessionIdentifier"] = Build.identifier(
            system: "https://lab.example.org/accession", value: "ACC-\(Dates.pad(rng.int(0...99_999_999), 8))")
        s["status"] = .string(rng.pick(["available", "available", "unavailable", "unsatisfactory"]))
        let type = rng.pick(Vocabulary.specimenTypes)
        s["type"] = Build.concept("http://snomed.info/sct", type.0, type.1)
        s["subject"] = Build.reference("Patient/\(cohort.patientID(patient))")
        s["receivedTime"] = .string(Dates.instant(&rng, years: 2010...2024))

        var collection = ObjectBuilder()
        collection["collectedDateTime"] = .string(Dates.dateTime(&rng, years: 2010...2024))
        collection["quantity"] = Build.quantity(
            Build.decimal(units: rng.int(5...100), scale: 1), unit: "mL", code: "mL")
        if rng.chance(0.6) {
            let site = rng.pick(Vocabulary.bodySites)
            let concept = Build.concept("http://snomed.info/sct", site.0, site.1)
            switch cohort.version {
            case .r4:
                collection["bodySite"] = concept
            case .r5:
                // R5 made bodySite a CodeableReference.
                var reference = ObjectBuilder()
                reference["concept"] = concept
                collection["bodySite"] = reference.element
            }
        }
        s["collection"] = collection.element
        if rng.chance(0.1) {
            var note = ObjectBuilder()
            note["text"] = .string(rng.pick(Vocabulary.notes))
            s["note"] = .array([note.element])
        }
        return s.element
    }
}
