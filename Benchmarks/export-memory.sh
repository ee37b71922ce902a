#!/usr/bin/env bash
# Export benchmark (issues 12 and 14): `immport-bridge export STUDY --from DIR --format ndjson` on generated studies
# (SYNTHETIC, `immport-bridge-bench generate-study`, one NDJSON file per FHIR type), whole job, peak RSS and wall time
# from /usr/bin/time, with the study held as trees (IMMPORT_BRIDGE_SPOOL=never), spooled (always) and as the
# export decides (auto). Beside it, the reference the issue names: `immport-bridge convert` of the same FHIR files to
# NDJSON (parse every resource, write it), one file after another.
# Usage: Benchmarks/export-memory.sh [DATA_DIR] [SUBJECTS...]   (default: Benchmarks/data/export, 1000 10000 14600)
#   14600 subjects make about 100,000 FHIR resources; 146000 about a million (1.7 GB of JSON, a minute to generate).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-Benchmarks/data/export}; shift || true
SUBJECTS=("$@"); [ ${#SUBJECTS[@]} -eq 0 ] && SUBJECTS=(1000 10000 14600)
Benchmarks/build-release.sh immport-bridge immport-bridge-bench
BIN=$(swift build -c release --show-bin-path)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
mkdir -p "$DATA"

echo "| subjects | FHIR resources | JSON in | policy | export wall | export peak RSS | convert wall | export / convert |"
echo "|---:|---:|---:|---|---:|---:|---:|---:|"
for n in "${SUBJECTS[@]}"; do
  study="$DATA/study-$n-ndjson"
  [ -d "$study" ] || "$BIN/immport-bridge-bench" generate-study --subjects "$n" --out "$study" --fhir-layout ndjson >/dev/null
  resources=$(cat "$study"/fhir/*.ndjson | wc -l)
  size=$(du -sm "$study/fhir" "$study/shared-data" | awk '{s+=$1} END {print s}')
  start=$(date +%s.%N)
  for f in "$study"/fhir/*.ndjson; do "$BIN/immport-bridge" convert "$f" --to ndjson "$OUT/convert.ndjson"; done
  convert=$(echo "$(date +%s.%N) - $start" | bc)
  for policy in never always auto; do
    rm -rf "$OUT/export"
    IMMPORT_BRIDGE_SPOOL=$policy /usr/bin/time -f "%e %M" -o "$OUT/time" \
      "$BIN/immport-bridge" export SDY99990 --from "$study" --format ndjson -o "$OUT/export" 2>/dev/null
    read -r wall rss <"$OUT/time"
    printf "| %s | %s | %s MB | %s | %.2f s | %d MB | %.2f s | %.1fx |\n" "$n" "$resources" "$size" "$policy" "$wall" \
      $((rss / 1024)) "$convert" "$(echo "$wall / $convert" | bc -l)"
  done
done
