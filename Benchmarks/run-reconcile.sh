#!/usr/bin/env bash
# Issue 13's benchmark from nothing: installs the peer (datacompy and pandas, pinned, from PyPI) into
# Benchmarks/.venv (git-ignored), builds immport-bridge and the bench tool in release mode, generates the SYNTHETIC
# study (`generate-study --fhir-layout ndjson`, fixed seed) into Benchmarks/data/ (git-ignored) when it is not
# there, and runs Benchmarks/compare_reconcile.py: both sides from the same files, in one run, with the mismatch
# counts per field that must be equal. Not part of the test command. See BENCHMARKS.md.
#
#   Benchmarks/run-reconcile.sh [--subjects N] [--rounds R]     (defaults: 10000 subjects, 5 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."

SUBJECTS=10000
ROUNDS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --subjects) SUBJECTS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "run-reconcile.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

# The peer, one "name==version" per line: these pin the figures in BENCHMARKS.md.
PEER_PACKAGES=("datacompy==1.1.0" "pandas==2.3.0")
VENV=Benchmarks/.venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q "${PEER_PACKAGES[@]}"

Benchmarks/build-release.sh immport-bridge immport-bridge-bench
BIN=$(swift build -c release --show-bin-path)

STUDY=Benchmarks/data/reconcile/study-$SUBJECTS-ndjson
if [ ! -f "$STUDY/.complete" ]; then
  rm -rf "$STUDY"
  mkdir -p "$(dirname "$STUDY")"
  "$BIN/immport-bridge-bench" generate-study --subjects "$SUBJECTS" --out "$STUDY" --fhir-layout ndjson >/dev/null
  touch "$STUDY/.complete"
fi

"$VENV/bin/python" Benchmarks/compare_reconcile.py --bridge "$BIN/immport-bridge" --study "$STUDY" --rounds "$ROUNDS"
