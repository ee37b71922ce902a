// Benchmark runner (release build); see BENCHMARKS.md.
print("immport-bridge-bench: no benchmarks yet")
