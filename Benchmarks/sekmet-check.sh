#!/usr/bin/env bash
# Checks the FHIR client against a server nobody here wrote: sekmet-fhir 0.1.1 (PyPI), FHIR R4 from SQLite, on
# loopback. Paging, _include, _revinclude and a 404 OperationOutcome, each compared with what curl sees.
# Usage: Benchmarks/sekmet-check.sh   (IMMPORT_BRIDGE=path uses that binary instead of building; installs sekmet-fhir into Benchmarks/.venv on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x Benchmarks/.venv/bin/sekmet ] || { python3 -m venv Benchmarks/.venv && Benchmarks/.venv/bin/pip install -q sekmet-fhir==0.1.1; }
if [ -n "${IMMPORT_BRIDGE:-}" ]; then BIN=$IMMPORT_BRIDGE; else
  swift build --product immport-bridge >/dev/null
  BIN="$(swift build --show-bin-path)/immport-bridge"
fi
WORK=$(mktemp -d)
# sekmet names itself http://localhost:8090/fhir in its links, so it is run on that port.
(cd "$WORK" && exec "$OLDPWD/Benchmarks/.venv/bin/sekmet" serve --host 127.0.0.1 --port 8090 >"$WORK/serve.log" 2>&1) &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:8090/fhir/metadata >/dev/null 2>&1 && break; sleep 0.2; done
(cd "$WORK" && "$OLDPWD/Benchmarks/.venv/bin/sekmet" seed --count 30 >/dev/null)
S=http://127.0.0.1:8090/fhir
count() { python3 -c "import json,sys,collections; print(dict(collections.Counter(json.loads(l)['resourceType'] for l in open(sys.argv[1]))))" "$1"; }
server_total() { curl -s "$S/$1?_count=1000" | python3 -c "import json,sys; print(len(json.load(sys.stdin).get('entry', [])))"; }
echo "server: $(server_total Patient) Patient, $(server_total Encounter) Encounter"
"$BIN" fhir search Patient _count=7 --fhir-base "$S" -o "$WORK/p.ndjson"; echo "paging: $(count "$WORK/p.ndjson")"
"$BIN" fhir search Encounter _count=4 _include=Encounter:subject --fhir-base "$S" -o "$WORK/e.ndjson"; echo "_include: $(count "$WORK/e.ndjson")"
"$BIN" fhir search Patient _count=5 _revinclude=Encounter:subject --fhir-base "$S" -o "$WORK/r.ndjson"; echo "_revinclude: $(count "$WORK/r.ndjson")"
if "$BIN" fhir read Patient/does-not-exist --fhir-base "$S"; then echo "404: NOT reported"; exit 1; else echo "404: reported (exit $?)"; fi
