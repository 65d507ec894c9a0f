/* test_layers.c: embedding, char n-gram bag, concat, linear, softmax cross-entropy and dropout
   in float64: hand-computed values and central-difference gradient checks. */
#include "models/blas.h"
#include "models/layers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/gradcheck.h"

enum { V = 5, E = 3, N = 4 };

/* ---- embedding ---------------------------------------------------------------------------- */

typedef struct {
    lk_real table[V * E], dtable[V * E], out[N * E], r[N * E];
    int32_t ids[N];
    int32_t offsets[N + 1];
    bool bag;
} emb_fix;

static double emb_loss(void *ctx)
{
    emb_fix *f = ctx;
    lk_mat t = lk_mat_view(f->table, V, E);
    if (f->bag) lk_embag_forward(&t, f->ids, f->offsets, 2, true, f->out);
    else lk_embedding_forward(&t, f->ids, N, f->out);
    return gc_dot(f->out, f->r, (size_t)(f->bag ? 2 : N) * E);
}

static void test_embedding(void **state)
{
    (void)state;
    emb_fix f = {{0}, {0}, {0}, {0}, {3, LK_ID_NONE, 3, 0}, {0}, false};
    lk_rng rng;
    lk_rng_seed(&rng, 1);
    gc_fill(f.table, V * E, 1.0, &rng);
    gc_fill(f.r, N * E, 1.0, &rng);
    emb_loss(&f);
    for (int j = 0; j < E; j++) {
        assert_true(f.out[j] == f.table[3 * E + j]);
        assert_true(f.out[E + j] == 0); /* padding */
        assert_true(f.out[3 * E + j] == f.table[j]);
    }
    lk_mat dt = lk_mat_view(f.dtable, V, E);
    lk_embedding_backward(&dt, f.ids, N, f.r);
    for (int j = 0; j < E; j++) { /* row 3 used twice: both gradients summed */
        gc_assert_near(f.dtable[3 * E + j], f.r[j] + f.r[2 * E + j], 1e-15);
        assert_true(f.dtable[1 * E + j] == 0); /* untouched row */
    }
    assert_true(gc_report("embedding", gc_check(emb_loss, &f, f.table, f.dtable, V * E)) < GC_TOL);
}

static void test_embedding_bag(void **state)
{
    (void)state;
    /* bag 0 = rows {1, 2, 4}, bag 1 = row {1} */
    emb_fix f = {{0}, {0}, {0}, {0}, {1, 2, 4, 1}, {0, 3, 4, 4, 4}, true};
    lk_rng rng;
    lk_rng_seed(&rng, 2);
    gc_fill(f.table, V * E, 1.0, &rng);
    gc_fill(f.r, N * E, 1.0, &rng);
    emb_loss(&f);
    for (int j = 0; j < E; j++) {
        gc_assert_near(f.out[j], (f.table[E + j] + f.table[2 * E + j] + f.table[4 * E + j]) / 3,
                       1e-15);
        gc_assert_near(f.out[E + j], f.table[E + j], 1e-15);
    }
    lk_mat dt = lk_mat_view(f.dtable, V, E);
    lk_embag_backward(&dt, f.ids, f.offsets, 2, true, f.r);
    assert_true(gc_report("char n-gram bag (mean)",
                          gc_check(emb_loss, &f, f.table, f.dtable, V * E)) < GC_TOL);
}

static void test_char_ngrams(void **state)
{
    (void)state;
    const int32_t ab[2] = {'a', 'b'}, ba[2] = {'b', 'a'};
    int32_t ids[16], ids2[16];
    /* "<ab>" with n in 2..3: "<a" "<ab" "ab" "ab>" "b>" */
    assert_int_equal(lk_char_ngrams(ab, 2, 2, 3, 1000, ids, 16), 5);
    /* n in 1..2: "a" "b" (lone markers skipped) + "<a" "ab" "b>" */
    assert_int_equal(lk_char_ngrams(ab, 2, 1, 2, 1000, ids, 16), 5);
    /* the count is returned even when cap is smaller */
    assert_int_equal(lk_char_ngrams(ab, 2, 2, 3, 1000, ids, 2), 5);
    /* deterministic, in range, order-sensitive */
    int32_t n1 = lk_char_ngrams(ab, 2, 2, 3, 1000, ids, 16);
    int32_t n2 = lk_char_ngrams(ab, 2, 2, 3, 1000, ids2, 16);
    assert_int_equal(n1, n2);
    assert_memory_equal(ids, ids2, (size_t)n1 * sizeof *ids);
    for (int i = 0; i < n1; i++) assert_true(ids[i] >= 0 && ids[i] < 1000);
    lk_char_ngrams(ba, 2, 2, 3, 1000, ids2, 16);
    assert_memory_not_equal(ids, ids2, (size_t)n1 * sizeof *ids);
    /* CJK code point, one char: "<X" "<X>" "X>" */
    const int32_t cjk[4] = {0x82F9, 0, 0, 0}; /* padded: gcc -Warray-bounds false positive */
    assert_int_equal(lk_char_ngrams(cjk, 1, 2, 3, 97, ids, 16), 3);
    /* empty word: "<>" */
    assert_int_equal(lk_char_ngrams(NULL, 0, 2, 3, 97, ids, 16), 1);
}

/* ---- concat, linear ------------------------------------------------------------------------ */

static void test_concat(void **state)
{
    (void)state;
    lk_real a[2 * 2] = {1, 2, 3, 4}, b[2 * 1] = {5, 6}, out[2 * 3];
    lk_mat parts[2] = {lk_mat_view(a, 2, 2), lk_mat_view(b, 2, 1)};
    lk_mat o = lk_mat_view(out, 2, 3);
    lk_concat_forward(parts, 2, &o);
    const lk_real expect[6] = {1, 2, 5, 3, 4, 6};
    for (int i = 0; i < 6; i++) assert_true(out[i] == expect[i]);
    lk_real da[4] = {0}, dout[6] = {1, 1, 1, 2, 2, 2};
    lk_mat dparts[2] = {lk_mat_view(da, 2, 2), lk_mat_view(NULL, 2, 1)}; /* b: no gradient */
    lk_mat dm = lk_mat_view(dout, 2, 3);
    lk_concat_backward(dparts, 2, &dm);
    assert_true(da[0] == 1 && da[1] == 1 && da[2] == 2 && da[3] == 2);
}

enum { LI = 3, LO = 4 };

typedef struct {
    lk_real w[LO * LI], b[LO], x[N * LI], y[N * LO], r[N * LO];
} lin_fix;

static double lin_loss(void *ctx)
{
    lin_fix *f = ctx;
    lk_mat w = lk_mat_view(f->w, LO, LI), x = lk_mat_view(f->x, N, LI), y = lk_mat_view(f->y, N, LO);
    lk_linear_forward(&w, f->b, &x, &y);
    return gc_dot(f->y, f->r, N * LO);
}

static void test_linear(void **state)
{
    (void)state;
    lin_fix f;
    lk_rng rng;
    lk_rng_seed(&rng, 3);
    gc_fill(f.w, LO * LI, 1, &rng);
    gc_fill(f.b, LO, 1, &rng);
    gc_fill(f.x, N * LI, 1, &rng);
    gc_fill(f.r, N * LO, 1, &rng);
    lin_loss(&f);
    double y01 = f.b[1];
    for (int k = 0; k < LI; k++) y01 += f.x[k] * f.w[LI + k];
    gc_assert_near(f.y[1], y01, 1e-14);
    lk_real dw[LO * LI] = {0}, db[LO] = {0}, dx[N * LI] = {0};
    lk_mat w = lk_mat_view(f.w, LO, LI), x = lk_mat_view(f.x, N, LI), dy = lk_mat_view(f.r, N, LO);
    lk_mat dwm = lk_mat_view(dw, LO, LI), dxm = lk_mat_view(dx, N, LI);
    lk_linear_backward(&w, &x, &dy, &dwm, db, &dxm);
    double e = fmax(gc_check(lin_loss, &f, f.w, dw, LO * LI), gc_check(lin_loss, &f, f.b, db, LO));
    e = fmax(e, gc_check(lin_loss, &f, f.x, dx, N * LI));
    assert_true(gc_report("linear", e) < GC_TOL);
}

/* ---- softmax cross-entropy ------------------------------------------------------------------ */

enum { SC = 3 };

typedef struct {
    lk_real logits[N * SC], probs[N * SC];
    int32_t targets[N];
} ce_fix;

static double ce_loss(void *ctx)
{
    ce_fix *f = ctx;
    lk_mat z = lk_mat_view(f->logits, N, SC), p = lk_mat_view(f->probs, N, SC);
    return lk_softmax_xent_forward(&z, f->targets, &p, NULL);
}

static void test_softmax_xent(void **state)
{
    (void)state;
    ce_fix f = {{0, log(2.0), log(3.0)}, {0}, {2, LK_ID_NONE, 0, 1}};
    lk_rng rng;
    lk_rng_seed(&rng, 4);
    gc_fill(f.logits + SC, (N - 1) * SC, 2, &rng);
    lk_mat z = lk_mat_view(f.logits, N, SC), p = lk_mat_view(f.probs, N, SC);
    int32_t counted = 0;
    double l0 = lk_softmax_xent_forward(&z, f.targets, &p, &counted);
    assert_int_equal(counted, 3); /* row 1 masked */
    /* row 0: p = (1/6, 2/6, 3/6), target 2: -log(1/2) */
    gc_assert_near(f.probs[0], 1.0 / 6, 1e-15);
    gc_assert_near(f.probs[2], 0.5, 1e-15);
    double rest = 0;
    for (int r = 2; r < N; r++) rest += -log(f.probs[r * SC + f.targets[r]]);
    gc_assert_near(l0, log(2.0) + rest, 1e-12);
    lk_real dz[N * SC] = {0};
    lk_mat dzm = lk_mat_view(dz, N, SC);
    lk_softmax_xent_backward(&p, f.targets, 1, &dzm);
    for (int j = 0; j < SC; j++) assert_true(dz[SC + j] == 0); /* masked row */
    assert_true(gc_report("softmax cross-entropy", gc_check(ce_loss, &f, f.logits, dz, N * SC)) <
                GC_TOL);
    int32_t am[N];
    lk_argmax_rows(&p, am);
    assert_int_equal(am[0], 2);
}

/* ---- dropout ------------------------------------------------------------------------------ */

typedef struct {
    lk_real x[8], y[8], r[8];
    uint8_t mask[8];
    float p;
} drop_fix;

static double drop_loss(void *ctx)
{
    drop_fix *f = ctx;
    lk_dropout_forward(f->x, 8, f->p, f->mask, f->y);
    return gc_dot(f->y, f->r, 8);
}

static void test_dropout(void **state)
{
    (void)state;
    drop_fix f;
    lk_rng rng;
    lk_rng_seed(&rng, 9);
    f.p = 0.25f;
    gc_fill(f.x, 8, 1, &rng);
    gc_fill(f.r, 8, 1, &rng);
    lk_dropout_mask(8, f.p, &rng, f.mask); /* fixed from here on */
    drop_loss(&f);
    int kept = 0;
    for (int i = 0; i < 8; i++) {
        kept += f.mask[i];
        gc_assert_near(f.y[i], f.mask[i] ? f.x[i] / 0.75 : 0.0, 1e-15);
    }
    assert_true(kept > 0 && kept < 8);
    lk_real dx[8] = {0};
    lk_dropout_backward(f.r, 8, f.p, f.mask, dx);
    assert_true(gc_report("dropout (fixed mask)", gc_check(drop_loss, &f, f.x, dx, 8)) < GC_TOL);
    /* keep rate over many draws is close to 1 - p */
    uint8_t big[20000];
    lk_dropout_mask(sizeof big, 0.3f, &rng, big);
    int on = 0;
    for (size_t i = 0; i < sizeof big; i++) on += big[i];
    assert_true(fabs(on / 20000.0 - 0.7) < 0.02);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedding),
        cmocka_unit_test(test_embedding_bag),
        cmocka_unit_test(test_char_ngrams),
        cmocka_unit_test(test_concat),
        cmocka_unit_test(test_linear),
        cmocka_unit_test(test_softmax_xent),
        cmocka_unit_test(test_dropout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
