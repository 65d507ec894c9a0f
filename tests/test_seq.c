/* test_seq.c: the sequence driver in float64: gradient checks (uni/bidirectional, 2 layers,
   padding, every cell), padding equivalence, and truncated BPTT against finite differences
   of the correspondingly truncated (chunked, state-detached) objective. */
#include "models/blas.h"
#include "models/cell.h"
#include "models/layers.h"
#include "models/optim.h"
#include "models/seq.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/gradcheck.h"

enum { SI = 3, SH = 4, MAXT = 8, MAXB = 3 };

typedef struct {
    lk_params p;
    lk_seq m;
    lk_seq_weights w, g;
    lk_seq_ws *ws;
    int32_t T, B;
    const int32_t *lengths;
    bool train_loss; /* loss runs train-mode forwards (dropout) from a fixed rng seed */
    lk_real x[MAXT * MAXB * SI], dx[MAXT * MAXB * SI];
    lk_real out[MAXT * MAXB * 2 * SH], r[MAXT * MAXB * 2 * SH];
} seq_fix;

static void fix_init(seq_fix *f, lk_cell_type cell, bool bidir, int32_t layers, int32_t bptt,
                     int32_t T, int32_t B, const int32_t *lengths, uint64_t seed)
{
    lk_rng rng;
    lk_seq_config c = lk_seq_config_default();
    memset(f, 0, sizeof *f);
    lk_rng_seed(&rng, seed);
    c.cell = cell;
    c.input = SI;
    c.hidden = SH;
    c.layers = layers;
    c.bidirectional = bidir;
    c.bptt = bptt;
    assert_int_equal(lk_seq_add_params(&f->m, &c, &f->p, "enc", NULL), LK_OK);
    assert_int_equal(lk_params_alloc(&f->p), LK_OK);
    lk_params_init(&f->p, &rng);
    for (size_t i = 0; i < f->p.n; i++) /* biases too, so every path is exercised */
        f->p.data[i] += (lk_real)(0.2 * (2 * lk_rng_uniform_f64(&rng) - 1));
    assert_int_equal(f->m.n_params, f->p.n);
    lk_seq_bind(&f->m, f->p.data, &f->w);
    lk_seq_bind(&f->m, f->p.grad, &f->g);
    assert_int_equal(lk_seq_ws_create(&f->ws), LK_OK);
    f->T = T;
    f->B = B;
    f->lengths = lengths;
    gc_fill(f->x, (size_t)T * B * SI, 1.0, &rng);
    gc_fill(f->r, (size_t)T * B * lk_seq_output_size(&f->m), 1.0, &rng);
}

static void fix_free(seq_fix *f)
{
    lk_seq_ws_free(f->ws);
    lk_params_free(&f->p);
}

static double seq_loss(void *ctx)
{
    seq_fix *f = ctx;
    lk_seq_ws_seed(f->ws, 123); /* same dropout masks on every call */
    assert_int_equal(lk_seq_forward(&f->m, &f->w, f->ws, f->T, f->B, f->x, f->lengths, NULL,
                                    f->train_loss, f->out),
                     LK_OK);
    return gc_dot(f->out, f->r, (size_t)f->T * f->B * lk_seq_output_size(&f->m));
}

/* Analytic gradients of sum(out * r) w.r.t. all parameters and x. */
static void seq_analytic(seq_fix *f)
{
    lk_params_zero_grad(&f->p);
    memset(f->dx, 0, sizeof f->dx);
    lk_seq_ws_seed(f->ws, 123);
    assert_int_equal(lk_seq_forward(&f->m, &f->w, f->ws, f->T, f->B, f->x, f->lengths, NULL,
                                    true, f->out),
                     LK_OK);
    assert_int_equal(lk_seq_backward(&f->m, &f->w, f->ws, f->r, &f->g, f->dx), LK_OK);
}

static double check_seq(const char *what, lk_cell_type cell, bool bidir, int32_t layers,
                        int32_t T, int32_t B, const int32_t *lengths)
{
    seq_fix f;
    fix_init(&f, cell, bidir, layers, 0, T, B, lengths, 7 + (uint64_t)cell);
    seq_analytic(&f);
    double e1 = gc_check(seq_loss, &f, f.p.data, f.p.grad, f.p.n);
    double e2 = gc_check(seq_loss, &f, f.x, f.dx, (size_t)T * B * SI);
    fix_free(&f);
    return gc_report(what, fmax(e1, e2));
}

static void test_unidirectional(void **state)
{
    (void)state;
    assert_true(check_seq("seq lstm uni", LK_CELL_LSTM, false, 1, 3, 2, NULL) < GC_TOL);
    assert_true(check_seq("seq rnn-tanh uni", LK_CELL_RNN_TANH, false, 1, 3, 2, NULL) < GC_TOL);
    assert_true(check_seq("seq rnn-relu uni", LK_CELL_RNN_RELU, false, 1, 3, 2, NULL) < GC_TOL);
    assert_true(check_seq("seq gru uni", LK_CELL_GRU, false, 1, 3, 2, NULL) < GC_TOL);
}

static void test_bidirectional(void **state)
{
    (void)state;
    assert_true(check_seq("seq lstm bi", LK_CELL_LSTM, true, 1, 3, 2, NULL) < GC_TOL);
    assert_true(check_seq("seq gru bi", LK_CELL_GRU, true, 1, 3, 2, NULL) < GC_TOL);
}

static void test_two_layers(void **state)
{
    (void)state;
    assert_true(check_seq("seq lstm bi 2 layers", LK_CELL_LSTM, true, 2, 3, 2, NULL) < GC_TOL);
    assert_true(check_seq("seq rnn-tanh uni 2 layers", LK_CELL_RNN_TANH, false, 2, 3, 2, NULL) <
                GC_TOL);
}

static void test_padding_grad(void **state)
{
    (void)state;
    static const int32_t lens[3] = {3, 1, 2};
    assert_true(check_seq("seq lstm bi 2 layers padded", LK_CELL_LSTM, true, 2, 3, 3, lens) <
                GC_TOL);
    assert_true(check_seq("seq gru bi padded", LK_CELL_GRU, true, 1, 3, 3, lens) < GC_TOL);
}

/* Sorted lengths take the row-block path (padded rows skip the cell): same gradients. */
static void test_padding_sorted_grad(void **state)
{
    (void)state;
    static const int32_t desc[3] = {3, 2, 0}, asc[3] = {1, 2, 3}, short_t[3] = {2, 2, 1};
    assert_true(check_seq("seq lstm bi 2 layers desc", LK_CELL_LSTM, true, 2, 3, 3, desc) <
                GC_TOL);
    assert_true(check_seq("seq gru bi asc", LK_CELL_GRU, true, 1, 3, 3, asc) < GC_TOL);
    assert_true(check_seq("seq rnn-relu bi T > max len", LK_CELL_RNN_RELU, true, 2, 3, 3,
                          short_t) < GC_TOL);
}

/* The three row plans (unsorted mask, descending block, ascending block) agree. */
static void test_row_plans_agree(void **state)
{
    (void)state;
    static const int32_t unsorted[3] = {2, 4, 1}, desc[3] = {4, 2, 1}, asc[3] = {1, 2, 4};
    static const int perm_desc[3] = {1, 0, 2}, perm_asc[3] = {2, 0, 1}; /* row -> unsorted row */
    seq_fix a, b;
    fix_init(&a, LK_CELL_LSTM, true, 2, 0, 4, 3, unsorted, 17);
    seq_analytic(&a);
    for (int v = 0; v < 2; v++) {
        const int *perm = v ? perm_asc : perm_desc;
        fix_init(&b, LK_CELL_LSTM, true, 2, 0, 4, 3, v ? asc : desc, 17);
        for (int t = 0; t < 4; t++)
            for (int r = 0; r < 3; r++) {
                memcpy(b.x + (t * 3 + r) * SI, a.x + (t * 3 + perm[r]) * SI, SI * sizeof(lk_real));
                memcpy(b.r + (t * 3 + r) * 2 * SH, a.r + (t * 3 + perm[r]) * 2 * SH,
                       2 * SH * sizeof(lk_real));
            }
        seq_analytic(&b);
        for (int t = 0; t < 4; t++)
            for (int r = 0; r < 3; r++)
                for (int j = 0; j < 2 * SH; j++)
                    gc_assert_near(b.out[(t * 3 + r) * 2 * SH + j],
                                   a.out[(t * 3 + perm[r]) * 2 * SH + j], 1e-12);
        for (size_t i = 0; i < a.p.n; i++) gc_assert_near(b.p.grad[i], a.p.grad[i], 1e-12);
        fix_free(&b);
    }
    fix_free(&a);
}

/* A sequence padded inside a batch gives the same outputs as the sequence run alone, and
   zeros on its padded steps. */
static void test_padding_equivalence(void **state)
{
    (void)state;
    static const int32_t lens[2] = {4, 2};
    seq_fix f;
    fix_init(&f, LK_CELL_LSTM, true, 2, 0, 4, 2, lens, 99);
    seq_loss(&f);
    lk_real xs[2 * SI], outs[2 * 2 * SH];
    for (int t = 0; t < 2; t++) memcpy(xs + t * SI, f.x + ((size_t)t * 2 + 1) * SI, SI * sizeof(lk_real));
    lk_seq_ws *ws2;
    assert_int_equal(lk_seq_ws_create(&ws2), LK_OK);
    assert_int_equal(lk_seq_forward(&f.m, &f.w, ws2, 2, 1, xs, NULL, NULL, false, outs), LK_OK);
    int32_t D2 = 2 * SH;
    for (int t = 0; t < 4; t++)
        for (int j = 0; j < D2; j++) {
            lk_real v = f.out[((size_t)t * 2 + 1) * D2 + j];
            if (t < 2) gc_assert_near(v, outs[t * D2 + j], 1e-12);
            else assert_true(v == 0);
        }
    lk_seq_ws_free(ws2);
    fix_free(&f);
}

/* Inter-layer dropout: gradient check with fixed masks, seeds matter in train mode only. */
static void test_layer_dropout(void **state)
{
    (void)state;
    static const int32_t lens[2] = {3, 2};
    seq_fix f;
    lk_seq_config c = lk_seq_config_default();
    c.input = SI;
    c.hidden = SH;
    c.layers = 2;
    c.dropout = 0.4f;
    memset(&f, 0, sizeof f);
    assert_int_equal(lk_seq_add_params(&f.m, &c, &f.p, "enc", NULL), LK_OK);
    assert_int_equal(lk_params_alloc(&f.p), LK_OK);
    lk_rng rng;
    lk_rng_seed(&rng, 8);
    lk_params_init(&f.p, &rng);
    lk_seq_bind(&f.m, f.p.data, &f.w);
    lk_seq_bind(&f.m, f.p.grad, &f.g);
    assert_int_equal(lk_seq_ws_create(&f.ws), LK_OK);
    f.T = 3;
    f.B = 2;
    f.lengths = lens;
    f.train_loss = true;
    gc_fill(f.x, 3 * 2 * SI, 1.0, &rng);
    gc_fill(f.r, 3 * 2 * 2 * SH, 1.0, &rng);
    seq_analytic(&f);
    double e = fmax(gc_check(seq_loss, &f, f.p.data, f.p.grad, f.p.n),
                    gc_check(seq_loss, &f, f.x, f.dx, 3 * 2 * SI));
    assert_true(gc_report("seq lstm bi 2 layers dropout 0.4", e) < GC_TOL);
    /* train mode: another seed, other masks; inference: no dropout at all */
    lk_real a[3 * 2 * 2 * SH], b[3 * 2 * 2 * SH], inf1[3 * 2 * 2 * SH], inf2[3 * 2 * 2 * SH];
    lk_seq_ws_seed(f.ws, 1);
    lk_seq_forward(&f.m, &f.w, f.ws, 3, 2, f.x, lens, NULL, true, a);
    lk_seq_ws_seed(f.ws, 2);
    lk_seq_forward(&f.m, &f.w, f.ws, 3, 2, f.x, lens, NULL, true, b);
    assert_memory_not_equal(a, b, sizeof a);
    lk_seq_forward(&f.m, &f.w, f.ws, 3, 2, f.x, lens, NULL, false, inf1);
    f.m.cfg.dropout = 0;
    lk_seq_forward(&f.m, &f.w, f.ws, 3, 2, f.x, lens, NULL, true, inf2);
    assert_memory_equal(inf1, inf2, sizeof inf1);
    c.dropout = 1.0f;
    lk_error err;
    assert_int_equal(lk_seq_config_check(&c, &err), LK_ERR_ARG);
    fix_free(&f);
}

/* ---- truncated BPTT ---------------------------------------------------------------------- */

typedef struct {
    seq_fix *f;
    int32_t n;          /* bptt N; chunks [kN, (k+1)N) */
    lk_real s0[MAXT][2 * LK_SEQ_MAX_LAYERS * 2 * MAXB * SH]; /* per chunk: initial states */
} chunk_fix;

/* The truncated objective: each chunk runs from the full run's states at its boundary,
   held fixed (detached), and sums r * out over its steps. */
static double chunk_loss(void *ctx)
{
    chunk_fix *cf = ctx;
    seq_fix *f = cf->f;
    int32_t B = f->B, D2 = lk_seq_output_size(&f->m);
    lk_real out[MAXT * MAXB * 2 * SH];
    double total = 0.0;
    for (int32_t t0 = 0, k = 0; t0 < f->T; t0 += cf->n, k++) {
        int32_t len = f->T - t0 < cf->n ? f->T - t0 : cf->n;
        assert_int_equal(lk_seq_forward(&f->m, &f->w, f->ws, len, B, f->x + (size_t)t0 * B * SI,
                                        NULL, cf->s0[k], false, out),
                         LK_OK);
        total += gc_dot(out, f->r + (size_t)t0 * B * D2, (size_t)len * B * D2);
    }
    return total;
}

static void check_tbptt(lk_cell_type cell, bool bidir, int32_t layers, int32_t T, int32_t n)
{
    seq_fix f;
    chunk_fix cf;
    int32_t B = 2, D = bidir ? 2 : 1;
    memset(&cf, 0, sizeof cf);
    fix_init(&f, cell, bidir, layers, n, T, B, NULL, 5);
    cf.f = &f;
    cf.n = n;
    seq_analytic(&f); /* truncated gradients; the forward also records the states */
    size_t sbh = (size_t)lk_cell_ops_get(cell)->state_mult * B * SH;
    for (int32_t t0 = 0, k = 0; t0 < T; t0 += n, k++) {
        int32_t t1 = t0 + n < T ? t0 + n : T; /* chunk [t0, t1) */
        for (int32_t l = 0; l < layers; l++)
            for (int32_t d = 0; d < D; d++) {
                /* forward starts from the state after t0-1; reverse from the one after t1 */
                lk_seq_ws_state(f.ws, l, d, d == 0 ? t0 - 1 : t1,
                                cf.s0[k] + ((size_t)l * D + d) * sbh);
            }
    }
    lk_real full = 0; /* the chunked forward reproduces the full forward */
    full = (lk_real)gc_dot(f.out, f.r, (size_t)T * B * D * SH);
    gc_assert_near(chunk_loss(&cf), full, 1e-10);
    double e1 = gc_check(chunk_loss, &cf, f.p.data, f.p.grad, f.p.n);
    double e2 = gc_check(chunk_loss, &cf, f.x, f.dx, (size_t)T * B * SI);
    char what[64];
    snprintf(what, sizeof what, "seq tbptt %s %s L%d T%d N%d", lk_cell_type_name(cell),
             bidir ? "bi" : "uni", (int)layers, (int)T, (int)n);
    assert_true(gc_report(what, fmax(e1, e2)) < GC_TOL);
    fix_free(&f);
}

static void test_truncated_bptt(void **state)
{
    (void)state;
    check_tbptt(LK_CELL_LSTM, false, 1, 7, 3); /* chunks 3+3+1 */
    check_tbptt(LK_CELL_GRU, false, 2, 5, 2);
    check_tbptt(LK_CELL_LSTM, true, 2, 6, 3); /* bidirectional: T multiple of N */
}

/* Defining property: with bptt N, the loss at the last step has no gradient on inputs
   more than N-1 steps before the start of its chunk... i.e. before (T-1) - ((T-1) % N). */
static void test_truncation_cuts_gradient(void **state)
{
    (void)state;
    seq_fix f;
    fix_init(&f, LK_CELL_RNN_TANH, false, 1, 2, 5, 2, NULL, 3);
    memset(f.r, 0, sizeof f.r);
    for (int j = 0; j < 2 * SH; j++) f.r[4 * 2 * SH + j] = 1; /* loss only at t = 4 */
    seq_analytic(&f);
    for (int t = 0; t < 5; t++) {
        double s = 0;
        for (int j = 0; j < 2 * SI; j++) s += fabs(f.dx[t * 2 * SI + j]);
        if (t < 4) assert_true(s == 0); /* chunk of t=4 is [4, 5) */
        else assert_true(s > 0);
    }
    fix_free(&f);
}

static void test_config_and_errors(void **state)
{
    (void)state;
    lk_seq_config c = lk_seq_config_default();
    lk_error err;
    c.input = 5;
    c.hidden = 0;
    assert_int_equal(lk_seq_config_check(&c, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "hidden must be > 0"));
    c.hidden = 3;
    c.layers = 9;
    assert_int_equal(lk_seq_config_check(&c, &err), LK_ERR_ARG);
    c.layers = 1;
    assert_int_equal(lk_seq_config_check(&c, &err), LK_OK);

    seq_fix f;
    static const int32_t bad[2] = {2, 7};
    fix_init(&f, LK_CELL_GRU, false, 1, 0, 3, 2, bad, 1);
    assert_int_equal(lk_seq_forward(&f.m, &f.w, f.ws, 3, 2, f.x, bad, NULL, true, f.out),
                     LK_ERR_ARG);
    /* absurd sizes: LK_ERR_RANGE before anything is allocated or read */
    assert_int_equal(lk_seq_forward(&f.m, &f.w, f.ws, 1 << 30, 1 << 30, NULL, NULL, NULL, true,
                                    NULL),
                     LK_ERR_RANGE);
    /* backward without a train-mode forward */
    assert_int_equal(lk_seq_backward(&f.m, &f.w, f.ws, f.r, &f.g, NULL), LK_ERR_ARG);
    fix_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unidirectional),
        cmocka_unit_test(test_bidirectional),
        cmocka_unit_test(test_two_layers),
        cmocka_unit_test(test_padding_grad),
        cmocka_unit_test(test_padding_sorted_grad),
        cmocka_unit_test(test_row_plans_agree),
        cmocka_unit_test(test_padding_equivalence),
        cmocka_unit_test(test_layer_dropout),
        cmocka_unit_test(test_truncated_bptt),
        cmocka_unit_test(test_truncation_cuts_gradient),
        cmocka_unit_test(test_config_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
