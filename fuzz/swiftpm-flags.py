#!/usr/bin/env python3
"""Reads what the debug build (.build/debug.yaml) used, so that a fuzz target can compile a package module that
imports dependencies (NIO, AsyncHTTPClient, Yams, GRDB...) against the debug build's modules and link their
uninstrumented objects, instead of building (and instrumenting) every dependency again.

  swiftpm-flags.py ROOT compile MODULE   the search paths and C module maps MODULE was compiled with, one per line
  swiftpm-flags.py ROOT link             the debug build's objects of every dependency (not the package's own)
The paths the build recorded are rewritten to ROOT (the build may have been made where the package was mounted
elsewhere)."""
import json, os, re, sys

root, mode = sys.argv[1], sys.argv[2]
own = {"FHIRModel", "FHIRPath", "FHIRViews", "ImmPortAPI", "Bridge", "immport_bridge", "immport-bridge"}
text = open(os.path.join(root, ".build", "debug.yaml")).read()
recorded = re.search(r'"([^"]*)/Sources/FHIRModel/":', text).group(1)


def here(path):
    return root + path[len(recorded):] if path.startswith(recorded) else path


def args_after(description):
    i = text.index(description)
    for candidate in text[i:].split("\n")[1:4]:
        if candidate.strip().startswith("args:"):
            return json.loads(candidate.strip()[len("args:"):])
    raise SystemExit(f"no args after {description}")


if mode == "compile":
    module = sys.argv[3]
    args = args_after(f"Compiling Swift Module '{module}'")
    out, i = [], 0
    while i < len(args):
        a = args[i]
        if a == "-I" and i + 1 < len(args):
            out += ["-I", here(args[i + 1])]; i += 2; continue
        if a.startswith("-I/"):
            out.append("-I" + here(a[2:])); i += 1; continue
        if a == "-Xcc" and i + 1 < len(args):
            nxt = args[i + 1]
            if nxt.startswith("-fmodule-map-file=") or nxt == "-I" or nxt.startswith("/") or nxt.startswith("-I"):
                out += ["-Xcc", here(nxt) if nxt.startswith("/") else nxt.replace(recorded, root)]
            i += 2; continue
        if a == "-package-name":
            out += [a, args[i + 1]]; i += 2; continue
        i += 1
    print("\n".join(out))
elif mode == "link":
    lst = os.path.join(root, ".build", "debug", "immport-bridge.product", "Objects.LinkFileList")
    for line in open(lst):
        path = here(line.strip().strip("'"))
        build = next((p for p in path.split("/") if p.endswith(".build") and p != ".build"), "")
        if build[: -len(".build")] in own:
            continue
        # Quoted as SwiftPM quotes them: some object names have spaces.
        print("'" + path.replace("'", "'\\''") + "'")
