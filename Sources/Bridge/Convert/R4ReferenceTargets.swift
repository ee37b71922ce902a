/// The resource types R4 allows a reference to hold, for every Reference element of the types the default mapping
/// and the merge emit (derived from the R4 4.0.1 StructureDefinitions' `targetProfile`s; elements that take any
/// resource are left out). R5 widened many of them (`ResearchStudy.site` takes an Organization, `Observation.subject`
/// a Practitioner...), so a reference R5 allows may have no place in R4.
enum R4ReferenceTargets {
    static let byPath: [String: Set<String>] = [
        "ResearchStudy.protocol": ["PlanDefinition"],
        "ResearchStudy.partOf": ["ResearchStudy"],
        "ResearchStudy.enrollment": ["Group"],
        "ResearchStudy.sponsor": ["Organization"],
        "ResearchStudy.principalInvestigator": ["Practitioner", "PractitionerRole"],
        "ResearchStudy.site": ["Location"],
        "ResearchSubject.study": ["ResearchStudy"],
        "ResearchSubject.individual": ["Patient"],
        "ResearchSubject.consent": ["Consent"],
        "Patient.contact.organization": ["Organization"],
        "Patient.generalPractitioner": ["Organization", "Practitioner", "PractitionerRole"],
        "Patient.managingOrganization": ["Organization"],
        "Patient.link.other": ["Patient", "RelatedPerson"],
        "Group.managingEntity": ["Organization", "Practitioner", "PractitionerRole", "RelatedPerson"],
        "Group.member.entity": [
            "Device", "Group", "Medication", "Patient", "Practitioner", "PractitionerRole", "Substance"
        ],
        "Specimen.subject": ["Device", "Group", "Location", "Patient", "Substance"],
        "Specimen.parent": ["Specimen"],
        "Specimen.request": ["ServiceRequest"],
        "Specimen.collection.collector": ["Practitioner", "PractitionerRole"],
        "Specimen.processing.additive": ["Substance"],
        "Specimen.container.additive[x]": ["Substance"],
        "Observation.basedOn": [
            "CarePlan", "DeviceRequest", "ImmunizationRecommendation", "MedicationRequest", "NutritionOrder",
            "ServiceRequest"
        ],
        "Observation.partOf": [
            "ImagingStudy", "Immunization", "MedicationAdministration", "MedicationDispense", "MedicationStatement",
            "Procedure"
        ],
        "Observation.subject": ["Device", "Group", "Location", "Patient"],
        "Observation.encounter": ["Encounter"],
        "Observation.performer": [
            "CareTeam", "Organization", "Patient", "Practitioner", "PractitionerRole", "RelatedPerson"
        ],
        "Observation.specimen": ["Specimen"],
        "Observation.device": ["Device", "DeviceMetric"],
        "Observation.hasMember": ["MolecularSequence", "Observation", "QuestionnaireResponse"],
        "Observation.derivedFrom": [
            "DocumentReference", "ImagingStudy", "Media", "MolecularSequence", "Observation",
            "QuestionnaireResponse"
        ],
        "DiagnosticReport.basedOn": [
            "CarePlan", "ImmunizationRecommendation", "MedicationRequest", "NutritionOrder", "ServiceRequest"
        ],
        "DiagnosticReport.subject": ["Device", "Group", "Location", "Patient"],
        "DiagnosticReport.encounter": ["Encounter"],
        "DiagnosticReport.performer": ["CareTeam", "Organization", "Practitioner", "PractitionerRole"],
        "DiagnosticReport.resultsInterpreter": ["CareTeam", "Organization", "Practitioner", "PractitionerRole"],
        "DiagnosticReport.specimen": ["Specimen"],
        "DiagnosticReport.result": ["Observation"],
        "DiagnosticReport.imagingStudy": ["ImagingStudy"],
        "DiagnosticReport.media.link": ["Media"],
        "Practitioner.qualification.issuer": ["Organization"],
        "PractitionerRole.practitioner": ["Practitioner"],
        "PractitionerRole.organization": ["Organization"],
        "PractitionerRole.location": ["Location"],
        "PractitionerRole.healthcareService": ["HealthcareService"],
        "PractitionerRole.endpoint": ["Endpoint"],
        "Organization.partOf": ["Organization"],
        "Organization.endpoint": ["Endpoint"],
        "AdverseEvent.subject": ["Group", "Patient", "Practitioner", "RelatedPerson"],
        "AdverseEvent.encounter": ["Encounter"],
        "AdverseEvent.resultingCondition": ["Condition"],
        "AdverseEvent.location": ["Location"],
        "AdverseEvent.recorder": ["Patient", "Practitioner", "PractitionerRole", "RelatedPerson"],
        "AdverseEvent.contributor": ["Device", "Practitioner", "PractitionerRole"],
        "AdverseEvent.suspectEntity.instance": [
            "Device", "Immunization", "Medication", "MedicationAdministration", "MedicationStatement", "Procedure",
            "Substance"
        ],
        "AdverseEvent.suspectEntity.causality.author": ["Practitioner", "PractitionerRole"],
        "AdverseEvent.subjectMedicalHistory": [
            "AllergyIntolerance", "Condition", "DocumentReference", "FamilyMemberHistory", "Immunization", "Media",
            "Observation", "Procedure"
        ],
        "AdverseEvent.referenceDocument": ["DocumentReference"],
        "AdverseEvent.study": ["ResearchStudy"],
        "DocumentReference.subject": ["Device", "Group", "Patient", "Practitioner"],
        "DocumentReference.author": [
            "Device", "Organization", "Patient", "Practitioner", "PractitionerRole", "RelatedPerson"
        ],
        "DocumentReference.authenticator": ["Organization", "Practitioner", "PractitionerRole"],
        "DocumentReference.custodian": ["Organization"],
        "DocumentReference.relatesTo.target": ["DocumentReference"],
        "DocumentReference.context.encounter": ["Encounter", "EpisodeOfCare"],
        "DocumentReference.context.sourcePatientInfo": ["Patient"],
        "Provenance.location": ["Location"],
        "Provenance.agent.who": [
            "Device", "Organization", "Patient", "Practitioner", "PractitionerRole", "RelatedPerson"
        ],
        "Provenance.agent.onBehalfOf": [
            "Device", "Organization", "Patient", "Practitioner", "PractitionerRole", "RelatedPerson"
        ],
    ]
}
