/* test_optim.c: parameter buffer, initialisers, clipping, SGD-momentum and Adam by hand, and
   the active set (row-sparse embeddings, lazy Adam), and
   an end-to-end check that the pieces fit: a BiLSTM + softmax tagger (float32 library) learns
   a synthetic task (tag = parity of the number of 'a' so far) to > 95% accuracy. */
#include "models/optim.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/layers.h"
#include "models/seq.h"

static void test_params_layout(void **state)
{
    (void)state;
    lk_params p = {0};
    size_t v;
    char name[LK_PARAM_NAME_MAX];
    assert_int_equal(lk_params_add(&p, "emb", 10, 4, 0, LK_INIT_UNIFORM, 0.1f, &v), LK_OK);
    assert_int_equal(v, 0);
    assert_int_equal(lk_params_add(&p, "out.w", 3, 4, 0, LK_INIT_XAVIER, 1, &v), LK_OK);
    assert_int_equal(v, 1);
    assert_int_equal(lk_params_add(&p, "bad", 0, 4, 0, LK_INIT_ZERO, 0, NULL), LK_ERR_ARG);
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0'; /* 63 chars + NUL fits; 64 does not */
    assert_int_equal(lk_params_add(&p, name, 1, 1, 0, LK_INIT_ZERO, 0, NULL), LK_OK);
    assert_int_equal(lk_params_name(name, "0123456789012345678901234567890123456789",
                                    "0123456789012345678901234"),
                     LK_ERR_RANGE);
    assert_int_equal(lk_params_name(name, "enc.l0", ".w_x"), LK_OK);
    assert_string_equal(name, "enc.l0.w_x");
    assert_int_equal(p.n, 40 + 12 + 1);
    assert_int_equal(p.views[1].offset, 40);
    assert_int_equal(lk_params_alloc(&p), LK_OK);
    assert_int_equal(lk_params_add(&p, "late", 1, 1, 0, LK_INIT_ZERO, 0, NULL), LK_ERR_ARG);
    assert_int_equal(lk_params_find(&p, "out.w"), 1);
    assert_int_equal(lk_params_find(&p, "nope"), -1);
    lk_mat m = lk_params_mat(&p, 1, p.grad);
    assert_ptr_equal(m.data, p.grad + 40);
    assert_int_equal(m.rows, 3);
    lk_rng rng;
    lk_rng_seed(&rng, 1);
    lk_params_init(&p, &rng);
    for (size_t i = 0; i < 40; i++) assert_true(fabsf(p.data[i]) <= 0.1f);
    double lim = sqrt(6.0 / 7.0);
    for (size_t i = 40; i < 52; i++) assert_true(fabs(p.data[i]) <= lim);
    lk_params_free(&p);
    lk_params_free(NULL);
}

static void test_orthogonal_and_identity(void **state)
{
    (void)state;
    lk_params p = {0};
    lk_rng rng;
    lk_rng_seed(&rng, 2);
    /* (3H, H) with H = 4: three orthogonal 4x4 blocks; (2, 5): orthonormal rows */
    assert_int_equal(lk_params_add(&p, "w_h", 12, 4, 4, LK_INIT_ORTHO, 1, NULL), LK_OK);
    assert_int_equal(lk_params_add(&p, "wide", 2, 5, 0, LK_INIT_ORTHO, 1, NULL), LK_OK);
    assert_int_equal(lk_params_add(&p, "id", 8, 4, 4, LK_INIT_IDENTITY, 1, NULL), LK_OK);
    assert_int_equal(lk_params_add(&p, "bias", 1, 8, 0, LK_INIT_LSTM_BIAS, 1, NULL), LK_OK);
    assert_int_equal(lk_params_alloc(&p), LK_OK);
    lk_params_init(&p, &rng);
    for (int blk = 0; blk < 3; blk++) {
        const float *q = p.data + blk * 16;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) {
                double d = 0;
                for (int k = 0; k < 4; k++) d += (double)q[i * 4 + k] * q[j * 4 + k];
                assert_true(fabs(d - (i == j)) < 1e-5);
            }
    }
    const float *w = p.data + 48;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double d = 0;
            for (int k = 0; k < 5; k++) d += (double)w[i * 5 + k] * w[j * 5 + k];
            assert_true(fabs(d - (i == j)) < 1e-5);
        }
    const float *id = p.data + 58;
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 4; c++) assert_true(id[r * 4 + c] == (r % 4 == c ? 1.0f : 0.0f));
    const float *b = p.data + 90;
    for (int j = 0; j < 8; j++) assert_true(b[j] == (j >= 2 && j < 4 ? 1.0f : 0.0f));
    lk_params_free(&p);
}

/* He normal: std sqrt(2 / fan_in); 10000 draws from a (200, 50) view. */
static void test_he_init_scale(void **state)
{
    (void)state;
    lk_params p = {0};
    lk_rng rng;
    lk_rng_seed(&rng, 3);
    assert_int_equal(lk_params_add(&p, "he", 200, 50, 0, LK_INIT_HE, 0, NULL), LK_OK);
    assert_int_equal(lk_params_alloc(&p), LK_OK);
    lk_params_init(&p, &rng);
    double s = lk_sumsq(p.n, p.data) / (double)p.n;
    assert_true(fabs(sqrt(s) - sqrt(2.0 / 50)) < 0.01);
    lk_params_free(&p);
}

static void test_clip(void **state)
{
    (void)state;
    float g[2] = {3, 4};
    assert_true(lk_grad_clip(g, 2, 10) == 5.0); /* below the limit: unchanged */
    assert_true(g[0] == 3 && g[1] == 4);
    assert_true(lk_grad_clip(g, 2, 1) == 5.0);
    assert_true(fabsf(g[0] - 0.6f) < 1e-7f && fabsf(g[1] - 0.8f) < 1e-7f);
    float bad[2] = {NAN, 1};
    assert_true(isnan(lk_grad_clip(bad, 2, 1)));
}

static void test_sgd_momentum_by_hand(void **state)
{
    (void)state;
    lk_optim_config c = lk_optim_config_default();
    lk_optim *o = NULL;
    c.kind = LK_OPTIM_SGD;
    c.lr = 0.1f;
    c.momentum = 0.9f;
    assert_int_equal(lk_optim_create(&c, 1, &o), LK_OK);
    float p = 1, g = 0.5f;
    lk_optim_step(o, &p, &g, 0); /* v = 0.5, p = 0.95 */
    assert_true(fabsf(p - 0.95f) < 1e-7f);
    lk_optim_step(o, &p, &g, 0); /* v = 0.9*0.5 + 0.5 = 0.95, p = 0.855 */
    assert_true(fabsf(p - 0.855f) < 1e-6f);
    assert_int_equal(lk_optim_steps(o), 2);
    lk_optim_free(o);
    lk_optim_free(NULL);
}

static void test_adam_by_hand(void **state)
{
    (void)state;
    lk_optim_config c = lk_optim_config_default();
    lk_optim *o = NULL;
    c.lr = 0.01f;
    assert_int_equal(lk_optim_create(&c, 2, &o), LK_OK);
    float p[2] = {1, -1}, g[2] = {0.3f, -2};
    /* with a constant gradient, bias-corrected m/sqrt(v) = g/|g|: each step moves lr */
    lk_optim_step(o, p, g, 0);
    assert_true(fabsf(p[0] - 0.99f) < 1e-6f && fabsf(p[1] + 0.99f) < 1e-6f);
    lk_optim_step(o, p, g, 0);
    assert_true(fabsf(p[0] - 0.98f) < 1e-6f && fabsf(p[1] + 0.98f) < 1e-6f);
    size_t ns;
    float *st = lk_optim_state(o, &ns);
    assert_int_equal(ns, 4);
    /* m after two steps: 0.1 g + 0.9 * 0.1 g = 0.19 g */
    assert_true(fabsf(st[0] - 0.19f * 0.3f) < 1e-7f);
    lk_optim_free(o);
}

static void test_config_check(void **state)
{
    (void)state;
    lk_optim_config c = lk_optim_config_default();
    lk_error err;
    lk_optim *o = (lk_optim *)&c;
    assert_int_equal(lk_optim_config_check(&c, &err), LK_OK);
    c.lr = NAN;
    assert_int_equal(lk_optim_config_check(&c, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "lr must be > 0 (got "));
    assert_int_equal(lk_optim_create(&c, 3, &o), LK_ERR_ARG);
    assert_null(o);
}

/* Active set: a sparse (10, 2) table between two dense views. */
static void test_active_set(void **state)
{
    (void)state;
    lk_params p = {0};
    size_t ve;
    assert_int_equal(lk_params_add(&p, "a", 1, 3, 0, LK_INIT_ZERO, 0, NULL), LK_OK);
    assert_int_equal(lk_params_add(&p, "emb", 10, 2, 0, LK_INIT_ZERO, 0, &ve), LK_OK);
    assert_int_equal(lk_params_add(&p, "b", 1, 1, 0, LK_INIT_ZERO, 0, NULL), LK_OK);
    assert_int_equal(lk_params_set_sparse(&p, ve), LK_OK);
    assert_int_equal(lk_params_alloc(&p), LK_OK);
    assert_int_equal(lk_params_set_sparse(&p, ve), LK_ERR_ARG); /* after alloc */
    const int32_t ids[4] = {3, LK_ID_NONE, 3, 7};
    lk_params_touch(&p, ve, ids, 4);
    assert_int_equal(p.views[ve].n_touched, 2);
    float src[24];
    for (int i = 0; i < 24; i++) src[i] = 1;
    lk_params_axpy_active(&p, 2, src, p.grad); /* active: 0..2, rows 3 and 7, element 23 */
    for (int i = 0; i < 24; i++) {
        bool active = i < 3 || i == 9 || i == 10 || i == 17 || i == 18 || i == 23;
        assert_true(p.grad[i] == (active ? 2.0f : 0.0f));
    }
    assert_true(fabs(lk_params_norm_active(&p, p.grad) - sqrt(8 * 4.0)) < 1e-9);
    p.grad[5] = 100; /* outside the active set: ignored by everything below */
    assert_true(fabs(lk_params_clip_active(&p, p.grad, 1.0) - sqrt(32.0)) < 1e-9);
    assert_true(fabsf(p.grad[9] - (float)(2 / sqrt(32.0))) < 1e-7f && p.grad[5] == 100);
    lk_optim_config c = lk_optim_config_default();
    lk_optim *o = NULL;
    c.lr = 0.1f;
    assert_int_equal(lk_optim_create(&c, p.n, &o), LK_OK);
    lk_optim_step_active(o, &p, 0);
    for (int i = 0; i < 24; i++) { /* Adam's first step moves active elements by -lr */
        bool active = i < 3 || i == 9 || i == 10 || i == 17 || i == 18 || i == 23;
        assert_true(fabsf(p.data[i] - (active ? -0.1f : 0.0f)) < 1e-6f);
    }
    lk_params_zero_active(&p, p.grad);
    p.grad[5] = 0;
    for (int i = 0; i < 24; i++) assert_true(p.grad[i] == 0);
    lk_params_untouch(&p);
    assert_int_equal(p.views[ve].n_touched, 0);
    assert_true(p.views[ve].seen[3] == 0 && p.views[ve].seen[7] == 0);
    lk_optim_free(o);
    lk_params_free(&p);
}

/* ---- float32 gradient check of the library build (cblas path, fast tanh) ----------------- */

typedef struct {
    lk_seq m;
    lk_seq_weights w;
    lk_seq_ws *ws;
    float x[3 * 2 * 3], out[3 * 2 * 8], r[3 * 2 * 8];
    int32_t lens[2];
} f32_fix;

static double f32_loss(f32_fix *f)
{
    assert_int_equal(lk_seq_forward(&f->m, &f->w, f->ws, 3, 2, f->x, f->lens, NULL, false, f->out),
                     LK_OK);
    return lk_dot(3 * 2 * 8, f->out, f->r);
}

/* relative error |a-n| / max(|a|+|n|, 1e-2) of float central differences (eps 5e-3) */
static double f32_check(f32_fix *f, float *x, const float *analytic, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        float keep = x[i];
        x[i] = keep + 5e-3f;
        double fp = f32_loss(f);
        x[i] = keep - 5e-3f;
        double fm = f32_loss(f);
        x[i] = keep;
        double num = (fp - fm) / (double)(2 * 5e-3f), a = analytic[i];
        double den = fmax(fabs(a) + fabs(num), 1e-2);
        worst = fmax(worst, fabs(a - num) / den);
    }
    return worst;
}

static void test_float32_bilstm_gradcheck(void **state)
{
    (void)state;
    /* rnn-relu is left to the float64 checks: float differences (eps 5e-3) straddle the
       ReLU kink */
    static const lk_cell_type cells[3] = {LK_CELL_RNN_TANH, LK_CELL_LSTM, LK_CELL_GRU};
    for (int ci = 0; ci < 3; ci++) {
        lk_params p = {0};
        f32_fix f;
        lk_seq_weights g;
        lk_rng rng;
        lk_seq_config c = lk_seq_config_default();
        memset(&f, 0, sizeof f);
        lk_rng_seed(&rng, 77);
        c.cell = cells[ci];
        c.input = 3;
        c.hidden = 4;
        f.lens[0] = 3;
        f.lens[1] = 2;
        assert_int_equal(lk_seq_add_params(&f.m, &c, &p, "s", NULL), LK_OK);
        assert_int_equal(lk_params_alloc(&p), LK_OK);
        lk_params_init(&p, &rng);
        lk_seq_bind(&f.m, p.data, &f.w);
        lk_seq_bind(&f.m, p.grad, &g);
        assert_int_equal(lk_seq_ws_create(&f.ws), LK_OK);
        for (int i = 0; i < 18; i++) f.x[i] = 2 * lk_rng_uniform(&rng) - 1;
        for (int i = 0; i < 48; i++) f.r[i] = 2 * lk_rng_uniform(&rng) - 1;
        float dx[18] = {0};
        assert_int_equal(lk_seq_forward(&f.m, &f.w, f.ws, 3, 2, f.x, f.lens, NULL, true, f.out),
                         LK_OK);
        assert_int_equal(lk_seq_backward(&f.m, &f.w, f.ws, f.r, &g, dx), LK_OK);
        double e = fmax(f32_check(&f, p.data, p.grad, p.n), f32_check(&f, f.x, dx, 18));
        printf("gradcheck float32 seq %-8s bi     max rel err %.3e\n",
               lk_cell_type_name(c.cell), e);
        assert_true(e < 1e-2);
        lk_seq_ws_free(f.ws);
        lk_params_free(&p);
    }
}

/* ---- end to end ------------------------------------------------------------------------- */

enum { EV = 3, EE = 8, EH = 16, EB = 16, EC = 2, EMAXT = 12 };

typedef struct {
    lk_params p;
    size_t emb, out_w, out_b;
    lk_seq seq;
    lk_seq_weights w, g;
    lk_seq_ws *ws;
    lk_optim *opt;
    float x[EMAXT * EB * EE], dx[EMAXT * EB * EE];
    float h[EMAXT * EB * 2 * EH], dh[EMAXT * EB * 2 * EH];
    float logits[EMAXT * EB * EC], dlogits[EMAXT * EB * EC];
    int32_t ids[EMAXT * EB], tags[EMAXT * EB], lens[EB];
} e2e;

/* Batch of random strings over {a, b, c}; tag = parity of the count of 'a' (id 0) so far. */
static int32_t make_batch(e2e *m, lk_rng *rng)
{
    int32_t T = 0;
    for (int b = 0; b < EB; b++) {
        m->lens[b] = 4 + (int32_t)lk_rng_below(rng, EMAXT - 3);
        if (m->lens[b] > T) T = m->lens[b];
    }
    for (int b = 0; b < EB; b++) {
        int parity = 0;
        for (int t = 0; t < T; t++) {
            int32_t k = t * EB + b;
            if (t < m->lens[b]) {
                m->ids[k] = (int32_t)lk_rng_below(rng, EV);
                parity ^= m->ids[k] == 0;
                m->tags[k] = parity;
            } else {
                m->ids[k] = LK_ID_NONE;
                m->tags[k] = LK_ID_NONE;
            }
        }
    }
    return T;
}

/* Forward (and backward if train); returns the number of correct tags. */
static int32_t e2e_step(e2e *m, int32_t T, bool train, double *loss)
{
    int32_t n = T * EB, counted = 0, correct = 0, pred[EMAXT * EB];
    lk_mat emb = lk_params_mat(&m->p, m->emb, m->p.data);
    lk_mat ow = lk_params_mat(&m->p, m->out_w, m->p.data);
    lk_mat hm = lk_mat_view(m->h, n, 2 * EH), lm = lk_mat_view(m->logits, n, EC);
    lk_embedding_forward(&emb, m->ids, n, m->x);
    assert_int_equal(lk_seq_forward(&m->seq, &m->w, m->ws, T, EB, m->x, m->lens, NULL, train, m->h),
                     LK_OK);
    lk_linear_forward(&ow, lk_params_mat(&m->p, m->out_b, m->p.data).data, &hm, &lm);
    *loss = lk_softmax_xent_forward(&lm, m->tags, &lm, &counted);
    lk_argmax_rows(&lm, pred);
    for (int i = 0; i < n; i++) correct += m->tags[i] >= 0 && pred[i] == m->tags[i];
    if (!train) return correct;
    lk_params_touch(&m->p, m->emb, m->ids, (size_t)n); /* grads are zero outside the set */
    memset(m->dlogits, 0, sizeof m->dlogits);
    memset(m->dh, 0, sizeof m->dh);
    memset(m->dx, 0, sizeof m->dx);
    lk_mat dl = lk_mat_view(m->dlogits, n, EC), dhm = lk_mat_view(m->dh, n, 2 * EH);
    lk_mat dow = lk_params_mat(&m->p, m->out_w, m->p.grad);
    lk_softmax_xent_backward(&lm, m->tags, 1.0f / (float)counted, &dl);
    lk_linear_backward(&ow, &hm, &dl, &dow, lk_params_mat(&m->p, m->out_b, m->p.grad).data, &dhm);
    assert_int_equal(lk_seq_backward(&m->seq, &m->w, m->ws, m->dh, &m->g, m->dx), LK_OK);
    lk_mat demb = lk_params_mat(&m->p, m->emb, m->p.grad);
    lk_embedding_backward(&demb, m->ids, n, m->dx);
    assert_true(isfinite(lk_params_clip_active(&m->p, m->p.grad, 5.0)));
    lk_optim_step_active(m->opt, &m->p, 0);
    lk_params_zero_active(&m->p, m->p.grad);
    lk_params_untouch(&m->p);
    return correct;
}

static void learns_parity(lk_cell_type cell)
{
    e2e *m = calloc(1, sizeof *m);
    lk_rng rng;
    lk_seq_config sc = lk_seq_config_default();
    lk_optim_config oc = lk_optim_config_default();
    assert_non_null(m);
    lk_rng_seed(&rng, 2024);
    sc.input = EE;
    sc.hidden = EH;
    sc.cell = cell;
    assert_int_equal(lk_params_add(&m->p, "emb", EV, EE, 0, LK_INIT_UNIFORM, 0.5f, &m->emb), LK_OK);
    assert_int_equal(lk_seq_add_params(&m->seq, &sc, &m->p, "enc", NULL), LK_OK);
    assert_int_equal(lk_params_add(&m->p, "out.w", EC, 2 * EH, 0, LK_INIT_XAVIER, 1, &m->out_w),
                     LK_OK);
    assert_int_equal(lk_params_add(&m->p, "out.b", 1, EC, 0, LK_INIT_ZERO, 0, &m->out_b), LK_OK);
    assert_int_equal(lk_params_set_sparse(&m->p, m->emb), LK_OK);
    assert_int_equal(lk_params_alloc(&m->p), LK_OK);
    lk_params_init(&m->p, &rng);
    lk_seq_bind(&m->seq, m->p.data, &m->w);
    lk_seq_bind(&m->seq, m->p.grad, &m->g);
    assert_int_equal(lk_seq_ws_create(&m->ws), LK_OK);
    oc.lr = 0.02f;
    assert_int_equal(lk_optim_create(&oc, m->p.n, &m->opt), LK_OK);
    double loss = 0, first = 0;
    for (int step = 0; step < 300; step++) {
        int32_t T = make_batch(m, &rng);
        e2e_step(m, T, true, &loss);
        if (step == 0) first = loss;
    }
    int64_t correct = 0, total = 0;
    for (int k = 0; k < 10; k++) { /* held-out batches */
        int32_t T = make_batch(m, &rng);
        correct += e2e_step(m, T, false, &loss);
        for (int b = 0; b < EB; b++) total += m->lens[b];
    }
    double acc = (double)correct / (double)total;
    printf("e2e bi-%s parity: first-batch loss %.3f, held-out accuracy %.4f\n",
           lk_cell_type_name(cell), first, acc);
    assert_true(acc > 0.95);
    lk_optim_free(m->opt);
    lk_seq_ws_free(m->ws);
    lk_params_free(&m->p);
    free(m);
}

static void test_bilstm_learns_parity(void **state)
{
    (void)state;
    learns_parity(LK_CELL_LSTM);
}

static void test_bigru_learns_parity(void **state)
{
    (void)state;
    learns_parity(LK_CELL_GRU);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_layout),
        cmocka_unit_test(test_orthogonal_and_identity),
        cmocka_unit_test(test_he_init_scale),
        cmocka_unit_test(test_clip),
        cmocka_unit_test(test_sgd_momentum_by_hand),
        cmocka_unit_test(test_adam_by_hand),
        cmocka_unit_test(test_config_check),
        cmocka_unit_test(test_active_set),
        cmocka_unit_test(test_float32_bilstm_gradcheck),
        cmocka_unit_test(test_bilstm_learns_parity),
        cmocka_unit_test(test_bigru_learns_parity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
