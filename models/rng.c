#include "models/rng.h"

#include <math.h>

#define SPLITMIX_GAMMA 0x9E3779B97F4A7C15ull

void lk_rng_seed(lk_rng *r, uint64_t seed)
{
    r->s = seed;
    (void)lk_rng_u64(r); /* decorrelate small seeds */
}

uint64_t lk_rng_u64(lk_rng *r)
{
    uint64_t z = (r->s += SPLITMIX_GAMMA);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint32_t lk_rng_u32(lk_rng *r) { return (uint32_t)(lk_rng_u64(r) >> 32); }

float lk_rng_uniform(lk_rng *r) { return (float)(lk_rng_u64(r) >> 40) * (1.0f / 16777216.0f); }

double lk_rng_uniform_f64(lk_rng *r)
{
    return (double)(lk_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t lk_rng_below(lk_rng *r, uint64_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = lk_rng_u64(r);
    } while (x >= limit);
    return x % n;
}

double lk_rng_normal(lk_rng *r)
{
    double u1 = lk_rng_uniform_f64(r), u2 = lk_rng_uniform_f64(r);
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
}
