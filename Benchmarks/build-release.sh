#!/usr/bin/env bash
# Builds the release products the benchmark scripts run, as the README builds the release binary: the Swift runtime
# linked in, and (immport-bridge, on Linux) jemalloc as its allocator (Package.swift, `ReleaseAllocator`), so
# Debian's libjemalloc2 is installed first when it is missing (unless IMMPORT_BRIDGE_SYSTEM_MALLOC is set).
#   Benchmarks/build-release.sh PRODUCT...    (quiet unless a build fails)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${IMMPORT_BRIDGE_SYSTEM_MALLOC:-}" ] && [ "$(uname -s)" = Linux ] && ! dpkg -s libjemalloc2 >/dev/null 2>&1; then
  echo "build-release: installing libjemalloc2 (the release binary's allocator)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjemalloc2
fi
for product in "$@"; do
  log=$(mktemp)
  # (The manifest evaluated afresh: it looks for the library, and a cached evaluation from before it was installed
  # would build on glibc's malloc.)
  swift build --manifest-cache none -c release --static-swift-stdlib --product "$product" >"$log" 2>&1 \
    || { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
done
