import FHIRModel

/// Patients with the parts that make FHIR JSON hard to keep lossless: primitive extensions on `birthDate` and on
/// items of `given` (an array with `null` holes), non-ASCII names, narrative XHTML with escaped quotes.
struct PatientBuilder {
    let cohort: SyntheticFHIR

    func patient(_ index: Int, _ rng: inout SplitMix64) -> FHIRElement {
        let family = rng.pick(Vocabulary.familyNames)
        let given = (0..<rng.int(1...3)).map { _ in rng.pick(Vocabulary.givenNames) }
        let place = rng.pick(Vocabulary.places)

        var p = ObjectBuilder(resourceType: "Patient", id: cohort.patientID(index))
        p["meta"] = Build.meta(&rng)
        if rng.chance(0.3) {
            let div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>\(given.joined(separator: " ")) <b>\(family)</b></p></div>"
            var text = ObjectBuilder()
            text["status"] = .string("generated")
            text["div"] = .string(div)
            p["text"] = text.element
        }
        p["extension"] = extensions(place: place, &rng)
        p["identifier"] = identifiers(index, &rng)
        p["active"] = .boolean(!rng.chance(0.05))
        p["name"] = names(family: family, given: given, &rng)
        p["telecom"] = telecom(given: given, &rng)
        p["gender"] = .string(rng.pick(["male", "female", "female", "male", "other", "unknown"]))

        let birthDate = Dates.date(&rng, years: 1940...2012)
        switch rng.int(0...9) {
        case 0:
            // Birth date withheld: the primitive has only an extension saying why.
            p["_birthDate"] = Build.primitiveExtension([
                Build.extensionElement(
                    "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode", .string("masked"))
            ])
        case 1, 2, 3:
            p["birthDate"] = .string(birthDate)
            let time = "\(birthDate)T\(Dates.pad(rng.int(0...23), 2)):\(Dates.pad(rng.int(0...59), 2)):00\(rng.pick(Dates.zones))"
            p["_birthDate"] = Build.primitiveExtension([
                Build.extensionElement(
                    "http://hl7.org/fhir/StructureDefinition/patient-birthTime", "valueDateTime", .string(time))
            ])
        default:
            p["birthDate"] = .string(birthDate)
        }
        if rng.chance(0.03) {
            p["deceasedDateTime"] = .string(Dates.dateTime(&rng, years: 2018...2024))
        } else if rng.chance(0.5) {
            p["deceasedBoolean"] = .boolean(false)
        }
        p["address"] = .array([address(place, &rng)])
        let marital = rng.pick(Vocabulary.maritalStatuses)
        p["maritalStatus"] = Build.concept(
            "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", marital.0, marital.1)
        if rng.chance(0.4) {
            let language = rng.pick(Vocabulary.languages)
            var communication = ObjectBuilder()
            communication["language"] = Build.concept("urn:ietf:bcp:47", language.0, language.1, text: language.2)
            communication["preferred"] = .boolean(true)
            p["communication"] = .array([communication.element])
        }
        p["managingOrganization"] = Build.reference(
            "Organization/NIAID-DAIT", display: "NIAID Division of Allergy, Immunology, and Transplantation")
        return p.element
    }

    func extensions(place: (String, String?, String, String), _ rng: inout SplitMix64) -> FHIRElement? {
        var items: [FHIRElement] = []
        if rng.chance(0.6) {
            var birthPlace = ObjectBuilder()
            birthPlace["city"] = .string(place.0)
            birthPlace["country"] = .string(place.3)
            items.append(
                Build.extensionElement(
                    "http://hl7.org/fhir/StructureDefinition/patient-birthPlace", "valueAddress", birthPlace.element))
        }
        if rng.chance(0.5) {
            // A complex extension: nested extensions, no value of its own.
            var nationality = ObjectBuilder()
            nationality["extension"] = .array([
                Build.extensionElement(
                    "code", "valueCodeableConcept", Build.concept("urn:iso:std:iso:3166", place.3)),
                Build.extensionElement("period", "valuePeriod", Build.period(start: Dates.date(&rng, years: 1950...2015))),
            ])
            nationality["url"] = .string("http://hl7.org/fhir/StructureDefinition/patient-nationality")
            items.append(nationality.element)
        }
        return items.isEmpty ? nil : .array(items)
    }

    func identifiers(_ index: Int, _ rng: inout SplitMix64) -> FHIRElement {
        var items = [
            Build.identifier(
                system: "https://www.immport.org/fhir/subject", value: cohort.patientID(index), use: "official")
        ]
        if rng.chance(0.7) {
            let type = Build.concept(
                "http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number")
            items.append(
                Build.identifier(
                    system: "urn:oid:1.2.36.146.595.217.0.1", value: "MRN-\(Dates.pad(rng.int(0...9_999_999), 7))",
                    use: "secondary", type: type))
        }
        return .array(items)
    }

    func names(family: String, given: [String], _ rng: inout SplitMix64) -> FHIRElement {
        var official = ObjectBuilder()
        official["use"] = .string("official")
        official["family"] = .string(family)
        official["given"] = .array(given.map(FHIRElement.string))
        if given.count > 1, rng.chance(0.5) {
            // Only the last given name carries an extension: the others are `null` in `_given`.
            var marks = [FHIRElement](repeating: .null, count: given.count)
            marks[given.count - 1] = Build.primitiveExtension([
                Build.extensionElement(
                    "http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier", "valueCode", .string("CL"))
            ])
            official["_given"] = .array(marks)
        }
        if rng.chance(0.2) { official["prefix"] = .array([.string(rng.pick(Vocabulary.prefixes))]) }
        var names = [official.element]
        if rng.chance(0.15) {
            var nickname = ObjectBuilder()
            nickname["use"] = .string("nickname")
            nickname["given"] = .array([.string(rng.pick(Vocabulary.nicknames))])
            names.append(nickname.element)
        }
        return .array(names)
    }

    func telecom(given: [String], _ rng: inout SplitMix64) -> FHIRElement? {
        var items: [FHIRElement] = []
        if rng.chance(0.8) {
            var phone = ObjectBuilder()
            phone["system"] = .string("phone")
            phone["value"] = .string("+1 555 \(Dates.pad(rng.int(0...9999), 4))")
            phone["use"] = .string(rng.pick(["home", "mobile", "work"]))
            items.append(phone.element)
        }
        if rng.chance(0.5) {
            var email = ObjectBuilder()
            email["system"] = .string("email")
            email["value"] = .string("participant\(rng.int(1...999_999))@example.org")
            items.append(email.element)
        }
        return items.isEmpty ? nil : .array(items)
    }

    func address(_ place: (String, String?, String, String), _ rng: inout SplitMix64) -> FHIRElement {
        var a = ObjectBuilder()
        a["use"] = .string("home")
        var lines: [FHIRElement] = [.string("\(rng.pick(Vocabulary.streets)) \(rng.int(1...250))")]
        if rng.chance(0.2) { lines.append(.string("c/o \"Family \(rng.pick(Vocabulary.familyNames))\"")) }
        a["line"] = .array(lines)
        a["city"] = .string(place.0)
        a["state"] = place.1.map(FHIRElement.string)
        a["postalCode"] = .string(place.2)
        a["country"] = .string(place.3)
        return a.element
    }
}
