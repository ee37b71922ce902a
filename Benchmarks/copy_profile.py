#!/usr/bin/env python3
"""Which code makes a profile's retains, releases and value copies: the share of a `perf record -g` profile's
samples spent in reference counting, the value-witness copies and destroys (`initializeWithCopy for X`, `outlined
copy of X`, `destroy for X`) by the type copied, and, with `--parents SYMBOL`, the code that made one of them.

    perf record -F 4999 -g -o X.data BIN reconcile SDY99990 --from DIR --report out.json --fail-on none
    python3 Benchmarks/copy_profile.py X.data [Y.data ...] [--top 6] [--parents MANGLED_SYMBOL --depth 3]

Why: a retain shows in a profile as `swift_retain`, not as the code that copied a value (a struct read from a class's
property, a loop over an array of enums with payloads), and the two cores retaining the same objects fight over
them. The copies this finds are what BENCHMARKS.md's thirty-second wave removed (`FieldTransform`, the key look-up
inlined). Compare profiles by these counts, not by wall time, when the change is smaller than the machine's drift.
"""
import argparse
import collections
import re
import subprocess

REFCOUNTING = ("swift_retain", "swift_release", "swift_bridgeObjectRetain", "swift_bridgeObjectRelease")
WITNESS = re.compile(r"(Vwcp|Owcp|Vwxx|Owxx|WOh|WOe|WOy|WOs|WOc)(Tm)?$")
FRAME = re.compile(r"\s*[0-9a-f]+ (\S+?)(\+0x[0-9a-f]+)? \(")


def samples(path):
    """Each sample's call chain, innermost first, as mangled symbols."""
    out = subprocess.run(["perf", "script", "-i", path, "--no-demangle"], capture_output=True, text=True).stdout
    chains, chain = [], []
    for line in out.split("\n"):
        if not line.strip():
            if chain:
                chains.append(chain)
            chain = []
            continue
        if line[:1] in ("\t", " "):
            match = FRAME.match(line)
            chain.append(match.group(1) if match else "?")
    if chain:
        chains.append(chain)
    return chains


def demangled(symbols):
    text = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(symbols), capture_output=True,
                          text=True).stdout
    return text.strip().split("\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("profiles", nargs="+")
    parser.add_argument("--top", type=int, default=6)
    parser.add_argument("--parents")
    parser.add_argument("--depth", type=int, default=3)
    args = parser.parse_args()
    for path in args.profiles:
        chains = samples(path)
        counting = sum(1 for chain in chains if chain and chain[0] in REFCOUNTING)
        copies = collections.Counter()
        for chain in chains:
            for frame in chain[:4]:
                if WITNESS.search(frame):
                    copies[frame] += 1
                    break
        print(f"{path}: {len(chains)} samples, {counting} in reference counting ({100 * counting / max(1, len(chains)):.1f}%)")
        top = copies.most_common(args.top)
        for (symbol, count), name in zip(top, demangled([symbol for symbol, _ in top])):
            print(f"    {count:5d}  {name.split(' ---> ')[-1][:100]}")
        if args.parents:
            made = collections.Counter()
            for chain in chains:
                if args.parents in chain:
                    at = chain.index(args.parents)
                    made[tuple(chain[at + 1:at + 1 + args.depth])] += 1
            for frames, count in made.most_common(3):
                print(f"  {count} from: " + "\n      <- ".join(name.split(" ---> ")[-1][:120] for name in demangled(list(frames))))


if __name__ == "__main__":
    main()
