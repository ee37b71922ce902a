#!/usr/bin/env bash
# Pull benchmark: N synthetic resources in pages of COUNT from the loopback test server, fetched
#   (a) with curl, page after page, following the next links (the baseline), and
#   (b) with `immport-bridge fhir search` (parses every page, de-duplicates, writes NDJSON), concurrency 1,
#   (c) the same with --prefetch (the next page is requested as soon as this page's header is parsed).
# Each is run RUNS times, interleaved (so a change in machine load hits every variant alike); the median wall time is
# reported, with the load average before and after (the machine is shared) and the client's peak RSS.
# Usage: Benchmarks/pull-benchmark.sh [N] [COUNT] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}; COUNT=${2:-500}; RUNS=${3:-3}
Benchmarks/build-release.sh immport-bridge immport-test-server
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
    echo "url = \"$url\"" >>"$WORK/urls.new"; echo "output = /dev/null" >>"$WORK/urls.new"
    pages=$((pages + 1))
    url=$(grep -o '"relation":"next","url":"[^"]*"' "$WORK/page.json" | head -1 | sed 's/.*"url":"//; s/"$//' || true)
  done
  echo "$pages" >"$WORK/curl.pages"
  mv "$WORK/urls.new" "$WORK/urls.curlrc"
}

# The same page URLs in one curl process over one kept-alive connection: no process start and no grep per page.
curl_one_process() { curl -s -H 'Accept-Encoding: gzip' --compressed -K "$WORK/urls.curlrc"; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
curl_pages  # once first, to learn the page URLs for the one-process variant
: >"$WORK/curl.times"; : >"$WORK/curl1.times"; : >"$WORK/client.times"; : >"$WORK/prefetch.times"
timed() {  # name, command...: appends the wall time of one run
  local name=$1; shift
  local t0; t0=$(now); "$@"; local t1; t1=$(now)
  echo "$t1 - $t0" | bc -l >>"$WORK/$name.times"
}
for _ in $(seq "$RUNS"); do
  timed curl curl_pages
  timed curl1 curl_one_process
  timed client "$BIN/immport-bridge" fhir search Patient "_count=$COUNT" --fhir-base "$BASE" --concurrency 1 -o "$WORK/out.ndjson" 2>"$WORK/client.err"
  timed prefetch "$BIN/immport-bridge" fhir search Patient "_count=$COUNT" --fhir-base "$BASE" --concurrency 1 --prefetch -o "$WORK/out2.ndjson" 2>"$WORK/prefetch.err"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
RSS=$( { /usr/bin/time -f '%M' "$BIN/immport-bridge" fhir search Patient "_count=$COUNT" --fhir-base "$BASE" --concurrency 1 --prefetch -o "$WORK/out3.ndjson" 2>&1 >/dev/null; } | tail -1)
cmp -s "$WORK/out.ndjson" "$WORK/out2.ndjson" || echo "WARNING: the plain and prefetching outputs differ"
BYTES=$(curl -s -K "$WORK/urls.curlrc" -o /dev/null -w '%{size_download}\n' | awk '{s+=$1} END {print s}')

LINES=$(wc -l <"$WORK/out.ndjson")
CURL=$(median <"$WORK/curl.times"); CURL1=$(median <"$WORK/curl1.times"); CLIENT=$(median <"$WORK/client.times"); PREFETCH=$(median <"$WORK/prefetch.times")
echo "resources: $N in pages of $COUNT ($(cat "$WORK/curl.pages") pages, $BYTES bytes of JSON); NDJSON lines written: $LINES"
echo "load average before: $LOAD_BEFORE; after: $LOAD_AFTER (2 cores)"
echo "client summary: $(tail -1 "$WORK/client.err")"
printf 'curl, sequential, following next links (a process per page): %.3f s\n' "$CURL"
printf 'curl, the same URLs in one process (one connection):          %.3f s\n' "$CURL1"
printf 'immport-bridge, concurrency 1: %.3f s  (%.2fx curl per page, %.2fx curl one process)\n' "$CLIENT" "$(echo "$CLIENT / $CURL" | bc -l)" "$(echo "$CLIENT / $CURL1" | bc -l)"
printf 'immport-bridge, --prefetch:    %.3f s  (%.2fx curl per page, %.2fx curl one process)\n' "$PREFETCH" "$(echo "$PREFETCH / $CURL" | bc -l)" "$(echo "$PREFETCH / $CURL1" | bc -l)"
echo "immport-bridge --prefetch peak RSS: $RSS KB"
