/* util.h: small helpers shared across lexkit, one copy each: clocks in seconds, the FNV-1a
   hash of short keys, allocation of large arrays on huge pages. Thread-safe. */
#ifndef LK_TEXT_UTIL_H
#define LK_TEXT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

/* Seconds on the monotonic clock (for intervals; the origin is unspecified). */
double lk_clock_s(void);
/* CPU seconds used by the process so far (all threads). */
double lk_cpu_clock_s(void);
/* 64-bit FNV-1a of s[0..n) (short keys in small tables: tags, JSON object keys). */
uint64_t lk_fnv1a64(const void *s, size_t n);

/* malloc for large arrays: >= 2 MB blocks are 2 MB-aligned and advised as transparent huge
   pages (first touch faults once per 2 MB, random probes miss the TLB less). Free with free(). */
void *lk_huge_alloc(size_t bytes);

/* lk_huge_alloc for a short-lived block (freed by the function that allocates it): from
   64 KB up it takes a whole 2 MB huge page at least, first touched with one page fault
   instead of up to 512 (malloc serves a fresh 64 KB..2 MB block from new 4 KB pages: mmapped
   until its dynamic threshold grows, then from heap it has to grow). Free with free(). */
void *lk_huge_scratch(size_t bytes);

/* lk_grow's contract (doubling, *buf unchanged on failure) with lk_huge_alloc blocks. */
lk_status lk_huge_grow(void **buf, size_t *cap, size_t need, size_t elem);

#endif
