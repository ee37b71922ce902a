import FHIRModel

/// The per-type rules, run on a resource before the general walk: each takes out of the R5 resource what the general
/// rule would get wrong and hands back its decisions as `PlannedMember`s.
enum R5ToR4ResourceRules {
    static func prepare(_ resource: inout FHIRObject, type: String, converter: R5ToR4Converter) -> [PlannedMember] {
        switch type {
        case "ResearchStudy": return ResearchStudyToR4.prepare(&resource, converter: converter)
        case "ResearchSubject": return ResearchSubjectToR4.prepare(&resource, converter: converter)
        case "Group": return GroupToR4.prepare(&resource)
        case "DocumentReference": return DocumentReferenceToR4.prepare(&resource)
        default: return []
        }
    }

    /// The first code of a CodeableConcept, preferring one of `system`.
    static func code(of concept: FHIRElement?, system: String) -> String? {
        let codings = concept?["coding"]?.arrayValue ?? []
        let preferred = codings.first { $0["system"]?.stringValue == system } ?? codings.first
        return preferred?["code"]?.stringValue
    }
}
