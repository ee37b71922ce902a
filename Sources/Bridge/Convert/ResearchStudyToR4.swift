import FHIRModel

/// ResearchStudy's traps (docs/r4.md): R5's `status` is a publication status, so R4's study status comes from the
/// current `progressStatus`; R4's `sponsor` and `principalInvestigator` come from `associatedParty` by role and
/// `enrollment` from `recruitment.eligibility`. `comparisonGroup` -> `arm`, `region` -> `location` and `focus`
/// are the general rule's (a rename and CodeableReference -> CodeableConcept).
enum ResearchStudyToR4 {
    static let progressSystem = "http://hl7.org/fhir/research-study-status"
    static let partyRoleSystem = "http://hl7.org/fhir/research-study-party-role"

    /// R5 progress states R4's study status lacks, with the R4 status that means the same stage.
    static let progressTranslations: [String: String] = [
        "recruiting": "active", "enrolling-by-invitation": "active", "not-yet-recruiting": "approved",
        "active-but-not-recruiting": "closed-to-accrual", "terminated": "administratively-completed",
    ]
    /// R5 publication status -> R4 study status when no progress state says more: `active` from HL7's ConceptMap
    /// (R5-PublicationStatus-R4-ResearchStudyStatus); the map has none for the others, R4 requires one, so these are
    /// this tool's choices, each noted.
    static let publicationTranslations: [String: String] = ["active": "active", "draft": "in-review", "retired": "withdrawn"]

    static func prepare(_ study: inout FHIRObject, converter: R5ToR4Converter) -> [PlannedMember] {
        var planned: [PlannedMember] = []
        planned += status(&study, converter: converter)
        planned += parties(&study)
        if var recruitment = study["recruitment"]?.objectValue, let eligibility = recruitment.removeValue(forKey: "eligibility") {
            planned.append(PlannedMember(
                r4Name: "enrollment", values: [eligibility], locations: ["ResearchStudy.recruitment.eligibility"],
                r5Path: "ResearchStudy.recruitment.eligibility", disposition: .convert(typeCode: "Reference")))
            if recruitment.contains(where: { $0.key != "id" }) {
                replace(&study, key: "recruitment", with: .object(recruitment))
            } else {
                _ = study.removeValue(forKey: "recruitment")
            }
        }
        return planned
    }

    static func status(_ study: inout FHIRObject, converter: R5ToR4Converter) -> [PlannedMember] {
        let publication = study.removeValue(forKey: "status")?.stringValue
        var planned: [PlannedMember] = []
        if let progress = currentProgress(study["progressStatus"]?.arrayValue ?? []) {
            let state = progress.code
            if let code = R4RequiredCodes.byPath["ResearchStudy.status"]?.contains(state) == true ? state : progressTranslations[state] {
                planned.append(member(code))
                if code != state { converter.note("R4 status '\(code)' from R5 progress state '\(state)'", location: "ResearchStudy.status") }
                if let publication, publication != "active" {
                    planned.append(PlannedMember(
                        r4Name: "status", values: [.string(publication)], locations: ["ResearchStudy.status"], r5Path: "ResearchStudy.status",
                        disposition: .lost(typeCode: "code", reason: "R4's status is the study's progress ('\(code)'); the R5 publication status has no place")))
                }
                return planned
            }
        }
        guard let publication else { return [] }
        guard let code = publicationTranslations[publication] else {
            return [PlannedMember(
                r4Name: "status", values: [.string(publication)], locations: ["ResearchStudy.status"], r5Path: "ResearchStudy.status",
                disposition: .lost(typeCode: "code", reason: "no progress state, and R5 publication status '\(publication)' has no R4 study status"))]
        }
        if publication != "active" {
            converter.note("R4 status '\(code)' assumed from R5 publication status '\(publication)' (no progress state)", location: "ResearchStudy.status")
        }
        return [member(code)]
    }

    private static func member(_ code: String) -> PlannedMember {
        PlannedMember(r4Name: "status", values: [.string(code)], locations: ["ResearchStudy.status"], r5Path: "ResearchStudy.status",
                      disposition: .convert(typeCode: "code"))
    }

    /// The state the study is in: among actual states (not planned ones), the open one that started last, else the
    /// one that ended last.
    static func currentProgress(_ states: [FHIRElement]) -> (code: String, index: Int)? {
        var best: (code: String, index: Int, open: Bool, date: String)?
        for (index, state) in states.enumerated() where state["actual"]?.boolValue != false {
            guard let code = R5ToR4ResourceRules.code(of: state["state"], system: progressSystem) else { continue }
            let open = state["period"]?["end"] == nil
            let date = (open ? state["period"]?["start"] : state["period"]?["end"])?.stringValue ?? ""
            if let current = best, (current.open && !open) || (current.open == open && current.date > date) { continue }
            best = (code, index, open, date)
        }
        return best.map { ($0.code, $0.index) }
    }

    /// `associatedParty` entries whose role R4 has an element for (the first sponsor, the first primary
    /// investigator) become that element when R4's element takes the party's type; the entry is also kept in R5's
    /// form (carried or listed) when it says more than role and party.
    static func parties(_ study: inout FHIRObject) -> [PlannedMember] {
        guard let parties = study.removeValue(forKey: "associatedParty")?.arrayValue else { return [] }
        var planned: [PlannedMember] = []
        var rest: [FHIRElement] = []
        var restLocations: [String] = []
        var taken = Set<String>()
        for (index, party) in parties.enumerated() {
            let location = "ResearchStudy.associatedParty[\(index)]"
            let role = R5ToR4ResourceRules.code(of: party["role"], system: partyRoleSystem)
            let element = role == "sponsor" ? "sponsor" : role == "primary-investigator" ? "principalInvestigator" : nil
            if let element, !taken.contains(element), let reference = party["party"],
               let type = FHIRReference(element: reference)?.resourceType,
               R4ReferenceTargets.byPath["ResearchStudy.\(element)"]?.contains(type) == true {
                taken.insert(element)
                planned.append(PlannedMember(
                    r4Name: element, values: [reference], locations: ["\(location).party"], r5Path: "ResearchStudy.associatedParty.party",
                    disposition: .convert(typeCode: "Reference")))
                let more = party.objectValue?.contains { !["role", "party", "id"].contains($0.key) } ?? false
                if !more { continue }
            }
            rest.append(party)
            restLocations.append(location)
        }
        if !rest.isEmpty {
            planned.append(PlannedMember(
                r4Name: "associatedParty", values: rest, locations: restLocations, r5Path: "ResearchStudy.associatedParty",
                disposition: .lost(typeCode: "ResearchStudy.associatedParty",
                                   reason: "R4 has sponsor and principalInvestigator only, for one party each, with no name, period or classifier")))
        }
        return planned
    }

    static func replace(_ object: inout FHIRObject, key: String, with value: FHIRElement) {
        if let index = object.index(forKey: key) { object.replaceValue(at: index, with: value) }
    }
}
