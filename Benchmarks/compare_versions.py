#!/usr/bin/env python3
"""Two builds of immport-bridge-bench on the same files, interleaved, in the same run: did a change make anything
slower?

    python3 Benchmarks/compare_versions.py --before OLD_BENCH --after NEW_BENCH --data DIR [--rounds 5]

DIR holds `immport-bridge-bench generate` output (patients.ndjson, observations.ndjson; run-peers.sh makes it in
Benchmarks/data). Each round runs every benchmark below with the old binary, then with the new one (the order
alternates between rounds, so neither always runs on a warmer cache). Per benchmark it prints each binary's median
over the rounds, the ratio new/old of the medians, and the noise: the largest spread (max/min - 1) of one binary's
own rounds. A ratio below 1 by more than that noise is a slowdown; within it, the two cannot be told apart.
"""
import argparse
import json
import os
import statistics
import subprocess

def benchmarks(data):
    fhirpath_dir = os.path.join(data, "fhirpath-10000")
    if not os.path.exists(os.path.join(fhirpath_dir, "observations.ndjson")):
        os.makedirs(fhirpath_dir, exist_ok=True)
        with open(os.path.join(data, "observations.ndjson")) as src, open(os.path.join(fhirpath_dir, "observations.ndjson"), "w") as dst:
            for i, line in enumerate(src):
                if i >= 10000:
                    break
                dst.write(line)
    patients = os.path.join(data, "patients.ndjson")
    observations = os.path.join(data, "observations.ndjson")
    return [
        ["json-parse", patients, "--runs", "3"],
        ["json-parse", observations, "--runs", "3"],
        ["json-stream", observations],
        ["views", "--data", data, "--runs", "2"],
        ["fhirpath", "--data", fhirpath_dir, "--runs", "5"],
        ["xml-write", observations, "--limit", "20000", "--runs", "2"],
        ["xml-read", observations, "--limit", "20000", "--runs", "2"],
        ["xml-write", patients, "--limit", "20000", "--runs", "2"],
        ["xml-read", patients, "--limit", "20000", "--runs", "2"],
    ]

METRICS = ["mb_per_s", "resources/s", "resources_per_s", "rows_per_s"]

def run(bench, arguments):
    out = subprocess.run([bench] + arguments + ["--json"], capture_output=True, text=True, check=True).stdout
    results = {}
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        row = json.loads(line)
        for metric in METRICS:
            if metric in row:
                name = row["benchmark"] + (" " + os.path.basename(row["file"]) if row.get("file") else "")
                results[f"{name} [{metric}]"] = float(row[metric])
                break
    return results

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    samples = {"before": {}, "after": {}}
    for round_index in range(args.rounds):
        order = [("before", args.before), ("after", args.after)]
        if round_index % 2:
            order.reverse()
        for arguments in benchmarks(args.data):
            for label, bench in order:
                for name, value in run(bench, arguments).items():
                    samples[label].setdefault(name, []).append(value)
        print(f"round {round_index + 1} of {args.rounds} done", flush=True)
    print(f"\n| benchmark | before (median) | after (median) | after/before | noise (largest own spread) |")
    print("|---|---:|---:|---:|---:|")
    for name in sorted(samples["before"]):
        before = samples["before"][name]
        after = samples["after"].get(name, [])
        if not after:
            continue
        noise = max(max(values) / min(values) - 1 for values in (before, after) if min(values) > 0)
        ratio = statistics.median(after) / statistics.median(before)
        print(f"| {name} | {statistics.median(before):.1f} | {statistics.median(after):.1f} | {ratio:.3f} | {noise * 100:.0f}% |")

if __name__ == "__main__":
    main()
