"""SDY99903, the second SYNTHETIC study, with the other conventions: the accession is the resource id
(ResearchStudy/SDY99903, Patient/SUB9990301, Specimen/BS99903011, Group/ARM9990301), identifiers use other systems
(ImmPort's own https://www.immport.org/study, urn:immport:subject, a hospital MRN) or are missing altogether.
Shared Data side with assay results (ELISA, HAI, neutralizing antibody titer, MBAA, ELISPOT), adverse events and a
file manifest. discrepancies() lists what the default mapping must report, and nothing else may differ.
"""

from fixture_files import LABORATORY, SPECIES_CHARACTERISTIC, TAG, finding, md5_hex, num, party, ref, synthetic_file

STUDY = "SDY99903"
BRIEF_TITLE = "Synthetic fixture: influenza cohort A"
FHIR_TITLE = "Synthetic fixture: influenza cohort A, haemagglutination inhibition and neutralising antibody response"
SHARED_DATA_TITLE = "Synthetic fixture: influenza cohort A, hemagglutination inhibition and neutralizing antibody response"
FHIR_ENROLLMENT = 8
SHARED_DATA_ENROLLMENT = 9  # counts a subject who withdrew before enrollment closed
UPDATED = "2026-02-03T08:30:00.000+00:00"
SOURCE = "#syntheticSDY99903"  # HAPI fills meta.source with the request id of the load

SUBJECT_SYSTEM = "urn:immport:subject"
BIOSAMPLE_SYSTEM = "urn:immport:biosample"
MRN_SYSTEM = "urn:oid:2.16.840.1.113883.3.9999.3"  # an invented hospital's record numbers, not accessions
NHL, HL = "Not Hispanic or Latino", "Hispanic or Latino"


def meta():
    return {"versionId": "1", "lastUpdated": UPDATED, "source": SOURCE, "tag": [TAG]}


# accession, FHIR Group name, Shared Data arm name, arm type, whether the Group carries an identifier
ARMS = [
    ("ARM9990301", "Inactivated Influenza Vaccine", "inactivated influenza  vaccine", "Experimental", False),
    ("ARM9990302", "Placebo", "Saline placebo", "Placebo Comparator", True),  # names differ
]

# One row per subject. side: both | fhir | shared-data. arms are indexes into ARMS (FHIR assigned, FHIR actual,
# Shared Data). gender/race/ethnicity: FHIR value (None = element or extension absent), Shared Data value.
# ident: how the FHIR Patient and ResearchSubject are identified (urn = urn:immport:subject, mrn = a hospital
# number only, None = no identifier at all).
SUBJECTS = [
    dict(acc="SUB9990301", side="both", arms=(0, 0, 0), gender=("female", "Female"), race=("White", "White"),
         eth=(NHL, NHL), year=1984, ident="urn"),
    dict(acc="SUB9990302", side="both", arms=(0, 0, 0), gender=("male", "Male"), race=("Asian", "asian"),
         eth=(NHL, NHL), year=1979, ident="urn"),
    dict(acc="SUB9990303", side="both", arms=(0, 1, 0), gender=("female", "Female"),  # FHIR: moved to placebo
         race=("Black or African American", "Black or African American"), eth=(HL, HL), year=1991, ident="urn"),
    dict(acc="SUB9990304", side="both", arms=(1, 1, 1), gender=("female", "Male"),  # sex differs
         race=(None, "Not Specified"), eth=(None, "Not Specified"), year=1966, ident=None),
    dict(acc="SUB9990305", side="both", arms=(1, 1, 1), gender=(None, "Female"),  # no gender in FHIR
         race=("Asian", "Not Specified"), eth=(NHL, NHL), year=1970, ident=None),
    dict(acc="SUB9990306", side="both", arms=(0, 0, 0), gender=("unknown", "Not Specified"), race=("White", "White"),
         eth=("Unknown", "Unknown"), year=1988, ident="mrn"),
    dict(acc="SUB9990307", side="both", arms=(1, 1, 1), gender=("male", "Male "),
         race=("American Indian or Alaska Native", "American Indian or Alaska Native"), eth=(NHL, NHL), year=1975,
         ident="urn"),
    dict(acc="SUB9990308", side="fhir", arms=(0, 0, None), gender=("female", None), race=("White", None),
         eth=(NHL, None), year=1993, ident="urn"),  # withdrew before any sample: Patient and ResearchSubject only
    dict(acc="SUB9990309", side="shared-data", arms=(None, None, 1), gender=(None, "Male"), race=(None, "White"),
         eth=(None, NHL), year=1981, ident=None),  # one serum biosample and an HAI result, nothing in FHIR
]
BY_ACC = {s["acc"]: s for s in SUBJECTS}
IN_FHIR = [s for s in SUBJECTS if s["side"] in ("both", "fhir")]
IN_SHARED_DATA = [s for s in SUBJECTS if s["side"] in ("both", "shared-data")]
SAMPLED = [s for s in SUBJECTS if s["side"] == "both"]  # whole blood (1) and serum (2) on both sides

WHOLE_BLOOD = ("Whole blood", "119297000")
SERUM = ("Serum", "119364003")
PLASMA = ("Plasma", "119361006")
FHIR_SPECIMEN_TYPE = {"BS99903022": PLASMA}  # Shared Data says Serum
SHARED_DATA_ONLY_BIOSAMPLES = [("SUB9990302", "BS99903023", "PBMC"), ("SUB9990309", "BS99903092", "Serum")]
DUPLICATED_BIOSAMPLE = "BS99903052"  # listed twice by the biosample endpoint (two visits)

# Lab tests on the whole blood sample: FHIR value text, Shared Data preferred (None = null) and reported values.
LAB_TESTS = [("Hemoglobin", "718-7", "g/dL"), ("Leukocytes", "6690-2", "10*3/uL")]
LAB_VALUES = {
    "SUB9990301": [("14.0", "14", "14.0"), ("6.3", "6.3", "6.3")],    # 14.0 and 14 are one number
    "SUB9990302": [("13.1", "13.1", "13.1"), ("6.2", None, "6.2")],   # no preferred value: the reported one counts
    "SUB9990303": [("12.8", "12.8", "12.8"), ("7.1", "7.1", "7.1")],
    "SUB9990304": [("15.2", "15.2", "15.2"), ("5.0", "5.0", "5.0")],
    "SUB9990305": [("13.9", "13.9", "13.9"), ("8.2", "8.2", "8.2")],
    "SUB9990306": [("14.4", "14.4", "14.4"), ("5.4", "4.5", "4.5")],  # leukocytes differ
    "SUB9990307": [("16.0", "16.0", "16.0"), ("6.8", "6.8", "6.8")],
}
# Shared Data units: (preferred, reported) per test; SUB9990303's hemoglobin unit was only reported, in lower case;
# SUB9990304's leukocyte unit only as free text the lenient UCUM reading understands (x10E3/uL is 10*3/uL);
# SUB9990305's leukocyte unit is text no UCUM reading understands ("thou/uL"): a mismatch that says why.
LAB_UNITS = [("g/dL", "g/dL"), ("10*3/uL", "10^3/uL")]
LAB_UNIT_OVERRIDE = {("SUB9990303", 0): (None, "g/dl"), ("SUB9990304", 1): (None, "x10E3/uL"),
                     ("SUB9990305", 1): ("thou/uL", "thou/uL")}
FHIR_ONLY_LAB = ("SUB9990307", "LT99903073", "Platelets", "777-3", "10*3/uL", "250")

# person accession, FHIR family, Shared Data last name, first name, FHIR role text, Shared Data role, honorific
PERSONNEL = [
    ("PER9990301", "Smith", "Smyth", "Jordan", "Principal Investigator", "Principal Investigator", "Dr."),  # family differs
    ("PER9990302", "Lee", "Lee", "Casey", "co-investigator", "Co-Investigator", None),
]


def sub_index(acc): return acc[-2:]


def specimen_id(acc, k): return f"BS99903{sub_index(acc)}{k}"


def arm_ref(i): return ARMS[i][0]


# --- FHIR -----------------------------------------------------------------------------------------------------------

def subject_identifiers(s):
    if s["ident"] == "urn":
        return [{"system": SUBJECT_SYSTEM, "value": s["acc"]}]
    if s["ident"] == "mrn":
        return [{"use": "usual",
                 "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                 "system": MRN_SYSTEM, "value": f"MRN-3{s['acc'][-4:]}"}]
    return None


def drop_none(d): return {k: v for k, v in d.items() if v is not None}


def fhir_resources():
    out = []
    out.append(drop_none({
        "resourceType": "ResearchStudy", "id": STUDY, "meta": meta(),
        "identifier": [{"use": "official", "system": "https://www.immport.org/study", "value": STUDY}],
        "title": FHIR_TITLE,
        "status": "active",
        "primaryPurposeType": {"coding": [{"system": "http://hl7.org/fhir/research-study-prim-purp-type", "code": "prevention"}]},
        "phase": {"coding": [{"system": "http://hl7.org/fhir/research-study-phase", "code": "phase-2"}]},
        "condition": [{"text": "Influenza"}],
        "description": "SYNTHETIC study for immport-bridge tests. Not ImmPort data.",
        "period": {"start": "2019-10-01T09:00:00-05:00"},  # still open on the FHIR side
        "recruitment": {"targetNumber": 10, "actualNumber": FHIR_ENROLLMENT},
        "associatedParty": [
            party("primary-investigator", "PractitionerRole", "PER9990301-PI"),
            party("collaborator", "PractitionerRole", "PER9990302-COI"),
            party("sponsor", "Organization", "ORG9990302"),
        ],
        "comparisonGroup": [
            {"linkId": acc, "name": name, "type": {"text": typ}, "observedGroup": ref("Group", acc)}
            for acc, name, _, typ, _ in ARMS],
    }))
    for i, (acc, name, _, typ, has_identifier) in enumerate(ARMS):
        members = [s["acc"] for s in IN_FHIR if s["arms"][1] == i]
        out.append(drop_none({
            "resourceType": "Group", "id": acc, "meta": meta(),
            "identifier": [{"system": "urn:immport:arm", "value": acc}] if has_identifier else None,
            "type": "person", "membership": "enumerated", "name": name,
            "description": f"{typ} arm of {STUDY} (synthetic)",
            "characteristic": [SPECIES_CHARACTERISTIC],
            "quantity": len(members),
            "member": [{"entity": ref("Patient", m)} for m in members],
        }))
    out.append({"resourceType": "Organization", "id": "ORG9990301", "meta": meta(),
                "name": "Example Medical Center (synthetic)"})
    out.append({"resourceType": "Organization", "id": "ORG9990302", "meta": meta(),
                "name": "Example Foundation for Influenza Research (synthetic)"})
    for acc, family, _, first, role_text, _, honorific in PERSONNEL:
        out.append(drop_none({
            "resourceType": "Practitioner", "id": acc, "meta": meta(),
            "identifier": [{"system": "urn:immport:person", "value": acc}] if acc == "PER9990301" else None,
            "name": [drop_none({"family": family, "given": [first], "prefix": [honorific] if honorific else None})]}))
    for acc, _, _, _, role_text, _, _ in PERSONNEL:
        suffix = "PI" if acc == "PER9990301" else "COI"
        out.append({"resourceType": "PractitionerRole", "id": f"{acc}-{suffix}", "meta": meta(),
                    "practitioner": ref("Practitioner", acc), "organization": ref("Organization", "ORG9990301"),
                    "code": [{"text": role_text}]})
    for n, s in enumerate(IN_FHIR, start=1):
        acc = s["acc"]
        extensions = []
        if s["race"][0] is not None:
            extensions.append({"url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
                               "extension": [{"url": "text", "valueString": s["race"][0]}]})
        if s["eth"][0] is not None:
            extensions.append({"url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity",
                               "extension": [{"url": "text", "valueString": s["eth"][0]}]})
        out.append(drop_none({
            "resourceType": "Patient", "id": acc, "meta": meta(),
            "extension": extensions or None,
            "identifier": subject_identifiers(s),
            "gender": s["gender"][0], "birthDate": str(s["year"]),
        }))
        withdrawn = s["side"] == "fhir"
        out.append(drop_none({
            "resourceType": "ResearchSubject", "id": acc, "meta": meta(),
            "identifier": subject_identifiers(s) if s["ident"] == "urn" else None,
            "status": "active",
            "progress": [{
                "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/research-subject-state-type", "code": "Enrollment"}]},
                "subjectState": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/research-subject-state", "code": "withdrawn"}]},
                "endDate": "2019-11-15"}] if withdrawn else None,
            "study": ref("ResearchStudy", STUDY),
            "subject": ref("Patient", acc),
            "assignedComparisonGroup": arm_ref(s["arms"][0]), "actualComparisonGroup": arm_ref(s["arms"][1]),
        }))
    for n, s in enumerate(SAMPLED, start=1):
        acc = s["acc"]
        for k, default_type in ((1, WHOLE_BLOOD), (2, SERUM)):
            bs = specimen_id(acc, k)
            stype, code = FHIR_SPECIMEN_TYPE.get(bs, default_type)
            out.append(drop_none({
                "resourceType": "Specimen", "id": bs, "meta": meta(),
                "identifier": [{"system": BIOSAMPLE_SYSTEM, "value": bs}] if n <= 3 else None,
                "status": "available",
                "type": {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": stype}], "text": stype},
                "subject": ref("Patient", acc),
                "collection": {"collectedDateTime": f"2019-10-{7 + n:02d}T08:{10 * k:02d}:00-05:00"},
            }))
        results = []
        tests = [(LAB_TESTS[t][0], LAB_TESTS[t][1], LAB_TESTS[t][2], LAB_VALUES[acc][t][0], f"LT99903{sub_index(acc)}{t + 1}")
                 for t in range(len(LAB_TESTS))]
        if acc == FHIR_ONLY_LAB[0]:
            _, lt, test, loinc, unit, value = FHIR_ONLY_LAB
            tests.append((test, loinc, unit, value, lt))
        for test, loinc, unit, value, lt in tests:
            results.append(ref("Observation", lt))
            out.append({
                "resourceType": "Observation", "id": lt, "meta": meta(),
                "status": "final",
                "category": LABORATORY,
                "code": {"coding": [{"system": "http://loinc.org", "code": loinc, "display": test}], "text": test},
                "subject": ref("Patient", acc),
                "effectiveDateTime": f"2019-10-{7 + n:02d}",
                "specimen": ref("Specimen", specimen_id(acc, 1)),
                "valueQuantity": {"value": num(value), "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
            })
        out.append({
            "resourceType": "DiagnosticReport", "id": f"LTP99903{sub_index(acc)}", "meta": meta(),
            "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "HM", "display": "Hematology"}]}],
            "code": {"text": "Complete blood count panel"},
            "subject": ref("Patient", acc),
            "effectiveDateTime": f"2019-10-{7 + n:02d}",
            "result": results,
        })
    return out


# --- Shared Data ----------------------------------------------------------------------------------------------------
# Record fields in the order of ../shared/immport/shared-data-api.models.json; record() refuses any other name.

SUBJECT_BLOCK = ["studyAccession", "briefTitle", "armAccession", "armName", "armDescription", "armTypeReported",
                 "armTypePreferred", "subjectAccession", "ageEvent", "ageEventSpecify", "ageUnit", "maxSubjectAge",
                 "minSubjectAge", "subjectPhenotype", "subjectLocation", "max_subject_age_in_years",
                 "min_subject_age_in_years", "ancestral_population", "subjectDescription", "ethnicity", "gender", "race",
                 "raceSpecify", "species", "strain", "strain_characteristics"]
MODELS = {
    "StudyApi": ["studyAccession", "actualCompletionDate", "actualEnrollment", "actualStartDate", "ageUnit",
                 "briefDescription", "briefTitle", "clinicalTrial", "description", "dclId", "doi", "endpoints",
                 "genderIncluded", "hypothesis", "initialDataReleaseDate", "initialDataReleaseVersion",
                 "interventionAgent", "latestDataReleaseDate", "latestDataReleaseVersion", "maximumAge", "minimumAge",
                 "objectives", "officialTitle", "sharedStudy", "sponsoringOrganization", "targetEnrollment"],
    "StudySummary": ["studyAccession", "doi", "title", "pi", "conditionStudied", "researchFocus", "briefDescription",
                     "startDate", "detailedDescription", "objectives", "endpoints", "genderIncluded", "sexIncluded",
                     "subjectsNumber", "downloadPackages", "contractGrant", "program", "dataCompleteness", "hypothesis",
                     "sharedStudy", "interventionAgent", "initialDataReleaseDate", "initialDataReleaseVersion",
                     "latestDataReleaseDate", "latestDataReleaseVersion", "studyLinks", "studyPubmeds", "studyPersonnel"],
    "StudyPersonnel": ["personAccession", "roleInStudy", "siteName", "email", "firstName", "honorific", "lastName",
                       "organization", "suffixes", "titleInStudy", "workspaceId"],
    "StudyPersonnelApi": ["personAccession", "studyAccession", "roleInStudy", "siteName", "email", "firstName",
                          "honorific", "lastName", "organization", "suffixes", "titleInStudy"],
    "StudyArmApi": ["armAccession", "studyAccession", "description", "name", "typeReported", "typePreferred"],
    "StudySubjectDemographicsApi": SUBJECT_BLOCK,
    "StudySubjectBioSampleApi": SUBJECT_BLOCK + ["biosampleAccession", "plannedVisitAccession", "biosampleName", "type",
                                                 "subtype"],
    "StudySubjectLabTestsApi": SUBJECT_BLOCK + ["labTestPanelAccession", "labTestPanelNamePreferred",
                                                "labTestPanelNameReported", "labTestAccession", "biosampleAccession",
                                                "labTestNamePreferred", "labTestNameReported", "resultUnitPreferred",
                                                "resultUnitReported", "resultValuePreferred", "resultValueReported",
                                                "plannedVisitAccession"],
    "StudyAdverseEventApi": ["adverseEventAccession", "studyAccession", "subjectAccession", "causality", "description",
                             "endStudyDay", "endTime", "locationOfReactionPreferred", "locationOfReactionReported",
                             "namePreferred", "nameReported", "organOrBodySystemPreferred", "organOrBodySystemReported",
                             "otherActionTaken", "outcomePreferred", "outcomeReported", "relationToNonstudyTreatment",
                             "relationToStudyTreatment", "severityReported", "severityPreferred", "startStudyDay",
                             "startTime", "studyTreatmentActionTaken"],
    "FileDetails": ["fileDetailsId", "reportedMD5", "generatedMD5", "studyAccession", "filesizeBytes", "fileType",
                    "fileAccession", "fileName", "path", "dateFileUpdated", "fileUUID", "drsObjectCreated", "workspaceId",
                    "aigeneratedKeywords", "aigeneratedSummary"],
    "VElisaResult": ["resultId", "ageEvent", "ageEventSpecify", "ageUnit", "ancestralPopulation", "analyteAccession",
                     "analytePreferred", "analyteReported", "armAccession", "armName", "biosampleAccession",
                     "biosampleType", "biosampleSubtype", "clinical", "comments", "ethnicity", "experimentAccession",
                     "expsampleAccession", "gender", "maxSubjectAge", "measurementTechnique", "minSubjectAge",
                     "plannedVisitAccession", "race", "raceSpecify", "repositoryAccession", "repositoryName", "species",
                     "strain", "studyAccession", "studyTitle", "studyTimeCollected", "studyTimeCollectedUnit",
                     "subjectAccession", "subjectPhenotype", "unitPreferred", "unitReported", "valuePreferred",
                     "valueReported", "treatmentAccession", "studyTimeT0EventSpecify", "studyTimeT0Event"],
    "VHaiResult": ["resultId", "ageEvent", "ageEventSpecify", "ageUnit", "ancestralPopulation", "armAccession", "armName",
                   "biosampleAccession", "biosampleType", "biosampleSubtype", "clinical", "comments", "ethnicity",
                   "experimentAccession", "expsampleAccession", "gender", "maxSubjectAge", "measurementTechnique",
                   "minSubjectAge", "plannedVisitAccession", "race", "raceSpecify", "repositoryAccession",
                   "repositoryName", "species", "strain", "studyAccession", "studyTitle", "studyTimeCollected",
                   "studyTimeCollectedUnit", "studyTimeT0Event", "studyTimeT0EventSpecify", "subjectAccession",
                   "subjectPhenotype", "unitPreferred", "unitReported", "valuePreferred", "valueReported",
                   "virusStrainPreferred", "virusStrainReported", "treatmentAccession"],
    "VMbaaResult": ["resultId", "ageEvent", "ageEventSpecify", "ageUnit", "ancestralPopulation", "analyteAccession",
                    "analytePreferred", "analyteReported", "armAccession", "armName", "assayGroupId", "assayId",
                    "biosampleAccession", "biosampleType", "biosampleSubtype", "clinical", "comments",
                    "concentrationUnitPreferred", "concentrationUnitReported", "concentrationValuePreferred",
                    "concentrationValueReported", "ethnicity", "experimentAccession", "gender", "maxSubjectAge",
                    "measurementTechnique", "mfi", "mfiCoordinate", "minSubjectAge", "plannedVisitAccession", "race",
                    "raceSpecify", "repositoryAccession", "repositoryName", "species", "strain", "studyAccession",
                    "studyTitle", "studyTimeCollected", "studyTimeCollectedUnit", "studyTimeT0Event",
                    "studyTimeT0EventSpecify", "sourceAccession", "sourceType", "subjectAccession", "subjectPhenotype",
                    "treatmentAccession"],
    "VElispotResult": ["resultId", "ageEvent", "ageEventSpecify", "ageUnit", "ancestralPopulation", "analyteAccession",
                       "analytePreferred", "analyteReported", "armAccession", "armName", "biosampleAccession",
                       "biosampleType", "biosampleSubtype", "cellNumberPreferred", "cellNumberReported", "clinical",
                       "comments", "ethnicity", "experimentAccession", "expsampleAccession", "gender", "maxSubjectAge",
                       "measurementTechnique", "minSubjectAge", "plannedVisitAccession", "race", "raceSpecify",
                       "repositoryAccession", "repositoryName", "species", "spotNumberPreferred", "spotNumberReported",
                       "strain", "studyAccession", "studyTitle", "studyTimeCollected", "studyTimeCollectedUnit",
                       "studyTimeT0Event", "studyTimeT0EventSpecify", "subjectAccession", "subjectPhenotype",
                       "treatmentAccession"],
}
MODELS["VNeutAbTiterResult"] = MODELS["VHaiResult"]  # the two views have the same fields, in the same order
# The result views' subject fields, taken from the subject block under their names there.
RESULT_SUBJECT_FIELDS = {"ageEvent": "ageEvent", "ageEventSpecify": "ageEventSpecify", "ageUnit": "ageUnit",
                         "armAccession": "armAccession", "armName": "armName", "ethnicity": "ethnicity",
                         "gender": "gender", "maxSubjectAge": "maxSubjectAge", "minSubjectAge": "minSubjectAge",
                         "race": "race", "raceSpecify": "raceSpecify", "species": "species", "strain": "strain",
                         "studyAccession": "studyAccession", "subjectAccession": "subjectAccession",
                         "subjectPhenotype": "subjectPhenotype"}


def record(model, **values):
    fields = MODELS[model]
    unknown = set(values) - set(fields)
    assert not unknown, f"{model} has no field {sorted(unknown)}"
    return {f: values.get(f) for f in fields}


def subject_block(s):
    arm = ARMS[s["arms"][2]]
    age = 2019 - s["year"]
    return record("StudySubjectDemographicsApi",
                  studyAccession=STUDY, briefTitle=BRIEF_TITLE, armAccession=arm[0], armName=arm[2],
                  armDescription=f"{arm[3]} arm (synthetic)", armTypeReported=arm[3], armTypePreferred=arm[3],
                  subjectAccession=s["acc"], ageEvent="Age at enrollment", ageUnit="Years",
                  maxSubjectAge=num(f"{age}.00"), minSubjectAge=num(f"{age}.00"), subjectPhenotype="Healthy",
                  subjectLocation="Not Specified", max_subject_age_in_years=num(f"{age}.0"),
                  min_subject_age_in_years=num(f"{age}.0"), ethnicity=s["eth"][1], gender=s["gender"][1],
                  race=s["race"][1], species="Homo sapiens")


def extend(model, block, **values):
    """A subject-level list row: the subject block, then the model's own fields."""
    return record(model, **block, **values)


def result_row(model, s, result_id, biosample, biosample_type, **values):
    block = subject_block(s)
    common = {name: block[source] for name, source in RESULT_SUBJECT_FIELDS.items()}
    common.update(ancestralPopulation=None, clinical="N", studyTitle=BRIEF_TITLE, studyTimeCollected=num("28.00"),
                  studyTimeCollectedUnit="Days", studyTimeT0Event="Time of initial vaccine administration",
                  plannedVisitAccession="PV9990302", resultId=result_id, biosampleAccession=biosample,
                  biosampleType=biosample_type)
    common.update(values)
    return record(model, **common)


# The study's files (Fixtures/files/, served through DRS): accession, name, type, size, reportedMD5 given.
FILES = [("FILE9990301", "sdy99903_protocol.pdf", "Study Protocol", 12345, True),
         ("FILE9990302", "sdy99903_hai_results.txt", "Experiment Data", 9120, True),
         ("FILE9990303", "sdy99903_readme.txt", "Study Data", 731, False)]


def file_path(name, ftype): return f"/{STUDY}/{'protocols' if ftype == 'Study Protocol' else 'files'}/{name}"


def study_files():
    """Fixtures/files/ paths (the manifest's `path`) and bytes of the study's SYNTHETIC files."""
    return {file_path(name, ftype): synthetic_file(STUDY, name, size) for _, name, ftype, size, _ in FILES}


def shared_data():
    files = {}
    files[f"api/study/{STUDY}"] = [record(
        "StudyApi", studyAccession=STUDY, actualCompletionDate="2020-04-30", actualEnrollment=SHARED_DATA_ENROLLMENT,
        actualStartDate="2019-10-01", ageUnit="Years",
        briefDescription="SYNTHETIC influenza vaccine study for immport-bridge tests. Not ImmPort data.",
        briefTitle=BRIEF_TITLE, clinicalTrial="Y",
        description="SYNTHETIC. Adults received an inactivated influenza vaccine or saline placebo; HAI, "
                    "neutralizing antibody, ELISA, multiplex bead array and ELISPOT readouts at day 28.",
        dclId=0, doi="10.99999/SYNTHETIC.SDY99903", endpoints="HAI titre at day 28", genderIncluded="Female, Male",
        hypothesis="Not Specified", initialDataReleaseDate="2024-02-01", initialDataReleaseVersion="DR52",
        interventionAgent="Synthetic inactivated influenza vaccine", latestDataReleaseDate="2025-07-01",
        latestDataReleaseVersion="DR55", maximumAge="60", minimumAge="18", objectives="Not Specified",
        officialTitle=SHARED_DATA_TITLE, sharedStudy="Y",
        sponsoringOrganization="Example Foundation for Influenza Research (synthetic)", targetEnrollment=10)]
    personnel = [record("StudyPersonnel", personAccession=acc, roleInStudy=role, siteName="Example Medical Center",
                        firstName=first, honorific=honorific, lastName=last,
                        organization="Example Medical Center (synthetic)", workspaceId=99903)
                 for acc, _, last, first, _, role, honorific in PERSONNEL]
    files[f"api/study/summary/{STUDY}"] = record(
        "StudySummary", studyAccession=STUDY, doi="10.99999/SYNTHETIC.SDY99903", title=SHARED_DATA_TITLE,
        pi="Jordan Smyth - Example Medical Center (synthetic)", conditionStudied="Influenza",
        researchFocus="Vaccine Response", briefDescription="SYNTHETIC influenza vaccine study.", startDate="2019-10-01",
        detailedDescription="SYNTHETIC.", objectives="Not Specified", endpoints="HAI titre at day 28",
        genderIncluded="Female, Male", subjectsNumber=SHARED_DATA_ENROLLMENT, contractGrant="Synthetic grant 2",
        program="Synthetic program", dataCompleteness="2 - Complete data", hypothesis="Not Specified", sharedStudy="Y",
        interventionAgent="Synthetic inactivated influenza vaccine", initialDataReleaseDate="2024-02-01",
        initialDataReleaseVersion="DR52", latestDataReleaseDate="2025-07-01", latestDataReleaseVersion="DR55",
        studyLinks=[], studyPubmeds=[], studyPersonnel=personnel)
    files[f"api/study/arm/{STUDY}"] = [
        record("StudyArmApi", armAccession=acc, studyAccession=STUDY, description=f"{typ} arm (synthetic)",
               name=sd_name, typeReported=typ, typePreferred=typ) for acc, _, sd_name, typ, _ in ARMS]
    files[f"api/study/personnel/{STUDY}"] = [
        record("StudyPersonnelApi", studyAccession=STUDY, **{k: v for k, v in p.items() if k != "workspaceId"})
        for p in personnel]

    demo, bio, lab = [], [], []
    for s in IN_SHARED_DATA:
        block = subject_block(s)
        demo.append(block)
        samples = []
        if s["side"] == "both":
            samples += [(specimen_id(s["acc"], 1), "Whole blood", "PV9990301"),
                        (specimen_id(s["acc"], 2), "Serum", "PV9990302")]
        samples += [(bs, t, "PV9990302") for sub, bs, t in SHARED_DATA_ONLY_BIOSAMPLES if sub == s["acc"]]
        for bs, stype, visit in samples:
            visits = [visit, "PV9990303"] if bs == DUPLICATED_BIOSAMPLE else [visit]
            for v in visits:
                bio.append(extend("StudySubjectBioSampleApi", block, biosampleAccession=bs, plannedVisitAccession=v,
                                  biosampleName=f"{s['acc']} {stype.lower()} ({v})", type=stype))
        if s["acc"] in LAB_VALUES:
            for t, (test, _, _) in enumerate(LAB_TESTS):
                _, preferred, reported = LAB_VALUES[s["acc"]][t]
                unit_preferred, unit_reported = LAB_UNIT_OVERRIDE.get((s["acc"], t), LAB_UNITS[t])
                lab.append(extend(
                    "StudySubjectLabTestsApi", block, labTestPanelAccession=f"LTP99903{sub_index(s['acc'])}",
                    labTestPanelNamePreferred="Complete blood count", labTestPanelNameReported="CBC",
                    labTestAccession=f"LT99903{sub_index(s['acc'])}{t + 1}", biosampleAccession=specimen_id(s["acc"], 1),
                    labTestNamePreferred=test, labTestNameReported=test.upper(), resultUnitPreferred=unit_preferred,
                    resultUnitReported=unit_reported, resultValuePreferred=None if preferred is None else num(preferred),
                    resultValueReported=reported, plannedVisitAccession="PV9990301"))
    files[f"api/study/demographic/{STUDY}"] = demo
    files[f"api/study/biosample/{STUDY}"] = bio
    files[f"api/study/labtest/{STUDY}"] = lab

    files[f"api/study/adverseEvent/{STUDY}"] = [
        record("StudyAdverseEventApi", adverseEventAccession=acc, studyAccession=STUDY, subjectAccession=sub,
               causality="Possibly related", description=f"{name} after vaccination (synthetic)", endStudyDay=num(end),
               locationOfReactionReported=location, locationOfReactionPreferred=location, namePreferred=name,
               nameReported=name.lower(), organOrBodySystemReported=organ, organOrBodySystemPreferred=organ,
               outcomePreferred="Recovered/Resolved", outcomeReported="resolved",
               relationToStudyTreatment="Possibly related", severityReported=severity, severityPreferred=severity,
               startStudyDay=num(start), studyTreatmentActionTaken="None")
        for acc, sub, name, location, organ, severity, start, end in [
            ("AE9990301", "SUB9990301", "Injection site pain", "Left deltoid", "General disorders", "Mild", "1.00", "3.00"),
            ("AE9990302", "SUB9990303", "Headache", None, "Nervous system disorders", "Moderate", "2.00", "2.00"),
            ("AE9990303", "SUB9990304", "Fatigue", None, "General disorders", "Mild", "1.00", "4.00")]]

    manifest = []
    for i, (acc, name, ftype, size, reported_same) in enumerate(FILES, start=1):
        generated = md5_hex(synthetic_file(STUDY, name, size))
        manifest.append(record(
            "FileDetails", fileDetailsId=9990300 + i, reportedMD5=generated if reported_same else None,
            generatedMD5=generated, studyAccession=STUDY, filesizeBytes=size, fileType=ftype, fileAccession=acc,
            fileName=name, path=file_path(name, ftype),
            dateFileUpdated="2025-07-01T00:00:00.000+00:00", fileUUID=f"00000000-0000-4000-8000-{99903000 + i:012d}",
            drsObjectCreated="Y", workspaceId=99903))
    files[f"api/study/manifest/{STUDY}"] = manifest

    serum = [(s, specimen_id(s["acc"], 2)) for s in SAMPLED] + [(BY_ACC["SUB9990309"], "BS99903092")]
    elisa = []
    for n, (s, bs) in enumerate(serum[:7], start=1):
        below = s["acc"] == "SUB9990306"
        value = f"{n * 37 + 40}.5"
        elisa.append(result_row("VElisaResult", s, 9993000 + n, bs, "Serum", analyteAccession="ANA9990301",
                                analyteReported="Anti-HA IgG", experimentAccession="EXP9990301",
                                expsampleAccession=f"ES99903{n:02d}1", measurementTechnique="ELISA",
                                unitReported="EU/mL", valuePreferred=None if below else num(value),
                                valueReported="<LLOQ" if below else value))
    hai = []
    for n, (s, bs) in enumerate(serum, start=1):
        titer = [40, 80, 160, 20, 10, 320, 40, 80][n - 1]
        hai.append(result_row("VHaiResult", s, 9993100 + n, bs, "Serum", experimentAccession="EXP9990302",
                              expsampleAccession=f"ES99903{n:02d}2", measurementTechnique="Hemagglutination Inhibition",
                              unitReported="Titer", valuePreferred=num(str(titer)), valueReported=str(titer),
                              virusStrainReported="A/Synthetic/1/2019 (H1N1)"))
    neut = []
    for n, (s, bs) in enumerate(serum[:4], start=1):
        titer = [1280, 640, 2560, 160][n - 1]
        neut.append(result_row("VNeutAbTiterResult", s, 9993200 + n, bs, "Serum", experimentAccession="EXP9990303",
                               expsampleAccession=f"ES99903{n:02d}3", measurementTechnique="Virus Neutralization",
                               valuePreferred=None, valueReported=str(titer),
                               virusStrainReported="A/Synthetic/1/2019 (H1N1)"))
    mbaa = []
    for n, (s, bs, analyte, preferred, reported) in enumerate([
            (BY_ACC["SUB9990301"], "BS99903012", "IL-6", "3.20", "3.20"),
            (BY_ACC["SUB9990303"], "BS99903032", "TNF", None, "<2.0"),
            (BY_ACC["SUB9990305"], DUPLICATED_BIOSAMPLE, "IL-6", "5.75", "5.75")], start=1):
        mbaa.append(result_row("VMbaaResult", s, 9993300 + n, bs, "Serum", analyteReported=analyte, assayId="P01",
                               concentrationUnitReported="pg/mL",
                               concentrationValuePreferred=None if preferred is None else num(preferred),
                               concentrationValueReported=reported, experimentAccession="EXP9990304",
                               measurementTechnique="Luminex xMAP", mfi=f"{n * 111}.5",
                               sourceAccession=f"ES99903{n:02d}4", sourceType="EXPSAMPLE"))
    elispot = []
    for n, (analyte, spots) in enumerate([("IFNG", "48"), ("IL2", "17")], start=1):
        elispot.append(result_row("VElispotResult", BY_ACC["SUB9990302"], 9993400 + n, "BS99903023", "PBMC",
                                  analyteReported=analyte, cellNumberPreferred=250000, cellNumberReported="250000",
                                  experimentAccession="EXP9990305", expsampleAccession=f"ES9990302{n}5",
                                  measurementTechnique="ELISPOT", spotNumberPreferred=num(spots),
                                  spotNumberReported=spots))
    files["result/elisa"] = elisa
    files["result/hai"] = hai
    files["result/neutAbTiter"] = neut
    files["result/mbaa"] = mbaa
    files["result/elispot"] = elispot
    return files


# --- What the default mapping must report -------------------------------------------------------------------------

def discrepancies():
    s = STUDY
    return [
        finding(s, "study", "title", "mismatched", STUDY, STUDY, FHIR_TITLE, SHARED_DATA_TITLE, "warning",
                "British and American spellings"),
        finding(s, "study", "end", "missing-in-fhir", STUDY, STUDY, None, "2020-04-30", "warning",
                "the FHIR ResearchStudy has no period.end"),
        finding(s, "study", "enrollment", "mismatched", STUDY, STUDY, str(FHIR_ENROLLMENT), str(SHARED_DATA_ENROLLMENT),
                "warning", "enrollment counts differ"),
        finding(s, "arms", "name", "mismatched", "ARM9990302", "ARM9990302", "Placebo", "Saline placebo", "warning",
                "arm names differ (ARM9990301's differ only in case and spaces, which text comparison folds)"),
        finding(s, "subjects", "arm", "mismatched", "SUB9990303", "SUB9990303", "ARM9990302", "ARM9990301", "error",
                "FHIR's actualComparisonGroup is the placebo arm, Shared Data's armAccession the vaccine arm"),
        finding(s, "organizations", None, "unlinked-fhir", "example foundation for influenza research (synthetic)", "ORG9990302",
                None, None, "info", "the sponsor: no person of the study belongs to it (organizations link personnel by name)"),
        finding(s, "subjects", None, "unlinked-fhir", "SUB9990308", "SUB9990308", None, None, "error",
                "withdrawn subject only in FHIR"),
        finding(s, "subjects", None, "unlinked-shared-data", "SUB9990309", None, None, None, "error",
                "subject only in Shared Data"),
        finding(s, "patients", "sex", "mismatched", "SUB9990304", "SUB9990304", "female", "Male", "error",
                "gender differs"),
        finding(s, "patients", "sex", "missing-in-fhir", "SUB9990305", "SUB9990305", None, "Female", "error",
                "the FHIR Patient has no gender"),
        finding(s, "patients", "race", "missing-in-shared-data", "SUB9990305", "SUB9990305", "Asian", "Not Specified",
                "warning", "Shared Data's race is 'Not Specified', which counts as no value"),
        finding(s, "patients", None, "unlinked-fhir", "SUB9990308", "SUB9990308", None, None, "error",
                "withdrawn subject only in FHIR"),
        finding(s, "patients", None, "unlinked-shared-data", "SUB9990309", None, None, None, "error",
                "subject only in Shared Data"),
        finding(s, "specimens", "type", "mismatched", "BS99903022", "BS99903022", "Plasma", "Serum", "error",
                "specimen type differs"),
        finding(s, "specimens", None, "unlinked-shared-data", "BS99903023", None, None, None, "error",
                "a PBMC biosample only in Shared Data"),
        finding(s, "specimens", None, "unlinked-shared-data", "BS99903092", None, None, None, "error",
                "biosample of the Shared-Data-only subject"),
        finding(s, "specimens", None, "duplicate", DUPLICATED_BIOSAMPLE, None, None, None, "error",
                "biosample listed twice by Shared Data (first row, visit PV9990302)"),
        finding(s, "specimens", None, "duplicate", DUPLICATED_BIOSAMPLE, None, None, None, "error",
                "biosample listed twice by Shared Data (second row, visit PV9990303)"),
        finding(s, "specimens", None, "duplicate", DUPLICATED_BIOSAMPLE, DUPLICATED_BIOSAMPLE, None, None, "error",
                "the FHIR Specimen whose key is duplicated on the Shared Data side links to neither row"),
        finding(s, "labResults", "value", "mismatched", "BS99903061|leukocytes", "LT99903062", "5.4 10*3/uL",
                "4.5 10*3/uL", "error", "leukocyte count differs (digits swapped)"),
        finding(s, "labResults", "value", "mismatched", "BS99903051|leukocytes", "LT99903052", "8.2 10*3/uL",
                "8.2 thou/uL", "error", "leukocyte unit no UCUM reading understands: the value cannot be compared"),
        finding(s, "labResults", None, "unlinked-fhir", "BS99903071|platelets", FHIR_ONLY_LAB[1], None, None, "error",
                "a platelet count only in FHIR"),
        finding(s, "practitioners", "family", "mismatched", "PER9990301", "PER9990301", "Smith", "Smyth", "warning",
                "family name spelled differently"),
    ]
