/* blas.h: row-major matrix views and the BLAS wrapper (the only user of cblas/OpenBLAS).
   Scalars are `lk_real`: float32 in the library. The build also compiles the numeric models
   code with LK_REAL_DOUBLE into lexkit_f64 (a test-only library, not installed): the
   float64 variant the gradient checks run. */
#ifndef LK_MODELS_BLAS_H
#define LK_MODELS_BLAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef LK_REAL_DOUBLE
typedef double lk_real;
#else
typedef float lk_real;
#endif

typedef struct {
    lk_real *data;        /* row-major, contiguous: (r, c) is data[(size_t)r * cols + c] */
    int32_t rows, cols;
} lk_mat;                 /* a view; it does not own data */

/* View of `data` as a (rows, cols) matrix. */
static inline lk_mat lk_mat_view(lk_real *data, int32_t rows, int32_t cols)
{
    lk_mat m;
    m.data = data;
    m.rows = rows;
    m.cols = cols;
    return m;
}

/* C = alpha * op(A) @ op(B) + beta * C, row-major; op(X) = X^T when trans_x.
   Shapes: op(A) (M, K), op(B) (K, N), C (M, N); asserted. beta == 0 ignores C's contents
   (NaN in C does not propagate). Thread-safe (OpenBLAS threads per call). */
void lk_gemm(bool trans_a, bool trans_b, lk_real alpha, const lk_mat *a, const lk_mat *b,
             lk_real beta, lk_mat *c);

/* Same contract as lk_gemm, plain triple loop with double accumulation: the reference
   kernel for tests. */
void lk_gemm_naive(bool trans_a, bool trans_b, lk_real alpha, const lk_mat *a, const lk_mat *b,
                   lk_real beta, lk_mat *c);

/* C (M, N) += A (M, K) @ Bt (K, N), row-major, with Bt the transposed weights (a copy made
   by the caller). Computed here without BLAS: thread-safe with no lock, and each element
   sums over k in order, so a row's result does not depend on M or on the other rows
   (batching never changes it). Meant for inference's small matrices (N, K up to a few
   hundred); gemm is faster for large M. */
void lk_gemm_kn(int32_t M, int32_t N, int32_t K, const lk_real *a, const lk_real *bt,
                lk_real *c);

/* lk_gemm_kn with a given kernel: level 2 = AVX-512 tiles, 1 = AVX2+FMA tiles, 0 = the
   portable one; lk_gemm_kn runs the best level this CPU has. Levels 1 and 2 sum with FMA,
   so their results differ from level 0's by float rounding. For tests: every level this
   CPU runs (lk_gemm_kn_level_ok) must give the same results up to rounding. */
bool lk_gemm_kn_level_ok(int level);
void lk_gemm_kn_level(int level, int32_t M, int32_t N, int32_t K, const lk_real *a,
                      const lk_real *bt, lk_real *c);

/* y = alpha * op(A) @ x + beta * y. A (M, N); x: (N) and y: (M) if !trans, else x: (M),
   y: (N). beta == 0 ignores y's contents. */
void lk_gemv(bool trans, lk_real alpha, const lk_mat *a, const lk_real *x, lk_real beta,
             lk_real *y);

/* y += alpha * x, both (n). */
void lk_axpy(size_t n, lk_real alpha, const lk_real *x, lk_real *y);

/* x *= alpha, (n). */
void lk_scal(size_t n, lk_real alpha, lk_real *x);

/* sum_i x[i] * y[i] accumulated in double. */
double lk_dot(size_t n, const lk_real *x, const lk_real *y);

/* sum_i x[i]^2 accumulated in double. */
double lk_sumsq(size_t n, const lk_real *x);

/* OpenBLAS thread count for the whole process (n >= 1). Only apps/ call this, once, before
   any work; the library never changes it. */
void lk_blas_set_threads(int n);

/* Current OpenBLAS thread count. */
int lk_blas_threads(void);

/* A one-line description of the BLAS in use, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ...,
   kernel Haswell, serial (calls serialized)": the kernel decides how huge or tiny values
   round, so bug reports and CI logs name it. Static storage; thread-safe. */
const char *lk_blas_info(void);

#endif
