#!/usr/bin/env python3
"""Two or more builds of immport-bridge reconciling the same study, alternated, in one run: the wall time of each
whole process (`time.perf_counter` around it), median and quartiles over the rounds, and the median CPU time of each
process (user and system, from `wait4`).

    python3 Benchmarks/ab_reconcile.py --study DIR [--accession SDY99990] [--rounds 21] BIN_A BIN_B ...

DIR is `immport-bridge-bench generate-study` output (SYNTHETIC; Benchmarks/run-reconcile.sh makes the 10,000-subject
one). Builds are run in turn within each round, so that the machine's drift (a few percent from one sitting to the
next here) falls on all of them alike. Run from the package root: the default mapping's path is relative.
"""
import argparse
import os
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
    cpu = {binary: [] for binary in args.binaries}
    for _ in range(args.rounds):
        for binary in args.binaries:
            start = time.perf_counter()
            process = subprocess.Popen(
                [binary, "reconcile", args.accession, "--from", args.study, "--report", report, "--fail-on", "none"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)
            times[binary].append(time.perf_counter() - start)
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"{binary} failed (exit {os.waitstatus_to_exitcode(status)})")
            # The process's own CPU (user and system, both cores): what a change to the work moves, while the wall
            # time also moves with how the two cores are shared.
            cpu[binary].append(usage.ru_utime + usage.ru_stime)
    for binary, runs in times.items():
        runs.sort()
        cpus = sorted(cpu[binary])
        q1, q3 = len(runs) // 4, 3 * len(runs) // 4
        print(f"{binary}: median {statistics.median(runs) * 1000:.1f} ms (q1 {runs[q1] * 1000:.1f}, q3 {runs[q3] * 1000:.1f}, best {runs[0] * 1000:.1f}) "
              f"over {len(runs)} rounds; CPU median {statistics.median(cpus) * 1000:.0f} ms "
              f"(q1 {cpus[q1] * 1000:.0f}, q3 {cpus[q3] * 1000:.0f})")


if __name__ == "__main__":
    main()
