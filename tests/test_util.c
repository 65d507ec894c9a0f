/* test_util.c: text/util.c (clocks, FNV-1a). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text/util.h"

/* Reference values of 64-bit FNV-1a (the published test vectors). */
static void test_fnv1a64_vectors(void **state)
{
    (void)state;
    assert_true(lk_fnv1a64("", 0) == 0xcbf29ce484222325ull);
    assert_true(lk_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cull);
    assert_true(lk_fnv1a64("foobar", 6) == 0x85944171f73967e8ull);
    /* bytes >= 0x80 are taken unsigned */
    assert_true(lk_fnv1a64("\xff", 1) == ((0xcbf29ce484222325ull ^ 0xffu) * 1099511628211ull));
}

static void test_clocks_advance(void **state)
{
    (void)state;
    double t0 = lk_clock_s(), c0 = lk_cpu_clock_s();
    volatile uint64_t x = 1;
    for (int i = 0; i < 2000000; i++) x = x * 6364136223846793005ull + 1;
    double t1 = lk_clock_s(), c1 = lk_cpu_clock_s();
    assert_true(t0 > 0 && t1 >= t0);
    assert_true(c0 >= 0 && c1 >= c0);
    assert_true(t1 - t0 < 3600); /* seconds, not nanoseconds */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fnv1a64_vectors),
        cmocka_unit_test(test_clocks_advance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
