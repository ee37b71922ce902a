// jemalloc's options for the release binary, which links jemalloc in place of glibc's malloc (Package.swift,
// `ReleaseAllocator`). jemalloc reads this symbol when it starts, before `main`; a build on glibc's malloc (debug
// builds, or IMMPORT_BRIDGE_SYSTEM_MALLOC=1) never reads it.
//
// dirty_decay_ms: freed pages go back to the system after about a second, not jemalloc's default ten. A bridge run
// frees each stage's tables as the next stage grows its own; with ten seconds, both stayed resident and a
// million-resource export peaked 10-25 MiB higher than on glibc's malloc.
//
// percpu_arena: one arena per CPU, not jemalloc's default of four per CPU: fewer partly used arenas, and the
// million's peak another 10 MiB lower (152-160 MiB, as on glibc), at the same speed; it grows with the machine, where
// a fixed number of arenas would not. (BENCHMARKS.md, thirty-fourth wave.)
#include "ReleaseAllocator.h"

const char *malloc_conf = "dirty_decay_ms:1000,percpu_arena:percpu";
