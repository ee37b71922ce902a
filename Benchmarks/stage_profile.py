#!/usr/bin/env python3
"""Where a run of immport-bridge spends its CPU, by bridge stage and over time, from a `perf` recording with call
stacks: the figures BENCHMARKS.md gives as "CPU by stage" and "phases".

    perf record -F 499 -g -o run.data BIN export SDY99990 --from DIR --format ndjson -o OUT
    python3 Benchmarks/stage_profile.py run.data [--bucket 0.5] [--stage merge --top 30]

Each sample is given to the first stage whose function is on its stack (emits before the merge, the link before the
pull, and so on: `STAGES`); a sample with none (`malloc` without frame pointers, the kernel) is "other". Printed:
the samples and seconds of CPU per stage; a line per time bucket with the samples per stage (with N cores busy a
bucket holds about N x frequency x bucket samples, so the gaps show where cores were idle); and with `--stage`, the
functions that stage spends its own time in and those it spends it under. Needs `perf` and `swift demangle`.
"""
import argparse
import collections
import re
import subprocess

# (a function name's fragment, the stage it marks), first match wins.
STAGES = [
    ("Emit", "emit"), ("Provenance", "provenance"), ("MergeStage", "merge"), ("LinkStage", "link"),
    ("ReconcileStage", "reconcile"), ("SharedDataAnswer", "answers"), ("JSONArrayFileReader", "answers"),
    ("FHIRDirectoryPull", "selection"), ("PullReferencePath", "selection"), ("FHIRResourceFiles", "spool"),
    ("NDJSONExport", "write"), ("MappingStage", "mapping"), ("MappingCompiler", "mapping"),
]


def samples(data):
    """(time, thread, frames from the leaf up) of every sample."""
    out = subprocess.run(["perf", "script", "-i", data, "-F", "tid,time,ip,sym"], capture_output=True, text=True,
                         check=True).stdout
    for block in out.split("\n\n"):
        lines = [line for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        head = re.match(r"\s*(\d+)\s+([\d.]+):", lines[0])
        if not head:
            continue
        frames = [re.sub(r"^\s*[0-9a-f]+\s+", "", line).rsplit("+0x", 1)[0] for line in lines[1:]]
        yield float(head.group(2)), int(head.group(1)), frames


def stage_of(frames):
    text = " ".join(frames)
    return next((stage for fragment, stage in STAGES if fragment in text), "other")


def demangle(names):
    out = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(names), capture_output=True,
                         text=True).stdout.split("\n")
    return out[:len(names)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--bucket", type=float, default=0.5, help="seconds per line of the timeline")
    parser.add_argument("--frequency", type=float, default=499, help="perf record's -F")
    parser.add_argument("--stage", help="list the functions of this stage")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    all_samples = list(samples(args.data))
    if not all_samples:
        raise SystemExit(f"{args.data}: no samples")
    start = min(time for time, _, _ in all_samples)
    by_stage = collections.Counter()
    timeline = collections.defaultdict(collections.Counter)
    own = collections.Counter()
    under = collections.Counter()
    for time, _, frames in all_samples:
        stage = stage_of(frames)
        by_stage[stage] += 1
        timeline[int((time - start) / args.bucket)][stage] += 1
        if args.stage == stage:
            own[frames[0] if frames else "?"] += 1
            for frame in set(frames):
                under[frame] += 1

    total = sum(by_stage.values())
    print(f"{total} samples, {total / args.frequency:.1f} s of CPU")
    for stage, count in by_stage.most_common():
        print(f"  {stage:12} {count:6}  {count / args.frequency:6.2f} s  {100 * count / total:5.1f}%")
    print(f"timeline ({args.bucket} s a line; a busy core gives {args.frequency * args.bucket:.0f} samples a line):")
    for bucket in sorted(timeline):
        counts = timeline[bucket]
        print(f"  {bucket * args.bucket:7.2f} s {sum(counts.values()):5}  "
              + " ".join(f"{stage}:{count}" for stage, count in counts.most_common()))
    if args.stage:
        count = by_stage[args.stage]
        print(f"{args.stage}: its own time")
        top = own.most_common(args.top)
        for (name, hits), shown in zip(top, demangle([name for name, _ in top])):
            print(f"  {hits:6} {100 * hits / max(1, count):5.1f}%  {shown[:150]}")
        print(f"{args.stage}: time spent under")
        top = under.most_common(args.top)
        for (name, hits), shown in zip(top, demangle([name for name, _ in top])):
            print(f"  {hits:6} {100 * hits / max(1, count):5.1f}%  {shown[:150]}")


if __name__ == "__main__":
    main()
