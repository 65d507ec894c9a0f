#include "models/lstm_kernel.h"

#include <string.h>

#include "models/fastmath.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(LK_REAL_DOUBLE) && \
    !defined(__SANITIZE_THREAD__)
#define LSTM_X86 1
#include <immintrin.h>
#define T512 __attribute__((target("avx512f,avx512vl,avx2,fma")))
#define T256 __attribute__((target("avx2,fma")))
#define R512 6 /* rows per tile: 4 x 6 accumulators + 4 weight vectors + 1 broadcast <= 32 */
#define R256 3 /* 4 x 3 + 4 weight vectors <= 16 (the broadcast can reload one) */
#endif

bool lk_lstm_width_ok(int32_t w, int32_t H)
{
#ifdef LSTM_X86
    if (H <= 0 || (w != 16 && w != 8) || H % w != 0) return false;
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return false;
    return w == 8 || (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"));
#else
    (void)w;
    (void)H;
    return false;
#endif
}

int32_t lk_lstm_kernel_width(int32_t H)
{
    if (lk_lstm_width_ok(16, H)) return 16;
    if (lk_lstm_width_ok(8, H)) return 8;
    return 0;
}

size_t lk_lstm_pack_size(int32_t H) { return (size_t)4 * (size_t)H * (size_t)H; }

void lk_lstm_pack(const lk_real *w_h, int32_t H, int32_t w, lk_real *dst)
{
    size_t h = (size_t)H, W = (size_t)w;
    for (size_t u = 0; u < h / W; u++)
        for (size_t k = 0; k < h; k++)
            for (size_t g = 0; g < 4; g++)
                for (size_t v = 0; v < W; v++)
                    dst[((u * h + k) * 4 + g) * W + v] = w_h[(g * h + u * W + v) * h + k];
}

#ifdef LSTM_X86
/* The gates, c and h of units [j0, j0 + W) of one row, from the recurrent sums pre (4 W:
   gate g of unit j0 + v at g W + v), as lstm_row_forward computes them. */
__attribute__((always_inline)) static inline void
lstm_gates(int32_t H, int32_t W, int32_t j0, const float *restrict pre, const float *restrict x,
           const float *restrict cp, float *restrict hb, float *restrict cb)
{
    for (int32_t v = 0; v < W; v++) {
        int32_t j = j0 + v;
        float gi = lk_fast_sigmoidf(pre[v] + x[j]);
        float gf = lk_fast_sigmoidf(pre[W + v] + x[H + j]);
        float gg = lk_fast_tanhf(pre[2 * W + v] + x[2 * H + j]);
        float go = lk_fast_sigmoidf(pre[3 * W + v] + x[3 * H + j]);
        float cv = gf * cp[j] + gi * gg;
        cb[j] = cv;
        hb[j] = go * lk_fast_tanhf(cv);
    }
}

/* pre (R rows of 4 V) = the four gates' sums of R rows of hp (stride H) over panel p, for
   the V units of the panel; each sum over k in order, with FMA. The accumulators are named
   variables (an array of them ends up on the stack): rows r >= R fold away, R being a
   constant where the tile is inlined. */
#define TILE_ROW(r, VEC, SET1, FMA)                                                        \
    if (R > r) {                                                                           \
        VEC x = SET1(hp[(size_t)(r) * (size_t)H + (size_t)k]);                             \
        a##r##0 = FMA(x, b0, a##r##0);                                                     \
        a##r##1 = FMA(x, b1, a##r##1);                                                     \
        a##r##2 = FMA(x, b2, a##r##2);                                                     \
        a##r##3 = FMA(x, b3, a##r##3);                                                     \
    }
#define TILE_DECL(r, VEC, ZERO) VEC a##r##0 = ZERO(), a##r##1 = ZERO(), a##r##2 = ZERO(), a##r##3 = ZERO()
#define TILE_STORE(r, V, STORE)                                                            \
    if (R > r) {                                                                           \
        STORE(pre + (r) * 4 * (V), a##r##0);                                               \
        STORE(pre + (r) * 4 * (V) + (V), a##r##1);                                         \
        STORE(pre + (r) * 4 * (V) + 2 * (V), a##r##2);                                     \
        STORE(pre + (r) * 4 * (V) + 3 * (V), a##r##3);                                     \
    }

__attribute__((always_inline)) T512 static inline void
tile512(int R, int32_t H, const float *restrict hp, const float *restrict p, float *restrict pre)
{
    TILE_DECL(0, __m512, _mm512_setzero_ps);
    TILE_DECL(1, __m512, _mm512_setzero_ps);
    TILE_DECL(2, __m512, _mm512_setzero_ps);
    TILE_DECL(3, __m512, _mm512_setzero_ps);
    TILE_DECL(4, __m512, _mm512_setzero_ps);
    TILE_DECL(5, __m512, _mm512_setzero_ps);
    for (int32_t k = 0; k < H; k++) {
        const float *pk = p + (size_t)k * 64;
        __m512 b0 = _mm512_loadu_ps(pk), b1 = _mm512_loadu_ps(pk + 16);
        __m512 b2 = _mm512_loadu_ps(pk + 32), b3 = _mm512_loadu_ps(pk + 48);
        TILE_ROW(0, __m512, _mm512_set1_ps, _mm512_fmadd_ps)
        TILE_ROW(1, __m512, _mm512_set1_ps, _mm512_fmadd_ps)
        TILE_ROW(2, __m512, _mm512_set1_ps, _mm512_fmadd_ps)
        TILE_ROW(3, __m512, _mm512_set1_ps, _mm512_fmadd_ps)
        TILE_ROW(4, __m512, _mm512_set1_ps, _mm512_fmadd_ps)
        TILE_ROW(5, __m512, _mm512_set1_ps, _mm512_fmadd_ps)
    }
    TILE_STORE(0, 16, _mm512_storeu_ps)
    TILE_STORE(1, 16, _mm512_storeu_ps)
    TILE_STORE(2, 16, _mm512_storeu_ps)
    TILE_STORE(3, 16, _mm512_storeu_ps)
    TILE_STORE(4, 16, _mm512_storeu_ps)
    TILE_STORE(5, 16, _mm512_storeu_ps)
}

__attribute__((always_inline)) T256 static inline void
tile256(int R, int32_t H, const float *restrict hp, const float *restrict p, float *restrict pre)
{
    TILE_DECL(0, __m256, _mm256_setzero_ps);
    TILE_DECL(1, __m256, _mm256_setzero_ps);
    TILE_DECL(2, __m256, _mm256_setzero_ps);
    for (int32_t k = 0; k < H; k++) {
        const float *pk = p + (size_t)k * 32;
        __m256 b0 = _mm256_loadu_ps(pk), b1 = _mm256_loadu_ps(pk + 8);
        __m256 b2 = _mm256_loadu_ps(pk + 16), b3 = _mm256_loadu_ps(pk + 24);
        TILE_ROW(0, __m256, _mm256_set1_ps, _mm256_fmadd_ps)
        TILE_ROW(1, __m256, _mm256_set1_ps, _mm256_fmadd_ps)
        TILE_ROW(2, __m256, _mm256_set1_ps, _mm256_fmadd_ps)
    }
    TILE_STORE(0, 8, _mm256_storeu_ps)
    TILE_STORE(1, 8, _mm256_storeu_ps)
    TILE_STORE(2, 8, _mm256_storeu_ps)
}

/* Rows [b0, b0 + R) through panel u: sums, then gates. R and the width are constants
   after inlining, so the accumulators stay in registers. */
__attribute__((always_inline)) T512 static inline void
rows512(int R, int32_t H, int32_t u, const float *restrict p, int32_t b0, const float *restrict xw,
        const float *restrict hp, const float *restrict cp, float *restrict h, float *restrict c)
{
    float pre[R512 * 64];
    size_t bh = (size_t)b0 * (size_t)H;
    tile512(R, H, hp + bh, p, pre);
    for (int r = 0; r < R; r++) {
        size_t o = bh + (size_t)r * (size_t)H;
        lstm_gates(H, 16, u * 16, pre + r * 64, xw + 4 * o, cp + o, h + o, c + o);
    }
}

__attribute__((always_inline)) T256 static inline void
rows256(int R, int32_t H, int32_t u, const float *restrict p, int32_t b0, const float *restrict xw,
        const float *restrict hp, const float *restrict cp, float *restrict h, float *restrict c)
{
    float pre[R256 * 32];
    size_t bh = (size_t)b0 * (size_t)H;
    tile256(R, H, hp + bh, p, pre);
    for (int r = 0; r < R; r++) {
        size_t o = bh + (size_t)r * (size_t)H;
        lstm_gates(H, 8, u * 8, pre + r * 32, xw + 4 * o, cp + o, h + o, c + o);
    }
}

/* One function per tile height (small functions: the register allocator keeps all the
   accumulators in registers) */
#define ROWS_FN(NAME, R, ROWS, TGT)                                                        \
    TGT __attribute__((noinline)) static void NAME(int32_t H, int32_t u, const float *p,    \
                                                   int32_t b0, const float *xw,            \
                                                   const float *hp, const float *cp,       \
                                                   float *h, float *c)                     \
    {                                                                                      \
        ROWS(R, H, u, p, b0, xw, hp, cp, h, c);                                            \
    }
ROWS_FN(rows512_1, 1, rows512, T512)
ROWS_FN(rows512_2, 2, rows512, T512)
ROWS_FN(rows512_3, 3, rows512, T512)
ROWS_FN(rows512_4, 4, rows512, T512)
ROWS_FN(rows512_5, 5, rows512, T512)
ROWS_FN(rows512_6, 6, rows512, T512)
ROWS_FN(rows256_1, 1, rows256, T256)
ROWS_FN(rows256_2, 2, rows256, T256)
ROWS_FN(rows256_3, 3, rows256, T256)

typedef void (*rows_fn)(int32_t, int32_t, const float *, int32_t, const float *, const float *,
                        const float *, float *, float *);

/* Batch rows in chunks of about equal size, at most rmax each; every chunk of a panel
   while it is in L1. fns[R - 1] runs a chunk of R rows through one panel of W units. */
static void step_rows(int32_t B, int32_t H, int32_t W, int32_t rmax, const rows_fn *fns,
                      const float *pk, const float *xw, const float *hp, const float *cp,
                      float *h, float *c)
{
    int32_t nc = (B + rmax - 1) / rmax;
    for (int32_t u = 0; u < H / W; u++) {
        const float *p = pk + (size_t)u * (size_t)H * 4 * (size_t)W;
        for (int32_t i = 0, b0 = 0; i < nc; i++) {
            int32_t R = (B - b0) / (nc - i) + ((B - b0) % (nc - i) != 0);
            fns[R - 1](H, u, p, b0, xw, hp, cp, h, c);
            b0 += R;
        }
    }
}

static const rows_fn ROWS512[R512] = {rows512_1, rows512_2, rows512_3,
                                      rows512_4, rows512_5, rows512_6};
static const rows_fn ROWS256[R256] = {rows256_1, rows256_2, rows256_3};
#endif

void lk_lstm_step_packed(int32_t B, int32_t H, int32_t w, const lk_real *pk,
                         const lk_real *xw, const lk_real *h_prev, const lk_real *c_prev,
                         const uint8_t *mask, lk_real *h, lk_real *c)
{
#ifdef LSTM_X86
    if (w == 16) step_rows(B, H, 16, R512, ROWS512, pk, xw, h_prev, c_prev, h, c);
    else step_rows(B, H, 8, R256, ROWS256, pk, xw, h_prev, c_prev, h, c);
    for (int32_t b = 0; mask && b < B; b++)
        if (!mask[b]) { /* a padded step carries the state */
            size_t o = (size_t)b * (size_t)H;
            memcpy(h + o, h_prev + o, (size_t)H * sizeof *h);
            memcpy(c + o, c_prev + o, (size_t)H * sizeof *c);
        }
#else
    (void)B, (void)H, (void)w, (void)pk, (void)xw, (void)h_prev, (void)c_prev, (void)mask;
    (void)h, (void)c;
#endif
}
