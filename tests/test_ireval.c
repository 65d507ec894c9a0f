/* test_ireval.c: trec_eval-convention metrics on a hand-computed example, and bad input. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features/search/ireval.h"
#include "tests/testutil.h"

/* q1: d1 rel 2, d2 rel 1, d3 rel 0, d4 rel 1 (3 relevant). q2: only a non-relevant
   judgment -> skipped. q3: d5 relevant, absent from the run -> all metrics 0. */
static const char qrels[] = "q1 0 d1 2\nq1 0 d2 1\nq1 0 d3 0\nq1 0 d4 1\n"
                            "q2 0 d9 0\nq3 0 d5 1\n";
/* q1 run, rank column deliberately wrong: trec_eval re-sorts by score, ties by docid
   descending: d3 (5), dX (4), d1 (4), d4 (3), d2 (1) -> rels 0, -, 2, 1, 1. */
static const char run[] = "q1 Q0 d1 1 4 t\nq1 Q0 d2 2 1 t\nq1 Q0 d3 3 5 t\n"
                          "q1 Q0 dX 4 4 t\nq1 Q0 d4 5 3 t\nq2 Q0 d9 1 2.5 t\n";

static void write_pair(char *qp, char *rp, const char *q, const char *r)
{
    lk_test_tmp_path(qp, 512, "qrels.txt");
    lk_test_tmp_path(rp, 512, "run.txt");
    lk_test_write_file(qp, q, strlen(q));
    lk_test_write_file(rp, r, strlen(r));
}

static void test_hand_computed(void **state)
{
    (void)state;
    char qp[512], rp[512];
    write_pair(qp, rp, qrels, run);
    lk_ireval_result res;
    lk_error err;
    assert_int_equal(lk_ireval_files(qp, rp, &res, &err), LK_OK);
    assert_int_equal(res.n_queries, 2);
    assert_int_equal(res.n_missing, 1);
    /* q1: AP = (1/3 + 2/4 + 3/5) / 3 = 0.477777778
       DCG@10 = 2/log2(4) + 1/log2(5) + 1/log2(6) = 1.817529...; ideal grades 2,1,1:
       2/1 + 1/log2(3) + 1/log2(4) = 3.130930 -> nDCG 0.580507871
       P@10 = 3/10, R@100 = 3/3, RR = 1/3. q3 contributes 0; means over 2 queries. */
    assert_true(fabs(res.map - 0.477777778 / 2) < 1e-8);
    assert_true(fabs(res.ndcg10 - 0.580507871 / 2) < 1e-8);
    assert_true(fabs(res.p10 - 0.15) < 1e-12);
    assert_true(fabs(res.r100 - 0.5) < 1e-12);
    assert_true(fabs(res.mrr - 1.0 / 6) < 1e-12);
}

static void test_bad_input(void **state)
{
    (void)state;
    char qp[512], rp[512];
    lk_ireval_result res;
    lk_error err;
    write_pair(qp, rp, qrels, "q1 Q0 d1 1 4 t\nq1 Q0 d1 2 3 t\n");
    assert_int_equal(lk_ireval_files(qp, rp, &res, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "run.txt:2: document \"d1\" listed twice for query \"q1\""));
    write_pair(qp, rp, qrels, "q1 Q0 d1 1 abc t\n");
    assert_int_equal(lk_ireval_files(qp, rp, &res, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "run.txt:1:12: bad score \"abc\""));
    write_pair(qp, rp, "q1 0 d1\n", run);
    assert_int_equal(lk_ireval_files(qp, rp, &res, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "qrels.txt:1:1: expected 4 fields"));
    assert_int_equal(lk_ireval_files("/nonexistent/q", rp, &res, &err), LK_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
