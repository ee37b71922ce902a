"""Peer measurements for BENCHMARKS.md, run by run-peers.sh inside Benchmarks/.venv.

Each peer reads the same NDJSON files as immport-bridge-bench, from memory, one document per line, and reports
MB/s (10^6 bytes of the file, or of the output for writes) of the best of N wall-clock runs, as one JSON object per
line in the same shape as `immport-bridge-bench ... --json`.

Add a peer: write a function that returns {"parse": fn(lines), "write": (prepare(lines), fn(prepared))} and list it
in PEERS. Other benchmark families (FHIRPath, SQL-on-FHIR views) add their own entries the same way.
"""
import argparse
import json
import sys
import time


def fhirkit_peer():
    import fhirkit  # PyPI fhirkit-rs (Rust)

    def parse(lines):
        for line in lines:
            fhirkit.parse(line)

    def parse_many_one_thread(lines):
        fhirkit.parse_many(lines, threads=1)

    def prepare_write(lines):
        return [fhirkit.parse(line) for line in lines]

    def write(resources):
        total = 0
        for resource in resources:
            total += len(resource.to_json().encode()) + 1
        return total

    return {
        "version": fhirkit.__version__,
        "parse": parse,
        "variants": {"parse_many(threads=1)": parse_many_one_thread},
        "write": (prepare_write, write),
    }


def orjson_peer():
    import orjson  # raw JSON speed reference: plain dicts, floats (loses 72.50's trailing zero)

    def parse(lines):
        for line in lines:
            orjson.loads(line)

    def prepare_write(lines):
        return [orjson.loads(line) for line in lines]

    def write(objects):
        total = 0
        for obj in objects:
            total += len(orjson.dumps(obj)) + 1
        return total

    return {"version": orjson.__version__ if hasattr(orjson, "__version__") else "?", "parse": parse, "write": (prepare_write, write)}


# Peers by name. Later families (fhirpathpy, pysof, fhir.resources) add theirs here.
PEERS = {
    "fhirkit-rs": fhirkit_peer,
    "orjson": orjson_peer,
}


def best_of(runs, fn, arg):
    """Wall-clock and CPU (process_time: all threads) seconds of each run."""
    seconds = []
    cpu = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        cpu_start = time.process_time()
        result = fn(arg)
        cpu.append(time.process_time() - cpu_start)
        seconds.append(time.perf_counter() - start)
    return (seconds, cpu), result


def report(name, tool, path, nbytes, docs, times, **extra):
    seconds, cpu = times
    best = min(seconds)
    line = {
        "benchmark": name, "tool": tool, "file": path, "bytes": nbytes, "documents": docs,
        "mb_per_s": nbytes / 1e6 / best, "best_s": best, "median_s": sorted(seconds)[len(seconds) // 2],
        "runs_s": seconds, "cpu_mb_per_s": nbytes / 1e6 / min(cpu), "best_cpu_s": min(cpu), "ok": True,
    }
    line.update(extra)
    print(json.dumps(line), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("benchmark", choices=["json-parse", "json-write", "r4-issues"])
    parser.add_argument("peer", choices=sorted(PEERS))
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    peer = PEERS[args.peer]()
    with open(args.file, "rb") as f:
        data = f.read()
    lines = [line for line in data.split(b"\n") if line.strip()]
    if args.benchmark == "r4-issues":
        # Not timed: fhirkit-rs validates every resource against R4 while parsing; count what it reports.
        import collections
        import fhirkit
        issues = collections.Counter()
        for line in lines:
            for issue in fhirkit.parse(line).issues:
                issues[f"{issue.severity} {issue.path.split('[')[0]}: {issue.message}"] += 1
        print(json.dumps({"benchmark": "r4-issues", "tool": args.peer, "file": args.file, "documents": len(lines),
                          "issues": sum(issues.values()), "top": issues.most_common(5), "ok": True}))
    elif args.benchmark == "json-parse":
        seconds, _ = best_of(args.runs, peer["parse"], lines)
        report("json-parse", args.peer, args.file, len(data), len(lines), seconds, version=peer["version"])
        for variant, fn in peer.get("variants", {}).items():
            seconds, _ = best_of(args.runs, fn, lines)
            report("json-parse", f"{args.peer} {variant}", args.file, len(data), len(lines), seconds, version=peer["version"])
    else:
        prepare, write = peer["write"]
        prepared = prepare(lines)
        seconds, written = best_of(args.runs, write, prepared)
        report("json-write", args.peer, args.file, written, len(lines), seconds, version=peer["version"])


if __name__ == "__main__":
    sys.exit(main())
