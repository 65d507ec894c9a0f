#include "models/blas.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "models/fastmath.h"

/* The float32 library build goes through OpenBLAS; the float64 test build (LK_REAL_DOUBLE,
   tiny shapes) uses the naive kernels so it needs no cblas header. */
#ifndef LK_REAL_DOUBLE
#include <cblas.h>
#include <pthread.h>
#define LK_USE_CBLAS 1

/* A single-threaded OpenBLAS built without USE_LOCKING (Debian's openblas-serial, which lexkit
   links) is not safe for concurrent calls: its gemm/gemv work buffers are shared, and two
   training workers calling sgemm at once gave different models from run to run. Such a build
   reports openblas_get_parallel() == 0; its level-2/3 calls are then serialized by this one
   process-wide lock (the only global in lexkit: it guards a non-reentrant dependency). A
   threaded OpenBLAS locks internally and is called without it. */
static pthread_mutex_t blas_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static bool blas_serial;

static void blas_probe(void) { blas_serial = openblas_get_parallel() == 0; }

static bool blas_lock(void)
{
    pthread_once(&blas_once, blas_probe);
    if (blas_serial) pthread_mutex_lock(&blas_mu);
    return blas_serial;
}

static void blas_unlock(bool locked)
{
    if (locked) pthread_mutex_unlock(&blas_mu);
}
#endif

static void gemm_shapes(bool trans_a, bool trans_b, const lk_mat *a, const lk_mat *b,
                        const lk_mat *c, int32_t *m, int32_t *n, int32_t *k)
{
    int32_t am = trans_a ? a->cols : a->rows, ak = trans_a ? a->rows : a->cols;
    int32_t bk = trans_b ? b->cols : b->rows, bn = trans_b ? b->rows : b->cols;
    assert(ak == bk);
    assert(c->rows == am && c->cols == bn);
    (void)bk;
    (void)c;
    *m = am;
    *n = bn;
    *k = ak;
}

void lk_gemm_naive(bool trans_a, bool trans_b, lk_real alpha, const lk_mat *a, const lk_mat *b,
                   lk_real beta, lk_mat *c)
{
    int32_t m, n, k;
    gemm_shapes(trans_a, trans_b, a, b, c, &m, &n, &k);
    for (int32_t i = 0; i < m; i++) {
        for (int32_t j = 0; j < n; j++) {
            double acc = 0.0;
            for (int32_t p = 0; p < k; p++) {
                double av = trans_a ? a->data[(size_t)p * a->cols + i]
                                    : a->data[(size_t)i * a->cols + p];
                double bv = trans_b ? b->data[(size_t)j * b->cols + p]
                                    : b->data[(size_t)p * b->cols + j];
                acc += av * bv;
            }
            lk_real *cij = &c->data[(size_t)i * c->cols + j];
            double prev = beta == 0 ? 0.0 : (double)beta * *cij;
            *cij = (lk_real)((double)alpha * acc + prev);
        }
    }
}

void lk_gemm(bool trans_a, bool trans_b, lk_real alpha, const lk_mat *a, const lk_mat *b,
             lk_real beta, lk_mat *c)
{
    int32_t m, n, k;
    gemm_shapes(trans_a, trans_b, a, b, c, &m, &n, &k);
    if (m == 0 || n == 0) return;
#ifdef LK_USE_CBLAS
    if (k == 0) {
        if (beta == 0) memset(c->data, 0, (size_t)m * n * sizeof *c->data);
        else cblas_sscal((blasint)m * n, beta, c->data, 1);
        return;
    }
    if (beta == 0) memset(c->data, 0, (size_t)m * n * sizeof *c->data); /* no NaN leak */
    if (m == 1) { /* one row (batch-1 inference): c = op(B)^T a as a gemv, no packing */
        bool locked = blas_lock();
        cblas_sgemv(CblasRowMajor, trans_b ? CblasNoTrans : CblasTrans, b->rows, b->cols, alpha,
                    b->data, b->cols, a->data, trans_a ? a->cols : 1, beta, c->data, 1);
        blas_unlock(locked);
        return;
    }
    bool locked = blas_lock();
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a->data, a->cols, b->data,
                b->cols, beta, c->data, c->cols);
    blas_unlock(locked);
#else
    lk_gemm_naive(trans_a, trans_b, alpha, a, b, beta, c);
#endif
}

/* c[.., j0..j1) (N columns per row) += a (K) @ bt[.., j0..j1) for one row. */
static inline void gemm_kn_row(int32_t N, int32_t K, int32_t j0, const lk_real *restrict a,
                               const lk_real *restrict bt, lk_real *restrict c)
{
    for (int32_t k = 0; k < K; k++) {
        lk_real ak = a[k];
        const lk_real *restrict bk = bt + (size_t)k * N;
        for (int32_t j = j0; j < N; j++) c[j] += ak * bk[j];
    }
}

#if defined(__GNUC__) && !defined(LK_REAL_DOUBLE)
#define KN_ROWS 4  /* register tile: 4 rows x 16 columns, 8 accumulators of 8 floats */
#define KN_COLS 16
typedef float kn_v8 __attribute__((vector_size(32)));

/* c (4 rows, 16 columns at stride N) += a (4 rows of K) @ bt (K, 16 columns at stride N).
   Every element still sums over k in order, as gemm_kn_row does. */
static inline void gemm_kn_tile(int32_t N, int32_t K, const float *restrict a,
                                const float *restrict bt, float *restrict c)
{
    size_t n = (size_t)N, kk = (size_t)K;
    kn_v8 acc[KN_ROWS][2];
    for (int r = 0; r < KN_ROWS; r++) {
        memcpy(&acc[r][0], c + r * n, sizeof(kn_v8));
        memcpy(&acc[r][1], c + r * n + 8, sizeof(kn_v8));
    }
    for (int32_t k = 0; k < K; k++) {
        kn_v8 b0, b1;
        memcpy(&b0, bt + (size_t)k * n, sizeof b0);
        memcpy(&b1, bt + (size_t)k * n + 8, sizeof b1);
        for (int r = 0; r < KN_ROWS; r++) {
            float x = a[r * kk + (size_t)k];
            acc[r][0] += x * b0;
            acc[r][1] += x * b1;
        }
    }
    for (int r = 0; r < KN_ROWS; r++) {
        memcpy(c + r * n, &acc[r][0], sizeof(kn_v8));
        memcpy(c + r * n + 8, &acc[r][1], sizeof(kn_v8));
    }
}
#endif

#if defined(KN_ROWS) && defined(__x86_64__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
/* x86-64 CPUs with AVX-512 or AVX2+FMA (chosen at run time): tiles of R rows x 2 vectors
   (32 columns with AVX-512, 16 with AVX2) for every R up to 12 (AVX-512) or 6 (AVX2), so
   the rows left after the full tiles go through one more tile instead of one by one; the
   last columns through a tile of one vector, then a masked one. Every element sums over k
   in order with FMA, from the value c held: a row's result does not depend on the rows
   batched with it. The accumulators are named variables (an array of them ends up on the
   stack), and rows r >= R fold away, R being a constant in each kn512_rows<R>. */
#include <immintrin.h>
#define KN_X86 1
#define KN_T512 __attribute__((target("avx512f,avx512vl,avx2,fma")))
#define KN_T256 __attribute__((target("avx2,fma")))
#define KN_R512 12 /* 2 x 12 accumulators + 2 weight vectors + 1 broadcast <= 32 registers */
#define KN_R256 6  /* 2 x 6 + 2 + 1 <= 16 */

/* Tile modes: W = 2 (two full vectors), 1 (one), 0 (one, masked to the first columns). */
#define KN_DECL(VEC, r) VEC a##r##0 = ZERO(), a##r##1 = ZERO()
#define KN_LOAD(r)                                                                         \
    if (R > r) {                                                                           \
        a##r##0 = LD(c + (size_t)(r) * n);                                                 \
        if (W == 2) a##r##1 = LDF(c + (size_t)(r) * n + VL);                               \
    }
#define KN_FMA(VEC, r)                                                                     \
    if (R > r) {                                                                           \
        VEC x = SET1(a[(size_t)(r) * kk + (size_t)k]);                                     \
        a##r##0 = FMA(x, b0, a##r##0);                                                     \
        if (W == 2) a##r##1 = FMA(x, b1, a##r##1);                                         \
    }
#define KN_STORE(r)                                                                        \
    if (R > r) {                                                                           \
        ST(c + (size_t)(r) * n, a##r##0);                                                  \
        if (W == 2) STF(c + (size_t)(r) * n + VL, a##r##1);                                \
    }
#define KN_ROWS_6(M, ...) M(__VA_ARGS__ 0) M(__VA_ARGS__ 1) M(__VA_ARGS__ 2) M(__VA_ARGS__ 3) \
    M(__VA_ARGS__ 4) M(__VA_ARGS__ 5)
#define KN_ROWS_12(M, ...) KN_ROWS_6(M, __VA_ARGS__) M(__VA_ARGS__ 6) M(__VA_ARGS__ 7)      \
    M(__VA_ARGS__ 8) M(__VA_ARGS__ 9) M(__VA_ARGS__ 10) M(__VA_ARGS__ 11)
#define KN_DECL_S(VEC, r) KN_DECL(VEC, r);

#define VL 16
#define ZERO _mm512_setzero_ps
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define LDF _mm512_loadu_ps
#define STF _mm512_storeu_ps
#define LD(p) (W == 0 ? _mm512_maskz_loadu_ps(mk, p) : _mm512_loadu_ps(p))
#define ST(p, v)                                                                           \
    do {                                                                                   \
        if (W == 0) _mm512_mask_storeu_ps(p, mk, v);                                       \
        else _mm512_storeu_ps(p, v);                                                       \
    } while (0)
__attribute__((always_inline)) KN_T512 static inline void
kn512_tile(int R, int W, __mmask16 mk, int32_t N, int32_t K, const float *restrict a,
           const float *restrict bt, float *restrict c)
{
    size_t n = (size_t)N, kk = (size_t)K;
    KN_ROWS_12(KN_DECL_S, __m512, )
    KN_ROWS_12(KN_LOAD, )
    for (int32_t k = 0; k < K; k++) {
        const float *bk = bt + (size_t)k * n;
        __m512 b0 = LD(bk), b1 = W == 2 ? LDF(bk + VL) : ZERO();
        KN_ROWS_12(KN_FMA, __m512, )
    }
    KN_ROWS_12(KN_STORE, )
}
#undef VL
#undef ZERO
#undef SET1
#undef FMA
#undef LDF
#undef STF
#undef LD
#undef ST

#define VL 8
#define ZERO _mm256_setzero_ps
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define LDF _mm256_loadu_ps
#define STF _mm256_storeu_ps
#define LD(p) (W == 0 ? _mm256_maskload_ps(p, mk) : _mm256_loadu_ps(p))
#define ST(p, v)                                                                           \
    do {                                                                                   \
        if (W == 0) _mm256_maskstore_ps(p, mk, v);                                         \
        else _mm256_storeu_ps(p, v);                                                       \
    } while (0)
__attribute__((always_inline)) KN_T256 static inline void
kn256_tile(int R, int W, __m256i mk, int32_t N, int32_t K, const float *restrict a,
           const float *restrict bt, float *restrict c)
{
    size_t n = (size_t)N, kk = (size_t)K;
    KN_ROWS_6(KN_DECL_S, __m256, )
    KN_ROWS_6(KN_LOAD, )
    for (int32_t k = 0; k < K; k++) {
        const float *bk = bt + (size_t)k * n;
        __m256 b0 = LD(bk), b1 = W == 2 ? LDF(bk + VL) : ZERO();
        KN_ROWS_6(KN_FMA, __m256, )
    }
    KN_ROWS_6(KN_STORE, )
}
#undef VL
#undef ZERO
#undef SET1
#undef FMA
#undef LDF
#undef STF
#undef LD
#undef ST

/* All columns of R rows: one function per R (small functions keep the accumulators in
   registers). */
#define KN512_ROWS(R)                                                                      \
    KN_T512 __attribute__((noinline)) static void kn512_rows##R(                           \
        int32_t N, int32_t K, const float *a, const float *bt, float *c)                   \
    {                                                                                      \
        int32_t j = 0;                                                                     \
        for (; j + 32 <= N; j += 32) kn512_tile(R, 2, 0, N, K, a, bt + j, c + j);          \
        if (j + 16 <= N) {                                                                 \
            kn512_tile(R, 1, 0, N, K, a, bt + j, c + j);                                   \
            j += 16;                                                                       \
        }                                                                                  \
        if (j < N) kn512_tile(R, 0, (__mmask16)((1u << (N - j)) - 1), N, K, a, bt + j, c + j); \
    }
#define KN256_ROWS(R)                                                                      \
    KN_T256 __attribute__((noinline)) static void kn256_rows##R(                           \
        int32_t N, int32_t K, const float *a, const float *bt, float *c)                   \
    {                                                                                      \
        int32_t j = 0;                                                                     \
        __m256i none = _mm256_setzero_si256();                                             \
        for (; j + 16 <= N; j += 16) kn256_tile(R, 2, none, N, K, a, bt + j, c + j);       \
        if (j + 8 <= N) {                                                                  \
            kn256_tile(R, 1, none, N, K, a, bt + j, c + j);                                \
            j += 8;                                                                        \
        }                                                                                  \
        if (j < N) {                                                                       \
            __m256i mk = _mm256_cmpgt_epi32(_mm256_set1_epi32(N - j),                      \
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));    \
            kn256_tile(R, 0, mk, N, K, a, bt + j, c + j);                                  \
        }                                                                                  \
    }
KN512_ROWS(1) KN512_ROWS(2) KN512_ROWS(3) KN512_ROWS(4) KN512_ROWS(5) KN512_ROWS(6)
KN512_ROWS(7) KN512_ROWS(8) KN512_ROWS(9) KN512_ROWS(10) KN512_ROWS(11) KN512_ROWS(12)
KN256_ROWS(1) KN256_ROWS(2) KN256_ROWS(3) KN256_ROWS(4) KN256_ROWS(5) KN256_ROWS(6)

typedef void (*kn_rows_fn)(int32_t, int32_t, const float *, const float *, float *);
static const kn_rows_fn KN512[KN_R512] = {kn512_rows1, kn512_rows2, kn512_rows3, kn512_rows4,
                                          kn512_rows5, kn512_rows6, kn512_rows7, kn512_rows8,
                                          kn512_rows9, kn512_rows10, kn512_rows11, kn512_rows12};
static const kn_rows_fn KN256[KN_R256] = {kn256_rows1, kn256_rows2, kn256_rows3,
                                          kn256_rows4, kn256_rows5, kn256_rows6};

/* The rows rmax at a time, then the rest in one tile. */
static void kn_run(const kn_rows_fn *fns, int32_t rmax, int32_t M, int32_t N, int32_t K,
                   const float *a, const float *bt, float *c)
{
    for (int32_t i = 0; i < M; i += rmax) {
        int32_t R = M - i < rmax ? M - i : rmax;
        fns[R - 1](N, K, a + (size_t)i * K, bt, c + (size_t)i * N);
    }
}
#endif

bool lk_gemm_kn_level_ok(int level)
{
    switch (level) {
    case 0:
        return true;
#ifdef KN_X86
    case 1:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case 2:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    default:
        return false;
    }
}

/* The portable kernel (level 0): 4 x 16 tiles in GCC vector types (an AVX2 or AVX-512 clone
   where the CPU has one, for the builds without KN_X86), then row by row. */
LK_CLONES static void gemm_kn_generic(int32_t M, int32_t N, int32_t K, const lk_real *a,
                                      const lk_real *bt, lk_real *c)
{
    int32_t i = 0;
#ifdef KN_ROWS
    int32_t jt = N - N % KN_COLS; /* columns [0, jt) in tiles, the rest row by row */
    for (; i + KN_ROWS <= M; i += KN_ROWS) {
        const float *ai = a + (size_t)i * K;
        float *ci = c + (size_t)i * N;
        for (int32_t j = 0; j < jt; j += KN_COLS) gemm_kn_tile(N, K, ai, bt + j, ci + j);
        if (jt < N)
            for (int r = 0; r < KN_ROWS; r++)
                gemm_kn_row(N, K, jt, ai + (size_t)r * K, bt, ci + (size_t)r * N);
    }
#endif
    for (; i < M; i++) gemm_kn_row(N, K, 0, a + (size_t)i * K, bt, c + (size_t)i * N);
}

void lk_gemm_kn_level(int level, int32_t M, int32_t N, int32_t K, const lk_real *a,
                      const lk_real *bt, lk_real *c)
{
    if (M <= 0 || N <= 0) return;
#ifdef KN_X86
    if (level == 2) {
        kn_run(KN512, KN_R512, M, N, K, a, bt, c);
        return;
    }
    if (level == 1) {
        kn_run(KN256, KN_R256, M, N, K, a, bt, c);
        return;
    }
#endif
    (void)level;
    gemm_kn_generic(M, N, K, a, bt, c);
}

void lk_gemm_kn(int32_t M, int32_t N, int32_t K, const lk_real *a, const lk_real *bt,
                lk_real *c)
{
#ifdef KN_X86
    lk_gemm_kn_level(lk_gemm_kn_level_ok(2) ? 2 : lk_gemm_kn_level_ok(1) ? 1 : 0, M, N, K, a, bt, c);
#else
    lk_gemm_kn_level(0, M, N, K, a, bt, c);
#endif
}

void lk_gemv(bool trans, lk_real alpha, const lk_mat *a, const lk_real *x, lk_real beta,
             lk_real *y)
{
    int32_t ny = trans ? a->cols : a->rows;
    if (ny == 0) return;
    if (beta == 0) memset(y, 0, (size_t)ny * sizeof *y);
#ifdef LK_USE_CBLAS
    if (a->rows == 0 || a->cols == 0) {
        if (beta != 0) cblas_sscal(ny, beta, y, 1);
        return;
    }
    bool locked = blas_lock();
    cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, a->rows, a->cols, alpha,
                a->data, a->cols, x, 1, beta, y, 1);
    blas_unlock(locked);
#else
    lk_mat xm = lk_mat_view((lk_real *)x, trans ? a->rows : a->cols, 1);
    lk_mat ym = lk_mat_view(y, ny, 1);
    lk_gemm_naive(trans, false, alpha, a, &xm, beta, &ym);
#endif
}

void lk_axpy(size_t n, lk_real alpha, const lk_real *x, lk_real *y)
{
    for (size_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

void lk_scal(size_t n, lk_real alpha, lk_real *x)
{
    for (size_t i = 0; i < n; i++) x[i] *= alpha;
}

double lk_dot(size_t n, const lk_real *x, const lk_real *y)
{
    double acc = 0.0;
    for (size_t i = 0; i < n; i++) acc += (double)x[i] * y[i];
    return acc;
}

double lk_sumsq(size_t n, const lk_real *x)
{
    double acc = 0.0;
    for (size_t i = 0; i < n; i++) acc += (double)x[i] * x[i];
    return acc;
}

void lk_blas_set_threads(int n)
{
#ifdef LK_USE_CBLAS
    openblas_set_num_threads(n < 1 ? 1 : n);
#else
    (void)n;
#endif
}

int lk_blas_threads(void)
{
#ifdef LK_USE_CBLAS
    return openblas_get_num_threads();
#else
    return 1;
#endif
}

#ifdef LK_USE_CBLAS
static char blas_desc[256];
static pthread_once_t blas_desc_once = PTHREAD_ONCE_INIT;

static void blas_describe(void)
{
    pthread_once(&blas_once, blas_probe);
    const char *cfg = openblas_get_config(), *core = openblas_get_corename();
    snprintf(blas_desc, sizeof blas_desc, "%s, kernel %s, %s", cfg ? cfg : "OpenBLAS",
             core ? core : "?", blas_serial ? "serial (calls serialized)" : "threaded");
}
#endif

const char *lk_blas_info(void)
{
#ifdef LK_USE_CBLAS
    pthread_once(&blas_desc_once, blas_describe);
    return blas_desc;
#else
    return "naive kernels (float64 test build)";
#endif
}
