// JSON's structural bytes found 64 at a time (json_structure.c), for the scans that only need to know where
// strings, nesting and separators are: the Shared Data answers' array splitter (ImmPortAPI's JSONArraySplitter).
#ifndef IMMPORT_BRIDGE_JSON_STRUCTURE_H
#define IMMPORT_BRIDGE_JSON_STRUCTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Scans `bytes[start..<count]`, inside an item of a JSON array, for the item's terminator: a ',', ']' or '}' outside
// strings at depth 0 (the item's own nesting counted in `*depth`, whether the scan is inside a string in
// `*in_string`, both carried in and out). Works on whole blocks of 64 bytes that hold no backslash, and stops at the
// first block that does, or that is not whole (the caller scans those bytes its own way, then may call again).
//
// Returns the offset where it stopped. `*found` says whether that offset holds the terminator (then `*in_string`
// is false and `*depth` 0); otherwise it is the start of the block it did not scan, and the state is the state
// there.
size_t json_structure_scan_item(
    const uint8_t *bytes, size_t start, size_t count, int64_t *depth, bool *in_string, bool *found);

// Whether the scan has vector instructions here (SSE2, every x86-64). Elsewhere it builds its masks a byte at a time:
// the same answers, but slower than the caller's own byte-by-byte scan, so callers do not use it by default.
bool json_structure_scan_is_vectorised(void);

#endif
