#!/usr/bin/env bash
# Pull benchmark: N synthetic resources in pages of COUNT from the loopback test server, fetched
#   (a) with curl, page after page, following the next links (the baseline), and
#   (b) with `immport-bridge fhir search` (parses every page, de-duplicates, writes NDJSON), concurrency 1,
#   (c) the same with --prefetch (the next page is requested while the current one is processed).
# Each is run RUNS times; the median wall time is reported. Usage: Benchmarks/pull-benchmark.sh [N] [COUNT] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}; COUNT=${2:-500}; RUNS=${3:-3}
swift build -c release --product immport-bridge >/dev/null
swift build -c release --product immport-test-server >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d)
"$BIN/immport-test-server" --synthetic "$N" --max-page-size "$COUNT" >"$WORK/server.out" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q listening "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
BASE=$(sed -n 's/.*FHIR \(http[^,]*\),.*/\1/p' "$WORK/server.out")

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

curl_pages() {
  local url="$BASE/Patient?_count=$COUNT" pages=0
  while [ -n "$url" ]; do
    curl -s -H 'Accept-Encoding: gzip' --compressed -o "$WORK/page.json" "$url"
    pages=$((pages + 1))
    url=$(grep -o '"relation":"next","url":"[^"]*"' "$WORK/page.json" | head -1 | sed 's/.*"url":"//; s/"$//')
  done
  echo "$pages" >"$WORK/curl.pages"
}

run_timed() {  # name, command...
  local name=$1; shift
  for _ in $(seq "$RUNS"); do
    local t0; t0=$(now); "$@"; local t1; t1=$(now)
    echo "$t1 - $t0" | bc -l
  done | median >"$WORK/$name.median"
}

run_timed curl curl_pages
run_timed client "$BIN/immport-bridge" fhir search Patient "_count=$COUNT" --fhir-base "$BASE" --concurrency 1 -o "$WORK/out.ndjson" 2>"$WORK/client.err"
run_timed prefetch "$BIN/immport-bridge" fhir search Patient "_count=$COUNT" --fhir-base "$BASE" --concurrency 2 --prefetch -o "$WORK/out2.ndjson" 2>"$WORK/prefetch.err"

LINES=$(wc -l <"$WORK/out.ndjson")
CURL=$(cat "$WORK/curl.median"); CLIENT=$(cat "$WORK/client.median"); PREFETCH=$(cat "$WORK/prefetch.median")
echo "resources: $N in pages of $COUNT ($(cat "$WORK/curl.pages") pages); NDJSON lines written: $LINES"
echo "client summary: $(tail -1 "$WORK/client.err")"
printf 'curl, sequential:             %.3f s\n' "$CURL"
printf 'immport-bridge, concurrency 1: %.3f s  (%.2fx curl)\n' "$CLIENT" "$(echo "$CLIENT / $CURL" | bc -l)"
printf 'immport-bridge, --prefetch:    %.3f s  (%.2fx curl)\n' "$PREFETCH" "$(echo "$PREFETCH / $CURL" | bc -l)"
