/* Tests for features/sparse/tfidf.c: TF-IDF values worked out by hand on a 3-document corpus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/sparse/bow.h"
#include "features/sparse/tfidf.h"

#define TOL 1e-9 /* the hand values below are given to 12+ digits */

/* Corpus (tokens given):  d1 = the cat sat   d2 = the cat the dog   d3 = dogs bark
   Columns (bytewise): bark cat dog dogs sat the;  N = 3.
   df: bark 1, cat 2, dog 1, dogs 1, sat 1, the 2. */
static lk_bow *fit3(lk_csr *X)
{
    static const char *d1[] = {"the", "cat", "sat"}, *d2[] = {"the", "cat", "the", "dog"},
                      *d3[] = {"dogs", "bark"};
    size_t l1[] = {3, 3, 3}, l2[] = {3, 3, 3, 3}, l3[] = {4, 4};
    lk_bow_config c = lk_bow_config_default();
    lk_bow *b;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    assert_int_equal(lk_bow_add_tokens(b, d1, l1, 3, &err), LK_OK);
    assert_int_equal(lk_bow_add_tokens(b, d2, l2, 4, &err), LK_OK);
    assert_int_equal(lk_bow_add_tokens(b, d3, l3, 2, &err), LK_OK);
    assert_int_equal(lk_bow_finish(b, X, &err), LK_OK);
    return b;
}

static void idf_of(const lk_bow *b, lk_idf_kind k, double *idf)
{
    for (int32_t c = 0; c < lk_bow_n_terms(b); c++)
        idf[c] = lk_idf(k, lk_bow_df(b, c), lk_bow_n_docs(b));
}

static double at(const lk_csr *m, int32_t r, int32_t c)
{
    for (int64_t k = m->indptr[r]; k < m->indptr[r + 1]; k++)
        if (m->indices[k] == c) return m->data[k];
    return 0;
}

static void test_idf_formulas(void **state)
{
    (void)state;
    /* smooth: ln((1+3)/(1+1)) + 1 = ln 2 + 1 = 1.693147180560;  ln(4/3) + 1 = 1.287682072452 */
    assert_true(fabs(lk_idf(LK_IDF_SMOOTH, 1, 3) - 1.6931471805599454) < TOL);
    assert_true(fabs(lk_idf(LK_IDF_SMOOTH, 2, 3) - 1.2876820724517808) < TOL);
    /* plain: ln(3/1) + 1 = 2.098612288668;  ln(3/2) + 1 = 1.405465108108 */
    assert_true(fabs(lk_idf(LK_IDF_PLAIN, 1, 3) - 2.0986122886681098) < TOL);
    assert_true(fabs(lk_idf(LK_IDF_PLAIN, 2, 3) - 1.4054651081081644) < TOL);
    /* textbook: ln(3/2) = 0.405465108108;  ln(3/3) = 0 */
    assert_true(fabs(lk_idf(LK_IDF_TEXTBOOK, 1, 3) - 0.4054651081081644) < TOL);
    assert_true(fabs(lk_idf(LK_IDF_TEXTBOOK, 2, 3)) < TOL);
    assert_true(lk_idf(LK_IDF_NONE, 2, 3) == 1);
}

static void test_tfidf_smooth_l2(void **state)
{
    (void)state;
    lk_csr X;
    lk_bow *b = fit3(&X);
    double idf[6];
    idf_of(b, LK_IDF_SMOOTH, idf);
    lk_tfidf_config c = lk_tfidf_config_default();
    assert_int_equal(lk_tfidf_apply(&c, idf, &X, NULL), LK_OK);
    /* d1: cat 1.287682 sat 1.693147 the 1.287682; |.| = sqrt(2*1.658125 + 2.866747)
       = sqrt(6.182997) = 2.486563; cat = 1.287682/2.486563 = 0.517856, sat = 0.680919 */
    assert_true(fabs(at(&X, 0, 1) - 0.51785612) < 1e-8);
    assert_true(fabs(at(&X, 0, 4) - 0.68091856) < 1e-8);
    assert_true(fabs(at(&X, 0, 5) - 0.51785612) < 1e-8);
    /* d2: cat 1.287682, dog 1.693147, the 2*1.287682 = 2.575364;
       |.| = sqrt(1.658125 + 2.866747 + 6.632500) = sqrt(11.157372) = 3.340265;
       cat 0.385503, dog 0.506890, the 0.771006 */
    assert_true(fabs(at(&X, 1, 1) - 0.38550292) < 1e-8);
    assert_true(fabs(at(&X, 1, 2) - 0.50689001) < 1e-8);
    assert_true(fabs(at(&X, 1, 5) - 0.77100584) < 1e-8);
    /* d3: bark and dogs both 1.693147: each 1/sqrt(2) = 0.707107 */
    assert_true(fabs(at(&X, 2, 0) - 0.70710678) < 1e-8);
    assert_true(fabs(at(&X, 2, 3) - 0.70710678) < 1e-8);
    lk_csr_free(&X);
    lk_bow_free(b);
}

static void test_tfidf_sublinear_l1(void **state)
{
    (void)state;
    lk_csr X;
    lk_bow *b = fit3(&X);
    double idf[6];
    idf_of(b, LK_IDF_PLAIN, idf);
    lk_tfidf_config c = {LK_IDF_PLAIN, true, LK_ROWNORM_L1, 1};
    assert_int_equal(lk_tfidf_apply(&c, idf, &X, NULL), LK_OK);
    /* d2, plain idf: cat 1.405465, dog 2.098612, the (1 + ln 2) * 1.405465 = 2.379675;
       l1 sum = 5.883752; cat 0.238873, dog 0.356680, the 0.404447 */
    double cat = 1.4054651081081644, dog = 2.0986122886681098,
           the = (1 + log(2.0)) * 1.4054651081081644, s = cat + dog + the;
    assert_true(fabs(at(&X, 1, 1) - cat / s) < TOL);
    assert_true(fabs(at(&X, 1, 2) - dog / s) < TOL);
    assert_true(fabs(at(&X, 1, 5) - the / s) < TOL);
    assert_true(fabs(at(&X, 1, 1) - 0.238873) < 1e-6);
    lk_csr_free(&X);
    lk_bow_free(b);
}

static void test_tfidf_no_norm_keeps_zero_rows(void **state)
{
    (void)state;
    lk_csr m;
    assert_int_equal(lk_csr_init(&m, 2), LK_OK);
    assert_int_equal(lk_csr_append_row(&m, NULL, NULL, 0), LK_OK);
    int32_t c[] = {1};
    double v[] = {3};
    assert_int_equal(lk_csr_append_row(&m, c, v, 1), LK_OK);
    lk_tfidf_config cfg = {LK_IDF_NONE, false, LK_ROWNORM_NONE, 1};
    double idf[] = {2, 0.5};
    assert_int_equal(lk_tfidf_apply(&cfg, idf, &m, NULL), LK_OK);
    assert_true(m.data[0] == 1.5);
    lk_csr_free(&m);
}

/* Two threads weight a matrix (large enough to be split) bit for bit as one does. */
static void test_tfidf_two_threads_equal_one(void **state)
{
    (void)state;
    enum { ROWS = 3000, COLS = 700 };
    lk_csr m[2];
    double idf[COLS];
    uint32_t seed = 11;
    for (int c = 0; c < COLS; c++) idf[c] = 1 + (double)(c % 37) / 7;
    for (int k = 0; k < 2; k++) assert_int_equal(lk_csr_init(&m[k], COLS), LK_OK);
    int32_t cols[COLS];
    double vals[COLS];
    for (int r = 0; r < ROWS; r++) {
        size_t n = 0;
        for (int c = 0; c < COLS; c++) {
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 16) % 16 == 0 || (r % 97 == 0 && c < 300)) {
                cols[n] = c;
                vals[n++] = 1 + (double)((seed >> 8) % 5);
            }
        }
        if (r % 50 == 7) n = 0; /* empty rows too */
        for (int k = 0; k < 2; k++) assert_int_equal(lk_csr_append_row(&m[k], cols, vals, n), LK_OK);
    }
    size_t nnz = (size_t)lk_csr_nnz(&m[0]);
    assert_true(nnz >= 100000);
    double *orig = malloc(nnz * sizeof *orig);
    assert_non_null(orig);
    memcpy(orig, m[0].data, nnz * sizeof *orig);
    lk_pool *pool = NULL; /* one pool for all the weightings below (its helper reused) */
    assert_int_equal(lk_pool_create(&pool), LK_OK);
    for (int norm = LK_ROWNORM_L2; norm <= LK_ROWNORM_NONE; norm++) {
        for (int sub = 0; sub < 2; sub++) {
            for (int k = 0; k < 2; k++) {
                memcpy(m[k].data, orig, nnz * sizeof *orig);
                lk_tfidf_config cfg = {LK_IDF_SMOOTH, sub != 0, (lk_row_norm)norm, k + 1};
                assert_int_equal(lk_tfidf_apply(&cfg, idf, &m[k], k ? pool : NULL), LK_OK);
            }
            assert_memory_equal(m[0].data, m[1].data, nnz * sizeof *orig);
        }
    }
    lk_pool_free(pool);
    free(orig);
    for (int k = 0; k < 2; k++) lk_csr_free(&m[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idf_formulas),
        cmocka_unit_test(test_tfidf_smooth_l2),
        cmocka_unit_test(test_tfidf_sublinear_l1),
        cmocka_unit_test(test_tfidf_no_norm_keeps_zero_rows),
        cmocka_unit_test(test_tfidf_two_threads_equal_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
