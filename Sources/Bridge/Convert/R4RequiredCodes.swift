/// The codes R4 allows in the `code` elements with a required binding, for the types the default mapping and the
/// merge emit (derived from the R4 4.0.1 value sets and code systems). R5 changed several of these value sets
/// (`DocumentReference.docStatus` gained `partial`, `Group.type` gained `organization`...): a code outside R4's set
/// is translated when `translations` has a code with the same meaning, and otherwise R4 cannot hold it.
enum R4RequiredCodes {
    static let byPath: [String: Set<String>] = [
        "ResearchStudy.status": [
            "active", "administratively-completed", "approved", "closed-to-accrual",
            "closed-to-accrual-and-intervention", "completed", "disapproved", "in-review",
            "temporarily-closed-to-accrual", "temporarily-closed-to-accrual-and-intervention", "withdrawn"
        ],
        "ResearchSubject.status": [
            "candidate", "eligible", "follow-up", "ineligible", "not-registered", "off-study", "on-study",
            "on-study-intervention", "on-study-observation", "pending-on-study", "potential-candidate", "screening",
            "withdrawn"
        ],
        "Patient.gender": ["male", "female", "other", "unknown"],
        "Patient.contact.gender": ["male", "female", "other", "unknown"],
        "Patient.link.type": ["replaced-by", "replaces", "refer", "seealso"],
        "Group.type": ["person", "animal", "practitioner", "device", "medication", "substance"],
        "Specimen.status": ["available", "unavailable", "unsatisfactory", "entered-in-error"],
        "Observation.status": [
            "registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"
        ],
        "DiagnosticReport.status": [
            "registered", "partial", "preliminary", "final", "amended", "corrected", "appended", "cancelled",
            "entered-in-error", "unknown"
        ],
        "Practitioner.gender": ["male", "female", "other", "unknown"],
        "PractitionerRole.availableTime.daysOfWeek": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "AdverseEvent.actuality": ["actual", "potential"],
        "DocumentReference.status": ["current", "superseded", "entered-in-error"],
        "DocumentReference.docStatus": ["preliminary", "final", "amended", "entered-in-error"],
        "DocumentReference.relatesTo.code": ["replaces", "transforms", "signs", "appends"],
        "Provenance.entity.role": ["derivation", "revision", "quotation", "source", "removal"],
        "Bundle.type": [
            "document", "message", "transaction", "transaction-response", "batch", "batch-response", "history",
            "searchset", "collection"
        ],
        "Bundle.entry.search.mode": ["match", "include", "outcome"],
        "Bundle.entry.request.method": ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"],
    ]

    /// R5 codes with an R4 code of the same or a broader meaning, by R4 element path.
    static let translations: [String: [String: String]] = [
        "DocumentReference.docStatus": ["partial": "preliminary", "corrected": "amended", "appended": "amended"],
        "Observation.status": ["appended": "amended"],
    ]
}
