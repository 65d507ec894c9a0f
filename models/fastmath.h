/* fastmath.h: branch-free float32 exp, sigmoid and tanh that gcc inlines and vectorises
   (libm's expf is a call per element). Bounds, checked over a grid by tests/test_fastmath.c
   (measured worst case in brackets): lk_fast_expf relative error < 1.5e-7 [8.3e-8] on
   [-87, 88], clamped outside (exp(-87) ~ 1.6e-38, exp(88) ~ 1.7e38); lk_fast_sigmoidf
   absolute error < 1.5e-7 [8.9e-8] and lk_fast_tanhf < 3e-7 [1.8e-7] everywhere. NaN in,
   NaN out (a diverging training run must still see its NaNs). */
#ifndef LK_MODELS_FASTMATH_H
#define LK_MODELS_FASTMATH_H

#include <stdint.h>
#include <string.h>

/* always inlined: a call inside a loop stops it from vectorising */
#if defined(__GNUC__)
#define LK_FAST_INLINE static inline __attribute__((always_inline))
#else
#define LK_FAST_INLINE static inline
#endif

/* Hot loops get an AVX2+FMA clone picked at load time on x86-64 (the build itself targets
   plain x86-64); results differ between clones only by FMA rounding. */
/* Not under ThreadSanitizer: the instrumented ifunc resolvers run before TSan's runtime is
   set up and crash at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(LK_REAL_DOUBLE) && \
    !defined(__SANITIZE_THREAD__)
#define LK_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LK_CLONES
#endif

#define LK_FAST_EXP_MIN (-87.0f)
#define LK_FAST_EXP_MAX 88.0f

/* e^x: x = n ln2 + f with |f| <= ln2/2 (Cody-Waite split of ln2), e^f by the degree-7
   minimax polynomial of Cephes' expf, 2^n built in the exponent bits. */
LK_FAST_INLINE float lk_fast_expf(float x)
{
    float xc = x > LK_FAST_EXP_MIN ? x : LK_FAST_EXP_MIN; /* NaN -> MIN here ... */
    xc = xc < LK_FAST_EXP_MAX ? xc : LK_FAST_EXP_MAX;
    const float round_magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    float n = (xc * 1.44269504088896341f + round_magic) - round_magic;
    float f = xc - n * 0.693359375f;
    f = f - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * f + 1.3981999507e-3f;
    p = p * f + 8.3334519073e-3f;
    p = p * f + 4.1665795894e-2f;
    p = p * f + 1.6666665459e-1f;
    p = p * f + 5.0000001201e-1f;
    p = p * f * f + f + 1.0f;
    int32_t bits = ((int32_t)n + 127) * (1 << 23); /* n in [-126, 127] */
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return x == x ? p * scale : x; /* ... and NaN is passed through, as expf does */
}

/* 1 / (1 + e^-x) */
LK_FAST_INLINE float lk_fast_sigmoidf(float x) { return 1.0f / (1.0f + lk_fast_expf(-x)); }

/* tanh x = 2 sigmoid(2x) - 1 */
LK_FAST_INLINE float lk_fast_tanhf(float x) { return 2.0f / (1.0f + lk_fast_expf(-2.0f * x)) - 1.0f; }

#endif
