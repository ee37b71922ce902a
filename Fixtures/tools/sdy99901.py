"""SDY99901, the first SYNTHETIC study (ids are not accessions; identifiers of an invented system carry them), and
SDY99902, a small unrelated study on the same FHIR server. Its deliberate disagreements are listed in
Fixtures/README.md and, for the default mapping, by discrepancies() below (written to Fixtures/discrepancies.json).
"""
from fixture_files import LABORATORY, SPECIES_CHARACTERISTIC, TAG, finding, md5_hex, num, party, ref, synthetic_file

STUDY = "SDY99901"
OTHER = "SDY99902"
SYS = "https://www.immport.org/fixture-synthetic"  # invented identifier system root
UPDATED = "2026-01-15T10:00:00.000+00:00"

def meta(version="1"):
    return {"versionId": version, "lastUpdated": UPDATED, "tag": [TAG]}

ARMS = [
    # accession, FHIR Group name, Shared Data arm name (deliberately spelled differently for the first arm), type
    ("ARM9990101", "High dose vaccine", "High-dose vaccine", "Experimental"),
    ("ARM9990102", "Placebo", "Placebo", "Placebo Comparator"),
]
# subject accession, arm index, FHIR gender, Shared Data gender, birth year, race, ethnicity
SUBJECTS = [
    ("SUB9990101", 0, "female", "Female", 1980, "White", "Not Hispanic or Latino"),
    ("SUB9990102", 0, "male", "Male", 1975, "Asian", "Not Hispanic or Latino"),
    ("SUB9990103", 0, "male", "Female", 1990, "White", "Hispanic or Latino"),  # gender differs between sources
    ("SUB9990104", 1, "female", "Female", 1968, "Black or African American", "Not Hispanic or Latino"),
    ("SUB9990105", 1, "male", "Male", 1988, "White", "Not Specified"),
    ("SUB9990106", 1, "female", "Female", 1972, "Not Specified", "Unknown"),  # only in FHIR
]
SDA_ONLY_SUBJECT = ("SUB9990107", 1, None, "Male", 1985, "White", "Not Hispanic or Latino")  # only in Shared Data
HEMOGLOBIN = {"SUB9990101": "13.5", "SUB9990102": "15.10", "SUB9990103": "12.3", "SUB9990104": "12.9",
              "SUB9990105": "14.2", "SUB9990106": "13.0", "SUB9990107": "14.8"}
SDA_HEMOGLOBIN_OVERRIDE = {"SUB9990103": "13.2"}  # lab value differs between sources
# The same quantity in another unit: FHIR 12.9 g/dL, Shared Data 129 g/L (the default mapping compares in UCUM
# base units, so this is not a disagreement).
SDA_HEMOGLOBIN_OTHER_UNIT = {"SUB9990104": ("129", "g/L")}
WBC = {"SUB9990101": "6.1", "SUB9990102": "7.4", "SUB9990103": "5.9", "SUB9990104": "8.0",
       "SUB9990105": "6.6", "SUB9990106": "4.9", "SUB9990107": "7.0"}


def fhir_resources():
    out = []
    study_id = f"study-{STUDY}"
    groups = []
    for acc, name, _, typ in ARMS:
        members = [ref("Patient", f"subject-{s[0]}") for s in SUBJECTS if ARMS[s[1]][0] == acc]
        groups.append({
            "resourceType": "Group", "id": f"arm-{acc}", "meta": meta(),
            "identifier": [{"system": f"{SYS}/arm", "value": acc}],
            "type": "person", "membership": "enumerated", "name": name,
            "description": f"{typ} arm of {STUDY} (synthetic)",
            "characteristic": [SPECIES_CHARACTERISTIC],
            "quantity": len(members),
            "member": [{"entity": m} for m in members],
        })
    out.append({
        "resourceType": "ResearchStudy", "id": study_id, "meta": meta("2"),
        "identifier": [{"system": f"{SYS}/study", "value": STUDY}],
        "title": "Synthetic fixture: immune response to a two-dose vaccine in healthy adults",
        # R5's status is the record's publication status; how far the study got is progressStatus (R4's status).
        "status": "active",
        "progressStatus": [{"state": {"coding": [{"system": "http://hl7.org/fhir/research-study-status", "code": "completed"}]},
                            "actual": True, "period": {"start": "2021-03-01", "end": "2022-06-30"}}],
        "primaryPurposeType": {"coding": [{"system": "http://hl7.org/fhir/research-study-prim-purp-type", "code": "basic-science"}]},
        "description": "SYNTHETIC study for immport-bridge tests. Not ImmPort data.",
        "period": {"start": "2021-03-01", "end": "2022-06-30"},
        "recruitment": {"targetNumber": 6, "actualNumber": 6},
        "associatedParty": [
            party("primary-investigator", "PractitionerRole", "role-pi-1"),
            party("sponsor", "Organization", "org-sponsor-1"),
            party("general-contact", "Practitioner", "prac-contact-1"),
        ],
        "comparisonGroup": [
            {"linkId": acc, "name": name, "type": {"text": typ}, "observedGroup": ref("Group", f"arm-{acc}")}
            for acc, name, _, typ in ARMS],
    })
    out.extend(groups)
    out.append({"resourceType": "Organization", "id": "org-site-1", "meta": meta(), "name": "Example University (synthetic)"})
    out.append({"resourceType": "Organization", "id": "org-sponsor-1", "meta": meta(), "name": "Example Institute of Allergy (synthetic)"})
    out.append({"resourceType": "Practitioner", "id": "prac-pi-1", "meta": meta(),
                "identifier": [{"system": f"{SYS}/person", "value": "PER9990101"}],
                "name": [{"family": "Doe", "given": ["Alex"], "prefix": ["Dr."]}]})
    out.append({"resourceType": "Practitioner", "id": "prac-contact-1", "meta": meta(),
                "identifier": [{"system": f"{SYS}/person", "value": "PER9990102"}],
                "name": [{"family": "Roe", "given": ["Sam"]}]})
    out.append({"resourceType": "PractitionerRole", "id": "role-pi-1", "meta": meta(),
                "practitioner": ref("Practitioner", "prac-pi-1"), "organization": ref("Organization", "org-site-1"),
                "code": [{"text": "Principal Investigator"}]})
    for n, (sub, arm, gender, _, year, race, eth) in enumerate(SUBJECTS, start=1):
        pid = f"subject-{sub}"
        out.append({
            "resourceType": "Patient", "id": pid, "meta": meta(),
            "extension": [
                {"url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
                 "extension": [{"url": "text", "valueString": race}]},
                {"url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity",
                 "extension": [{"url": "text", "valueString": eth}]}],
            "identifier": [{"system": f"{SYS}/subject", "value": sub}],
            "gender": gender, "birthDate": str(year),
        })
        out.append({
            "resourceType": "ResearchSubject", "id": f"rs-{sub}", "meta": meta(),
            "extension": [{"url": "https://www.immport.org/fixture-synthetic/StructureDefinition/arm",
                           "valueReference": ref("Group", f"arm-{ARMS[arm][0]}")}],
            "identifier": [{"system": f"{SYS}/subject", "value": sub}],
            "status": "active",
            "study": ref("ResearchStudy", study_id),
            "subject": ref("Patient", pid),
            "assignedComparisonGroup": ARMS[arm][0], "actualComparisonGroup": ARMS[arm][0],
        })
        obs_ids = []
        for k, (stype, code) in enumerate([("Whole blood", "119297000"), ("Serum", "119364003")], start=1):
            bs = f"BS99901{n:02d}{k}"
            out.append({
                "resourceType": "Specimen", "id": f"specimen-{bs}", "meta": meta(),
                "identifier": [{"system": f"{SYS}/biosample", "value": bs}],
                "type": {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": stype}], "text": stype},
                "subject": ref("Patient", pid),
                "collection": {"collectedDateTime": f"2021-0{3 + k}-1{n}"},
            })
        for k, (test, loinc, unit, values) in enumerate([("Hemoglobin", "718-7", "g/dL", HEMOGLOBIN), ("Leukocytes", "6690-2", "10*3/uL", WBC)], start=1):
            oid = f"lab-{sub}-{k}"
            obs_ids.append(oid)
            out.append({
                "resourceType": "Observation", "id": oid, "meta": meta(),
                "status": "final",
                "category": LABORATORY,
                "code": {"coding": [{"system": "http://loinc.org", "code": loinc, "display": test}], "text": test},
                "subject": ref("Patient", pid),
                "specimen": ref("Specimen", f"specimen-BS99901{n:02d}1"),
                "effectiveDateTime": f"2021-04-1{n}",
                "valueQuantity": {"value": num(values[sub]), "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
            })
        out.append({
            "resourceType": "DiagnosticReport", "id": f"panel-{sub}", "meta": meta(),
            "status": "final",
            "code": {"text": "Complete blood count panel"},
            "subject": ref("Patient", pid),
            "effectiveDateTime": f"2021-04-1{n}",
            "result": [ref("Observation", o) for o in obs_ids],
        })
    # An unrelated study on the same server: a pull of SDY99901 must not bring any of it.
    out.append({"resourceType": "ResearchStudy", "id": f"study-{OTHER}", "meta": meta(),
                "identifier": [{"system": f"{SYS}/study", "value": OTHER}],
                "title": "Synthetic fixture: an unrelated study", "status": "active"})
    out.append({"resourceType": "Patient", "id": "subject-SUB9990201", "meta": meta(),
                "identifier": [{"system": f"{SYS}/subject", "value": "SUB9990201"}], "gender": "unknown"})
    out.append({"resourceType": "ResearchSubject", "id": "rs-SUB9990201", "meta": meta(), "status": "active",
                "study": ref("ResearchStudy", f"study-{OTHER}"), "subject": ref("Patient", "subject-SUB9990201")})
    out.append({"resourceType": "Specimen", "id": "specimen-BS9990201", "meta": meta(),
                "type": {"text": "Serum"}, "subject": ref("Patient", "subject-SUB9990201")})
    return out

def subject_block(sub, arm, gender, year, race, eth):
    acc, _, sda_name, typ = ARMS[arm]
    return {
        "studyAccession": STUDY, "briefTitle": "Synthetic fixture: two-dose vaccine response",
        "armAccession": acc, "armName": sda_name, "armDescription": f"{typ} arm (synthetic)",
        "armTypeReported": typ, "armTypePreferred": typ,
        "subjectAccession": sub, "ageEvent": "Age at enrollment", "ageEventSpecify": None, "ageUnit": "Years",
        "maxSubjectAge": num(f"{2021 - year}.00"), "minSubjectAge": num(f"{2021 - year}.00"),
        "subjectPhenotype": "Healthy", "subjectLocation": "Not Specified",
        "max_subject_age_in_years": num(f"{2021 - year}.0"), "min_subject_age_in_years": num(f"{2021 - year}.0"),
        "ancestral_population": None, "subjectDescription": None,
        "ethnicity": eth, "gender": gender, "race": race, "raceSpecify": None,
        "species": "Homo sapiens", "strain": None, "strain_characteristics": None,
    }

def shared_data():
    files = {}
    sda_subjects = [s for s in SUBJECTS if s[0] != "SUB9990106"] + [SDA_ONLY_SUBJECT]
    files[f"api/study/{STUDY}"] = [{
        "studyAccession": STUDY, "actualCompletionDate": "2022-06-30", "actualEnrollment": 6,
        "actualStartDate": "2021-03-01", "ageUnit": "Years",
        "briefDescription": "SYNTHETIC study for immport-bridge tests. Not ImmPort data.",
        "briefTitle": "Synthetic fixture: two-dose vaccine response",
        "clinicalTrial": "N", "description": "SYNTHETIC. Healthy adults received a high-dose vaccine or placebo.",
        "dclId": 0, "doi": "10.99999/SYNTHETIC.SDY99901", "endpoints": "Antibody titres at day 28",
        "genderIncluded": "Female, Male", "hypothesis": None, "initialDataReleaseDate": "2023-01-10",
        "initialDataReleaseVersion": "DR48", "interventionAgent": "Synthetic vaccine",
        "latestDataReleaseDate": "2025-07-01", "latestDataReleaseVersion": "DR55",
        "maximumAge": "65", "minimumAge": "18",  # numbers as strings, as in real payloads
        "objectives": "Not Specified", "officialTitle": "Synthetic fixture: immune response to a two-dose vaccine in healthy adults",
        "sharedStudy": "Y", "sponsoringOrganization": "Example Institute of Allergy (synthetic)", "targetEnrollment": 6,
    }]
    files[f"api/study/summary/{STUDY}"] = {
        "studyAccession": STUDY, "doi": "10.99999/SYNTHETIC.SDY99901",
        "title": "Synthetic fixture: immune response to a two-dose vaccine in healthy adults",
        "pi": "Alex Doe - Example University (synthetic)", "conditionStudied": "Healthy", "researchFocus": "Vaccine Response",
        "briefDescription": "SYNTHETIC study for immport-bridge tests.", "startDate": "2021-03-01",
        "detailedDescription": "SYNTHETIC.", "objectives": "Not Specified", "endpoints": "Antibody titres at day 28",
        "genderIncluded": "Female, Male", "sexIncluded": None, "subjectsNumber": 6, "downloadPackages": None,
        "contractGrant": "Synthetic grant", "program": "Synthetic program", "dataCompleteness": "0 - Descriptive data",
        "hypothesis": None, "sharedStudy": "Y", "interventionAgent": "Synthetic vaccine",
        "initialDataReleaseDate": "2023-01-10", "initialDataReleaseVersion": "DR48",
        "latestDataReleaseDate": "2025-07-01", "latestDataReleaseVersion": "DR55",
        "studyLinks": [{"studyLinkId": 1, "name": "Fixture notes", "type": None, "value": "https://example.org/synthetic"}],
        "studyPubmeds": [{"id": {"pubmedId": "TBD", "studyAccession": STUDY}, "authors": "Doe A, Roe S", "doi": None,
                          "issue": None, "journal": "Synthetic Journal", "month": "Jan", "pages": None,
                          "title": "Not a real paper", "year": "2024"}],
        "studyPersonnel": [
            {"personAccession": "PER9990101", "roleInStudy": "Principal Investigator", "siteName": "Example University",
             "email": None, "firstName": "Alex", "honorific": "Dr.", "lastName": "Doe",
             "organization": "Example University (synthetic)", "suffixes": None, "titleInStudy": "PI"},
            {"personAccession": "PER9990102", "roleInStudy": "Study Contact", "siteName": None,
             "email": None, "firstName": "Sam", "honorific": None, "lastName": "Roe",
             "organization": "Example University (synthetic)", "suffixes": None, "titleInStudy": None}],
    }
    files[f"api/study/arm/{STUDY}"] = [
        {"armAccession": acc, "studyAccession": STUDY, "description": f"{typ} arm (synthetic)", "name": sda_name,
         "typeReported": typ, "typePreferred": typ} for acc, _, sda_name, typ in ARMS]
    files[f"api/study/personnel/{STUDY}"] = [
        {"personAccession": p["personAccession"], "studyAccession": STUDY, "roleInStudy": p["roleInStudy"],
         "siteName": p["siteName"], "email": p["email"], "firstName": p["firstName"], "honorific": p["honorific"],
         "lastName": p["lastName"], "organization": p["organization"], "suffixes": p["suffixes"],
         "titleInStudy": p["titleInStudy"]} for p in files[f"api/study/summary/{STUDY}"]["studyPersonnel"]]
    demo, bio, lab, elisa = [], [], [], []
    result_id = 9990001
    for n, (sub, arm, _, gender, year, race, eth) in enumerate(sda_subjects, start=1):
        block = subject_block(sub, arm, gender, year, race, eth)
        demo.append(dict(block))
        index = int(sub[-2:])
        for k, stype in enumerate(["Whole blood", "Serum"], start=1):
            bs = f"BS99901{index:02d}{k}"
            row = dict(block); row.update({"biosampleAccession": bs, "plannedVisitAccession": "PV9990101",
                                           "biosampleName": f"{sub} visit 1 {stype.lower()}", "type": stype, "subtype": None})
            bio.append(row)
        for k, (test, unit, values) in enumerate([("Hemoglobin", "g/dL", HEMOGLOBIN), ("Leukocytes", "10^3/uL", WBC)], start=1):
            value = SDA_HEMOGLOBIN_OVERRIDE.get(sub, values[sub]) if test == "Hemoglobin" else values[sub]
            if test == "Hemoglobin" and sub in SDA_HEMOGLOBIN_OTHER_UNIT:
                value, unit = SDA_HEMOGLOBIN_OTHER_UNIT[sub]
            row = dict(block); row.update({
                "labTestPanelAccession": f"LTP99901{index:02d}", "labTestPanelNamePreferred": "Complete blood count",
                "labTestPanelNameReported": "CBC", "labTestAccession": f"LT99901{index:02d}{k}",
                "biosampleAccession": f"BS99901{index:02d}1", "labTestNamePreferred": test,
                "labTestNameReported": test.upper(), "resultUnitPreferred": unit, "resultUnitReported": unit,
                "resultValuePreferred": num(value), "resultValueReported": value, "plannedVisitAccession": "PV9990101"})
            lab.append(row)
        elisa.append({
            "resultId": result_id, "ageEvent": "Age at enrollment", "ageEventSpecify": None, "ageUnit": "Years",
            "ancestralPopulation": None, "analyteAccession": "ANA9990101", "analytePreferred": None,
            "analyteReported": "Anti-fixture IgG", "armAccession": ARMS[arm][0], "armName": ARMS[arm][2],
            "biosampleAccession": f"BS99901{index:02d}2", "biosampleType": "Serum", "biosampleSubtype": None,
            "clinical": "N", "comments": None, "ethnicity": eth, "experimentAccession": "EXP9990101",
            "expsampleAccession": f"ES99901{index:02d}", "gender": gender, "maxSubjectAge": num(f"{2021 - year}.00"),
            "measurementTechnique": "ELISA", "minSubjectAge": num(f"{2021 - year}.00"), "plannedVisitAccession": "PV9990101",
            "race": race, "raceSpecify": None, "repositoryAccession": None, "repositoryName": None,
            "species": "Homo sapiens", "strain": None, "studyAccession": STUDY,
            "studyTitle": "Synthetic fixture: two-dose vaccine response", "studyTimeCollected": num("28.00"),
            "studyTimeCollectedUnit": "Days", "subjectAccession": sub, "subjectPhenotype": "Healthy",
            "unitPreferred": None, "unitReported": "OD", "valuePreferred": None if index == 5 else num(f"{0.4 + index / 10:.2f}"),
            "valueReported": "below detection" if index == 5 else f"{0.4 + index / 10:.2f}",
            "treatmentAccession": None, "studyTimeT0EventSpecify": None, "studyTimeT0Event": "Time of initial vaccine administration"})
        result_id += 1
    elisa.append(dict(elisa[0], resultId=9990999, studyAccession=OTHER, subjectAccession="SUB9990201", armAccession="ARM9990201",
                      armName="Single arm", biosampleAccession="BS9990201", expsampleAccession="ES9990201",
                      studyTitle="Synthetic fixture: an unrelated study"))
    files[f"api/study/demographic/{STUDY}"] = demo
    files[f"api/study/biosample/{STUDY}"] = bio
    files[f"api/study/labtest/{STUDY}"] = lab
    files["result/elisa"] = elisa
    files[f"api/study/manifest/{STUDY}"] = [{
        "fileDetailsId": 9990001, "reportedMD5": None, "generatedMD5": md5_hex(study_files()[PROTOCOL_PATH]),
        "studyAccession": STUDY, "filesizeBytes": PROTOCOL_SIZE, "fileType": "Study Protocol", "fileAccession": "FILE9990101",
        "fileName": "synthetic_protocol.pdf", "path": PROTOCOL_PATH,
        "dateFileUpdated": "2025-07-01T00:00:00.000+00:00", "fileUUID": "00000000-0000-4000-8000-000000099901",
        "drsObjectCreated": "Y", "workspaceId": 99901, "aigeneratedKeywords": None, "aigeneratedSummary": None}]
    return files


PROTOCOL_PATH = f"/{STUDY}/protocols/synthetic_protocol.pdf"
PROTOCOL_SIZE = 2048


def study_files():
    """Fixtures/files/ paths (the manifest's `path`) and bytes of the study's one SYNTHETIC file."""
    return {PROTOCOL_PATH: synthetic_file(STUDY, "synthetic_protocol.pdf", PROTOCOL_SIZE)}


def discrepancies():
    """Every disagreement the default mapping (Mappings/immport.yaml) sees in SDY99901, README table first."""
    s = STUDY
    out = [
        # Subject SUB9990106 only in FHIR: each link it takes part in reports its resources.
        finding(s, "subjects", None, "unlinked-fhir", "SUB9990106", "rs-SUB9990106", None, None, "error",
                "subject only in FHIR"),
        finding(s, "patients", None, "unlinked-fhir", "SUB9990106", "subject-SUB9990106", None, None, "error",
                "subject only in FHIR"),
        finding(s, "specimens", None, "unlinked-fhir", "BS99901061", "specimen-BS99901061", None, None, "error",
                "biosample of the FHIR-only subject"),
        finding(s, "specimens", None, "unlinked-fhir", "BS99901062", "specimen-BS99901062", None, None, "error",
                "biosample of the FHIR-only subject"),
        finding(s, "labResults", None, "unlinked-fhir", "BS99901061|hemoglobin", "lab-SUB9990106-1", None, None, "error",
                "lab result of the FHIR-only subject"),
        finding(s, "labResults", None, "unlinked-fhir", "BS99901061|leukocytes", "lab-SUB9990106-2", None, None, "error",
                "lab result of the FHIR-only subject"),
        finding(s, "labPanels", None, "unlinked-fhir", "SUB9990106", "panel-SUB9990106", None, None, "error",
                "lab panel of the FHIR-only subject"),
        # Subject SUB9990107 only in Shared Data: its demographic row in two links, its biosamples and lab tests.
        finding(s, "subjects", None, "unlinked-shared-data", "SUB9990107", None, None, None, "error",
                "subject only in Shared Data"),
        finding(s, "patients", None, "unlinked-shared-data", "SUB9990107", None, None, None, "error",
                "subject only in Shared Data"),
        finding(s, "specimens", None, "unlinked-shared-data", "BS99901071", None, None, None, "error",
                "biosample of the Shared-Data-only subject"),
        finding(s, "specimens", None, "unlinked-shared-data", "BS99901072", None, None, None, "error",
                "biosample of the Shared-Data-only subject"),
        finding(s, "labResults", None, "unlinked-shared-data", "BS99901071|hemoglobin", None, None, None, "error",
                "lab test of the Shared-Data-only subject"),
        finding(s, "labResults", None, "unlinked-shared-data", "BS99901071|leukocytes", None, None, None, "error",
                "lab test of the Shared-Data-only subject"),
        finding(s, "labPanels", None, "unlinked-shared-data", "SUB9990107", None, None, None, "error",
                "lab test row (hemoglobin) of the Shared-Data-only subject: one-to-many, one finding per record"),
        finding(s, "labPanels", None, "unlinked-shared-data", "SUB9990107", None, None, None, "error",
                "lab test row (leukocytes) of the Shared-Data-only subject: one-to-many, one finding per record"),
        # The README table's field rows.
        finding(s, "arms", "name", "mismatched", "ARM9990101", "arm-ARM9990101", "High dose vaccine", "High-dose vaccine",
                "warning", "arm name spelled differently (text comparison folds case and spaces, not hyphens)"),
        finding(s, "patients", "sex", "mismatched", "SUB9990103", "subject-SUB9990103", "male", "Female", "error",
                "gender differs"),
        finding(s, "labResults", "value", "mismatched", "BS99901031|hemoglobin", "lab-SUB9990103-1", "12.3 g/dL", "13.2 g/dL", "error",
                "hemoglobin value differs"),
        # Not in the README table, but seen by the default mapping all the same.
        finding(s, "roles", None, "unlinked-shared-data", "PER9990102", None, None, None, "error",
                "the study contact has no PractitionerRole in FHIR (the ResearchStudy names the Practitioner directly)"),
        finding(s, "organizations", None, "unlinked-fhir", "example institute of allergy (synthetic)", "org-sponsor-1",
                None, None, "info", "the sponsor: no person of the study belongs to it (organizations link personnel by name)"),
    ]
    return out
