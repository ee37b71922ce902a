#!/usr/bin/env python3
"""Writes the SYNTHETIC ImmPort study fixtures: Fixtures/fhir/, Fixtures/shared-data/, Fixtures/files/ (study files
served through DRS), Fixtures/genelists/ and Fixtures/discrepancies.json.

Everything here is invented: accessions SDY99901/SDY99902/SDY99903 are outside ImmPort's real range, names and
values are made up. Field names follow ../shared/immport/shared-data-api.models.json and the real samples; FHIR
resources are R5 as HAPI serves them. Each study lives in its own module (sdy99901.py, sdy99903.py) with the list of
its deliberate disagreements; Fixtures/README.md describes them.
Run from the repository root: python3 Fixtures/tools/generate_fixtures.py
"""
import json, os, shutil

import genelists, sdy99901, sdy99903
from fixture_files import write

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FHIR = os.path.join(ROOT, "fhir")
SDA = os.path.join(ROOT, "shared-data")
DISCREPANCIES = os.path.join(ROOT, "discrepancies.json")
FILES = os.path.join(ROOT, "files")  # study files served through DRS, at the manifest's `path`
GENELISTS = os.path.join(ROOT, "genelists")


def lookups_and_search():
    """Endpoints that are not one study's: two lookups and the paged study search."""
    files = {}
    files["api/lookup/lkSpecies"] = [
        {"name": "Homo sapiens", "commonName": "Human", "link": None, "taxonomyId": "9606"},
        {"name": "Mus musculus", "commonName": "Mouse", "link": None, "taxonomyId": "10090"}]
    files["api/lookup/lkSex"] = [  # the endpoint is lkSex; its model is LkGender
        {"name": "Female", "description": "Female", "link": None}, {"name": "Male", "description": "Male", "link": None},
        {"name": "Not Specified", "description": "Not specified", "link": None}]
    hits = []
    for i, (acc, title, enrol, cond) in enumerate([
            (sdy99901.STUDY, "Synthetic fixture: two-dose vaccine response", "6", ["Healthy"]),
            (sdy99901.OTHER, "Synthetic fixture: an unrelated study", "1", ["Influenza"]),
            (sdy99903.STUDY, sdy99903.BRIEF_TITLE, str(sdy99903.SHARED_DATA_ENROLLMENT), ["Influenza"]),
            ("SDY99904", "Synthetic fixture: influenza cohort B", "38", ["Influenza"]),
            ("SDY99905", "Synthetic fixture: allergy panel", "12", ["Allergy"])]):
        hits.append({"_index": "study", "_id": acc, "_score": 1.0, "_source": {
            "study_accession": acc, "brief_title": title, "actual_enrollment": enrol,
            "condition_or_disease": cond, "species": ["Homo sapiens"], "research_focus": ["Vaccine Response"]}})
    files["api/search/study"] = {"took": 3, "timed_out": False, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
                                 "hits": {"total": {"value": len(hits), "relation": "eq"}, "max_score": 1.0, "hits": hits}}
    return files


def shared_data():
    """Every Shared Data file; result files hold the rows of every study (the server filters them)."""
    files = {}
    for study_files in (sdy99901.shared_data(), sdy99903.shared_data(), lookups_and_search()):
        for path, content in study_files.items():
            if path.startswith("result/") and path in files:
                files[path] = files[path] + content
            else:
                assert path not in files, path
                files[path] = content
    return files


def discrepancy_list():
    return {
        "description": "Every deliberate disagreement between the FHIR and Shared Data sides of the Fixtures studies, as "
                       "the default mapping sees it (Fixtures/README.md, 'The discrepancy list'). SYNTHETIC.",
        "mapping": "Mappings/immport.yaml",
        "studies": [sdy99901.STUDY, sdy99903.STUDY],
        "discrepancies": sdy99901.discrepancies() + sdy99903.discrepancies(),
    }


def main():
    for d in (FHIR, SDA, FILES, GENELISTS):
        if os.path.isdir(d): shutil.rmtree(d)
    resources = sdy99901.fhir_resources() + sdy99903.fhir_resources()
    names = set()
    for r in resources:
        name = "ResearchStudy-SDY-fixture" if r["id"] == f"study-{sdy99901.STUDY}" else f"{r['resourceType']}-{r['id']}"
        assert name not in names, name
        names.add(name)
        write(os.path.join(FHIR, name + ".json"), r)
    files = shared_data()
    for path, obj in files.items():
        write(os.path.join(SDA, path + ".json"), obj)
    study_files = {**sdy99901.study_files(), **sdy99903.study_files()}
    for path, data in study_files.items():
        target = os.path.join(FILES, path.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
    lists = genelists.files()
    for name, content in lists.items():
        if isinstance(content, str):
            os.makedirs(GENELISTS, exist_ok=True)
            with open(os.path.join(GENELISTS, name), "w") as f:
                f.write(content)
        else:
            write(os.path.join(GENELISTS, name), content)
    listed = discrepancy_list()
    write(DISCREPANCIES, listed)
    print(f"{len(resources)} FHIR resources, {len(files)} Shared Data files, {len(study_files)} study files, "
          f"{len(lists)} gene-list files, {len(listed['discrepancies'])} discrepancies")


if __name__ == "__main__":
    main()
