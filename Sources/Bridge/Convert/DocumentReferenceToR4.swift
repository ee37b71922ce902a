import FHIRModel

/// DocumentReference: R5's `context` is a list of references; R4's is one backbone element whose `encounter` takes
/// an Encounter or EpisodeOfCare and whose `related` takes anything else (the study a file belongs to).
enum DocumentReferenceToR4 {
    static func prepare(_ document: inout FHIRObject) -> [PlannedMember] {
        guard let references = document.removeValue(forKey: "context")?.arrayValue, !references.isEmpty else { return [] }
        var encounters: [FHIRElement] = []
        var related: [FHIRElement] = []
        for reference in references {
            let type = FHIRReference(element: reference)?.resourceType
            if type == "Encounter" || type == "EpisodeOfCare" { encounters.append(reference) } else { related.append(reference) }
        }
        var context = FHIRObject()
        if !encounters.isEmpty { context.appendUnchecked(key: "encounter", value: .array(encounters)) }
        if !related.isEmpty { context.appendUnchecked(key: "related", value: .array(related)) }
        return [PlannedMember(r4Name: "context", values: [.object(context)], locations: ["DocumentReference.context"],
                              r5Path: "DocumentReference.context", disposition: .asR4)]
    }
}
