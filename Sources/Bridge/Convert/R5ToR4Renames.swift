/// R5 elements whose content R4 holds under another name (R5 path -> R4 element name in the same parent). The value
/// is then converted by the general rule against the R4 element, so a type or target R4 does not take is still
/// caught (`ResearchSubject.subject` -> `individual`, which takes only a Patient).
enum R5ToR4Renames {
    static let byPath: [String: String] = [
        "ResearchStudy.comparisonGroup": "arm",
        "ResearchStudy.region": "location",
        "ResearchStudy.whyStopped": "reasonStopped",
        "ResearchSubject.subject": "individual",
        "AdverseEvent.code": "event",
        "AdverseEvent.occurrence": "date",
        "AdverseEvent.resultingEffect": "resultingCondition",
        "AdverseEvent.suspectEntity.instance": "instance",
        "AdverseEvent.suspectEntity.causality.assessmentMethod": "method",
        "AdverseEvent.suspectEntity.causality.entityRelatedness": "assessment",
        "DiagnosticReport.study": "imagingStudy",
        "Specimen.processing.method": "procedure",
    ]
}
