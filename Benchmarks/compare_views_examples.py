"""Checks that `immport-bridge view` over the official R4 examples as NDJSON (one example a line, Bundles included
as they are) gives the same rows as pysof given the same resources as entries of one `collection` Bundle.

This is the Bundle rule seen from outside: an NDJSON line is one resource, never unpacked, so a Bundle example is
one Bundle resource (a `resource: Bundle` view sees it) and its entries are not read as top-level resources, which
is exactly what the entries of a collection Bundle are to pysof.

Views: the shipped ones (Mappings/views/*.json) and a few official-style ones (below), including a
`resource: Bundle` view. Rows are compared per view as multisets, columns by name, numbers by value (`72.50` and
`72.5` are one number), so neither row order nor number spelling matters.

usage: python compare_views_examples.py [--binary PATH] [--shared DIR] [--keep DIR]
  (pysof from PyPI in a venv, e.g. Benchmarks/.venv; the binary defaults to .build/debug/immport-bridge)
Exits 0 when every view matches, 1 otherwise.

All ten views give the same rows (2026-12-05). `getReferenceKey()` gives nothing for a contained reference
(`#newborn`), as pysof 0.2.6 does, since the one reference model (FHIRModel/Identity) came in.
pysof's wheel may need the system OpenSSL in place of its bundled copy: see run-peers.sh.
"""
import argparse
import decimal
import glob
import json
import os
import subprocess
import sys
import tempfile

import pysof

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

OFFICIAL_STYLE_VIEWS = [
    {"resourceType": "ViewDefinition", "name": "patient_demographics", "resource": "Patient", "status": "active",
     "select": [{"column": [{"name": "id", "path": "getResourceKey()"}, {"name": "gender", "path": "gender"},
                            {"name": "birth_date", "path": "birthDate"}]},
                {"forEachOrNull": "name", "column": [{"name": "family", "path": "family"},
                                                     {"name": "use", "path": "use"}]}]},
    {"resourceType": "ViewDefinition", "name": "observation_values", "resource": "Observation", "status": "active",
     "select": [{"column": [{"name": "id", "path": "id"}, {"name": "status", "path": "status"},
                            {"name": "subject", "path": "subject.reference"},
                            {"name": "value", "path": "value.ofType(Quantity).value"},
                            {"name": "unit", "path": "value.ofType(Quantity).unit"}]},
                {"forEach": "code.coding", "column": [{"name": "system", "path": "system"},
                                                      {"name": "code", "path": "code"}]}]},
    # Reference keys as the SQL-on-FHIR functions give them (contained `#id` references included).
    {"resourceType": "ViewDefinition", "name": "observation_reference_keys", "resource": "Observation",
     "status": "active",
     "select": [{"column": [{"name": "id", "path": "getResourceKey()"},
                            {"name": "subject", "path": "subject.getReferenceKey()"},
                            {"name": "subject_patient", "path": "subject.getReferenceKey(Patient)"}]}]},
    {"resourceType": "ViewDefinition", "name": "condition_codes", "resource": "Condition", "status": "active",
     "where": [{"path": "code.exists()"}],
     "select": [{"column": [{"name": "id", "path": "id"},
                            {"name": "clinical_status", "path": "clinicalStatus.coding.code.first()"}]},
                {"forEach": "code.coding", "column": [{"name": "code", "path": "code"}]}]},
    {"resourceType": "ViewDefinition", "name": "bundle_entries", "resource": "Bundle", "status": "active",
     "select": [{"column": [{"name": "id", "path": "id"}, {"name": "type", "path": "type"},
                            {"name": "entries", "path": "entry.count()", "type": "integer"}]},
                {"forEachOrNull": "entry", "column": [{"name": "full_url", "path": "fullUrl"},
                                                      {"name": "resource_id", "path": "resource.id"}]}]},
]


def one_line(text):
    """A JSON document on one line: raw line breaks can only be white space between tokens in JSON."""
    return text.replace("\r", "").replace("\n", " ").strip()


def normalise(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(decimal.Decimal(str(value)).normalize())
    if isinstance(value, list):
        return tuple(normalise(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, normalise(v)) for k, v in value.items()))
    return value


def rows_of(ndjson_text):
    rows = {}
    for line in ndjson_text.splitlines():
        if line.strip():
            row = json.loads(line, parse_float=decimal.Decimal)
            key = tuple(sorted((k, normalise(v)) for k, v in row.items() if v is not None))
            rows[key] = rows.get(key, 0) + 1
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "immport-bridge"))
    parser.add_argument("--shared", default=os.environ.get("IMMPORT_SHARED_DIR", os.path.join(ROOT, "..", "shared")))
    parser.add_argument("--keep", help="write the NDJSON, the Bundle and the views here")
    args = parser.parse_args()

    files = sorted(glob.glob(os.path.join(args.shared, "fhir", "r4", "examples", "json", "*.json")))
    if not files:
        print(f"no examples under {args.shared}/fhir/r4/examples/json", file=sys.stderr)
        return 2
    lines = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            lines.append(one_line(f.read()))
    bundle = ('{"resourceType":"Bundle","type":"collection","entry":['
              + ",".join('{"resource":' + line + "}" for line in lines) + "]}")
    bundles = sum(1 for line in lines if json.loads(line).get("resourceType") == "Bundle")

    work = args.keep or tempfile.mkdtemp(prefix="views-examples-")
    os.makedirs(work, exist_ok=True)
    ndjson_path = os.path.join(work, "examples.ndjson")
    with open(ndjson_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(work, "examples-bundle.json"), "w", encoding="utf-8") as f:
        f.write(bundle)

    views = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Mappings", "views", "*.json"))):
        with open(path, encoding="utf-8") as f:
            views.append(("shipped", path, json.load(f)))
    for view in OFFICIAL_STYLE_VIEWS:
        path = os.path.join(work, view["name"] + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(view, f)
        views.append(("official-style", path, view))

    print(f"{len(files)} R4 examples ({bundles} of them Bundles), one a line; pysof {pysof.get_version()} given them "
          "as one collection Bundle")
    print(f"{'view':28} {'kind':15} {'ours':>6} {'pysof':>6}  result")
    failures = 0
    for kind, path, view in views:
        out = os.path.join(work, view["name"] + ".out.ndjson")
        ours = subprocess.run([args.binary, "view", path, ndjson_path, "--format", "ndjson", "-o", out],
                              capture_output=True, text=True)
        if ours.returncode != 0:
            print(f"{view['name']:28} {kind:15} immport-bridge failed: {ours.stderr.strip()}")
            failures += 1
            continue
        with open(out, encoding="utf-8") as f:
            our_rows = rows_of(f.read())
        try:
            peer_rows = rows_of(pysof.run_view_definition(view, bundle, "ndjson").decode("utf-8"))
        except Exception as error:  # pysof's own failure is reported, not ours
            print(f"{view['name']:28} {kind:15} pysof failed: {error}")
            failures += 1
            continue
        n_ours, n_peer = sum(our_rows.values()), sum(peer_rows.values())
        if our_rows == peer_rows:
            print(f"{view['name']:28} {kind:15} {n_ours:6} {n_peer:6}  same rows")
            continue
        failures += 1
        only_ours = [dict(k) for k, c in our_rows.items() if peer_rows.get(k, 0) < c]
        only_peer = [dict(k) for k, c in peer_rows.items() if our_rows.get(k, 0) < c]
        print(f"{view['name']:28} {kind:15} {n_ours:6} {n_peer:6}  DIFFERENT: {len(only_ours)} rows only ours, "
              f"{len(only_peer)} only pysof's")
        for row in only_ours[:3]:
            print(f"    ours:  {row}")
        for row in only_peer[:3]:
            print(f"    pysof: {row}")
    print("all views give the same rows" if failures == 0 else f"{failures} views differ")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
