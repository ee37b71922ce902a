#!/usr/bin/env bash
# Runs the whole test suite under one sanitizer, in its own scratch path (it rebuilds every target and dependency).
# Usage: fuzz/sanitize.sh thread|address [extra swift test arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer="${1:?usage: fuzz/sanitize.sh thread|address [swift test args...]}"; shift
scratch=".build-${sanitizer}"
# Reuse the resolved dependency checkouts of the normal build instead of cloning them again.
if [ ! -d "$scratch/checkouts" ] && [ -d .build/checkouts ]; then
  mkdir -p "$scratch"
  cp -r .build/checkouts .build/repositories .build/workspace-state.json "$scratch"/
fi
export IMMPORT_SHARED_DIR="${IMMPORT_SHARED_DIR:-$(cd .. && pwd)/shared}"
# halt_on_error=0 for TSan: report every race of a run, not only the first (the exit status still says whether any).
# The suppressions are TSan's false reports on Synchronization.Mutex (fuzz/tsan-suppressions.txt says why).
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0 second_deadlock_stack=1 suppressions=$PWD/fuzz/tsan-suppressions.txt}"
# The tests' real-time limits (client timeouts, retry budgets, waits for servers) are multiplied by this
# (TestTimeScale in TestSupport): TSan runs the suite 5-15 times slower, ASan about 2-3 times.
case "$sanitizer" in
  thread) default_scale=10 ;;
  *) default_scale=3 ;;
esac
export IMMPORT_TEST_TIME_SCALE="${IMMPORT_TEST_TIME_SCALE:-$default_scale}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
# Leaks inside XCTest, swift-argument-parser and Foundation.Process (fuzz/lsan-suppressions.txt says which).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/fuzz/lsan-suppressions.txt}"
swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "$@"
