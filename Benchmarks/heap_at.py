#!/usr/bin/env python3
"""What the heap holds at given moments of a run, by the code that allocated it, from a `heaptrack` recording:
`heaptrack_print` gives the heap's peak and each call site's own peak, not what is live when (a table freed after
the link and one made by the merge both count at their own peaks). This replays the recording's allocations and
frees and prints, at each moment asked for, the live bytes under the first two frames of each allocation's stack
that are not allocator or collection plumbing (`--depth` for more).

    heaptrack -o run BIN export SDY99990 --from DIR --format ndjson -o OUT
    python3 Benchmarks/heap_at.py run.zst --at 18,28,38 [--top 16]

Times are seconds from the start of the recording (heaptrack slows a run several times: find the stages' moments
with `heaptrack_print -M massif.out` and `ms_print`, or by trying). Reads heaptrack's v3 data format (the lines
`s` strings, `i` instruction pointers, `t` stack frames, `a` allocation kinds, `+`/`-` allocations and frees, `c`
times in milliseconds, all numbers in hex). Needs `zstdcat` and `swift demangle`.
"""
import argparse
import collections
import re
import subprocess

# Frames that say how memory was allocated, not what for.
PLUMBING = re.compile(
    r"swift_slowAlloc|swift_allocObject|malloc|_allocateUninitialized|ContiguousArray|_NativeDictionary|_NativeSet|"
    r"reserveCapacity|append|_copyToNewBuffer|_createNewBuffer|_consumeAndCreateNew|__RawDictionaryStorage|allocate|"
    r"_StringGuts|ManagedBuffer|_DictionaryStorage|_SetStorage|grow|closure|thunk|partial apply|Array\.|String\.|"
    r"keptAtSize|init\(repeating|^\?$|^$|__swift|swift::|_swift")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("recording")
    parser.add_argument("--at", required=True, help="seconds from the start, comma-separated")
    parser.add_argument("--top", type=int, default=16)
    parser.add_argument("--depth", type=int, default=2, help="frames named per call site")
    arguments = parser.parse_args()
    moments = sorted(int(float(x) * 1000) for x in arguments.at.split(","))

    strings, instructions, frames, kinds, live = [""], [0], [(0, 0)], [], []
    snapshots = []
    reader = subprocess.Popen(["zstdcat", arguments.recording], stdout=subprocess.PIPE, text=True, bufsize=1 << 20)
    for line in reader.stdout:
        tag = line[0]
        if tag == "+":
            live[int(line[2:], 16)] += 1
        elif tag == "-":
            live[int(line[2:], 16)] -= 1
        elif tag == "a":
            _, size, frame = line.split()
            kinds.append((int(size, 16), int(frame, 16)))
            live.append(0)
        elif tag == "t":
            _, instruction, parent = line.split()
            frames.append((int(instruction, 16), int(parent, 16)))
        elif tag == "i":
            fields = line.split()
            instructions.append(int(fields[3], 16) if len(fields) > 3 else 0)
        elif tag == "s":
            text = line[2:].rstrip("\n")
            strings.append(text.split(" ", 1)[1] if " " in text else "")
        elif tag == "c":
            now = int(line[2:], 16)
            while len(snapshots) < len(moments) and now >= moments[len(snapshots)]:
                snapshots.append((now, [(kinds[i], n) for i, n in enumerate(live) if n > 0]))
    if reader.wait() != 0:
        raise SystemExit(f"heap_at: zstdcat could not read {arguments.recording}")
    for moment in moments[len(snapshots):]:
        print(f"heap_at: the recording ends before {moment / 1000:.1f} s; no snapshot there")

    def stack(frame):
        names = []
        while frame:
            instruction, frame = frames[frame]
            names.append(strings[instructions[instruction]])
        return names

    mangled = sorted({name for _, held in snapshots for (_, frame), _ in held for name in stack(frame)})
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(mangled), capture_output=True,
                               text=True, check=True).stdout.split("\n")
    readable = dict(zip(mangled, demangled))
    for now, held in snapshots:
        sites = collections.Counter()
        total = 0
        for (size, frame), count in held:
            named = [readable[name] for name in stack(frame)]
            meaningful = [name for name in named if not PLUMBING.search(name)][:arguments.depth]
            sites[" <- ".join(name[:75] for name in meaningful)] += size * count
            total += size * count
        print(f"== {now / 1000:.1f} s: {total / 1e6:.1f} MB live")
        for site, size in sites.most_common(arguments.top):
            print(f"  {size / 1e6:6.1f} MB  {site}")


if __name__ == "__main__":
    main()
