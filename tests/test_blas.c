/* test_blas.c: lk_gemm (OpenBLAS sgemm) against the naive reference for every transpose
   combination, beta handling, gemv and the vector helpers (float32 library build). */
#include "models/blas.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/rng.h"

static void fill(float *x, size_t n, lk_rng *rng)
{
    for (size_t i = 0; i < n; i++) x[i] = 2 * lk_rng_uniform(rng) - 1;
}

static float max_abs_diff(const float *a, const float *b, size_t n)
{
    float m = 0;
    for (size_t i = 0; i < n; i++) m = fmaxf(m, fabsf(a[i] - b[i]));
    return m;
}

static void test_gemm_matches_naive(void **state)
{
    (void)state;
    lk_rng rng;
    lk_rng_seed(&rng, 1);
    const int32_t M = 7, K = 13, N = 5;
    float a[7 * 13], b[13 * 5], c1[7 * 5], c2[7 * 5], c0[7 * 5];
    fill(a, sizeof a / sizeof *a, &rng);
    fill(b, sizeof b / sizeof *b, &rng);
    fill(c0, sizeof c0 / sizeof *c0, &rng);
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            /* same buffers, viewed as A (M,K) or A^T stored (K,M), etc. */
            lk_mat am = ta ? lk_mat_view(a, K, M) : lk_mat_view(a, M, K);
            lk_mat bm = tb ? lk_mat_view(b, N, K) : lk_mat_view(b, K, N);
            memcpy(c1, c0, sizeof c0);
            memcpy(c2, c0, sizeof c0);
            lk_mat cm1 = lk_mat_view(c1, M, N), cm2 = lk_mat_view(c2, M, N);
            lk_gemm(ta, tb, 0.5f, &am, &bm, 2.0f, &cm1);
            lk_gemm_naive(ta, tb, 0.5f, &am, &bm, 2.0f, &cm2);
            assert_true(max_abs_diff(c1, c2, (size_t)M * N) < 1e-5f);
        }
}

/* [1 2; 3 4] @ [5; 6] = [17; 39] */
static void test_gemm_hand_values_and_beta_zero(void **state)
{
    (void)state;
    float a[4] = {1, 2, 3, 4}, b[2] = {5, 6}, c[2] = {NAN, NAN};
    lk_mat am = lk_mat_view(a, 2, 2), bm = lk_mat_view(b, 2, 1), cm = lk_mat_view(c, 2, 1);
    lk_gemm(false, false, 1, &am, &bm, 0, &cm); /* beta 0: the NaNs in C are ignored */
    assert_true(c[0] == 17 && c[1] == 39);
    lk_gemm(true, false, 1, &am, &bm, 1, &cm); /* A^T b = [23; 34], added */
    assert_true(c[0] == 40 && c[1] == 73);
    float y[2] = {NAN, NAN};
    lk_gemv(false, 1, &am, b, 0, y);
    assert_true(y[0] == 17 && y[1] == 39);
    lk_gemv(true, 2, &am, b, 1, y); /* y += 2 A^T b */
    assert_true(y[0] == 63 && y[1] == 107);
}

static void test_vector_helpers(void **state)
{
    (void)state;
    float x[3] = {1, 2, 3}, y[3] = {1, 1, 1};
    lk_axpy(3, 2, x, y);
    assert_true(y[0] == 3 && y[1] == 5 && y[2] == 7);
    assert_true(lk_dot(3, x, y) == 3 + 10 + 21);
    assert_true(lk_sumsq(3, x) == 14);
    lk_scal(3, 0.5f, x);
    assert_true(x[2] == 1.5f);
}

/* One-row products go through gemv: every transpose combination, with beta. */
static void test_gemm_one_row(void **state)
{
    (void)state;
    lk_rng rng;
    lk_rng_seed(&rng, 3);
    const int32_t K = 9, N = 6;
    float a[9], b[9 * 6], c1[6], c2[6], c0[6];
    fill(a, 9, &rng);
    fill(b, 9 * 6, &rng);
    fill(c0, 6, &rng);
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            lk_mat am = ta ? lk_mat_view(a, K, 1) : lk_mat_view(a, 1, K);
            lk_mat bm = tb ? lk_mat_view(b, N, K) : lk_mat_view(b, K, N);
            memcpy(c1, c0, sizeof c0);
            memcpy(c2, c0, sizeof c0);
            lk_mat cm1 = lk_mat_view(c1, 1, N), cm2 = lk_mat_view(c2, 1, N);
            lk_gemm(ta, tb, 1.5f, &am, &bm, 0.5f, &cm1);
            lk_gemm_naive(ta, tb, 1.5f, &am, &bm, 0.5f, &cm2);
            assert_true(max_abs_diff(c1, c2, (size_t)N) < 1e-5f);
        }
}

static void test_larger_gemm(void **state)
{
    (void)state;
    lk_rng rng;
    lk_rng_seed(&rng, 2);
    const int32_t M = 64, K = 100, N = 96;
    float *a = malloc(sizeof(float) * M * K), *b = malloc(sizeof(float) * K * N);
    float *c1 = malloc(sizeof(float) * M * N), *c2 = malloc(sizeof(float) * M * N);
    fill(a, (size_t)M * K, &rng);
    fill(b, (size_t)K * N, &rng);
    lk_mat am = lk_mat_view(a, M, K), bm = lk_mat_view(b, N, K);
    lk_mat cm1 = lk_mat_view(c1, M, N), cm2 = lk_mat_view(c2, M, N);
    lk_gemm(false, true, 1, &am, &bm, 0, &cm1);
    lk_gemm_naive(false, true, 1, &am, &bm, 0, &cm2);
    assert_true(max_abs_diff(c1, c2, (size_t)M * N) < 1e-4f);
    free(a);
    free(b);
    free(c1);
    free(c2);
}

/* lk_gemm_kn (c += a @ bt, bt stored K x N) against a float64 sum, with every kernel this
   CPU runs (lk_gemm_kn_level: AVX-512, AVX2+FMA, portable), for row counts that exercise
   every tile height (1..12 rows of the AVX-512 path, 1..6 of the AVX2 one, 4 of the portable
   one, and their remainders) and column counts with and without a remainder (two vectors,
   one vector, a masked one); the 4 x 512 x 128 shape is an LSTM step's recurrent product.
   Each row must also not depend on the rows batched with it (bit for bit: a sentence's tags
   do not depend on its batch), and the kernels agree up to rounding. */
static void test_gemm_kn_tiles(void **state)
{
    (void)state;
    lk_rng rng;
    lk_rng_seed(&rng, 3);
    const int32_t Ms[] = {1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 18, 20, 24, 27, 33};
    const int32_t Ns[] = {512, 48, 40, 17, 7, 24};
    const int32_t Ks[] = {128, 5, 32};
    int levels = 0;
    for (int lv = 0; lv <= 2; lv++) levels += lk_gemm_kn_level_ok(lv);
    assert_true(lk_gemm_kn_level_ok(0));
    assert_false(lk_gemm_kn_level_ok(3));
    for (size_t mi = 0; mi < sizeof Ms / sizeof *Ms; mi++)
        for (size_t ni = 0; ni < sizeof Ns / sizeof *Ns; ni++)
            for (size_t ki = 0; ki < sizeof Ks / sizeof *Ks; ki++) {
                int32_t M = Ms[mi], N = Ns[ni], K = Ks[ki];
                float *a = malloc(sizeof(float) * (size_t)M * K);
                float *bt = malloc(sizeof(float) * (size_t)K * N);
                float *c = malloc(sizeof(float) * (size_t)M * N);
                float *c1 = malloc(sizeof(float) * (size_t)N);
                float *c0 = malloc(sizeof(float) * (size_t)M * N);
                float *cl = malloc(sizeof(float) * (size_t)M * N * 3);
                assert_non_null(a), assert_non_null(bt), assert_non_null(c), assert_non_null(c1);
                assert_non_null(c0), assert_non_null(cl);
                fill(a, (size_t)M * K, &rng);
                fill(bt, (size_t)K * N, &rng);
                fill(c, (size_t)M * N, &rng);
                memcpy(c0, c, sizeof(float) * (size_t)M * N);
                lk_gemm_kn(M, N, K, a, bt, c);
                for (int lv = 0; lv <= 2; lv++) {
                    float *cv = cl + (size_t)lv * M * N;
                    memcpy(cv, c0, sizeof(float) * (size_t)M * N);
                    if (lk_gemm_kn_level_ok(lv)) lk_gemm_kn_level(lv, M, N, K, a, bt, cv);
                }
                for (int32_t i = 0; i < M; i++) {
                    memcpy(c1, c0 + (size_t)i * N, sizeof(float) * (size_t)N);
                    lk_gemm_kn(1, N, K, a + (size_t)i * K, bt, c1);
                    for (int32_t j = 0; j < N; j++) {
                        size_t o = (size_t)i * N + j;
                        double ref = c0[o];
                        for (int32_t k = 0; k < K; k++)
                            ref += (double)a[(size_t)i * K + k] * bt[(size_t)k * N + j];
                        assert_true(fabs(c[o] - ref) < 1e-4);
                        assert_true(c[o] == c1[j]); /* the row alone: the same bits */
                        for (int lv = 0; lv <= 2; lv++)
                            if (lk_gemm_kn_level_ok(lv))
                                assert_true(fabs(cl[(size_t)lv * M * N + o] - ref) < 1e-4);
                    }
                }
                free(a), free(bt), free(c), free(c0), free(c1), free(cl);
            }
    assert_true(levels >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_matches_naive),
        cmocka_unit_test(test_gemm_hand_values_and_beta_zero),
        cmocka_unit_test(test_vector_helpers),
        cmocka_unit_test(test_gemm_one_row),
        cmocka_unit_test(test_larger_gemm),
        cmocka_unit_test(test_gemm_kn_tiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
