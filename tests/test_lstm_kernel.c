/* test_lstm_kernel.c: the fused LSTM inference step on packed weights (lstm_kernel.h) against
   a float64 reference of the LSTM equations and against the plain step of cell.c (BLAS
   product + gate loop), for every panel width this CPU runs (16 = AVX-512, 8 = AVX2+FMA; an
   AVX-512 CPU runs both), batch sizes over every tile height and its remainders, hidden
   sizes of one and of several panels, with and without a padding mask. The kernel sums with
   FMA where the plain step multiplies and adds: equal up to float rounding, not bit for bit. */
#include "models/lstm_kernel.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/cell.h"
#include "models/rng.h"

static void fill(float *x, size_t n, float scale, lk_rng *rng)
{
    for (size_t i = 0; i < n; i++) x[i] = scale * (2 * lk_rng_uniform(rng) - 1);
}

static double sig(double x) { return 1 / (1 + exp(-x)); }

/* h, c (B, H) of one LSTM step in float64, straight from the equations of cell.h */
static void reference_step(int32_t B, int32_t H, const float *w_h, const float *xw,
                           const float *hp, const float *cp, const uint8_t *mask, double *h,
                           double *c)
{
    for (int32_t b = 0; b < B; b++)
        for (int32_t j = 0; j < H; j++) {
            size_t o = (size_t)b * H + j;
            if (mask && !mask[b]) {
                h[o] = hp[o];
                c[o] = cp[o];
                continue;
            }
            double g[4];
            for (int32_t q = 0; q < 4; q++) {
                double s = xw[(size_t)b * 4 * H + (size_t)q * H + j];
                for (int32_t k = 0; k < H; k++)
                    s += (double)w_h[((size_t)q * H + j) * H + k] * hp[(size_t)b * H + k];
                g[q] = s;
            }
            c[o] = sig(g[1]) * cp[o] + sig(g[0]) * tanh(g[2]);
            h[o] = sig(g[3]) * tanh(c[o]);
        }
}

/* One case: the packed step of width w against the reference and the plain step. */
static void check_case(int32_t w, int32_t B, int32_t H, bool masked, lk_rng *rng)
{
    size_t gh = (size_t)4 * H, n_par = lk_cell_param_count(LK_CELL_LSTM, 3, H);
    float *par = calloc(n_par, sizeof *par);
    float *xw = malloc(sizeof(float) * (size_t)B * gh);
    float *hp = malloc(sizeof(float) * (size_t)B * H), *cp = malloc(sizeof(float) * (size_t)B * H);
    float *h1 = malloc(sizeof(float) * (size_t)B * H), *c1 = malloc(sizeof(float) * (size_t)B * H);
    float *h2 = malloc(sizeof(float) * (size_t)B * H), *c2 = malloc(sizeof(float) * (size_t)B * H);
    float *cache = malloc(sizeof(float) * (size_t)B * 5 * H);
    float *pk = malloc(sizeof(float) * lk_lstm_pack_size(H));
    double *hr = malloc(sizeof(double) * (size_t)B * H), *cr = malloc(sizeof(double) * (size_t)B * H);
    uint8_t *mask = malloc((size_t)B);
    assert_true(par && xw && hp && cp && h1 && c1 && h2 && c2 && cache && pk && hr && cr && mask);
    lk_cell cell;
    lk_cell_bind(LK_CELL_LSTM, 3, H, par, 0, &cell);
    /* weights of a trained model's size: pre-activations of a few units, some saturating */
    fill(cell.w_h.data, gh * (size_t)H, 2.0f / sqrtf((float)H), rng);
    fill(xw, (size_t)B * gh, 3.0f, rng);
    fill(hp, (size_t)B * H, 1.0f, rng);
    fill(cp, (size_t)B * H, 2.0f, rng);
    for (int32_t b = 0; b < B; b++) mask[b] = (uint8_t)(!masked || b % 3 != 1);
    const uint8_t *mk = masked ? mask : NULL;
    reference_step(B, H, cell.w_h.data, xw, hp, cp, mk, hr, cr);
    /* the plain step (no packed copy) */
    cell.ops->step_forward(&cell, B, xw, hp, cp, mk, h1, c1, cache);
    /* the fused step */
    lk_lstm_pack(cell.w_h.data, H, w, pk);
    memset(h2, 0xff, sizeof(float) * (size_t)B * H); /* NaN: every element must be written */
    memset(c2, 0xff, sizeof(float) * (size_t)B * H);
    lk_lstm_step_packed(B, H, w, pk, xw, hp, cp, mk, h2, c2);
    for (size_t i = 0; i < (size_t)B * H; i++) {
        assert_true(fabs(h2[i] - hr[i]) < 2e-5);
        assert_true(fabs(c2[i] - cr[i]) < 2e-5);
        assert_true(fabsf(h2[i] - h1[i]) < 2e-5f);
        assert_true(fabsf(c2[i] - c1[i]) < 2e-5f);
        if (masked && !mask[i / (size_t)H]) { /* carried over exactly */
            assert_true(h2[i] == hp[i]);
            assert_true(c2[i] == cp[i]);
        }
    }
    /* the same step through the cell: a packed copy switches lstm_step_forward to it */
    cell.w_h_pk = pk;
    cell.w_h_pk_width = w;
    cell.ops->step_forward(&cell, B, xw, hp, cp, mk, h1, c1, cache);
    assert_memory_equal(h1, h2, sizeof(float) * (size_t)B * H);
    assert_memory_equal(c1, c2, sizeof(float) * (size_t)B * H);
    free(par), free(xw), free(hp), free(cp), free(h1), free(c1), free(h2), free(c2);
    free(cache), free(pk), free(hr), free(cr), free(mask);
}

static void test_packed_step(void **state)
{
    (void)state;
    lk_rng rng;
    lk_rng_seed(&rng, 11);
    const int32_t widths[] = {16, 8};
    const int32_t Hs[] = {128, 16, 8, 48, 24};
    int ran = 0;
    for (size_t wi = 0; wi < 2; wi++)
        for (size_t hi = 0; hi < sizeof Hs / sizeof *Hs; hi++) {
            int32_t w = widths[wi], H = Hs[hi];
            if (!lk_lstm_width_ok(w, H)) continue;
            for (int32_t B = 1; B <= 20; B++) {
                if (H != 128 && B > 8 && B != 13) continue; /* the big H covers every B */
                check_case(w, B, H, false, &rng);
                check_case(w, B, H, true, &rng);
                ran++;
            }
        }
    /* the width chosen for inference is one the kernel runs (0: none on this CPU) */
    int32_t w = lk_lstm_kernel_width(128);
    assert_true(w == 0 || lk_lstm_width_ok(w, 128));
    assert_true(w == 0 || ran > 0);
    assert_int_equal(lk_lstm_kernel_width(12), 0); /* not a multiple of 8 */
    assert_false(lk_lstm_width_ok(16, 24));
    assert_false(lk_lstm_width_ok(4, 16));
}

/* The packed layout itself: panel u, row k, gate g, lane v. */
static void test_pack_layout(void **state)
{
    (void)state;
    const int32_t H = 16, w = 8;
    float wh[4 * 16 * 16], pk[4 * 16 * 16];
    for (int32_t i = 0; i < 4 * H * H; i++) wh[i] = (float)i;
    lk_lstm_pack(wh, H, w, pk);
    /* unit 9 = panel 1 lane 1, gate 2 (g), k = 5: w_h[(2 H + 9) H + 5] */
    assert_true(pk[((1 * H + 5) * 4 + 2) * w + 1] == wh[(2 * H + 9) * H + 5]);
    assert_true(pk[0] == wh[0]);
    assert_true(pk[4 * H * H - 1] == wh[(3 * H + 15) * H + 15]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packed_step),
        cmocka_unit_test(test_pack_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
