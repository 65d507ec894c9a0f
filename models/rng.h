/* rng.h: a small seeded random number generator (SplitMix64) passed by pointer; a value
   type, so copying it forks a stream. No global state. */
#ifndef LK_MODELS_RNG_H
#define LK_MODELS_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s;
} lk_rng;

void lk_rng_seed(lk_rng *r, uint64_t seed);
uint64_t lk_rng_u64(lk_rng *r);
uint32_t lk_rng_u32(lk_rng *r);
/* Uniform in [0, 1) with 24 random bits. */
float lk_rng_uniform(lk_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double lk_rng_uniform_f64(lk_rng *r);
/* Uniform integer in [0, n) without modulo bias; n > 0. */
uint64_t lk_rng_below(lk_rng *r, uint64_t n);
/* Standard normal (Box-Muller). */
double lk_rng_normal(lk_rng *r);

#endif
