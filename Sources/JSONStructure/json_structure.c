// JSON's structural bytes, 64 at a time: a bit per byte for each kind (quote, backslash, opening and closing
// brackets, comma), whether each byte is inside a string from the quotes before it (a prefix XOR), and then only
// the bits that matter are visited. A block with a backslash is left to the caller's byte-by-byte scan: escapes are
// rare in Shared Data records, and a string's escapes are where a 64-bit scan is easiest to get wrong.
#include "JSONStructure.h"

// A bit per byte of a 64-byte block, for each kind of byte the scan looks at.
typedef struct {
    uint64_t quote, backslash, open, close, comma;
} block_masks;

#if defined(__SSE2__)
#include <emmintrin.h>

static inline uint64_t movemask(__m128i matches) { return (uint64_t)(uint32_t)_mm_movemask_epi8(matches); }

static inline block_masks classify(const uint8_t *block) {
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), comma = _mm_set1_epi8(',');
    // '{' and '[' differ only in 0x20 (0x7B, 0x5B), as do '}' and ']' (0x7D, 0x5D): no other byte ORed with 0x20
    // gives 0x7B or 0x7D.
    const __m128i bit5 = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}');
    block_masks masks = {0, 0, 0, 0, 0};
    for (int part = 0; part < 4; part++) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(block + 16 * part));
        __m128i folded = _mm_or_si128(bytes, bit5);
        int shift = 16 * part;
        masks.quote |= movemask(_mm_cmpeq_epi8(bytes, quote)) << shift;
        masks.backslash |= movemask(_mm_cmpeq_epi8(bytes, backslash)) << shift;
        masks.comma |= movemask(_mm_cmpeq_epi8(bytes, comma)) << shift;
        masks.open |= movemask(_mm_cmpeq_epi8(folded, open)) << shift;
        masks.close |= movemask(_mm_cmpeq_epi8(folded, close)) << shift;
    }
    return masks;
}
#else
// The same masks a byte at a time, where SSE2 is not there: correct, and slower than the callers' own scans, so used
// only when a caller asks (the tests, which hold it to the byte-by-byte scan on every architecture).
static inline block_masks classify(const uint8_t *block) {
    block_masks masks = {0, 0, 0, 0, 0};
    for (int i = 0; i < 64; i++) {
        uint64_t bit = (uint64_t)1 << i;
        switch (block[i]) {
        case '"': masks.quote |= bit; break;
        case '\\': masks.backslash |= bit; break;
        case ',': masks.comma |= bit; break;
        case '{': case '[': masks.open |= bit; break;
        case '}': case ']': masks.close |= bit; break;
        default: break;
        }
    }
    return masks;
}
#endif

#if defined(__SSE2__)
bool json_structure_scan_is_vectorised(void) { return true; }
#else
bool json_structure_scan_is_vectorised(void) { return false; }
#endif

// Bit i: the parity of the set bits at or below i.
static inline uint64_t prefix_xor(uint64_t bits) {
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    bits ^= bits << 32;
    return bits;
}

size_t json_structure_scan_item(
    const uint8_t *bytes, size_t start, size_t count, int64_t *depth, bool *in_string, bool *found) {
    size_t at = start;
    int64_t nesting = *depth;
    uint64_t inside_before = *in_string ? ~(uint64_t)0 : 0;
    *found = false;
    while (count - at >= 64) {
        block_masks masks = classify(bytes + at);
        if (masks.backslash != 0) break;
        // A byte that is not a quote is inside a string when an odd number of quotes precede it in the block,
        // counted from the state the block began in.
        uint64_t inside = prefix_xor(masks.quote) ^ inside_before;
        uint64_t open = masks.open & ~inside, close = masks.close & ~inside, comma = masks.comma & ~inside;
        uint64_t remaining = ~(uint64_t)0;
        for (;;) {
            // Inside the item's own nesting only brackets matter; at its depth 0 a comma ends it too.
            uint64_t candidates = (open | close | (nesting == 0 ? comma : 0)) & remaining;
            if (candidates == 0) break;
            int index = __builtin_ctzll(candidates);
            uint64_t bit = (uint64_t)1 << index;
            remaining &= ~(bit | (bit - 1));
            if (open & bit) {
                nesting++;
            } else if ((close & bit) && nesting > 0) {
                nesting--;
            } else {
                *depth = nesting;
                *in_string = false;
                *found = true;
                return at + (size_t)index;
            }
        }
        inside_before = (inside >> 63) ? ~(uint64_t)0 : 0;
        at += 64;
    }
    *depth = nesting;
    *in_string = inside_before != 0;
    return at;
}
