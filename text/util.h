/* util.h: small helpers shared across lexkit, one copy each: clocks in seconds and the FNV-1a
   hash of short keys. Thread-safe. */
#ifndef LK_TEXT_UTIL_H
#define LK_TEXT_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Seconds on the monotonic clock (for intervals; the origin is unspecified). */
double lk_clock_s(void);
/* CPU seconds used by the process so far (all threads). */
double lk_cpu_clock_s(void);
/* 64-bit FNV-1a of s[0..n) (short keys in small tables: tags, JSON object keys). */
uint64_t lk_fnv1a64(const void *s, size_t n);

#endif
