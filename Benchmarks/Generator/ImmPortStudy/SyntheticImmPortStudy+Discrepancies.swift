import FHIRModel

/// The generated study's discrepancy list: what the default mapping (Mappings/immport.yaml) must report, in the
/// format of Fixtures/discrepancies.json (Fixtures/README.md, "The discrepancy list"), made from the same schedule
/// as the data rather than by comparing the files.
extension SyntheticImmPortStudy {
    static func finding(
        _ study: String, _ link: String, _ field: String?, _ status: String, _ accession: String, _ fhirId: String?,
        _ fhirValue: String? = nil, _ sharedDataValue: String? = nil, _ severity: String = "error", note: String
    ) -> FHIRElement {
        var o = FHIRObject(minimumCapacity: 10)
        o.appendUnchecked(key: "study", value: .string(study))
        o.appendUnchecked(key: "link", value: .string(link))
        o.appendUnchecked(key: "field", value: field.map(FHIRElement.string) ?? .null)
        o.appendUnchecked(key: "status", value: .string(status))
        o.appendUnchecked(key: "accession", value: .string(accession))
        o.appendUnchecked(key: "fhirId", value: fhirId.map(FHIRElement.string) ?? .null)
        o.appendUnchecked(key: "fhirValue", value: fhirValue.map(FHIRElement.string) ?? .null)
        o.appendUnchecked(key: "sharedDataValue", value: sharedDataValue.map(FHIRElement.string) ?? .null)
        o.appendUnchecked(key: "severity", value: .string(severity))
        o.appendUnchecked(key: "note", value: .string(note))
        return .object(o)
    }

    /// The study-level findings (the enrollment counts differ when the one-sided subjects do not balance).
    public func studyDiscrepancies() -> [FHIRElement] {
        guard fhirSubjectCount != sharedDataSubjectCount else { return [] }
        return [Self.finding(
            accession, "study", "enrollment", "mismatched", accession, accession, String(fhirSubjectCount),
            String(sharedDataSubjectCount), "warning", note: "each side counts its own subjects")]
    }

    /// One subject's findings, link by link.
    public func discrepancies(of s: SyntheticStudySubject) -> [FHIRElement] {
        let n = s.number
        let study = accession
        let hemoglobinKey = "\(biosampleAccession(n, 1))|hemoglobin"
        let leukocytesKey = "\(biosampleAccession(n, 1))|leukocytes"
        var out: [FHIRElement] = []
        switch s.side {
        case .fhirOnly:
            let note = "subject only in FHIR (every 50th)"
            out.append(Self.finding(study, "subjects", nil, "unlinked-fhir", s.accession, s.accession, note: note))
            out.append(Self.finding(study, "patients", nil, "unlinked-fhir", s.accession, s.accession, note: note))
            for k in 1...2 {
                out.append(Self.finding(study, "specimens", nil, "unlinked-fhir", biosampleAccession(n, k), biosampleAccession(n, k), note: note))
            }
            out.append(Self.finding(study, "labResults", nil, "unlinked-fhir", hemoglobinKey, labTestAccession(n, 1), note: note))
            out.append(Self.finding(study, "labResults", nil, "unlinked-fhir", leukocytesKey, labTestAccession(n, 2), note: note))
            out.append(Self.finding(study, "labPanels", nil, "unlinked-fhir", s.accession, panelAccession(n), note: note))
        case .sharedDataOnly:
            let note = "subject only in Shared Data (every 50th, from the 25th)"
            out.append(Self.finding(study, "subjects", nil, "unlinked-shared-data", s.accession, nil, note: note))
            out.append(Self.finding(study, "patients", nil, "unlinked-shared-data", s.accession, nil, note: note))
            for k in 1...2 {
                out.append(Self.finding(study, "specimens", nil, "unlinked-shared-data", biosampleAccession(n, k), nil, note: note))
            }
            out.append(Self.finding(study, "labResults", nil, "unlinked-shared-data", hemoglobinKey, nil, note: note))
            out.append(Self.finding(study, "labResults", nil, "unlinked-shared-data", leukocytesKey, nil, note: note))
            for _ in 1...2 {  // one-to-many: each lab test record on its own
                out.append(Self.finding(study, "labPanels", nil, "unlinked-shared-data", s.accession, nil, note: note))
            }
        case .both:
            if s.armDiffers {
                out.append(Self.finding(
                    study, "subjects", "arm", "mismatched", s.accession, s.accession, armAccession(s.fhirArm),
                    armAccession(s.arm), "error", note: "FHIR's actual arm is the other one (every 71st)"))
            }
            if s.sexDiffers {
                out.append(Self.finding(
                    study, "patients", "sex", "mismatched", s.accession, s.accession, s.fhirGender, s.sharedDataGender,
                    "error", note: "sex differs (every 97th)"))
            }
            if s.raceMissingInSharedData, let race = s.fhirRace {
                out.append(Self.finding(
                    study, "patients", "race", "missing-in-shared-data", s.accession, s.accession, race,
                    s.sharedDataRace, "warning", note: "race Not Specified in Shared Data (every 83rd)"))
            }
            let serum = biosampleAccession(n, 2)
            if s.serumListedTwice {
                let note = "serum biosample listed twice by Shared Data (every 113th)"
                out.append(Self.finding(study, "specimens", nil, "duplicate", serum, nil, note: note))
                out.append(Self.finding(study, "specimens", nil, "duplicate", serum, nil, note: note))
                out.append(Self.finding(study, "specimens", nil, "duplicate", serum, serum, note: note))
            } else if s.serumTypeDiffers {
                out.append(Self.finding(
                    study, "specimens", "type", "mismatched", serum, serum, s.fhirSerumType, "Serum", "error",
                    note: "specimen type differs (every 61st)"))
            }
            if s.hemoglobinDiffers {
                // The default mapping compares the quantities and quotes each value with its unit.
                let unit = Self.labTests[0].2
                out.append(Self.finding(
                    study, "labResults", "value", "mismatched", hemoglobinKey, labTestAccession(n, 1), "\(s.fhirHemoglobin) \(unit)",
                    "\(s.sharedDataHemoglobin) \(unit)", "error", note: "hemoglobin differs by 1.0 (every 89th)"))
            }
        }
        return out
    }
}
