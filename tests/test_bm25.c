/* test_bm25.c: the six BM25 variants against values worked out by hand.
   Corpus: d1 = "a b a" (dl 3), d2 = "b c" (dl 2), d3 = "a c c c" (dl 4); N = 3, avgdl = 3,
   k1 = 1.2, b = 0.75. Term a: df 2 (tf 2 in d1, tf 1 in d3); term c: df 2, tf 3 in d3 when
   we pretend df = 1 below (to cover a rarer term). Length factors:
   d1: 1 - b + b*3/3 = 1       (k1 * that = 1.2)
   d3: 1 - b + b*4/3 = 1.25    (k1 * that = 1.5) */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features/bm25.h"

#define TOL 1e-8

static double score(lk_bm25_variant v, double df, double tf, double dl)
{
    lk_bm25_params p = lk_bm25_params_default();
    p.variant = v;
    return lk_bm25_term_score(&p, 3.0, df, tf, dl, 3.0);
}

static void test_lucene(void **state)
{
    (void)state;
    /* idf(df 2) = ln(1 + (3 - 2 + .5)/(2 + .5)) = ln(1.6) = 0.470003629
       d1: tf part 2/(2 + 1.2) = 0.625 -> 0.293752268
       d3: tf part 1/(1 + 1.5) = 0.4   -> 0.188001452
       df 1, tf 3, dl 4: idf ln(1 + 2.5/1.5) = 0.980829253, 3/(3 + 1.5) -> 0.653886169 */
    assert_true(fabs(lk_bm25_idf(LK_BM25_LUCENE, 3, 2) - 0.470003629) < TOL);
    assert_true(fabs(score(LK_BM25_LUCENE, 2, 2, 3) - 0.293752268) < TOL);
    assert_true(fabs(score(LK_BM25_LUCENE, 2, 1, 4) - 0.188001452) < TOL);
    assert_true(fabs(score(LK_BM25_LUCENE, 1, 3, 4) - 0.653886169) < TOL);
}

static void test_robertson(void **state)
{
    (void)state;
    /* df 2: (3 - 2 + .5)/(2.5) = 0.6 < 1, clipped to 1 as bm25s does -> idf 0, score 0.
       df 1: ln(2.5/1.5) = 0.510825624; tf part as lucene 3/4.5 -> 0.340550416 */
    assert_true(fabs(score(LK_BM25_ROBERTSON, 2, 2, 3)) < TOL);
    assert_true(fabs(score(LK_BM25_ROBERTSON, 1, 3, 4) - 0.340550416) < TOL);
}

static void test_atire(void **state)
{
    (void)state;
    /* idf ln(3/2) = 0.405465108; d1: 2.2*2/(2 + 1.2) = 1.375 -> 0.557514524
       d3: 2.2*1/(1 + 1.5) = 0.88 -> 0.356809295; df 1: ln 3 * 2.2*3/4.5 = 1.611298023 */
    assert_true(fabs(score(LK_BM25_ATIRE, 2, 2, 3) - 0.557514524) < TOL);
    assert_true(fabs(score(LK_BM25_ATIRE, 2, 1, 4) - 0.356809295) < TOL);
    assert_true(fabs(score(LK_BM25_ATIRE, 1, 3, 4) - 1.611298023) < TOL);
}

static void test_bm25l(void **state)
{
    (void)state;
    /* idf ln(4/2.5) = 0.470003629, delta .5
       d1: c = 2/1 = 2, 2.2*(2.5)/(1.2 + 2.5) = 1.486486486 -> 0.698654043
       d3: c = 1/1.25 = .8, 2.2*1.3/(1.2 + 1.3) = 1.144 -> 0.537684152
       df 1: idf ln(4/1.5) = 0.980829253; c = 2.4, 2.2*2.9/4.1 = 1.556097561 -> 1.526266008 */
    assert_true(fabs(score(LK_BM25_BM25L, 2, 2, 3) - 0.698654043) < TOL);
    assert_true(fabs(score(LK_BM25_BM25L, 2, 1, 4) - 0.537684152) < TOL);
    assert_true(fabs(score(LK_BM25_BM25L, 1, 3, 4) - 1.526266008) < TOL);
}

static void test_bm25plus(void **state)
{
    (void)state;
    /* idf ln(4/2) = 0.693147181, delta 1
       d1: 2.2*2/(1.2 + 2) + 1 = 2.375 -> 1.646224554
       d3: 2.2/(1.5 + 1) + 1 = 1.88 -> 1.303116699; df 1: ln 4 * (6.6/4.5 + 1) = 3.419526091 */
    assert_true(fabs(score(LK_BM25_BM25PLUS, 2, 2, 3) - 1.646224554) < TOL);
    assert_true(fabs(score(LK_BM25_BM25PLUS, 2, 1, 4) - 1.303116699) < TOL);
    assert_true(fabs(score(LK_BM25_BM25PLUS, 1, 3, 4) - 3.419526091) < TOL);
}

static void test_xapian(void **state)
{
    (void)state;
    /* Xapian 1.4 BM25Weight(1.2, 0, 1, 0.75, 0.5). df 2: w = (3 - 2 + .5)/(2 + .5) = 0.6 < 2,
       lifted to 0.6/2 + 1 = 1.3, idf ln 1.3 = 0.262364264 (positive where robertson's is 0)
       d1: L = 3/3 = 1, 2.2*2/(2 + 1.2(.75 + .25)) = 1.375 -> 0.360750864
       d3: L = 4/3, 2.2*1/(1 + 1.2(1 + .25)) = 0.88 -> 0.230880553
       df 1: w = 2.5/1.5 < 2 -> 1.833333333, idf 0.606135804; tf 3, dl 4: 2.2*3/4.5 -> 0.888999179
       dl 1: L = max(1/3, .5) = .5, norm 1.2(.375 + .25) = 0.75, 2.2/1.75 -> 0.761999296
       N 100, df 1: w = 99.5/1.5 = 66.33 (not lifted) -> idf 4.194692536; df 40 -> 0.557850562 */
    assert_true(fabs(lk_bm25_idf(LK_BM25_XAPIAN, 3, 2) - 0.262364264) < TOL);
    assert_true(fabs(score(LK_BM25_XAPIAN, 2, 2, 3) - 0.360750864) < TOL);
    assert_true(fabs(score(LK_BM25_XAPIAN, 2, 1, 4) - 0.230880553) < TOL);
    assert_true(fabs(score(LK_BM25_XAPIAN, 1, 3, 4) - 0.888999179) < TOL);
    assert_true(fabs(score(LK_BM25_XAPIAN, 1, 1, 1) - 0.761999296) < TOL);
    assert_true(fabs(lk_bm25_idf(LK_BM25_XAPIAN, 100, 1) - 4.194692536) < TOL);
    assert_true(fabs(lk_bm25_idf(LK_BM25_XAPIAN, 100, 40) - 0.557850562) < TOL);
    /* one document, every term in it: w = .5/1.5, idf ln(1/6 + 1) > 0 */
    assert_true(fabs(lk_bm25_idf(LK_BM25_XAPIAN, 1, 1) - log(7.0 / 6.0)) < TOL);
    /* avgdl 0 (only empty documents): L = .5 as Xapian's len_factor 0 gives */
    lk_bm25_params p = lk_bm25_params_default();
    p.variant = LK_BM25_XAPIAN;
    assert_true(fabs(lk_bm25_norm(&p, 0, 0) - 0.75) < TOL);
    /* MSet weights of Xapian 1.4.22 for docs "a b c", "a a d e f", "b b b", "c d", "a"
       (N 5, avgdl 2.8; a: df 3, b: df 2): query "a b" gives doc 1 0.812274604 and doc 5
       (L = max(1/2.8, .5)) 0.383908359; "a a b" gives doc 2 twice its a: 0.687806567. */
    double a1 = lk_bm25_term_score(&p, 5, 3, 1, 3, 2.8);
    double b1 = lk_bm25_term_score(&p, 5, 2, 1, 3, 2.8);
    assert_true(fabs(a1 + b1 - 0.812274604) < TOL);
    assert_true(fabs(lk_bm25_term_score(&p, 5, 3, 1, 1, 2.8) - 0.383908359) < TOL);
    assert_true(fabs(2 * lk_bm25_term_score(&p, 5, 3, 2, 5, 2.8) - 0.687806567) < TOL);
}

static void test_params(void **state)
{
    (void)state;
    lk_bm25_params p = lk_bm25_params_default();
    lk_error err;
    assert_int_equal(p.variant, LK_BM25_LUCENE);
    assert_int_equal(lk_bm25_params_check(&p, &err), LK_OK);
    p.b = 1.5;
    assert_int_equal(lk_bm25_params_check(&p, &err), LK_ERR_ARG);
    p.b = 0.75;
    p.k1 = -1;
    assert_int_equal(lk_bm25_params_check(&p, &err), LK_ERR_ARG);
    lk_bm25_variant v;
    assert_true(lk_bm25_variant_parse("bm25+", &v));
    assert_int_equal(v, LK_BM25_BM25PLUS);
    assert_true(lk_bm25_variant_parse("atire", &v));
    assert_int_equal(v, LK_BM25_ATIRE);
    assert_true(lk_bm25_variant_parse("xapian", &v));
    assert_int_equal(v, LK_BM25_XAPIAN);
    assert_string_equal(lk_bm25_variant_name(LK_BM25_XAPIAN), "xapian");
    assert_false(lk_bm25_variant_parse("okapi", &v));
    p.variant = LK_BM25_BM25L;
    p.delta = -1;
    assert_true(lk_bm25_delta(&p) == 0.5);
    p.delta = 0.25;
    assert_true(lk_bm25_delta(&p) == 0.25);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lucene),   cmocka_unit_test(test_robertson),
        cmocka_unit_test(test_atire),    cmocka_unit_test(test_bm25l),
        cmocka_unit_test(test_bm25plus), cmocka_unit_test(test_xapian),
        cmocka_unit_test(test_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
