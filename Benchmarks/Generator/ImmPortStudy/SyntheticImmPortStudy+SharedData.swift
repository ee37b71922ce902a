import FHIRModel

/// The Shared Data side of the generated study: records with the field names, in the order, of the API's models
/// (../shared/immport/shared-data-api.models.json), numbers written with their literal text, nulls kept.
extension SyntheticImmPortStudy {
    enum Model {
        static let subjectBlock = [
            "studyAccession", "briefTitle", "armAccession", "armName", "armDescription", "armTypeReported",
            "armTypePreferred", "subjectAccession", "ageEvent", "ageEventSpecify", "ageUnit", "maxSubjectAge",
            "minSubjectAge", "subjectPhenotype", "subjectLocation", "max_subject_age_in_years", "min_subject_age_in_years",
            "ancestral_population", "subjectDescription", "ethnicity", "gender", "race", "raceSpecify", "species", "strain",
            "strain_characteristics",
        ]
        static let study = [
            "studyAccession", "actualCompletionDate", "actualEnrollment", "actualStartDate", "ageUnit", "briefDescription",
            "briefTitle", "clinicalTrial", "description", "dclId", "doi", "endpoints", "genderIncluded", "hypothesis",
            "initialDataReleaseDate", "initialDataReleaseVersion", "interventionAgent", "latestDataReleaseDate",
            "latestDataReleaseVersion", "maximumAge", "minimumAge", "objectives", "officialTitle", "sharedStudy",
            "sponsoringOrganization", "targetEnrollment",
        ]
        static let summary = [
            "studyAccession", "doi", "title", "pi", "conditionStudied", "researchFocus", "briefDescription", "startDate",
            "detailedDescription", "objectives", "endpoints", "genderIncluded", "sexIncluded", "subjectsNumber",
            "downloadPackages", "contractGrant", "program", "dataCompleteness", "hypothesis", "sharedStudy",
            "interventionAgent", "initialDataReleaseDate", "initialDataReleaseVersion", "latestDataReleaseDate",
            "latestDataReleaseVersion", "studyLinks", "studyPubmeds", "studyPersonnel",
        ]
        static let summaryPersonnel = [
            "personAccession", "roleInStudy", "siteName", "email", "firstName", "honorific", "lastName", "organization",
            "suffixes", "titleInStudy", "workspaceId",
        ]
        static let personnel = [
            "personAccession", "studyAccession", "roleInStudy", "siteName", "email", "firstName", "honorific", "lastName",
            "organization", "suffixes", "titleInStudy",
        ]
        static let arm = ["armAccession", "studyAccession", "description", "name", "typeReported", "typePreferred"]
        static let biosample = subjectBlock + ["biosampleAccession", "plannedVisitAccession", "biosampleName", "type", "subtype"]
        static let labTest = subjectBlock + [
            "labTestPanelAccession", "labTestPanelNamePreferred", "labTestPanelNameReported", "labTestAccession",
            "biosampleAccession", "labTestNamePreferred", "labTestNameReported", "resultUnitPreferred", "resultUnitReported",
            "resultValuePreferred", "resultValueReported", "plannedVisitAccession",
        ]
        static let adverseEvent = [
            "adverseEventAccession", "studyAccession", "subjectAccession", "causality", "description", "endStudyDay",
            "endTime", "locationOfReactionPreferred", "locationOfReactionReported", "namePreferred", "nameReported",
            "organOrBodySystemPreferred", "organOrBodySystemReported", "otherActionTaken", "outcomePreferred",
            "outcomeReported", "relationToNonstudyTreatment", "relationToStudyTreatment", "severityReported",
            "severityPreferred", "startStudyDay", "startTime", "studyTreatmentActionTaken",
        ]
        static let file = [
            "fileDetailsId", "reportedMD5", "generatedMD5", "studyAccession", "filesizeBytes", "fileType", "fileAccession",
            "fileName", "path", "dateFileUpdated", "fileUUID", "drsObjectCreated", "workspaceId", "aigeneratedKeywords",
            "aigeneratedSummary",
        ]
        static let elisa = [
            "resultId", "ageEvent", "ageEventSpecify", "ageUnit", "ancestralPopulation", "analyteAccession",
            "analytePreferred", "analyteReported", "armAccession", "armName", "biosampleAccession", "biosampleType",
            "biosampleSubtype", "clinical", "comments", "ethnicity", "experimentAccession", "expsampleAccession", "gender",
            "maxSubjectAge", "measurementTechnique", "minSubjectAge", "plannedVisitAccession", "race", "raceSpecify",
            "repositoryAccession", "repositoryName", "species", "strain", "studyAccession", "studyTitle",
            "studyTimeCollected", "studyTimeCollectedUnit", "subjectAccession", "subjectPhenotype", "unitPreferred",
            "unitReported", "valuePreferred", "valueReported", "treatmentAccession", "studyTimeT0EventSpecify",
            "studyTimeT0Event",
        ]
        static let hai = [
            "resultId", "ageEvent", "ageEventSpecify", "ageUnit", "ancestralPopulation", "armAccession", "armName",
            "biosampleAccession", "biosampleType", "biosampleSubtype", "clinical", "comments", "ethnicity",
            "experimentAccession", "expsampleAccession", "gender", "maxSubjectAge", "measurementTechnique",
            "minSubjectAge", "plannedVisitAccession", "race", "raceSpecify", "repositoryAccession", "repositoryName",
            "species", "strain", "studyAccession", "studyTitle", "studyTimeCollected", "studyTimeCollectedUnit",
            "studyTimeT0Event", "studyTimeT0EventSpecify", "subjectAccession", "subjectPhenotype", "unitPreferred",
            "unitReported", "valuePreferred", "valueReported", "virusStrainPreferred", "virusStrainReported",
            "treatmentAccession",
        ]
    }

    /// A record with `fields` in order; a field without a value is null, as the API writes it.
    static func record(_ fields: [String], _ values: [String: FHIRElement]) -> FHIRElement {
        assert(Set(values.keys).isSubset(of: fields), "unknown fields \(Set(values.keys).subtracting(fields))")
        var object = FHIRObject(minimumCapacity: fields.count)
        for field in fields { object.appendUnchecked(key: field, value: values[field] ?? .null) }
        return .object(object)
    }

    /// The path (under shared-data/) of each file the study writes, as its endpoint's path.
    enum SharedDataFile: CaseIterable {
        case study, summary, arm, personnel, demographic, biosample, labTest, adverseEvent, manifest, elisa, hai

        func path(_ accession: String) -> String {
            switch self {
            case .study: return "api/study/\(accession).json"
            case .summary: return "api/study/summary/\(accession).json"
            case .arm: return "api/study/arm/\(accession).json"
            case .personnel: return "api/study/personnel/\(accession).json"
            case .demographic: return "api/study/demographic/\(accession).json"
            case .biosample: return "api/study/biosample/\(accession).json"
            case .labTest: return "api/study/labtest/\(accession).json"
            case .adverseEvent: return "api/study/adverseEvent/\(accession).json"
            case .manifest: return "api/study/manifest/\(accession).json"
            case .elisa: return "result/elisa.json"
            case .hai: return "result/hai.json"
            }
        }
    }

    /// The study-level records of one file (the subject-level files come from `subjectRecords`).
    func studyRecords(_ file: SharedDataFile) -> [FHIRElement] {
        switch file {
        case .study:
            return [Self.record(Model.study, [
                "studyAccession": .string(accession), "actualCompletionDate": "2024-12-20",
                "actualEnrollment": Build.integer(sharedDataSubjectCount), "actualStartDate": "2020-01-06", "ageUnit": "Years",
                "briefDescription": "SYNTHETIC generated study. Not ImmPort data.", "briefTitle": .string(Self.title),
                "clinicalTrial": "Y", "description": "SYNTHETIC. Generated by immport-bridge's SyntheticImmPortStudy.",
                "dclId": 0, "doi": .string("10.99999/SYNTHETIC.\(accession)"), "endpoints": "Not Specified",
                "genderIncluded": "Female, Male", "interventionAgent": "Synthetic vaccine", "maximumAge": "75",
                "minimumAge": "18", "objectives": "Not Specified", "officialTitle": .string(Self.title), "sharedStudy": "Y",
                "sponsoringOrganization": "Example Vaccine Research Center (synthetic)",
                "targetEnrollment": Build.integer(subjects),
            ])]
        case .summary:
            let personnel = Self.personnel.enumerated().map { p, person in
                Self.record(Model.summaryPersonnel, [
                    "personAccession": .string(personAccession(p)), "roleInStudy": .string(person.2),
                    "firstName": .string(person.0), "lastName": .string(person.1),
                    "organization": "Example Vaccine Research Center (synthetic)", "workspaceId": 99990,
                ])
            }
            return [Self.record(Model.summary, [
                "studyAccession": .string(accession), "title": .string(Self.title), "subjectsNumber": Build.integer(sharedDataSubjectCount),
                "conditionStudied": "Healthy", "researchFocus": "Vaccine Response", "startDate": "2020-01-06",
                "studyLinks": [], "studyPubmeds": [], "studyPersonnel": .array(personnel),
            ])]
        case .arm:
            return (0..<2).map { arm in
                Self.record(Model.arm, [
                    "armAccession": .string(armAccession(arm)), "studyAccession": .string(accession),
                    "description": .string("\(Self.armTypes[arm]) arm (synthetic)"), "name": .string(Self.armNames[arm]),
                    "typeReported": .string(Self.armTypes[arm]), "typePreferred": .string(Self.armTypes[arm]),
                ])
            }
        case .personnel:
            return Self.personnel.enumerated().map { p, person in
                Self.record(Model.personnel, [
                    "personAccession": .string(personAccession(p)), "studyAccession": .string(accession),
                    "roleInStudy": .string(person.2), "firstName": .string(person.0), "lastName": .string(person.1),
                    "organization": "Example Vaccine Research Center (synthetic)",
                ])
            }
        case .manifest:
            return (1...3).map { f in
                let name = ["protocol.pdf", "hai_results.txt", "readme.txt"][f - 1]
                return Self.record(Model.file, [
                    "fileDetailsId": Build.integer(f), "studyAccession": .string(accession),
                    "generatedMD5": .string(String(repeating: String(f), count: 32)), "filesizeBytes": Build.integer(1000 * f),
                    "fileType": f == 1 ? "Study Protocol" : "Study Data", "fileAccession": .string("FILE\(stem)0\(f)"),
                    "fileName": .string("\(accession.lowercased())_\(name)"), "path": .string("/\(accession)/files/\(name)"),
                    "dateFileUpdated": "2025-07-01T00:00:00.000+00:00",
                    "fileUUID": .string("00000000-0000-4000-8000-\(Dates.pad(Int(stem) ?? 0, 10))0\(f)"),
                    "drsObjectCreated": "Y",
                ])
            }
        default:
            return []
        }
    }

    /// One subject's records in a subject-level file (none when the subject is only in FHIR).
    func subjectRecords(_ file: SharedDataFile, _ s: SyntheticStudySubject) -> [FHIRElement] {
        guard s.inSharedData else { return [] }
        let n = s.number
        let age = Build.number("\(2020 - s.birthYear).00")
        var block: [String: FHIRElement] = [
            "studyAccession": .string(accession), "briefTitle": .string(Self.title), "armAccession": .string(armAccession(s.arm)),
            "armName": .string(Self.armNames[s.arm]), "armDescription": .string("\(Self.armTypes[s.arm]) arm (synthetic)"),
            "armTypeReported": .string(Self.armTypes[s.arm]), "armTypePreferred": .string(Self.armTypes[s.arm]),
            "subjectAccession": .string(s.accession), "ageEvent": "Age at enrollment", "ageUnit": "Years",
            "maxSubjectAge": age, "minSubjectAge": age, "subjectPhenotype": "Healthy", "subjectLocation": "Not Specified",
            "ethnicity": .string(s.ethnicity), "gender": .string(s.sharedDataGender), "race": .string(s.sharedDataRace),
            "species": "Homo sapiens",
        ]
        switch file {
        case .demographic:
            return [Self.record(Model.subjectBlock, block)]
        case .biosample:
            var rows: [FHIRElement] = []
            for (k, type, visits) in [(1, "Whole blood", ["PV1"]), (2, "Serum", s.serumListedTwice ? ["PV2", "PV3"] : ["PV2"])] {
                for visit in visits {
                    var values = block
                    values["biosampleAccession"] = .string(biosampleAccession(n, k))
                    values["plannedVisitAccession"] = .string("\(visit)\(stem)")
                    values["biosampleName"] = .string("\(s.accession) \(type.lowercased()) (\(visit))")
                    values["type"] = .string(type)
                    rows.append(Self.record(Model.biosample, values))
                }
            }
            return rows
        case .labTest:
            return Self.labTests.enumerated().map { t, test in
                var values = block
                let value = t == 0 ? s.sharedDataHemoglobin : s.leukocytes
                values["labTestPanelAccession"] = .string(panelAccession(n))
                values["labTestPanelNamePreferred"] = "Complete blood count"
                values["labTestPanelNameReported"] = "CBC"
                values["labTestAccession"] = .string(labTestAccession(n, t + 1))
                values["biosampleAccession"] = .string(biosampleAccession(n, 1))
                values["labTestNamePreferred"] = .string(test.0)
                values["labTestNameReported"] = .string(test.0.uppercased())
                values["resultUnitPreferred"] = .string(test.2)
                values["resultUnitReported"] = .string(test.2)
                values["resultValuePreferred"] = t == 1 && s.leukocytesPreferredIsNull ? .null : Build.number(value)
                values["resultValueReported"] = .string(value)
                values["plannedVisitAccession"] = .string("PV1\(stem)")
                return Self.record(Model.labTest, values)
            }
        case .adverseEvent:
            guard n % 100 == 1 else { return [] }
            return [Self.record(Model.adverseEvent, [
                "adverseEventAccession": .string("AE\(stem)\(Dates.pad(n, 6))"), "studyAccession": .string(accession),
                "subjectAccession": .string(s.accession), "namePreferred": "Injection site pain",
                "nameReported": "injection site pain", "severityPreferred": "Mild", "severityReported": "Mild",
                "outcomePreferred": "Recovered/Resolved", "outcomeReported": "resolved", "startStudyDay": Build.number("1.00"),
                "endStudyDay": Build.number("3.00"),
            ])]
        case .elisa, .hai:
            block["biosampleAccession"] = .string(biosampleAccession(n, 2))
            block["biosampleType"] = "Serum"
            block["clinical"] = "N"
            block["experimentAccession"] = .string("EXP\(stem)0\(file == .elisa ? 1 : 2)")
            block["expsampleAccession"] = .string("ES\(stem)\(Dates.pad(n, 6))\(file == .elisa ? 1 : 2)")
            block["plannedVisitAccession"] = .string("PV2\(stem)")
            block["studyTitle"] = .string(Self.title)
            block["studyTimeCollected"] = Build.number("28.00")
            block["studyTimeCollectedUnit"] = "Days"
            block["studyTimeT0Event"] = "Time of initial vaccine administration"
            block["resultId"] = Build.integer(n * 2 + (file == .elisa ? 0 : 1))
            for name in ["briefTitle", "armDescription", "armTypeReported", "armTypePreferred", "subjectLocation"] {
                block[name] = nil
            }
            if file == .elisa {
                let value = Build.decimalText(units: 40 + (n * 37) % 900, scale: 1)
                block["analyteReported"] = "Anti-vaccine IgG"
                block["measurementTechnique"] = "ELISA"
                block["unitReported"] = "EU/mL"
                block["valuePreferred"] = Build.number(value)
                block["valueReported"] = .string(value)
                return [Self.record(Model.elisa, block)]
            }
            let titer = 10 << (n % 6)
            block["measurementTechnique"] = "Hemagglutination Inhibition"
            block["unitReported"] = "Titer"
            block["valuePreferred"] = Build.integer(titer)
            block["valueReported"] = .string(String(titer))
            block["virusStrainReported"] = "A/Synthetic/1/2020 (H1N1)"
            return [Self.record(Model.hai, block)]
        default:
            return []
        }
    }
}
