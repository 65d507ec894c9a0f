/* util.c: see util.h. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "text/util.h"

#include <time.h>

#define FNV64_OFFSET 14695981039346656037ull
#define FNV64_PRIME 1099511628211ull

static double clock_of(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double lk_clock_s(void) { return clock_of(CLOCK_MONOTONIC); }

double lk_cpu_clock_s(void) { return clock_of(CLOCK_PROCESS_CPUTIME_ID); }

uint64_t lk_fnv1a64(const void *s, size_t n)
{
    const unsigned char *p = s;
    uint64_t h = FNV64_OFFSET;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * FNV64_PRIME;
    return h;
}
