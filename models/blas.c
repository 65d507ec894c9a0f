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
/* AVX-512 (x86-64-v4 CPUs, chosen at run time): the same tiles with 512-bit vectors, 4 rows x
   32 columns (8 accumulators of 16 floats), then 4 x 16, then row by row. Every element sums
   over k in order with FMA, as in the AVX2+FMA clone: the same bits. */
#define KN_AVX512 1
#define KN_AVX512_TARGET __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma,f16c")))
typedef float kn_v16 __attribute__((vector_size(64)));
#define KN_PAD_K 512 /* inner sizes up to this use a padded tile for the last columns */

/* c (R rows, 32 columns at stride N) += a (R rows of K) @ bt (K, 32 columns at stride N),
   R = 8 or 12: 2R accumulators, so each pair of bt vectors loaded serves 2 or 3 times the
   rows of the 4-row tile (the recurrent product of a batched LSTM step is bound by reading
   W_h^T). The 4-row tile is this with R = KN_ROWS. */
#define KN_ROWS_BIG 12
__attribute__((always_inline)) KN_AVX512_TARGET static inline void
gemm_kn_tile512_rows(int32_t N, int32_t K, int R, const float *restrict a,
                     const float *restrict bt, float *restrict c)
{
    size_t n = (size_t)N, kk = (size_t)K;
    kn_v16 acc[KN_ROWS_BIG][2];
    for (int r = 0; r < R; r++)
        for (int h = 0; h < 2; h++) memcpy(&acc[r][h], c + r * n + 16 * h, sizeof(kn_v16));
    for (int32_t k = 0; k < K; k++) {
        kn_v16 b0, b1;
        memcpy(&b0, bt + (size_t)k * n, sizeof b0);
        memcpy(&b1, bt + (size_t)k * n + 16, sizeof b1);
        for (int r = 0; r < R; r++) {
            float x = a[r * kk + (size_t)k];
            acc[r][0] += x * b0;
            acc[r][1] += x * b1;
        }
    }
    for (int r = 0; r < R; r++)
        for (int h = 0; h < 2; h++) memcpy(c + r * n + 16 * h, &acc[r][h], sizeof(kn_v16));
}

KN_AVX512_TARGET static void gemm_kn_tile512(int32_t N, int32_t K, int32_t W,
                                             const float *restrict a, const float *restrict bt,
                                             float *restrict c)
{
    if (W == 2) {
        gemm_kn_tile512_rows(N, K, KN_ROWS, a, bt, c);
        return;
    }
    size_t n = (size_t)N, kk = (size_t)K;
    kn_v16 acc[KN_ROWS];
    for (int r = 0; r < KN_ROWS; r++) memcpy(&acc[r], c + r * n, sizeof(kn_v16));
    for (int32_t k = 0; k < K; k++) {
        kn_v16 b0;
        memcpy(&b0, bt + (size_t)k * n, sizeof b0);
        for (int r = 0; r < KN_ROWS; r++) acc[r] += a[r * kk + (size_t)k] * b0;
    }
    for (int r = 0; r < KN_ROWS; r++) memcpy(c + r * n, &acc[r], sizeof(kn_v16));
}

KN_AVX512_TARGET static void gemm_kn_tile512_r12(int32_t N, int32_t K, const float *restrict a,
                                                 const float *restrict bt, float *restrict c)
{
    gemm_kn_tile512_rows(N, K, KN_ROWS_BIG, a, bt, c);
}

KN_AVX512_TARGET static void gemm_kn_tile512_r8(int32_t N, int32_t K, const float *restrict a,
                                                const float *restrict bt, float *restrict c)
{
    gemm_kn_tile512_rows(N, K, 2 * KN_ROWS, a, bt, c);
}

KN_AVX512_TARGET static void gemm_kn_avx512(int32_t M, int32_t N, int32_t K, const float *a,
                                            const float *bt, float *c)
{
    int32_t i = 0, j32 = N - N % 32, j16 = N - N % 16;
    /* the first rows 12 then 8 at a time over the 32-column blocks (m8 of them); their other
       columns, and the rows after m8, below */
    int32_t m12 = j32 > 0 ? M - M % KN_ROWS_BIG : 0, m8 = m12;
    for (int32_t i0 = 0; i0 < m12; i0 += KN_ROWS_BIG)
        for (int32_t j = 0; j < j32; j += 32)
            gemm_kn_tile512_r12(N, K, a + (size_t)i0 * K, bt + j, c + (size_t)i0 * N + j);
    if (j32 > 0 && M - m12 >= 2 * KN_ROWS) {
        for (int32_t j = 0; j < j32; j += 32)
            gemm_kn_tile512_r8(N, K, a + (size_t)m12 * K, bt + j, c + (size_t)m12 * N + j);
        m8 += 2 * KN_ROWS;
    }
    float pad[KN_PAD_K * 16]; /* bt's last N - j16 columns, zero-padded to 16 */
    if (j16 < N && K <= KN_PAD_K && M >= KN_ROWS)
        for (int32_t k = 0; k < K; k++) {
            memset(pad + (size_t)k * 16, 0, 16 * sizeof *pad);
            memcpy(pad + (size_t)k * 16, bt + (size_t)k * N + j16, (size_t)(N - j16) * sizeof *pad);
        }
    for (; i + KN_ROWS <= M; i += KN_ROWS) {
        const float *ai = a + (size_t)i * K;
        float *ci = c + (size_t)i * N;
        if (i >= m8)
            for (int32_t j = 0; j < j32; j += 32) gemm_kn_tile512(N, K, 2, ai, bt + j, ci + j);
        if (j32 < j16) gemm_kn_tile512(N, K, 1, ai, bt + j32, ci + j32);
        if (j16 < N && K <= KN_PAD_K) { /* the last columns through a zero-padded tile */
            float cp[KN_ROWS * 16];
            for (int r = 0; r < KN_ROWS; r++) {
                memset(cp + r * 16, 0, 16 * sizeof *cp);
                memcpy(cp + r * 16, ci + (size_t)r * N + j16, (size_t)(N - j16) * sizeof *cp);
            }
            gemm_kn_tile512(16, K, 1, ai, pad, cp);
            for (int r = 0; r < KN_ROWS; r++)
                memcpy(ci + (size_t)r * N + j16, cp + r * 16, (size_t)(N - j16) * sizeof *cp);
        } else if (j16 < N) {
            for (int r = 0; r < KN_ROWS; r++)
                gemm_kn_row(N, K, j16, ai + (size_t)r * K, bt, ci + (size_t)r * N);
        }
    }
    for (; i < M; i++) gemm_kn_row(N, K, 0, a + (size_t)i * K, bt, c + (size_t)i * N);
}
#endif

LK_CLONES void lk_gemm_kn(int32_t M, int32_t N, int32_t K, const lk_real *a, const lk_real *bt,
                          lk_real *c)
{
    int32_t i = 0;
#ifdef KN_AVX512
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        gemm_kn_avx512(M, N, K, a, bt, c);
        return;
    }
#endif
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
