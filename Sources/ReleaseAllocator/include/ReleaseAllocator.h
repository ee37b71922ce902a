// The release binary's allocator: jemalloc's options (malloc_conf.c, read by jemalloc itself when it starts) and the
// process's switch for transparent huge pages (huge_pages.c).
#ifndef IMMPORT_BRIDGE_RELEASE_ALLOCATOR_H
#define IMMPORT_BRIDGE_RELEASE_ALLOCATOR_H

// Allows transparent huge pages for the process again (`prctl(PR_SET_THP_DISABLE, 0)`): they are forbidden from its
// start. Returns 0, or -1 where the system has no such switch.
int immport_bridge_allow_huge_pages(void);

#endif
