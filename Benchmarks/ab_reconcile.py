#!/usr/bin/env python3
"""Two or more builds of immport-bridge reconciling the same study, alternated, in one run: the wall time of each
whole process (`time.perf_counter` around it), median and quartiles over the rounds.

    python3 Benchmarks/ab_reconcile.py --study DIR [--accession SDY99990] [--rounds 21] BIN_A BIN_B ...

DIR is `immport-bridge-bench generate-study` output (SYNTHETIC; Benchmarks/run-reconcile.sh makes the 10,000-subject
one). Builds are run in turn within each round, so that the machine's drift (a few percent from one sitting to the
next here) falls on all of them alike. Run from the package root: the default mapping's path is relative.
"""
import argparse
import statistics
import subprocess
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--study", required=True)
    parser.add_argument("--accession", default="SDY99990")
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    report = tempfile.mkdtemp() + "/report.json"
    times = {binary: [] for binary in args.binaries}
    for _ in range(args.rounds):
        for binary in args.binaries:
            start = time.perf_counter()
            subprocess.run([binary, "reconcile", args.accession, "--from", args.study, "--report", report, "--fail-on", "none"],
                           check=True, capture_output=True)
            times[binary].append(time.perf_counter() - start)
    for binary, runs in times.items():
        runs.sort()
        q1, q3 = runs[len(runs) // 4], runs[3 * len(runs) // 4]
        print(f"{binary}: median {statistics.median(runs) * 1000:.1f} ms (q1 {q1 * 1000:.1f}, q3 {q3 * 1000:.1f}, best {runs[0] * 1000:.1f}) over {len(runs)} rounds")


if __name__ == "__main__":
    main()
