import ReleaseAllocator

/// Transparent huge pages for the heap, for the commands that gain from them.
///
/// Why: a reconcile builds its trees in fresh memory; with huge pages it takes about a fifth of the page faults and
/// less CPU (BENCHMARKS.md, thirty-fifth wave), for about 14 MB more at its peak. An export holds its tables for
/// longer and frees them stage by stage: at a million resources huge pages made it 16% slower and 40 MiB larger
/// (thirty-fourth wave), so it and the other commands keep small pages.
///
/// How: the release binary's jemalloc asks for huge pages for every mapping it makes (`thp:always`), the process
/// forbids them before it allocates anything (huge_pages.c), and `allow()` lifts that. A build on glibc's malloc
/// (debug builds, IMMPORT_BRIDGE_SYSTEM_MALLOC) never asks, so on a system whose setting is `madvise` (Debian's)
/// nothing changes there; on one whose setting is `always`, the commands other than `reconcile` run on small pages.
enum HugePages {
    static func allow() { _ = immport_bridge_allow_huge_pages() }
}
