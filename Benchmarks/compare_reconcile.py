#!/usr/bin/env python3
"""Reconcile against what a Python data engineer would write instead: flatten both sides of a study to pandas
tables and compare them with datacompy, on the same keys and fields, from the same local files, in the same run.

    Benchmarks/.venv/bin/python Benchmarks/compare_reconcile.py --bridge BIN --study DIR [--accession SDY99990] [--rounds 3]

Benchmarks/run-reconcile.sh does all of it from nothing: installs datacompy and pandas (pinned) into
Benchmarks/.venv, builds the release binaries, generates the study and runs this script.

DIR is `immport-bridge-bench generate-study` output (SYNTHETIC), in either FHIR layout (`--fhir-layout files`, one
resource per file, or `ndjson`, one file per type). Both sides do the whole job from the files: read
them, find each entity's key, normalise as the default mapping does (Mappings/immport.yaml), compare. Ours is
`immport-bridge reconcile ACC --from DIR --report out.json`, which also compares every other field of the mapping
and writes the report; the peer compares four fields (patients.sex, subjects.arm, specimens.type, labResults.value:
the number with its unit, as the default mapping compares a lab value as a UCUM quantity). Prints each side's median time over the rounds, the ratio, and the mismatch counts per field from
both, which must be equal.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import pandas as pd
import datacompy

SEX = {"female": "female", "male": "male", "not specified": "unknown", "unknown": "unknown", "other": "other"}


def peer(study, accession):
    """The hand-written flattener and datacompy comparison; returns mismatches per (link, field)."""
    resources = {}
    fhir_dir = os.path.join(study, "fhir")
    for name in os.listdir(fhir_dir):
        with open(os.path.join(fhir_dir, name)) as f:
            # One resource per file, or (`generate-study --fhir-layout ndjson`) one per line.
            loaded = [json.loads(line) for line in f if line.strip()] if name.endswith(".ndjson") else [json.load(f)]
        for resource in loaded:
            resources.setdefault(resource["resourceType"], []).append(resource)

    def records(path):
        with open(os.path.join(study, "shared-data", path)) as f:
            return json.load(f)

    def unique(frame, key):
        # A key held by several rows is a duplicate, compared by neither tool.
        return frame[~frame.duplicated(key, keep=False)]

    def ref_id(reference):
        return (reference or {}).get("reference", "").rsplit("/", 1)[-1]

    counts = {}

    def compare(link, fhir_rows, sd_rows, key, fields):
        left = unique(pd.DataFrame(fhir_rows), key)
        right = unique(pd.DataFrame(sd_rows), key)
        result = datacompy.PandasCompare(left, right, join_columns=key, df1_name="fhir", df2_name="shared_data")
        for stats in result.column_stats:
            if stats["column"] in fields:
                counts[(link, stats["column"])] = int(stats["unequal_cnt"])

    demographic = records(f"api/study/demographic/{accession}.json")
    compare("patients",
            [{"acc": p["id"].strip().upper(), "sex": p.get("gender")} for p in resources.get("Patient", [])],
            [{"acc": r["subjectAccession"].strip().upper(), "sex": SEX.get((r.get("gender") or "").strip().lower(), r.get("gender"))}
             for r in demographic],
            "acc", {"sex"})
    compare("subjects",
            [{"acc": s["id"].strip().upper(), "arm": (s.get("actualComparisonGroup") or "").strip().upper()}
             for s in resources.get("ResearchSubject", [])],
            [{"acc": r["subjectAccession"].strip().upper(), "arm": (r.get("armAccession") or "").strip().upper()} for r in demographic],
            "acc", {"arm"})
    biosamples = records(f"api/study/biosample/{accession}.json")
    specimens = resources.get("Specimen", [])
    compare("specimens",
            [{"acc": s["id"].strip().upper(), "type": ((s.get("type") or {}).get("text") or "").lower()} for s in specimens],
            [{"acc": r["biosampleAccession"].strip().upper(), "type": (r.get("type") or "").lower()} for r in biosamples],
            "acc", {"type"})
    labtests = records(f"api/study/labtest/{accession}.json")

    def number(text):
        try:
            return float(text)
        except (TypeError, ValueError):
            return None

    fhir_labs = []
    for o in resources.get("Observation", []):
        quantity = o.get("valueQuantity") or {}
        fhir_labs.append({"specimen": ref_id(o.get("specimen")).strip().upper(),
                          "test": ((o.get("code") or {}).get("text") or "").strip().lower(),
                          "value": f'{number(quantity.get("value"))} {(quantity.get("unit") or "").strip().lower()}'})
    sd_labs = []
    for r in labtests:
        value = r.get("resultValuePreferred")
        value = value if value not in (None, "") else r.get("resultValueReported")
        unit = r.get("resultUnitPreferred") or r.get("resultUnitReported") or ""
        sd_labs.append({"specimen": r["biosampleAccession"].strip().upper(), "test": (r.get("labTestNamePreferred") or "").strip().lower(),
                        "value": f"{number(value)} {unit.strip().lower()}"})
    compare("labResults", fhir_labs, sd_labs, ["specimen", "test"], {"value"})
    return counts


def ours(binary, study, accession, out):
    subprocess.run([binary, "reconcile", accession, "--from", study, "--report", out, "--fail-on", "none"],
                   check=True, capture_output=True)
    with open(out) as f:
        report = json.load(f)
    return {(row["link"], row["field"]): row["counts"]["mismatched"] for row in report["summary"] if row["field"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bridge", required=True)
    parser.add_argument("--study", required=True)
    parser.add_argument("--accession", default="SDY99990")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    out = os.path.join(tempfile.mkdtemp(), "report.json")
    times = {"immport-bridge": [], "datacompy": []}
    for _ in range(args.rounds):
        start = time.perf_counter()
        our_counts = ours(args.bridge, args.study, args.accession, out)
        times["immport-bridge"].append(time.perf_counter() - start)
        start = time.perf_counter()
        peer_counts = peer(args.study, args.accession)
        times["datacompy"].append(time.perf_counter() - start)
    ours_s, peer_s = statistics.median(times["immport-bridge"]), statistics.median(times["datacompy"])
    print(f"immport-bridge reconcile: {ours_s:.3f} s median ({min(times['immport-bridge']):.3f} best), "
          f"datacompy {datacompy.__version__} + pandas {pd.__version__}: {peer_s:.3f} s median ({min(times['datacompy']):.3f} best); "
          f"ratio {peer_s / ours_s:.1f}x")
    same = True
    for key in sorted(peer_counts):
        mine = our_counts.get(key)
        same = same and mine == peer_counts[key]
        print(f"  {key[0]}.{key[1]}: mismatched {mine} (immport-bridge) / {peer_counts[key]} (datacompy)")
    print("same counts" if same else "COUNTS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
