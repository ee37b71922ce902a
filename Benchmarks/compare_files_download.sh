#!/usr/bin/env bash
# Study-file download benchmark (issue 15): `immport-bridge files get` from the loopback test server against curl
# fetching the same download URLs one after another.
#   (a) curl: the signed bucket URLs (resolved beforehand, not timed), one curl process per file, sequential;
#   (b) curl, the same URLs in one process (one kept-alive connection);
#   (c) curl one process, then `md5sum` of what it wrote (the verification files get does as it downloads);
#   (d) immport-bridge files get: manifest, a DRS object and access URL per file, downloads with --concurrency C,
#       MD5 and size verified while streaming, temporary file renamed into place.
# Two data sets: the Fixtures' files (SDY99903: 3 small synthetic files; latency-bound), and a bulk set of N random
# files of SIZE MiB each (SDY99980, written to a temporary folder and served with --shared-data/--files:
# throughput-bound). Each variant runs RUNS times, interleaved; the median wall time is reported, with the load
# average (the machine is shared) and a check that every variant wrote the same bytes.
# Usage: Benchmarks/compare_files_download.sh [N] [SIZE_MIB] [RUNS] [CONCURRENCY]
#   BUILD=debug to use a debug build (to try the script; the figures are for release builds).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-16}; SIZE_MIB=${2:-8}; RUNS=${3:-5}; CONCURRENCY=${4:-4}
BUILD=${BUILD:-release}
if [ "$BUILD" = release ]; then
  Benchmarks/build-release.sh immport-bridge immport-test-server
fi
BIN=$(swift build -c "$BUILD" --show-bin-path)
WORK=$(mktemp -d)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export IMMPORT_API_KEY=benchmark-key-not-a-secret   # the loopback server asks for none; the client sends one

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The bulk set, laid out like Fixtures/: shared-data/api/study/manifest/SDY99980.json and files/SDY99980/...
BULK="$WORK/bulk"
mkdir -p "$BULK/shared-data/api/study/manifest" "$BULK/files/SDY99980/files"
for i in $(seq "$N"); do head -c $((SIZE_MIB * 1048576)) /dev/urandom >"$BULK/files/SDY99980/files/bulk_$i.bin"; done
python3 - "$BULK" "$N" <<'PY'
import hashlib, json, os, sys
root, n = sys.argv[1], int(sys.argv[2])
rows = []
for i in range(1, n + 1):
    path = f"/SDY99980/files/bulk_{i}.bin"
    data = open(root + "/files" + path, "rb").read()
    rows.append({"fileDetailsId": 9998000 + i, "reportedMD5": None, "generatedMD5": hashlib.md5(data).hexdigest(),
                 "studyAccession": "SDY99980", "filesizeBytes": len(data), "fileType": "Experiment Data",
                 "fileAccession": f"FILE99980{i:02d}", "fileName": f"bulk_{i}.bin", "path": path,
                 "fileUUID": f"00000000-0000-4000-8000-{99980000 + i:012d}", "drsObjectCreated": "Y"})
json.dump(rows, open(root + "/shared-data/api/study/manifest/SDY99980.json", "w"), indent=2)
PY
# The bulk study's manifest beside the Fixtures' Shared Data files, so one server serves both data sets.
cp -r Fixtures/shared-data "$WORK/shared-data"
cp "$BULK/shared-data/api/study/manifest/SDY99980.json" "$WORK/shared-data/api/study/manifest/"
cp -r Fixtures/files "$WORK/files"
cp -r "$BULK/files/SDY99980" "$WORK/files/"

"$BIN/immport-test-server" --shared-data "$WORK/shared-data" --files "$WORK/files" >"$WORK/server.out" 2>&1 &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
ROOT=$(sed -n 's/^listening on \(http[^ ]*\) .*/\1/p' "$WORK/server.out")
SHARED="$ROOT/data/query"

# The signed URLs curl fetches: resolved once, before timing (what a user of immport-cli pastes into curl).
resolve_urls() {  # study -> curl config (url + output per file) in $WORK/<study>.curlrc
  local study=$1 dir=$2
  python3 - "$SHARED" "$study" "$dir" "$WORK/$study.curlrc" <<'PY'
import json, os, sys, urllib.request
shared, study, out, rc = sys.argv[1:]
def get(url):
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + os.environ["IMMPORT_API_KEY"]})
    return json.load(urllib.request.urlopen(request))
with open(rc, "w") as f:
    for row in get(f"{shared}/api/study/manifest/{study}"):
        url = get(f"{shared}/drs/download/s3/{row['fileUUID']}")["url"]
        f.write(f'url = "{url}"\noutput = "{out}/{row["fileName"]}"\n')
PY
}

curl_per_file() {  # a curl process per file, one after another
  local rc=$1 dir=$2
  rm -rf "$dir"; mkdir -p "$dir"
  while read -r urlline && read -r outline; do
    curl -s -o "$(echo "$outline" | sed 's/^output = "//; s/"$//')" "$(echo "$urlline" | sed 's/^url = "//; s/"$//')"
  done <"$rc"
}
curl_one_process() { rm -rf "$2"; mkdir -p "$2"; curl -s -K "$1"; }
curl_and_md5() { curl_one_process "$1" "$2"; md5sum "$2"/* >/dev/null; }
files_get() { rm -rf "$2"; "$BIN/immport-bridge" files get "$1" --shared-data-base "$SHARED" --concurrency "$CONCURRENCY" -o "$2" 2>"$WORK/files-get.err"; }

timed() {  # name, command...: appends the wall time of one run
  local name=$1; shift
  local t0; t0=$(now); "$@"; local t1; t1=$(now)
  echo "$t1 - $t0" | bc -l >>"$WORK/$name.times"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for study in SDY99903 SDY99980; do
  resolve_urls "$study" "$WORK/curl-$study"
  : >"$WORK/$study-curl.times"; : >"$WORK/$study-curl1.times"; : >"$WORK/$study-curlmd5.times"; : >"$WORK/$study-get.times"
  for _ in $(seq "$RUNS"); do
    timed "$study-curl" curl_per_file "$WORK/$study.curlrc" "$WORK/curl-$study"
    timed "$study-curl1" curl_one_process "$WORK/$study.curlrc" "$WORK/curl-$study"
    timed "$study-curlmd5" curl_and_md5 "$WORK/$study.curlrc" "$WORK/curl-$study"
    timed "$study-get" files_get "$study" "$WORK/get-$study"
  done
  diff -r "$WORK/curl-$study" "$WORK/get-$study" >/dev/null || { echo "ERROR: files get and curl wrote different files for $study"; exit 1; }
  BYTES=$(cat "$WORK/get-$study"/* | wc -c)
  FILES=$(ls "$WORK/get-$study" | wc -l)
  CURL=$(median <"$WORK/$study-curl.times"); CURL1=$(median <"$WORK/$study-curl1.times")
  CURLMD5=$(median <"$WORK/$study-curlmd5.times"); GET=$(median <"$WORK/$study-get.times")
  echo "== $study: $FILES files, $BYTES bytes (median of $RUNS runs, $BUILD build)"
  echo "   files get summary: $(tail -1 "$WORK/files-get.err")"
  printf '   curl, a process per file, sequential: %.3f s\n' "$CURL"
  printf '   curl, one process (one connection):   %.3f s\n' "$CURL1"
  printf '   curl one process + md5sum:            %.3f s\n' "$CURLMD5"
  printf '   immport-bridge files get (c=%s):       %.3f s  (%.2fx curl per file, %.2fx curl one process, %.2fx curl+md5sum; %.1f MB/s)\n' \
    "$CONCURRENCY" "$GET" "$(echo "$GET / $CURL" | bc -l)" "$(echo "$GET / $CURL1" | bc -l)" "$(echo "$GET / $CURLMD5" | bc -l)" \
    "$(echo "$BYTES / $GET / 1000000" | bc -l)"
done
echo "load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores)"
# Verification alone: md5sum over the bulk files (from the page cache), for the disk-speed side of the check.
T0=$(now); md5sum "$WORK/get-SDY99980"/* >/dev/null; T1=$(now)
printf 'md5sum of the bulk files (page cache): %.3f s (%.0f MB/s)\n' "$(echo "$T1 - $T0" | bc -l)" "$(echo "$(cat "$WORK/get-SDY99980"/* | wc -c) / ($T1 - $T0) / 1000000" | bc -l)"
