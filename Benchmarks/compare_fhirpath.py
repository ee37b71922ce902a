#!/usr/bin/env python3
"""FHIRPath: immport-bridge-bench against fhirpathpy on the same Observations, interleaved, in the same run.

    Benchmarks/.venv/bin/python Benchmarks/compare_fhirpath.py --bench BENCH --data DIR [--count 10000] [--rounds 3]

Takes the first COUNT lines of DIR/observations.ndjson into DIR/fhirpath-COUNT/ (both tools read that file), then
alternates the two tools ROUNDS times: `BENCH fhirpath --data ... --runs 10` (best of 10 passes over the parsed
trees) and `fhirpath_peer.py ... --runs 3` (best of 3). Both compile each expression once and time evaluation only.
Prints, per expression, each tool's median and best over the rounds and the ratio of medians, the ratio of bests and
the lowest ratio of any one round (our run against the peer run next to it): the machine is shared, and what is
memory-bound (ours) and what is compute-bound (the peer) do not slow down together.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def subset(data, count):
    out_dir = os.path.join(data, f"fhirpath-{count}")
    target = os.path.join(out_dir, "observations.ndjson")
    if not os.path.exists(target):
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(data, "observations.ndjson")) as src, open(target + ".tmp", "w") as dst:
            for i, line in enumerate(src):
                if i >= count:
                    break
                dst.write(line)
        os.replace(target + ".tmp", target)
    return out_dir


def ours(bench, directory, runs):
    out = subprocess.run([bench, "fhirpath", "--data", directory, "--runs", str(runs)], capture_output=True,
                         text=True, check=True).stdout
    rates = {}
    for line in out.splitlines():
        name = re.search(r"fhirpath ([a-z0-9-]+)", line)
        rate = re.search(r"resources/s: ([0-9]+)", line)
        if name and rate:
            rates[name.group(1)] = int(rate.group(1))
    return rates


def peer(directory):
    out = subprocess.run([sys.executable, os.path.join(HERE, "fhirpath_peer.py"),
                          os.path.join(directory, "observations.ndjson"), "--runs", "3"],
                         capture_output=True, text=True, check=True).stdout
    rates = {}
    for line in out.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            rates[row["benchmark"].removeprefix("fhirpath ")] = int(row["resources_per_s"])
    return rates


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bench", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--runs", type=int, default=10)
    args = p.parse_args()
    directory = subset(args.data, args.count)
    rounds = []
    for r in range(args.rounds):
        a = ours(args.bench, directory, args.runs)
        b = peer(directory)
        rounds.append((a, b))
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(
            f"{k} {a.get(k, 0)} vs {b.get(k, 0)}" for k in a), file=sys.stderr)
    print(f"\ndate: {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; {args.count} Observations; "
          f"{args.rounds} rounds; load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("| expression | immport-bridge median (best) res/s | fhirpathpy median (best) res/s | ratio of medians "
          "| ratio of bests | lowest round ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in rounds[0][0]:
        a = [x[0][name] for x in rounds]
        b = [x[1][name] for x in rounds]
        lowest = min(x / y for x, y in zip(a, b))
        print(f"| {name} | {statistics.median(a):,.0f} ({max(a):,}) | {statistics.median(b):,.0f} ({max(b):,}) "
              f"| {statistics.median(a) / statistics.median(b):.1f}x | {max(a) / max(b):.1f}x | {lowest:.1f}x |")


if __name__ == "__main__":
    main()
