import FHIRModel

/// ResearchSubject's traps (docs/r4.md): R4's status is the subject's state, so it comes from the current
/// `progress.subjectState` (R5's `status` is a publication status); R4's arms are named, so `assignedComparisonGroup`
/// and `actualComparisonGroup` (a `linkId`) become the group's `name` through the subject's study. `subject` ->
/// `individual` (a Patient only) and one `consent` are the general rule's (a rename, a reference target, a
/// cardinality).
enum ResearchSubjectToR4 {
    static let stateSystem = "http://terminology.hl7.org/CodeSystem/research-subject-state"

    /// R5 publication status -> R4 subject status when no progress state says more. HL7's ConceptMap
    /// (R5-PublicationStatus-R4-ResearchSubjectStatus) maps none of them; R4 requires one, so these are this tool's
    /// choices, each noted: a subject record in use is taken to be on the study.
    static let publicationTranslations: [String: String] = ["active": "on-study", "draft": "candidate", "retired": "off-study"]

    static func prepare(_ subject: inout FHIRObject, converter: R5ToR4Converter) -> [PlannedMember] {
        var planned = status(&subject, converter: converter)
        for (r5Name, r4Name) in [("assignedComparisonGroup", "assignedArm"), ("actualComparisonGroup", "actualArm")] {
            guard let value = subject.removeValue(forKey: r5Name) else { continue }
            let location = "ResearchSubject.\(r5Name)"
            guard let linkId = value.stringValue else { continue }
            switch converter.comparisonGroups.name(ofGroup: linkId, inStudy: subject["study"]) {
            case .name(let name):
                planned.append(PlannedMember(r4Name: r4Name, values: [.string(name)], locations: [location], r5Path: location,
                                             disposition: .convert(typeCode: "string")))
            case .missing(let reason):
                planned.append(PlannedMember(r4Name: r4Name, values: [value], locations: [location], r5Path: location,
                                             disposition: .lost(typeCode: "id", reason: "R4 names the arm, and \(reason)")))
            }
        }
        return planned
    }

    static func status(_ subject: inout FHIRObject, converter: R5ToR4Converter) -> [PlannedMember] {
        let publication = subject.removeValue(forKey: "status")?.stringValue
        let location = "ResearchSubject.status"
        func member(_ code: String) -> PlannedMember {
            PlannedMember(r4Name: "status", values: [.string(code)], locations: [location], r5Path: location, disposition: .convert(typeCode: "code"))
        }
        if let state = currentState(subject["progress"]?.arrayValue ?? []),
           R4RequiredCodes.byPath[location]?.contains(state) == true {
            var planned = [member(state)]
            if let publication, publication != "active" {
                planned.append(PlannedMember(
                    r4Name: "status", values: [.string(publication)], locations: [location], r5Path: location,
                    disposition: .lost(typeCode: "code", reason: "R4's status is the subject's state ('\(state)'); the R5 publication status has no place")))
            }
            return planned
        }
        guard let publication else { return [] }
        guard let code = publicationTranslations[publication] else {
            return [PlannedMember(
                r4Name: "status", values: [.string(publication)], locations: [location], r5Path: location,
                disposition: .lost(typeCode: "code", reason: "no progress state, and R5 publication status '\(publication)' has no R4 subject status"))]
        }
        converter.note("R4 status '\(code)' assumed from R5 publication status '\(publication)' (no progress.subjectState)", location: location)
        return [member(code)]
    }

    /// The subject's state now: among progress entries with a `subjectState`, the open one (no end) that started
    /// last, else the one that ended last.
    static func currentState(_ progress: [FHIRElement]) -> String? {
        var best: (code: String, open: Bool, date: String)?
        for entry in progress {
            guard let code = R5ToR4ResourceRules.code(of: entry["subjectState"], system: stateSystem) else { continue }
            let open = entry["endDate"] == nil
            let date = (open ? entry["startDate"] : entry["endDate"])?.stringValue ?? ""
            if let current = best, (current.open && !open) || (current.open == open && current.date > date) { continue }
            best = (code, open, date)
        }
        return best?.code
    }
}
