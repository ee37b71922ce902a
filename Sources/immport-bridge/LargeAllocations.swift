#if canImport(Glibc)
import Glibc
#endif

/// Where large blocks come from, and when freed memory goes back. glibc serves a block past its mmap threshold with a
/// mapping of its own, returned to the system when freed, but raises that threshold each time such a block is freed:
/// after a run's first large table goes, later ones come from the heap and stay resident after they are freed. A
/// bridge run allocates and frees large tables stage after stage (the read's spans, each link's key tables), so the
/// threshold is fixed at 4 MiB: the million-resource export peaked about 20 MB lower, no slower (BENCHMARKS.md,
/// eighth wave).
///
/// Fixing it also fixes the trim threshold at glibc's 128 KiB: a heap was given back whenever 128 KiB at its top
/// were free, and taken again (a `mprotect` and zeroed pages) by the next tree, a tenth of a reconcile's time
/// (BENCHMARKS.md, eleventh wave). A heap now keeps up to 8 MiB free at its top, and grows 1 MiB at a time.
///
/// All of this is glibc's malloc: the release binary allocates with jemalloc (Package.swift, `ReleaseAllocator`),
/// whose own settings are in `malloc_conf.c`, and then leaves glibc's alone.
enum LargeAllocations {
    static func returnToTheSystemWhenFreed() {
        #if canImport(Glibc)
        // jemalloc's control function: present only when jemalloc is the process's allocator.
        if dlsym(nil, "mallctl") != nil { return }
        // `mallopt` is declared in malloc.h, which the Glibc module does not include: found by name instead (a
        // null handle is RTLD_DEFAULT; -3, -1 and -2 are malloc.h's M_MMAP_THRESHOLD, M_TRIM_THRESHOLD and
        // M_TOP_PAD). Another C library has no such symbol.
        typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallocOption.self)
        let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1, topPad: Int32 = -2
        _ = mallopt(mmapThreshold, 4 << 20)
        _ = mallopt(trimThreshold, 8 << 20)
        _ = mallopt(topPad, 1 << 20)
        #endif
    }
}
