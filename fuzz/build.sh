#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/Targets/*.swift) with -sanitize=fuzzer,address into .build-fuzz/bin.
#
# The package's own modules a target needs are compiled once each, instrumented, straight from Sources/ (one object
# and one module per target of the package, `-enable-testing` so that targets may `@testable import` them). Their
# dependencies are not rebuilt: modules that import NIO, AsyncHTTPClient, Yams or swift-crypto (ImmPortAPI, Bridge)
# are compiled against the debug build's modules and linked with its (uninstrumented) objects, so those targets
# need `swift build` to have run first. A module or target is rebuilt only when one of its sources changed.
# Usage: fuzz/build.sh [TARGET...]   (no argument: all targets)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${FUZZ_BUILD_DIR:-$root/.build-fuzz}"
mkdir -p "$out/obj" "$out/bin"
# -O: the fuzzer's executions per second matter more than the build's minutes; debug info for readable reports.
flags=(-O -g -sanitize=fuzzer,address -swift-version 6 -parse-as-library -I "$out/obj")
xml_flags=(-I "$root/Sources/CLibXML2" $(pkg-config --cflags libxml-2.0 | sed 's/-I/-Xcc -I/g'))

# The package modules and the sources of each (FHIRViews without its SQLite and PostgreSQL sinks and the format's
# target factory that names them, which would bring GRDB and PostgresNIO into the view target).
module_sources() {
  case "$1" in
    FHIRModel) find Sources/FHIRModel -name '*.swift' -not -path '*/Generator/*' ;;
    FHIRPath) find Sources/FHIRPath -name '*.swift' ;;
    FHIRViews) find Sources/FHIRViews -name '*.swift' -not -name 'SQLite*' -not -name 'Postgres*' -not -name '*+Target.swift' ;;
    ImmPortAPI) find Sources/ImmPortAPI -name '*.swift' -not -path '*/Generator/*' ;;
    Bridge) find Sources/Bridge -name '*.swift' ;;
    *) echo "unknown module $1" >&2; return 1 ;;
  esac | sort
}

# Modules compiled against the debug build's dependency modules.
uses_dependencies() { case "$1" in ImmPortAPI|Bridge) return 0 ;; *) return 1 ;; esac; }

# What each target needs, lowest first.
target_modules() {
  case "$1" in
    json|json-bundle-stream|json-filtered|ndjson|xml|json-xml-roundtrip) echo FHIRModel ;;
    fhirpath|fhirpath-eval) echo FHIRModel FHIRPath ;;
    view) echo FHIRModel FHIRPath FHIRViews ;;
    shared-data|http) echo FHIRModel ImmPortAPI ;;
    mapping) echo FHIRModel FHIRPath ImmPortAPI Bridge ;;
    *) echo "unknown target $1 (add it to target_modules in fuzz/build.sh)" >&2; return 1 ;;
  esac
}

dependency_flags() {
  [ -f .build/debug.yaml ] || { echo "fuzz: $1 needs the debug build's dependencies: run swift build first" >&2; return 1; }
  python3 fuzz/swiftpm-flags.py "$root" compile "$1"
}

# build_module NAME [LOWER_OBJECT...]: rebuilt when one of its sources, or a module it imports, changed.
build_module() {
  local name="$1" object="$out/obj/$1.o"; shift
  local sources; sources=$(module_sources "$name")
  # shellcheck disable=SC2086
  if [ -f "$object" ] && [ -z "$(find $sources "$@" -newer "$object" | head -1)" ]; then return 0; fi
  local extra=()
  if uses_dependencies "$name"; then mapfile -t extra < <(dependency_flags "$name"); fi
  echo "fuzz: compiling $name (instrumented)"
  # shellcheck disable=SC2086
  swiftc "${flags[@]}" "${xml_flags[@]}" "${extra[@]}" -module-name "$name" -wmo -enable-testing \
    -emit-module -emit-module-path "$out/obj/$name.swiftmodule" -c -o "$object" $sources
}

all_targets() { for f in fuzz/Targets/*.swift; do basename "$f" .swift; done; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(all_targets)

built=" "
for target in "${targets[@]}"; do
  modules=$(target_modules "$target")
  objects=()
  support=(fuzz/Support/*.swift)
  extra=()
  link=()
  for module in $modules; do
    case "$built" in *" $module "*) ;; *) build_module "$module" "${objects[@]}"; built="$built$module " ;; esac
    objects+=("$out/obj/$module.o")
    [ -d "fuzz/Support/$module" ] && support+=(fuzz/Support/"$module"/*.swift)
    if uses_dependencies "$module"; then
      mapfile -t extra < <(dependency_flags "$module")
      link=("@$out/dependencies.LinkFileList" -lstdc++ -lm -lz)
    fi
  done
  binary="$out/bin/$target"
  if [ -f "$binary" ] && [ -z "$(find "fuzz/Targets/$target.swift" "${support[@]}" "${objects[@]}" -newer "$binary" | head -1)" ]; then
    continue
  fi
  if [ ${#link[@]} -gt 0 ]; then python3 fuzz/swiftpm-flags.py "$root" link >"$out/dependencies.LinkFileList"; fi
  echo "fuzz: linking $target"
  # ld.gold's warnings about ASan's local symbols are noise.
  swiftc "${flags[@]}" "${xml_flags[@]}" "${extra[@]}" -module-name "Fuzz_${target//-/_}" "fuzz/Targets/$target.swift" \
    "${support[@]}" "${objects[@]}" "${link[@]}" $(pkg-config --libs libxml-2.0) -o "$binary" 2>&1 \
    | { grep -v "Cannot export local symbol" || true; }
  [ -x "$binary" ] && [ "$binary" -nt "fuzz/Targets/$target.swift" ] || { echo "fuzz: linking $target failed" >&2; exit 1; }
done
