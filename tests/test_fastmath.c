/* test_fastmath.c: the error bounds that models/fastmath.h documents, checked against libm
   (in double) over a fine grid, plus the clamped ends and exact values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "models/fastmath.h"

#define GRID_STEP 1e-3 /* 200,001 points per function on [-100, 100] */

/* NaN propagates (no undefined int conversion on the way: UBSan checks it); infinities give
   the limits. */
static void test_non_finite(void **state)
{
    (void)state;
    assert_true(isnan(lk_fast_expf(NAN)));
    assert_true(isnan(lk_fast_sigmoidf(NAN)));
    assert_true(isnan(lk_fast_tanhf(NAN)));
    assert_true(lk_fast_expf(-INFINITY) >= 0 && lk_fast_expf(-INFINITY) < 1e-37f);
    assert_true(lk_fast_expf(INFINITY) > 1e38f && isfinite(lk_fast_expf(INFINITY)));
    assert_true(fabsf(lk_fast_sigmoidf(INFINITY) - 1) < 1e-7f && lk_fast_sigmoidf(-INFINITY) < 1e-37f);
    assert_true(fabsf(lk_fast_tanhf(INFINITY) - 1) < 1e-7f && fabsf(lk_fast_tanhf(-INFINITY) + 1) < 1e-7f);
}

static void test_exp_relative_error(void **state)
{
    (void)state;
    double worst = 0;
    for (double x = LK_FAST_EXP_MIN; x <= LK_FAST_EXP_MAX; x += GRID_STEP) {
        float xf = (float)x;
        double want = exp((double)xf), got = lk_fast_expf(xf);
        double rel = fabs(got - want) / want;
        if (rel > worst) worst = rel;
    }
    assert_true(worst < 1.5e-7);
    assert_true(lk_fast_expf(0.0f) == 1.0f);
    /* outside the range: clamped, finite, never inf or NaN */
    assert_true(lk_fast_expf(-1000.0f) > 0 && lk_fast_expf(-1000.0f) < 1e-37f);
    assert_true(isfinite(lk_fast_expf(1000.0f)) && lk_fast_expf(1000.0f) > 1e38f);
    assert_true(isnan(lk_fast_expf(NAN))); /* NaN passes through (no integer overflow) */
    assert_true(isnan(lk_fast_sigmoidf(NAN)) && isnan(lk_fast_tanhf(NAN)));
}

static void test_sigmoid_tanh_absolute_error(void **state)
{
    (void)state;
    double worst_s = 0, worst_t = 0;
    for (double x = -100; x <= 100; x += GRID_STEP) {
        float xf = (float)x;
        double s = 1.0 / (1.0 + exp(-(double)xf)), t = tanh((double)xf);
        double es = fabs(lk_fast_sigmoidf(xf) - s), et = fabs(lk_fast_tanhf(xf) - t);
        if (es > worst_s) worst_s = es;
        if (et > worst_t) worst_t = et;
    }
    assert_true(worst_s < 1.5e-7);
    assert_true(worst_t < 3e-7);
    /* saturation is exact, and the signs are right */
    assert_true(lk_fast_tanhf(50.0f) == 1.0f && lk_fast_tanhf(-50.0f) == -1.0f);
    assert_true(lk_fast_sigmoidf(-200.0f) >= 0.0f && lk_fast_sigmoidf(200.0f) == 1.0f);
    assert_true(lk_fast_tanhf(0.0f) == 0.0f && lk_fast_sigmoidf(0.0f) == 0.5f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_relative_error),
        cmocka_unit_test(test_sigmoid_tanh_absolute_error),
        cmocka_unit_test(test_non_finite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
