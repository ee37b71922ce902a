import FHIRModel

/// ResearchStudy, its arms as Groups, and the ResearchSubjects enrolling each patient. These are the resources
/// whose shape changed most between R4 and R5, so each is written for the cohort's version.
struct StudyBuilder {
    let cohort: SyntheticFHIR

    func study(_ index: Int, _ rng: inout SplitMix64) -> FHIRElement {
        let id = cohort.studyID(index)
        let condition = Vocabulary.conditions[index % Vocabulary.conditions.count]
        let title = Vocabulary.studyTitles[index % Vocabulary.studyTitles.count]
        var s = ObjectBuilder(resourceType: "ResearchStudy", id: id)
        s["meta"] = Build.meta(&rng)
        s["identifier"] = .array([
            Build.identifier(system: "https://www.immport.org/fhir/study", value: id, use: "official")
        ])
        s["title"] = .string("\(title) (\(id))")
        if cohort.version == .r5 { s["status"] = .string("active") } else { s["status"] = .string(rng.pick(["completed", "active"])) }
        s["primaryPurposeType"] = Build.concept(
            "http://terminology.hl7.org/CodeSystem/research-study-prim-purp-type", "basic-science", "Basic Science")
        s["phase"] = Build.concept(
            "http://terminology.hl7.org/CodeSystem/research-study-phase", "phase-2", "Phase 2")
        s["condition"] = .array([Build.concept("http://snomed.info/sct", condition.0, condition.1)])
        s["keyword"] = .array(
            (0..<rng.int(1...3)).map { _ in Build.concept([], text: rng.pick(Vocabulary.keywords)) })
        let description = "## \(title)\n\nParticipants were randomised to \"\(SyntheticFHIR.armNames[0])\" or "
            + "\"\(SyntheticFHIR.armNames[1])\".\n\n* Primary endpoint: HAI titer ≥ 1:40 at day 28\n"
            + "* Sites: Zürich, Bethesda, 東京\n\nSynthetic study from immport-bridge's generator."
        let groups = (0..<SyntheticFHIR.armsPerStudy).map { arm in
            Build.reference("Group/\(cohort.groupID(index * SyntheticFHIR.armsPerStudy + arm))")
        }
        let period = Build.period(
            start: Dates.date(&rng, years: 2008...2014), end: Dates.date(&rng, years: 2016...2023))
        switch cohort.version {
        case .r4:
            s["description"] = .string(description)
            s["enrollment"] = .array(groups)
            s["period"] = period
            s["sponsor"] = Build.reference(
                "Organization/NIAID", display: "National Institute of Allergy and Infectious Diseases")
            s["arm"] = .array((0..<SyntheticFHIR.armsPerStudy).map { arm in
                var a = ObjectBuilder()
                a["name"] = .string("Arm \(arm + 1)")
                a["type"] = Build.concept(
                    "http://terminology.hl7.org/CodeSystem/research-study-arm-type",
                    arm == 0 ? "experimental" : "placebo-comparator", arm == 0 ? "Experimental" : "Placebo Comparator")
                a["description"] = .string(SyntheticFHIR.armNames[arm])
                return a.element
            })
        case .r5:
            s["descriptionSummary"] = .string(title)
            s["description"] = .string(description)
            s["period"] = period
            s["associatedParty"] = .array([
                {
                    var party = ObjectBuilder()
                    party["name"] = .string("National Institute of Allergy and Infectious Diseases")
                    party["role"] = Build.concept(
                        "http://hl7.org/fhir/research-study-party-role", "sponsor", "sponsor")
                    party["party"] = Build.reference("Organization/NIAID")
                    return party.element
                }()
            ])
            s["progressStatus"] = .array([
                {
                    var progress = ObjectBuilder()
                    progress["state"] = Build.concept(
                        "http://hl7.org/fhir/research-study-status", "completed", "Completed")
                    progress["actual"] = .boolean(true)
                    return progress.element
                }()
            ])
            var recruitment = ObjectBuilder()
            recruitment["actualNumber"] = Build.integer(
                (0..<SyntheticFHIR.armsPerStudy).reduce(0) { total, arm in
                    total + Array(cohort.members(ofGroup: index * SyntheticFHIR.armsPerStudy + arm)).count
                })
            recruitment["actualGroup"] = groups[0]
            s["recruitment"] = recruitment.element
            s["comparisonGroup"] = .array((0..<SyntheticFHIR.armsPerStudy).map { arm in
                var a = ObjectBuilder()
                a["linkId"] = .string("arm-\(arm + 1)")
                a["name"] = .string("Arm \(arm + 1)")
                a["type"] = Build.concept(
                    "http://hl7.org/fhir/research-study-arm-type",
                    arm == 0 ? "experimental-arm" : "placebo-comparator-arm", arm == 0 ? "Experimental Arm" : "Placebo Comparator Arm")
                a["description"] = .string(SyntheticFHIR.armNames[arm])
                a["observedGroup"] = groups[arm]
                return a.element
            })
        }
        return s.element
    }

    func group(_ index: Int, _ rng: inout SplitMix64) -> FHIRElement {
        let study = index / SyntheticFHIR.armsPerStudy
        let arm = index % SyntheticFHIR.armsPerStudy
        let members = Array(cohort.members(ofGroup: index))
        var g = ObjectBuilder(resourceType: "Group", id: cohort.groupID(index))
        g["meta"] = Build.meta(&rng)
        g["identifier"] = .array([
            Build.identifier(system: "https://www.immport.org/fhir/arm", value: "ARM\(7000 + index)")
        ])
        g["active"] = .boolean(true)
        g["type"] = .string("person")
        if cohort.version == .r5 { g["membership"] = .string("enumerated") } else { g["actual"] = .boolean(true) }
        g["name"] = .string("\(cohort.studyID(study)) arm \(arm + 1): \(SyntheticFHIR.armNames[arm])")
        if cohort.version == .r4 { g["quantity"] = Build.integer(members.count) }
        var characteristic = ObjectBuilder()
        characteristic["code"] = Build.concept("http://snomed.info/sct", "410668003", "Length")
        characteristic["valueQuantity"] = Build.quantity(
            Build.decimal(units: 10 + index % 20, scale: 1), unit: "week", code: "wk")
        characteristic["exclude"] = .boolean(false)
        g["characteristic"] = .array([characteristic.element])
        g["member"] = .array(members.map { patient in
            var m = ObjectBuilder()
            m["entity"] = Build.reference("Patient/\(cohort.patientID(patient))")
            if rng.chance(0.05) { m["inactive"] = .boolean(true) }
            return m.element
        })
        return g.element
    }

    func subject(_ patient: Int, _ rng: inout SplitMix64) -> FHIRElement {
        let study = cohort.studyOf(patient: patient)
        let arm = cohort.armOf(patient: patient)
        var s = ObjectBuilder(resourceType: "ResearchSubject", id: cohort.subjectID(patient))
        s["meta"] = Build.meta(&rng)
        s["identifier"] = .array([
            Build.identifier(system: "https://www.immport.org/fhir/arm-subject", value: cohort.subjectID(patient))
        ])
        let start = Dates.date(&rng, years: 2009...2015)
        let state = rng.pick(["on-study", "off-study", "follow-up", "on-study"])
        switch cohort.version {
        case .r4:
            s["status"] = .string(state)
            s["period"] = Build.period(start: start)
            s["study"] = Build.reference("ResearchStudy/\(cohort.studyID(study))")
            s["individual"] = Build.reference("Patient/\(cohort.patientID(patient))")
            s["assignedArm"] = .string("Arm \(arm + 1)")
            s["actualArm"] = .string("Arm \(arm + 1)")
        case .r5:
            s["status"] = .string("active")
            var progress = ObjectBuilder()
            progress["type"] = Build.concept(
                "http://terminology.hl7.org/CodeSystem/research-subject-state-type", "Enrollment", "Enrollment status")
            progress["subjectState"] = Build.concept(
                "http://terminology.hl7.org/CodeSystem/research-subject-state", state)
            progress["startDate"] = .string(start)
            s["progress"] = .array([progress.element])
            s["period"] = Build.period(start: start)
            s["study"] = Build.reference("ResearchStudy/\(cohort.studyID(study))")
            s["subject"] = Build.reference("Patient/\(cohort.patientID(patient))")
            s["assignedComparisonGroup"] = .string("arm-\(arm + 1)")
            s["actualComparisonGroup"] = .string("arm-\(arm + 1)")
        }
        return s.element
    }
}
