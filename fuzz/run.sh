#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS (default 60) in turn; see docs/fuzzing.md.
#
#   fuzz/run.sh [SECONDS] [TARGET...]   fuzz: mutate from all seeds, new inputs kept in .build-fuzz/corpus/TARGET
#   fuzz/run.sh --smoke [TARGET...]     CI: run each target once over its committed corpus and regressions, no mutation
#
# Findings (crash-*, leak-*, timeout-*, oom-*) go to .build-fuzz/findings/TARGET/; the exit status is 1 if any target
# found something. Reference data is read from IMMPORT_SHARED_DIR (default ../shared) when present.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${FUZZ_BUILD_DIR:-$root/.build-fuzz}"
shared="${IMMPORT_SHARED_DIR:-$(cd .. && pwd)/shared}"

smoke=false
seconds=60
if [ "${1:-}" = "--smoke" ]; then smoke=true; shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds="$1"; shift; fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(for f in fuzz/Targets/*.swift; do basename "$f" .swift; done)

# FUZZ_SKIP_BUILD=1 runs the binaries already in .build-fuzz/bin (cached in CI, or kept while sources change).
if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then "$root/fuzz/build.sh" "${targets[@]}" || exit 2; fi

if ! $smoke; then
  # Made aside and swapped in whole, so that a run started meanwhile never reads a half-written folder.
  if [ -d "$shared" ]; then
    python3 fuzz/seeds.py "$shared" "$out/seeds.$$" && rm -rf "$out/seeds" && mv "$out/seeds.$$" "$out/seeds"
  else echo "fuzz: no reference data at $shared; seeding from the committed corpora only"; fi
fi

dictionary() {
  case "$1" in
    json*|ndjson|view|shared-data) echo fuzz/dict/json.dict ;;
    xml) echo fuzz/dict/xml.dict ;;
    fhirpath*) echo fuzz/dict/fhirpath.dict ;;
    mapping) echo fuzz/dict/yaml.dict ;;
    *) echo "" ;;
  esac
}

# ASan's leak check stays on; a deep recursion limit is the product's own (maxDepth), not the fuzzer's business.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
# libFuzzer reports crashes itself; Swift's backtracer would attach to every crashing input and can hang there.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
status=0
for target in "${targets[@]}"; do
  findings="$out/findings/$target"
  mkdir -p "$findings" "$out/corpus/$target" "$out/logs"
  inputs=()
  for dir in "fuzz/corpus/$target" Tests/*/Regressions/"$target" Tests/*/Regressions/"$target"-*; do [ -d "$dir" ] && inputs+=("$dir"); done
  dict=$(dictionary "$target")
  args=(-timeout=25 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1)
  [ -n "$dict" ] && [ -f "$dict" ] && args+=(-dict="$dict")
  log="$out/logs/$target.log"
  $smoke && log="$out/logs/smoke-$target.log"
  if $smoke; then
    # -runs=0: execute the given inputs once each and stop.
    echo "fuzz: $target over ${inputs[*]:-nothing}"
    [ ${#inputs[@]} -gt 0 ] || continue
    "$out/bin/$target" "${args[@]}" -runs=0 "${inputs[@]}" >"$log" 2>&1
  else
    seeds=()
    [ -d "$out/seeds/$target" ] && seeds+=("$out/seeds/$target")
    echo "fuzz: $target for ${seconds}s"
    "$out/bin/$target" "${args[@]}" -max_total_time="$seconds" "$out/corpus/$target" "${seeds[@]}" "${inputs[@]}" \
      >"$log" 2>&1
  fi
  rc=$?
  summary=$(grep -aE "^#[0-9]+.*(DONE|INITED)" "$log" | tail -1)
  execs=$(grep -aE "stat::number_of_executed_units" "$log" | awk '{print $2}')
  echo "fuzz: $target exit $rc, ${execs:-?} runs; ${summary:-}"
  if [ $rc -ne 0 ]; then
    status=1
    grep -aE "ERROR|SUMMARY|fuzz property broken|Fatal error|Test unit written" "$log" | head -8
  fi
done
exit $status
