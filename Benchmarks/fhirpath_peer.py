"""fhirpathpy on the same Observations and expressions as `immport-bridge-bench fhirpath`.

Run inside Benchmarks/.venv (pip install fhirpathpy==2.2.4):
    Benchmarks/.venv/bin/python Benchmarks/fhirpath_peer.py Benchmarks/data/observations.ndjson --runs 3
Parses the NDJSON before timing (like the Swift benchmark), compiles each expression once, and prints one JSON
line per expression with resources/s of the best run.
"""
import argparse
import json
import time

from fhirpathpy import compile as fp_compile
from fhirpathpy.models import models

EXPRESSIONS = [
    ("loinc-codes", "Observation.code.coding.where(system='http://loinc.org').code"),
    ("quantity-over-100", "value.ofType(Quantity).where(value > 100).code"),
    ("effective-after-2015", "Observation.effective.ofType(dateTime) > @2015-01-01T00:00:00Z"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N resources")
    args = parser.parse_args()
    with open(args.file) as f:
        resources = [json.loads(line) for line in f if line.strip()]
    if args.limit:
        resources = resources[: args.limit]
    for name, source in EXPRESSIONS:
        fn = fp_compile(source, models["r4"])
        seconds = []
        items = 0
        for _ in range(args.runs):
            items = 0
            start = time.perf_counter()
            for resource in resources:
                items += len(fn(resource))
            seconds.append(time.perf_counter() - start)
        best = min(seconds)
        print(json.dumps({
            "benchmark": f"fhirpath {name}", "tool": "fhirpathpy", "documents": len(resources),
            "resources_per_s": int(len(resources) / best), "best_s": best, "result_items": items,
        }), flush=True)


if __name__ == "__main__":
    main()
