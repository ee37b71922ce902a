#if canImport(Glibc)
import Glibc
#endif

/// Where large blocks come from. glibc serves a block past its mmap threshold with a mapping of its own, returned
/// to the system when freed, but raises that threshold each time such a block is freed: after a run's first large
/// table goes, later ones come from the heap and stay resident after they are freed. A bridge run allocates and
/// frees large tables stage after stage (the read's spans, each link's key tables), so the threshold is fixed at
/// 4 MiB: the million-resource export peaked about 20 MB lower, no slower (BENCHMARKS.md, eighth wave).
enum LargeAllocations {
    static func returnToTheSystemWhenFreed() {
        #if canImport(Glibc)
        // `mallopt` is declared in malloc.h, which the Glibc module does not include: found by name instead (a
        // null handle is RTLD_DEFAULT; -3 is malloc.h's M_MMAP_THRESHOLD). Another C library has no such symbol.
        typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mmapThreshold: Int32 = -3
        _ = unsafeBitCast(symbol, to: MallocOption.self)(mmapThreshold, 4 << 20)
        #endif
    }
}
