// The process's switch for transparent huge pages (HugePages.swift says which command throws it, and why).
//
// The release binary's jemalloc asks for huge pages for every mapping it makes (`thp:always`, malloc_conf.c): it
// reads its options once, for the whole process. The kernel's per-process switch decides whether that request
// counts: it is thrown to "forbidden" before anything else runs, from the executable's pre-initialisers, which the
// dynamic linker runs before any library's constructors (jemalloc's among them) and so before the first
// allocation. Thrown from an ordinary constructor, it came after jemalloc's first pages had become huge: 10 MB more
// for every command.
#include "ReleaseAllocator.h"

#ifdef __linux__
#include <sys/prctl.h>

int immport_bridge_allow_huge_pages(void) { return prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0); }

static void forbid_huge_pages(int argc, char **argv, char **environment) {
    (void)argc;
    (void)argv;
    (void)environment;
    (void)prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
}

// (A function is called from here only in an executable, which this target is always linked into.)
__attribute__((section(".preinit_array"), used)) static void (*const forbid_huge_pages_first)(int, char **, char **) =
    forbid_huge_pages;
#else
int immport_bridge_allow_huge_pages(void) { return -1; }
#endif
