#!/usr/bin/env bash
# Instruction counts of two builds of immport-bridge-bench on the same small inputs: valgrind's callgrind counts
# instructions, not seconds, so the figures repeat whatever else this shared machine is doing (wall-clock ratios
# between two builds vary by 50-100% here). Whole process, startup included.
#
#   Benchmarks/callgrind-versions.sh BEFORE_BENCH AFTER_BENCH DATA_DIR
#
# DATA_DIR holds `immport-bridge-bench generate` output (Benchmarks/data). The binaries are stripped into /tmp first:
# valgrind 3.19 cannot read the debug information Swift 6.3 writes.
set -euo pipefail
before=$1 after=$2 data=$3
small="$data/callgrind-small"
mkdir -p "$small/fhirpath"
head -2000 "$data/observations.ndjson" > "$small/observations.ndjson"
head -2000 "$data/patients.ndjson" > "$small/patients.ndjson"
head -1000 "$data/observations.ndjson" > "$small/fhirpath/observations.ndjson"
strip -o /tmp/callgrind-before "$before"
strip -o /tmp/callgrind-after "$after"
count() { valgrind --tool=callgrind --callgrind-out-file=/tmp/callgrind.out "$@" --runs 1 2>&1 | awk '/Collected/ {print $NF}'; }
printf '| benchmark | before | after | after/before |\n|---|---:|---:|---:|\n'
while IFS='|' read -r name args; do
  # shellcheck disable=SC2086
  b=$(count /tmp/callgrind-before $args); a=$(count /tmp/callgrind-after $args)
  printf '| %s | %s | %s | %s |\n' "$name" "$b" "$a" "$(python3 -c "print(f'{$a / $b:.3f}')")"
done <<LIST
json-parse Observations|json-parse $small/observations.ndjson
json-parse Patients|json-parse $small/patients.ndjson
views (3 views)|views --data $small
FHIRPath (3 expressions)|fhirpath --data $small/fhirpath
JSON -> XML, Observations|xml-write $small/observations.ndjson --limit 500
XML -> JSON, Observations|xml-read $small/observations.ndjson --limit 500
XML -> JSON, Patients|xml-read $small/patients.ndjson --limit 500
LIST
