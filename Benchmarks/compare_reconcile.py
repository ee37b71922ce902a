#!/usr/bin/env python3
"""Reconcile against what a Python data engineer would write instead: flatten both sides of a study to pandas
tables and compare them with datacompy, on the same keys and fields, from the same local files, in the same run.

    Benchmarks/.venv/bin/python Benchmarks/compare_reconcile.py --bridge BIN --study DIR [--accession SDY99990] [--rounds 3]

Benchmarks/run-reconcile.sh does all of it from nothing: installs datacompy and pandas (pinned) into
Benchmarks/.venv, builds the release binaries, generates the study and runs this script.

DIR is `immport-bridge-bench generate-study` output (SYNTHETIC), in either FHIR layout (`--fhir-layout files`, one
resource per file, or `ndjson`, one file per type). Both sides do the whole job from the files: read
them, find each entity's key, normalise as the default mapping does (Mappings/immport.yaml), compare. Ours is
`immport-bridge reconcile ACC --from DIR --report out.json`, which compares every field of the default mapping and
writes the report.

The peer compares, with `--fields all` (the default), the same thirteen fields on the same keys, each normalised and
compared as the mapping says (texts case-insensitive with white space collapsed, dates to the day, numbers as
numbers, "Not Specified" race and ethnicity as empty, a specimen's type as the set of its text and codings'
displays, a lab value as the number with its unit); a value empty on either side is not a mismatch (the report
counts it as missing), which datacompy gives as `unequal_cnt - null_diff`. With `--fields four` it compares the
four fields of the earlier waves' figures (patients.sex, subjects.arm, specimens.type, labResults.value), so those
stay comparable. Prints each side's median time over the rounds, the ratio, and the mismatch counts per field from
both, which must be equal.

The headline times the peer inside this process, after pandas and datacompy are imported, while immport-bridge is
timed as the whole process it is. The peer is also timed the way a user runs it, as a process of its own (interpreter,
imports, the same work: `--peer-only`), and that ratio is printed beside the headline.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import pandas as pd
import datacompy

SEX = {"female": "female", "male": "male", "not specified": "unknown", "unknown": "unknown", "other": "other"}


def peer(study, accession, fields="all"):
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

    def compare(link, fhir_rows, sd_rows, key, fields, empty_is_missing=False):
        left = unique(pd.DataFrame(fhir_rows), key)
        right = unique(pd.DataFrame(sd_rows), key)
        result = datacompy.PandasCompare(left, right, join_columns=key, df1_name="fhir", df2_name="shared_data")
        for stats in result.column_stats:
            if stats["column"] in fields:
                # A value on one side only is missing, not mismatched (as the report counts it).
                unequal = stats["unequal_cnt"] - (stats["null_diff"] if empty_is_missing else 0)
                counts[(link, stats["column"])] = int(unequal)

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

    def specimen_type(specimen):
        kind = specimen.get("type") or {}
        if fields != "all":
            return (kind.get("text") or "").lower()
        # The mapping's `type.text | type.coding.display`, compared as a set.
        texts = {t.lower() for t in [kind.get("text")] + [c.get("display") for c in kind.get("coding") or []] if t}
        return "|".join(sorted(texts))

    compare("specimens",
            [{"acc": s["id"].strip().upper(), "type": specimen_type(s)} for s in specimens],
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
    if fields == "all":
        every_other_field(resources, records, compare, number, accession)
    return counts


NOT_SPECIFIED = {"not specified", "n/a", "tbd", ""}


def folded(text):
    """A text as a `text` comparison sees it: white space collapsed, lower case; None when empty."""
    if text is None:
        return None
    text = " ".join(str(text).split()).lower()
    return text or None


def joined(values):
    """Several values as one cell, in order (a count that differs is a mismatch, as in the report)."""
    values = [v for v in values if v not in (None, "")]
    return "|".join(values) if values else None


def every_other_field(resources, records, compare, number, accession):
    """The default mapping's other nine fields, each normalised and compared as the mapping says."""
    accession_of = lambda resource: resource["id"].strip().upper()
    # studies: title (text), start and end (dates to the day), enrollment (a number).
    study_rows = records(f"api/study/{accession}.json")
    fhir_studies = []
    for s in resources.get("ResearchStudy", []):
        period, recruitment = s.get("period") or {}, s.get("recruitment") or {}
        fhir_studies.append({"acc": accession_of(s), "title": folded(s.get("title")),
                             "start": (period.get("start") or "")[:10] or None, "end": (period.get("end") or "")[:10] or None,
                             "enrollment": number(recruitment.get("actualNumber"))})
    sd_studies = [{"acc": r["studyAccession"].strip().upper(), "title": folded(r.get("officialTitle")),
                   "start": (r.get("actualStartDate") or "")[:10] or None, "end": (r.get("actualCompletionDate") or "")[:10] or None,
                   "enrollment": number(r.get("actualEnrollment"))} for r in study_rows]
    compare("study", fhir_studies, sd_studies, "acc", {"title", "start", "end", "enrollment"}, empty_is_missing=True)
    # arms: name (text).
    compare("arms", [{"acc": accession_of(g), "name": folded(g.get("name"))} for g in resources.get("Group", [])],
            [{"acc": r["armAccession"].strip().upper(), "name": folded(r.get("name"))}
             for r in records(f"api/study/arm/{accession}.json")],
            "acc", {"name"}, empty_is_missing=True)

    # patients: race and ethnicity, the text of the US Core extensions; "Not Specified" is empty on both sides.
    def us_core_text(patient, kind):
        for extension in patient.get("extension") or []:
            if extension.get("url") == f"http://hl7.org/fhir/us/core/StructureDefinition/us-core-{kind}":
                for inner in extension.get("extension") or []:
                    if inner.get("url") == "text":
                        return inner.get("valueString")
        return None

    def specified(text):
        return None if text is None or text.strip().lower() in NOT_SPECIFIED else folded(text)

    compare("patients",
            [{"acc": accession_of(p), "race": specified(us_core_text(p, "race")), "ethnicity": specified(us_core_text(p, "ethnicity"))}
             for p in resources.get("Patient", [])],
            [{"acc": r["subjectAccession"].strip().upper(), "race": specified(r.get("race")), "ethnicity": specified(r.get("ethnicity"))}
             for r in records(f"api/study/demographic/{accession}.json")],
            "acc", {"race", "ethnicity"}, empty_is_missing=True)
    # practitioners: family and given names (texts); roles: the role's text, keyed by the practitioner it names.
    personnel = records(f"api/study/personnel/{accession}.json")
    compare("practitioners",
            [{"acc": accession_of(p),
              "family": folded(joined([n.get("family") for n in p.get("name") or []])),
              "given": folded(joined([g for n in p.get("name") or [] for g in n.get("given") or []]))}
             for p in resources.get("Practitioner", [])],
            [{"acc": r["personAccession"].strip().upper(), "family": folded(r.get("lastName")), "given": folded(r.get("firstName"))}
             for r in personnel],
            "acc", {"family", "given"}, empty_is_missing=True)
    compare("roles",
            [{"acc": (r.get("practitioner") or {}).get("reference", "").rsplit("/", 1)[-1].strip().upper(),
              "role": folded(joined([c.get("text") for c in r.get("code") or []]))}
             for r in resources.get("PractitionerRole", [])],
            [{"acc": r["personAccession"].strip().upper(), "role": folded(r.get("roleInStudy"))} for r in personnel],
            "acc", {"role"}, empty_is_missing=True)


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
    parser.add_argument("--fields", choices=["all", "four"], default="all",
                        help="the peer compares every field of the default mapping (all) or the earlier waves' four")
    parser.add_argument("--peer-only", action="store_true", help="run the peer once and exit (timed as a process)")
    args = parser.parse_args()
    if args.peer_only:
        peer(args.study, args.accession, args.fields)
        return 0
    out = os.path.join(tempfile.mkdtemp(), "report.json")
    times = {"immport-bridge": [], "datacompy": [], "datacompy process": []}
    as_process = [sys.executable, os.path.abspath(__file__), "--peer-only", "--bridge", args.bridge, "--study", args.study,
                  "--accession", args.accession, "--fields", args.fields]
    for _ in range(args.rounds):
        start = time.perf_counter()
        our_counts = ours(args.bridge, args.study, args.accession, out)
        times["immport-bridge"].append(time.perf_counter() - start)
        start = time.perf_counter()
        peer_counts = peer(args.study, args.accession, args.fields)
        times["datacompy"].append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run(as_process, check=True, capture_output=True)
        times["datacompy process"].append(time.perf_counter() - start)
    ours_s, peer_s = statistics.median(times["immport-bridge"]), statistics.median(times["datacompy"])
    process_s = statistics.median(times["datacompy process"])
    print(f"immport-bridge reconcile: {ours_s:.3f} s median ({min(times['immport-bridge']):.3f} best), "
          f"datacompy {datacompy.__version__} + pandas {pd.__version__}: {peer_s:.3f} s median ({min(times['datacompy']):.3f} best); "
          f"ratio {peer_s / ours_s:.1f}x (the peer as a process of its own, imports included: {process_s:.3f} s, {process_s / ours_s:.1f}x)")
    same = True
    for key in sorted(peer_counts):
        mine = our_counts.get(key)
        same = same and mine == peer_counts[key]
        print(f"  {key[0]}.{key[1]}: mismatched {mine} (immport-bridge) / {peer_counts[key]} (datacompy)")
    if args.fields == "all" and set(our_counts) != set(peer_counts):
        same = False
        print(f"  fields compared by one side only: {sorted(set(our_counts) ^ set(peer_counts))}")
    print("same counts" if same else "COUNTS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
