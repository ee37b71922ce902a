// The release binary's allocator settings (see malloc_conf.c). Nothing to call: the settings are read by jemalloc
// itself when it starts.
