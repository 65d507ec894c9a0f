/* test_cell.c: gradient checks of each cell's step (float64 build of models/cell.c), masking,
   and the forget-gate/identity inits. */
#include "models/blas.h"
#include "models/cell.h"
#include "models/optim.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/gradcheck.h"

enum { CB = 3, CI = 3, CH = 4 };

typedef struct {
    lk_params p;
    lk_cell cell, grad;
    const lk_cell_ops *ops;
    int32_t B;
    lk_real *xw, *s_prev, *s, *cache, *r, *dxw, *ds_prev, *work; /* states: h block, c block */
    uint8_t mask[CB];
} cell_fix;

static void fix_init(cell_fix *f, lk_cell_type type, bool use_mask)
{
    lk_rng rng;
    size_t v0;
    memset(f, 0, sizeof *f);
    lk_rng_seed(&rng, 42 + (uint64_t)type);
    assert_int_equal(lk_cell_add_params(type, CI, CH, &f->p, "c", &v0), LK_OK);
    assert_int_equal(lk_params_alloc(&f->p), LK_OK);
    gc_fill(f->p.data, f->p.n, 0.6, &rng);
    lk_cell_bind(type, CI, CH, f->p.data, f->p.views[v0].offset, &f->cell);
    lk_cell_bind(type, CI, CH, f->p.grad, f->p.views[v0].offset, &f->grad);
    f->ops = f->cell.ops;
    f->B = CB;
    size_t gh = (size_t)f->ops->n_gates * CH, sbh = (size_t)f->ops->state_mult * CB * CH;
    f->xw = calloc(CB * gh, sizeof(lk_real));
    f->dxw = calloc(CB * gh, sizeof(lk_real));
    f->work = calloc(CB * gh, sizeof(lk_real));
    f->s_prev = calloc(sbh, sizeof(lk_real));
    f->s = calloc(sbh, sizeof(lk_real));
    f->r = calloc(sbh, sizeof(lk_real));
    f->ds_prev = calloc(sbh, sizeof(lk_real));
    f->cache = calloc((size_t)f->ops->cache_mult * CB * CH, sizeof(lk_real));
    gc_fill(f->xw, CB * gh, 1.0, &rng);
    gc_fill(f->s_prev, sbh, 0.8, &rng);
    gc_fill(f->r, sbh, 1.0, &rng);
    for (int b = 0; b < CB; b++) f->mask[b] = (uint8_t)(!use_mask || b != 1);
}

static void fix_free(cell_fix *f)
{
    free(f->xw);
    free(f->dxw);
    free(f->work);
    free(f->s_prev);
    free(f->s);
    free(f->r);
    free(f->ds_prev);
    free(f->cache);
    lk_params_free(&f->p);
}

/* c block of a state buffer (LSTM) or NULL */
static lk_real *cpart(const cell_fix *f, lk_real *s)
{
    return f->ops->state_mult > 1 ? s + (size_t)f->B * CH : NULL;
}

static double cell_loss(void *ctx)
{
    cell_fix *f = ctx;
    f->ops->step_forward(&f->cell, f->B, f->xw, f->s_prev, cpart(f, f->s_prev), f->mask, f->s,
                         cpart(f, f->s), f->cache);
    return gc_dot(f->s, f->r, (size_t)f->ops->state_mult * f->B * CH);
}

static void check_cell(lk_cell_type type, bool use_mask)
{
    cell_fix f;
    char what[64];
    fix_init(&f, type, use_mask);
    size_t gh = (size_t)f.ops->n_gates * CH, sbh = (size_t)f.ops->state_mult * CB * CH;
    lk_params_zero_grad(&f.p);
    cell_loss(&f);
    lk_real *dhw = f.ops->dhw_differs ? f.work : f.dxw;
    f.ops->step_backward(&f.cell, f.B, f.s_prev, cpart(&f, f.s_prev), f.mask, f.cache, f.r,
                         cpart(&f, f.r), &f.grad, f.dxw, dhw, f.ds_prev, cpart(&f, f.ds_prev));
    lk_cell_backward_w_h(&f.cell, f.B, f.s_prev, dhw, &f.grad);
    double e1 = gc_check(cell_loss, &f, f.xw, f.dxw, CB * gh);
    double e2 = gc_check(cell_loss, &f, f.s_prev, f.ds_prev, sbh);
    double e3 = gc_check(cell_loss, &f, f.cell.w_h.data, f.grad.w_h.data, gh * CH);
    double e4 = f.cell.b_hn ? gc_check(cell_loss, &f, f.cell.b_hn, f.grad.b_hn, CH) : 0.0;
    double worst = fmax(fmax(e1, e2), fmax(e3, e4));
    snprintf(what, sizeof what, "cell %s%s", f.ops->name, use_mask ? " masked" : "");
    gc_report(what, worst);
    assert_true(worst < GC_TOL);
    if (use_mask) { /* masked row 1: state carried over, no gate gradient */
        for (int32_t s = 0; s < f.ops->state_mult; s++)
            for (int32_t j = 0; j < CH; j++) {
                size_t k = (size_t)s * CB * CH + CH + j;
                assert_true(f.s[k] == f.s_prev[k]);
                assert_true(f.ds_prev[k] == f.r[k]);
            }
        for (size_t j = 0; j < gh; j++) assert_true(f.dxw[gh + j] == 0);
    }
    fix_free(&f);
}

static void test_rnn_tanh_grad(void **state) { (void)state; check_cell(LK_CELL_RNN_TANH, false); }
static void test_rnn_relu_grad(void **state) { (void)state; check_cell(LK_CELL_RNN_RELU, false); }
static void test_lstm_grad(void **state) { (void)state; check_cell(LK_CELL_LSTM, false); }
static void test_gru_grad(void **state) { (void)state; check_cell(LK_CELL_GRU, false); }

static void test_masked_steps(void **state)
{
    (void)state;
    check_cell(LK_CELL_RNN_TANH, true);
    check_cell(LK_CELL_RNN_RELU, true);
    check_cell(LK_CELL_LSTM, true);
    check_cell(LK_CELL_GRU, true);
}

/* h = act(xw + W_h h_prev) worked by hand for H = 1: W_h = 0.5, h_prev = 2, xw = -0.25. */
static void test_rnn_values(void **state)
{
    (void)state;
    lk_real w[1 * 1 + 1 * 1 + 1 + 1] = {0, 0.5, 0, 0}; /* w_x, w_h, b */
    lk_cell c;
    lk_real xw = -0.25, sp = 2.0, s = 0, cache = 0;
    lk_cell_bind(LK_CELL_RNN_TANH, 1, 1, w, 0, &c);
    c.ops->step_forward(&c, 1, &xw, &sp, NULL, NULL, &s, NULL, &cache);
    gc_assert_near(s, tanh(0.75), 1e-12);
    lk_cell_bind(LK_CELL_RNN_RELU, 1, 1, w, 0, &c);
    xw = -1.5; /* relu(-1.5 + 1) = 0 */
    c.ops->step_forward(&c, 1, &xw, &sp, NULL, NULL, &s, NULL, &cache);
    gc_assert_near(s, 0.0, 0);
}

/* LSTM with zero weights: gates are sigmoid(bias); c = f*c_prev + i*g, h = o*tanh(c). */
static void test_lstm_values_and_forget_bias(void **state)
{
    (void)state;
    lk_params p = {0};
    lk_rng rng;
    size_t v0;
    lk_cell c;
    lk_rng_seed(&rng, 1);
    assert_int_equal(lk_cell_add_params(LK_CELL_LSTM, 2, 3, &p, "l", &v0), LK_OK);
    assert_int_equal(lk_params_alloc(&p), LK_OK);
    lk_params_init(&p, &rng);
    lk_cell_bind(LK_CELL_LSTM, 2, 3, p.data, p.views[v0].offset, &c);
    for (int j = 0; j < 12; j++) assert_true(c.b[j] == (j >= 3 && j < 6 ? 1.0 : 0.0));
    memset(c.w_h.data, 0, 12 * 3 * sizeof(lk_real));
    lk_real xw[12], sp[6] = {0, 0, 0, 0.5, 0.5, 0.5}, s[6], cache[15];
    memcpy(xw, c.b, sizeof xw);
    c.ops->step_forward(&c, 1, xw, sp, sp + 3, NULL, s, s + 3, cache);
    double f = 1 / (1 + exp(-1.0)), i = 0.5, g = 0.0, o = 0.5;
    double cv = f * 0.5 + i * g;
    gc_assert_near(s[3], cv, 1e-12);
    gc_assert_near(s[0], o * tanh(cv), 1e-12);
    lk_params_free(&p);
}

static void test_type_names(void **state)
{
    (void)state;
    lk_cell_type t;
    assert_int_equal(lk_cell_type_parse("rnn", &t), LK_OK);
    assert_int_equal(t, LK_CELL_RNN_TANH);
    assert_int_equal(lk_cell_type_parse("gru", &t), LK_OK);
    assert_int_equal(t, LK_CELL_GRU);
    assert_int_equal(lk_cell_type_parse("transformer", &t), LK_ERR_ARG);
    assert_string_equal(lk_cell_type_name(LK_CELL_RNN_RELU), "rnn-relu");
    /* LSTM I=2 H=3: 12*2 + 12*3 + 12; GRU adds b_hn */
    assert_int_equal(lk_cell_param_count(LK_CELL_LSTM, 2, 3), 72);
    assert_int_equal(lk_cell_param_count(LK_CELL_GRU, 2, 3), 9 * 2 + 9 * 3 + 9 + 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rnn_tanh_grad),
        cmocka_unit_test(test_rnn_relu_grad),
        cmocka_unit_test(test_lstm_grad),
        cmocka_unit_test(test_gru_grad),
        cmocka_unit_test(test_masked_steps),
        cmocka_unit_test(test_rnn_values),
        cmocka_unit_test(test_lstm_values_and_forget_bias),
        cmocka_unit_test(test_type_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
