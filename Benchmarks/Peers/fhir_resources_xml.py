"""FHIR XML peer: fhir.resources (PyPI, pydantic models, R4B) on the same NDJSON lines as `immport-bridge-bench
xml-write` / `xml-read --limit N`. In fhir.resources 8.x the XML methods are `model_dump_xml()` (was `.xml()`) and
`model_validate_xml()`.

  json-to-xml: model_validate_json(line) + model_dump_xml(); MB/s of JSON input.
  xml-to-json: model_validate_xml(xml) + model_dump_json(); MB/s of XML input (the XML made beforehand with
               model_dump_xml, untimed).

Prints one JSON line per benchmark in the bench tool's shape (best wall-clock of N runs).
usage: python fhir_resources_xml.py INPUT.ndjson [--limit N] [--runs N]
"""
import json
import sys
import time

from fhir.resources import __version__
from fhir.resources.R4B import get_fhir_model_class


def best(runs, fn):
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return seconds


def report(name, path, nbytes, docs, seconds):
    b = min(seconds)
    print(json.dumps({
        "benchmark": name, "tool": "fhir.resources", "version": __version__, "file": path, "bytes": nbytes,
        "documents": docs, "mb_per_s": nbytes / 1e6 / b, "best_s": b, "runs_s": seconds, "ok": True,
    }), flush=True)


def main(argv):
    path = argv[0]
    limit = int(argv[argv.index("--limit") + 1]) if "--limit" in argv else 200
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
    with open(path, "rb") as f:
        lines = [line for line in f.read().split(b"\n") if line.strip()][:limit]
    models = [get_fhir_model_class(json.loads(line)["resourceType"]) for line in lines]

    def to_xml():
        for model, line in zip(models, lines):
            model.model_validate_json(line).model_dump_xml()

    report("xml-write (JSON -> XML)", path, sum(len(l) for l in lines), len(lines), best(runs, to_xml))
    xmls = [model.model_validate_json(line).model_dump_xml() for model, line in zip(models, lines)]

    def to_json():
        for model, xml in zip(models, xmls):
            model.model_validate_xml(xml).model_dump_json()

    report("xml-read (XML -> JSON)", path, sum(len(x) for x in xmls), len(xmls), best(runs, to_json))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
