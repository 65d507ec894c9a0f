/* test_crf.c: linear-chain CRF in float64: log-partition and Viterbi against brute force over
   all L^T paths, alpha/beta agreement, marginals, NLL gradients by central differences, and
   the batch helpers on a time-major (T, B, L) tensor. */
#include "models/blas.h"
#include "models/crf.h"
#include "models/optim.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/gradcheck.h"

enum { CL = 3, CT = 4, NPATHS = 81 /* CL^CT */ };

typedef struct {
    lk_params p;
    lk_crf_layout lay;
    lk_crf c, g;
    lk_crf_ws *ws;
    lk_real emit[CT * CL], demit[CT * CL];
    int32_t tags[CT];
    int32_t T;
} crf_fix;

static void fix_init(crf_fix *f, uint64_t seed)
{
    lk_rng rng;
    memset(f, 0, sizeof *f);
    lk_rng_seed(&rng, seed);
    assert_int_equal(lk_crf_add_params(CL, &f->p, "crf", &f->lay), LK_OK);
    assert_int_equal(lk_params_alloc(&f->p), LK_OK);
    assert_int_equal(f->p.n, CL * CL + 2 * CL);
    gc_fill(f->p.data, f->p.n, 1.0, &rng);
    lk_crf_bind(&f->lay, f->p.data, &f->c);
    lk_crf_bind(&f->lay, f->p.grad, &f->g);
    gc_fill(f->emit, CT * CL, 2.0, &rng);
    f->T = CT;
    for (int t = 0; t < CT; t++) f->tags[t] = (int32_t)lk_rng_below(&rng, CL);
    assert_int_equal(lk_crf_ws_create(&f->ws), LK_OK);
}

static void fix_free(crf_fix *f)
{
    lk_crf_ws_free(f->ws);
    lk_params_free(&f->p);
}

static void path_of(int k, int T, int32_t *y)
{
    for (int t = 0; t < T; t++) {
        y[t] = k % CL;
        k /= CL;
    }
}

static void test_log_partition_brute_force(void **state)
{
    (void)state;
    crf_fix f;
    fix_init(&f, 11);
    for (int32_t T = 1; T <= CT; T++) {
        int n = 1;
        for (int t = 0; t < T; t++) n *= CL;
        double mx = -INFINITY, s = 0, score[NPATHS];
        int32_t y[CT];
        for (int k = 0; k < n; k++) {
            path_of(k, T, y);
            score[k] = lk_crf_score(&f.c, f.emit, CL, T, y);
            if (score[k] > mx) mx = score[k];
        }
        for (int k = 0; k < n; k++) s += exp(score[k] - mx);
        double brute = mx + log(s);
        gc_assert_near(lk_crf_alpha(&f.c, f.emit, CL, T, f.ws), brute, 1e-12);
        gc_assert_near(lk_crf_beta(&f.c, f.emit, CL, T, f.ws), brute, 1e-12);
    }
    fix_free(&f);
}

static void test_marginals_brute_force(void **state)
{
    (void)state;
    crf_fix f;
    fix_init(&f, 12);
    double lz = lk_crf_alpha(&f.c, f.emit, CL, CT, f.ws);
    lk_crf_beta(&f.c, f.emit, CL, CT, f.ws);
    double marg[CT * CL], brute[CT * CL] = {0};
    lk_crf_marginals(f.ws, CT, marg);
    int32_t y[CT];
    for (int k = 0; k < NPATHS; k++) {
        path_of(k, CT, y);
        double pr = exp(lk_crf_score(&f.c, f.emit, CL, CT, y) - lz);
        for (int t = 0; t < CT; t++) brute[t * CL + y[t]] += pr;
    }
    for (int i = 0; i < CT * CL; i++) gc_assert_near(marg[i], brute[i], 1e-12);
    fix_free(&f);
}

static void test_viterbi_brute_force(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        crf_fix f;
        fix_init(&f, seed);
        for (int32_t T = 1; T <= CT; T++) {
            int n = 1;
            for (int t = 0; t < T; t++) n *= CL;
            double best = -INFINITY;
            int32_t y[CT], arg[CT], got[CT];
            for (int k = 0; k < n; k++) {
                path_of(k, T, y);
                double s = lk_crf_score(&f.c, f.emit, CL, T, y);
                if (s > best) {
                    best = s;
                    memcpy(arg, y, sizeof y);
                }
            }
            double vs = lk_crf_viterbi(&f.c, f.emit, CL, T, f.ws, got);
            gc_assert_near(vs, best, 1e-12);
            for (int t = 0; t < T; t++) assert_int_equal(got[t], arg[t]);
        }
        fix_free(&f);
    }
}

/* Transitions dominate: start prefers 0, 0->1->2->0 cycle is strongly rewarded. */
static void test_viterbi_hand_case(void **state)
{
    (void)state;
    crf_fix f;
    fix_init(&f, 3);
    memset(f.p.data, 0, f.p.n * sizeof(lk_real));
    memset(f.emit, 0, sizeof f.emit);
    f.c.start[0] = 5;
    f.c.trans[0 * CL + 1] = 5;
    f.c.trans[1 * CL + 2] = 5;
    f.c.trans[2 * CL + 0] = 5;
    int32_t got[CT];
    assert_true(lk_crf_viterbi(&f.c, f.emit, CL, CT, f.ws, got) == 20.0);
    assert_int_equal(got[0], 0);
    assert_int_equal(got[1], 1);
    assert_int_equal(got[2], 2);
    assert_int_equal(got[3], 0);
    fix_free(&f);
}

static double nll_loss(void *ctx)
{
    crf_fix *f = ctx;
    return lk_crf_nll_forward(&f->c, f->emit, CL, f->T, f->tags, f->ws);
}

static void test_nll_gradient(void **state)
{
    (void)state;
    double worst = 0;
    for (int32_t T = 1; T <= CT; T++) {
        crf_fix f;
        fix_init(&f, 20 + (uint64_t)T);
        f.T = T;
        double nll = nll_loss(&f);
        assert_true(nll > 0);
        lk_crf_nll_backward(&f.c, f.emit, CL, T, f.tags, f.ws, 1, f.demit, &f.g);
        worst = fmax(worst, gc_check(nll_loss, &f, f.emit, f.demit, (size_t)T * CL));
        worst = fmax(worst, gc_check(nll_loss, &f, f.p.data, f.p.grad, f.p.n));
        /* gradient rows of the emissions sum to 0 (marginals and one-hot both sum to 1) */
        for (int t = 0; t < T; t++) {
            double s = 0;
            for (int j = 0; j < CL; j++) s += f.demit[t * CL + j];
            gc_assert_near(s, 0, 1e-12);
        }
        fix_free(&f);
    }
    assert_true(gc_report("crf nll (emissions, trans, start, end)", worst) < GC_TOL);
}

/* Batch over (T, B, L) time-major with lengths {4, 2, 0}: equals per-sequence calls. */
static void test_batch_helpers(void **state)
{
    (void)state;
    enum { BB = 3 };
    crf_fix f;
    fix_init(&f, 31);
    lk_rng rng;
    lk_rng_seed(&rng, 5);
    lk_real emit[CT * BB * CL], demit[CT * BB * CL] = {0};
    int32_t tags[CT * BB], lens[BB] = {4, 2, 0}, out[CT * BB];
    gc_fill(emit, CT * BB * CL, 2.0, &rng);
    for (int i = 0; i < CT * BB; i++) tags[i] = (int32_t)lk_rng_below(&rng, CL);
    double total = lk_crf_batch_nll(&f.c, emit, CT, BB, lens, tags, f.ws, 1, demit, &f.g);
    double expect = 0;
    for (int b = 0; b < 2; b++) {
        lk_real e[CT * CL];
        int32_t y[CT];
        for (int t = 0; t < lens[b]; t++) {
            memcpy(e + t * CL, emit + (t * BB + b) * CL, CL * sizeof(lk_real));
            y[t] = tags[t * BB + b];
        }
        expect += lk_crf_nll_forward(&f.c, e, CL, lens[b], y, f.ws);
        int32_t best[CT];
        lk_crf_viterbi(&f.c, e, CL, lens[b], f.ws, best);
        assert_int_equal(lk_crf_batch_viterbi(&f.c, emit, CT, BB, lens, f.ws, out), LK_OK);
        for (int t = 0; t < lens[b]; t++) assert_int_equal(out[t * BB + b], best[t]);
    }
    gc_assert_near(total, expect, 1e-12);
    for (int t = 0; t < CT; t++) assert_int_equal(out[t * BB + 2], LK_ID_NONE);
    for (int t = 2; t < CT; t++) assert_int_equal(out[t * BB + 1], LK_ID_NONE);
    /* padded steps get no gradient */
    for (int t = 0; t < CT; t++)
        for (int j = 0; j < CL; j++) {
            assert_true(demit[(t * BB + 2) * CL + j] == 0);
            if (t >= 2) assert_true(demit[(t * BB + 1) * CL + j] == 0);
        }
    fix_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_partition_brute_force),
        cmocka_unit_test(test_marginals_brute_force),
        cmocka_unit_test(test_viterbi_brute_force),
        cmocka_unit_test(test_viterbi_hand_case),
        cmocka_unit_test(test_nll_gradient),
        cmocka_unit_test(test_batch_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
