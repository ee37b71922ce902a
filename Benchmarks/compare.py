"""Runs immport-bridge-bench and the peers (peers.py) on the same files, alternating, and prints the best figures
and ratios. Called by run-peers.sh; takes the best over --rounds rounds of --runs runs each, because the machine
is shared and timings are noisy."""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["patients.ndjson", "observations.ndjson"]


def run_json(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return [{"ok": False, "error": (proc.stderr or proc.stdout).strip()[-500:], "cmd": " ".join(cmd)}]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def keep_best(best, results, tool=None):
    """Keeps, per (benchmark, tool, file), the best wall-clock and the best CPU time seen in any round."""
    for r in results:
        if not r.get("ok", False) or "best_s" not in r:
            print(f"  failed: {json.dumps(r)[:300]}", file=sys.stderr)
            continue
        key = (r["benchmark"], r.get("tool", tool), os.path.basename(r["file"]))
        if key not in best:
            best[key] = dict(r)
            continue
        kept = best[key]
        if r["best_s"] < kept["best_s"]:
            kept.update(best_s=r["best_s"], mb_per_s=r["mb_per_s"])
        if r.get("best_cpu_s", float("inf")) < kept.get("best_cpu_s", float("inf")):
            kept.update(best_cpu_s=r["best_cpu_s"], cpu_mb_per_s=r["cpu_mb_per_s"])


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bench", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()

    install_errors = {}
    errors_file = os.path.join(args.data, "peer-install-errors.txt")
    if os.path.exists(errors_file):
        for line in open(errors_file):
            if "\t" in line:
                name, err = line.rstrip("\n").split("\t", 1)
                install_errors[name] = err
    peers = []
    for name in ["fhirkit-rs", "orjson"]:
        if any(k.startswith(name) for k in install_errors):
            continue
        peers.append(name)

    files = [os.path.join(args.data, f) for f in FILES]
    best = {}
    py = sys.executable
    for round_ in range(args.rounds):
        for path in files:
            for bench in ["json-parse", "json-write"]:
                keep_best(best, run_json([args.bench, bench, path, "--runs", str(args.runs), "--json"]), "immport-bridge")
                for peer in peers:
                    keep_best(best, run_json([py, os.path.join(HERE, "peers.py"), bench, peer, path, "--runs", str(args.runs)]))
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    # Round-trip byte identity over the full files (one run each).
    roundtrips = [run_json([args.bench, "json-roundtrip", path, "--runs", "1", "--json"])[0] for path in files]

    # Streaming memory: the observations file and the same content four times over, each in a fresh process.
    obs = os.path.join(args.data, "observations.ndjson")
    obs4 = os.path.join(args.data, "observations-4x.ndjson")
    if not os.path.exists(obs4) or os.path.getsize(obs4) != 4 * os.path.getsize(obs):
        with open(obs, "rb") as src, open(obs4 + ".tmp", "wb") as dst:
            content = src.read()
            for _ in range(4):
                dst.write(content)
        os.replace(obs4 + ".tmp", obs4)
    streams = [run_json([args.bench, "json-stream", path, "--json"])[0] for path in [obs, obs4]]

    print()
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {machine()}")
    print(f"best of {args.rounds} rounds x {args.runs} runs; MB = 10^6 bytes; "
          f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for name, err in install_errors.items():
        print(f"peer not installed: {name}: {err}")
    print()
    print("| benchmark | file | tool | MB | MB/s (wall) | ours / tool | MB/s (CPU time) | ours / tool |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for bench in ["json-parse", "json-write"]:
        for path in files + ["total"]:
            base = os.path.basename(path)
            if base == "total":
                rows = {}
                for (b, tool, f), r in best.items():
                    if b == bench and f in FILES:
                        acc = rows.setdefault(tool, {"bytes": 0, "best_s": 0.0, "best_cpu_s": 0.0, "n": 0})
                        acc["bytes"] += r["bytes"]
                        acc["best_s"] += r["best_s"]
                        acc["best_cpu_s"] += r["best_cpu_s"]
                        acc["n"] += 1
                rows = {t: {"bytes": a["bytes"], "mb_per_s": a["bytes"] / 1e6 / a["best_s"],
                            "cpu_mb_per_s": a["bytes"] / 1e6 / a["best_cpu_s"]}
                        for t, a in rows.items() if a["n"] == len(FILES)}
            else:
                rows = {tool: r for (b, tool, f), r in best.items() if b == bench and f == base}
            ours = rows.get("immport-bridge")
            for tool in sorted(rows, key=lambda t: (t != "immport-bridge", t)):
                r = rows[tool]
                mine = tool == "immport-bridge" or not ours
                ratio = "" if mine else f"{ours['mb_per_s'] / r['mb_per_s']:.2f}x"
                cpu_ratio = "" if mine else f"{ours['cpu_mb_per_s'] / r['cpu_mb_per_s']:.2f}x"
                print(f"| {bench} | {base} | {tool} | {r['bytes'] / 1e6:.1f} | {r['mb_per_s']:.1f} | {ratio} "
                      f"| {r['cpu_mb_per_s']:.1f} | {cpu_ratio} |")
    print()
    for r in roundtrips:
        if r.get("ok"):
            print(f"json-roundtrip {os.path.basename(r['file'])}: {r['documents']} documents, mismatched {r.get('mismatched documents')}: byte-identical")
        else:
            print(f"json-roundtrip FAILED: {json.dumps(r)}")
    for r in streams:
        if "peak_rss_bytes" in r:
            print(f"json-stream {os.path.basename(r['file'])}: {r['bytes'] / 1e6:.1f} MB, {r['documents']} documents, "
                  f"{r['mb_per_s']:.1f} MB/s wall, {r['cpu_mb_per_s']:.1f} MB/s CPU time, "
                  f"peak RSS {r['peak_rss_bytes'] / 1e6:.1f} MB")
        else:
            print(f"json-stream FAILED: {json.dumps(r)}")
    if "fhirkit-rs" in peers:
        for name in sorted(os.listdir(args.data)):
            if name.endswith(".ndjson") and "-4x" not in name:
                r = run_json([py, os.path.join(HERE, "peers.py"), "r4-issues", "fhirkit-rs", os.path.join(args.data, name)])[0]
                if r.get("ok"):
                    print(f"R4 check by fhirkit-rs {name}: {r['documents']} resources, {r['issues']} issues {r['top'] or ''}")
                else:
                    print(f"R4 check by fhirkit-rs {name} failed: {r}")
    failed = any(not r.get("ok") for r in roundtrips + streams)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
