/* Tests for features/sparse/pool.c: the worker pool of a job runs every chunk of every
   step exactly once, on one helper reused from step to step, and lk_pool_free joins it
   (ASan: nothing leaked; TSan: the chunks' writes seen by the caller). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "features/sparse/pool.h"

enum { MAX_CHUNKS = 64 };

typedef struct {
    int ran[MAX_CHUNKS]; /* how many times each chunk ran (each chunk writes its own) */
    long sum[MAX_CHUNKS];
} step;

static void run_chunk(void *arg, size_t c)
{
    step *s = arg;
    long x = 0;
    for (long i = 0; i < 2000 + 300 * (long)c; i++) x += i ^ (long)c; /* uneven chunks */
    s->sum[c] = x;
    s->ran[c]++;
}

static void *pair_half(void *arg)
{
    (*(int *)arg)++;
    return NULL;
}

static void check_steps(lk_pool *p)
{
    for (size_t k = 0; k < 300; k++) {
        size_t n = k % MAX_CHUNKS + (k % 3 == 0 ? 0 : 1); /* 0, 1 and many chunks */
        if (n > MAX_CHUNKS) n = MAX_CHUNKS;
        step s;
        memset(&s, 0, sizeof s);
        lk_pool_run(p, run_chunk, &s, n);
        for (size_t c = 0; c < MAX_CHUNKS; c++) {
            if (s.ran[c] != (c < n ? 1 : 0)) fail_msg("step %zu: chunk %zu ran %d times", k, c, s.ran[c]);
            long x = 0;
            for (long i = 0; i < 2000 + 300 * (long)c; i++) x += i ^ (long)c;
            if (c < n) assert_int_equal(s.sum[c], x);
        }
        int a = 0, b = 0;
        lk_pool_run_pair(p, pair_half, &a, &b);
        assert_int_equal(a, 1);
        assert_int_equal(b, 1);
    }
}

static void test_pool_steps(void **state)
{
    (void)state;
    lk_pool *p = NULL;
    assert_int_equal(lk_pool_create(&p), LK_OK);
    check_steps(p); /* one helper for all 600 steps */
    lk_pool_free(p);
    check_steps(NULL); /* no pool: every chunk on this thread */
}

static void test_pool_unused(void **state)
{
    (void)state;
    lk_pool *p = NULL;
    assert_int_equal(lk_pool_create(&p), LK_OK); /* no step: no thread started */
    lk_pool_free(p);
    lk_pool_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_steps),
        cmocka_unit_test(test_pool_unused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
