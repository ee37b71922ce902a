"""Runs one SQL-on-FHIR ViewDefinition with pysof (Helios SOF, Rust, PyPI) over an NDJSON file, streaming it with
process_ndjson_to_file to CSV as `immport-bridge-bench views` does, and prints one JSON line in the bench tool's
shape: best wall-clock of N runs, MB/s of input, rows, rows/s and the process's peak RSS.

usage: python pysof_views.py VIEW.json INPUT.ndjson [--runs N]
"""
import json
import os
import resource
import sys
import tempfile
import time

import pysof


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    view_path, input_path = argv[0], argv[1]
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
    with open(view_path) as f:
        view = json.load(f)
    size = os.path.getsize(input_path)
    out = os.path.join(tempfile.gettempdir(), f"pysof-bench-{os.getpid()}.csv")
    seconds = []
    rows = 0
    try:
        for _ in range(runs):
            start = time.perf_counter()
            pysof.process_ndjson_to_file(view, input_path, out, "csv")
            seconds.append(time.perf_counter() - start)
            with open(out, "rb") as f:
                rows = sum(1 for _ in f) - 1
    finally:
        if os.path.exists(out):
            os.unlink(out)
    best = min(seconds)
    print(json.dumps({
        "benchmark": f"view {view.get('name')}", "tool": "pysof", "version": pysof.get_version(),
        "file": input_path, "bytes": size, "mb_per_s": size / 1e6 / best, "best_s": best,
        "runs_s": seconds, "rows": str(rows), "rows/s": f"{rows / best:.0f}",
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "ok": True,
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
