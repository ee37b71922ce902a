// Benchmark runner for release builds: `immport-bridge-bench COMMAND [ARGS] [--runs N] [--json]`.
// Commands come from the families listed in BenchmarkRegistry.swift; see BENCHMARKS.md for the figures.
#if canImport(Glibc)
import Glibc
#endif

exit(BenchmarkRegistry.main(Array(CommandLine.arguments.dropFirst())))
