#!/usr/bin/env bash
# Runs immport-bridge-bench and the peer tools on the same generated files in the same run and prints ratios
# (JSON parse and write, SQL-on-FHIR views, FHIRPath).
#
#   Benchmarks/run-peers.sh [--patients N] [--observations N] [--rounds R] [--runs N]
#
# Creates Benchmarks/.venv (git-ignored), pip-installs the peers, builds the bench tool in release mode, generates
# synthetic NDJSON into Benchmarks/data/ (git-ignored; R4, fixed seed) and runs Benchmarks/compare.py.
# Not part of the test command. See BENCHMARKS.md.
set -uo pipefail
cd "$(dirname "$0")/.."

PATIENTS=20000
OBSERVATIONS=100000
ROUNDS=3
RUNS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --patients) PATIENTS="$2"; shift 2 ;;
    --observations) OBSERVATIONS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    *) echo "run-peers.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

# Peer packages from PyPI, one per line: "name==version" pins the figures.
PEER_PACKAGES=(
  "fhirkit-rs==0.1.0"
  "orjson==3.13.0"
  "pysof==0.2.6"
  "fhir.resources[xml]==8.3.0"
  "fhirpathpy==2.2.4"
)

VENV=Benchmarks/.venv
DATA=Benchmarks/data
mkdir -p "$DATA"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || { echo "run-peers.sh: cannot create $VENV" >&2; exit 1; }
fi
: > "$DATA/peer-install-errors.txt"
for package in "${PEER_PACKAGES[@]}"; do
  if ! out=$("$VENV/bin/pip" install -q "$package" 2>&1); then
    echo "run-peers.sh: could not install $package:" >&2
    echo "$out" >&2
    printf '%s\t%s\n' "$package" "$(echo "$out" | tr '\n' ' ')" >> "$DATA/peer-install-errors.txt"
  fi
done

swift build -c release --static-swift-stdlib --product immport-bridge-bench || exit 1
BENCH="$(swift build -c release --show-bin-path)/immport-bridge-bench"

STAMP="$DATA/.generated-$PATIENTS-$OBSERVATIONS"
if [ ! -f "$STAMP" ]; then
  rm -f "$DATA"/.generated-* "$DATA"/*.ndjson
  "$BENCH" generate --patients "$PATIENTS" --observations "$OBSERVATIONS" --out "$DATA" || exit 1
  touch "$STAMP"
fi

# pysof's wheel bundles an OpenSSL built for a newer glibc than Debian 12's: put the system libssl/libcrypto (same
# OpenSSL 3 ABI) in place of the bundled copies, which is what preloading them would do if the loader allowed it.
PYSOF_LIBS="$("$VENV/bin/python" -c 'import site; print(site.getsitepackages()[0])')/pysof.libs"
for lib in "$PYSOF_LIBS"/libssl-*.so.3 "$PYSOF_LIBS"/libcrypto-*.so.3; do
  [ -e "$lib" ] && [ ! -L "$lib" ] || continue
  case "$lib" in
    */libssl-*) system=/usr/lib/x86_64-linux-gnu/libssl.so.3 ;;
    *) system=/usr/lib/x86_64-linux-gnu/libcrypto.so.3 ;;
  esac
  mv "$lib" "$lib.bundled" && ln -s "$system" "$lib"
done

"$VENV/bin/python" Benchmarks/compare.py --bench "$BENCH" --data "$DATA" --rounds "$ROUNDS" --runs "$RUNS"
status=$?
"$VENV/bin/python" Benchmarks/compare_views.py --bench "$BENCH" --data "$DATA" --rounds "$ROUNDS" --runs 3 || status=1
"$VENV/bin/python" Benchmarks/compare_fhirpath.py --bench "$BENCH" --data "$DATA" --rounds "$ROUNDS" || status=1
exit $status
