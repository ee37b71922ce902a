#!/usr/bin/env python3
"""Two or more builds of immport-bridge exporting the same study as NDJSON, alternated, in one run, beside `convert`
of the same FHIR files: per build the wall, user and system time and the peak RSS of each whole process (`/usr/bin/time`),
with the range over the rounds; `convert` as issue 14 measures it (each FHIR file converted to NDJSON, one process
after another); and whether every build wrote the same files, byte for byte.

    python3 Benchmarks/ab_export.py --study DIR [--accession SDY99990] [--rounds 3] [--convert-rounds 3] BIN_A BIN_B ...

DIR is `immport-bridge-bench generate-study --fhir-layout ndjson` output (SYNTHETIC; Benchmarks/export-memory.sh makes
them). Builds are run in turn within each round, so that the machine's drift (a tenth from one hour to the next here)
falls on all of them alike; compare figures within one run only. `convert` runs with the first build. Run from the
package root: the default mapping's path is relative. On a virtual machine whose memory the host backs only when
first touched, writing to fresh page cache runs at a tenth of its speed until every page has been touched once:
write and delete a file the size of the free memory first (`dd if=/dev/zero of=/tmp/fill bs=1M count=N`), then read
the study once, or the first builds measured pay for pages the later ones do not.
"""
import argparse
import filecmp
import glob
import os
import shutil
import statistics
import subprocess
import tempfile


def timed(command, out):
    """Wall seconds, user seconds, peak RSS (KiB) and system seconds of one process, its output to `out` (or
    discarded)."""
    stats = tempfile.mktemp()
    with open(out or os.devnull, "wb") as sink:
        subprocess.run(["/usr/bin/time", "-f", "%e %U %M %S", "-o", stats] + command, check=True, stdout=sink,
                       stderr=subprocess.DEVNULL)
    with open(stats) as f:
        wall, user, rss, system = f.read().split()[-4:]
    os.remove(stats)
    return float(wall), float(user), int(rss), float(system)


def same_tree(a, b):
    """Whether two export directories hold the same files with the same bytes."""
    names = sorted(os.listdir(a))
    if names != sorted(os.listdir(b)):
        return False
    return all(filecmp.cmp(os.path.join(a, n), os.path.join(b, n), shallow=False) for n in names)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--study", required=True)
    parser.add_argument("--accession", default="SDY99990")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--convert-rounds", type=int, default=3)
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    work = tempfile.mkdtemp()
    runs = {binary: [] for binary in args.binaries}
    try:
        for round in range(args.rounds):
            for index, binary in enumerate(args.binaries):
                out = os.path.join(work, f"export-{index}")
                shutil.rmtree(out, ignore_errors=True)
                runs[binary].append(timed([binary, "export", args.accession, "--from", args.study, "--format", "ndjson",
                                           "-o", out], None))
        first = os.path.join(work, "export-0")
        for index, binary in enumerate(args.binaries):
            stats = runs[binary]
            walls, users, rss, systems = [s[0] for s in stats], [s[1] for s in stats], [s[2] for s in stats], [s[3] for s in stats]
            same = "" if index == 0 else (", same files" if same_tree(first, os.path.join(work, f"export-{index}"))
                                          else ", FILES DIFFER from the first build's")
            print(f"{binary}: wall {min(walls):.2f}-{max(walls):.2f} s (median {statistics.median(walls):.2f}), "
                  f"user {min(users):.2f}-{max(users):.2f} s, system {min(systems):.2f}-{max(systems):.2f} s, peak RSS {min(rss) // 1024}-{max(rss) // 1024} MiB "
                  f"over {len(stats)} rounds{same}")
        if args.convert_rounds > 0:
            files = sorted(glob.glob(os.path.join(args.study, "fhir", "*.ndjson")))
            walls = []
            for _ in range(args.convert_rounds):
                total = 0.0
                for path in files:
                    total += timed([args.binaries[0], "convert", path, "--to", "ndjson"], None)[0]
                walls.append(total)
            convert = statistics.median(walls)
            print(f"convert ({args.binaries[0]}, {len(files)} files one after another): {min(walls):.2f}-{max(walls):.2f} s "
                  f"(median {convert:.2f}) over {len(walls)} rounds")
            for binary, stats in runs.items():
                print(f"  {binary}: export / convert {statistics.median([s[0] for s in stats]) / convert:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
