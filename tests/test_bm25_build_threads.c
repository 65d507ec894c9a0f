/* test_bm25_build_threads.c: the index file does not depend on how it was built: one thread
   or two (terms sorted beside the counting, postings encoded in two halves), in memory or
   through spilled runs; document frequencies equal counts made from the raw text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "features/search/bm25_index.h"
#include "models/rng.h"
#include "tests/testutil.h"
#include "text/fileio.h"

#define N_DOCS 2500
#define VOCAB 3000
#define MAX_LEN 120

/* Documents as term ids: Zipf-like (cubed uniform), 1..MAX_LEN terms each. */
typedef struct {
    int len[N_DOCS];
    int tok[N_DOCS][MAX_LEN];
} collection;

static collection *make_collection(uint64_t seed)
{
    collection *c = calloc(1, sizeof *c);
    lk_rng r;
    lk_rng_seed(&r, seed);
    for (int d = 0; d < N_DOCS; d++) {
        c->len[d] = 1 + (int)(lk_rng_u32(&r) % MAX_LEN);
        for (int i = 0; i < c->len[d]; i++) {
            float u = lk_rng_uniform(&r);
            c->tok[d][i] = (int)(VOCAB * u * u * u);
        }
    }
    return c;
}

/* Term strings of different lengths (some longer than 8 bytes, sharing their first 8). */
static size_t term_str(int t, char *buf)
{
    return (size_t)(t % 3 == 0 ? sprintf(buf, "longprefix%d", t) : sprintf(buf, "t%d", t));
}

static void build(const char *dir, const collection *c, int threads, size_t mem_limit)
{
    lk_bm25_build_config cfg = lk_bm25_build_config_default();
    cfg.threads = threads;
    cfg.mem_limit = mem_limit;
    lk_bm25_builder *b = NULL;
    lk_error err;
    static char bytes[MAX_LEN][24];
    lk_term t[MAX_LEN];
    assert_int_equal(lk_bm25_builder_create(dir, &cfg, &b, &err), LK_OK);
    for (int d = 0; d < N_DOCS; d++) {
        for (int i = 0; i < c->len[d]; i++) {
            t[i].s = bytes[i];
            t[i].len = term_str(c->tok[d][i], bytes[i]);
        }
        char id[16];
        snprintf(id, sizeof id, "d%d", d);
        assert_int_equal(lk_bm25_builder_add(b, id, strlen(id), t, (size_t)c->len[d], NULL, d + 1,
                                             &err),
                         LK_OK);
    }
    assert_int_equal(lk_bm25_builder_finish(b, &err), LK_OK);
}

static unsigned char *slurp_index(const char *dir, size_t *n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, LK_BM25_INDEX_FILE);
    return lk_test_slurp(path, n);
}

static void test_threads_same_file(void **state)
{
    (void)state;
    collection *c = make_collection(42);
    char one[512], two[512], spilled[512];
    lk_test_tmp_path(one, sizeof one, "thr1.idx");
    lk_test_tmp_path(two, sizeof two, "thr2.idx");
    lk_test_tmp_path(spilled, sizeof spilled, "thr2spill.idx");
    build(one, c, 1, (size_t)64 << 20);
    build(two, c, 2, (size_t)64 << 20);
    build(spilled, c, 2, (size_t)64 << 10);
    size_t n1, n2, n3;
    unsigned char *a = slurp_index(one, &n1), *b = slurp_index(two, &n2),
                  *s = slurp_index(spilled, &n3);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    assert_int_equal(n1, n3);
    assert_memory_equal(a, s, n1);

    /* document frequencies against counts from the generator */
    lk_bm25_index *idx = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_index_open(two, &idx, &err), LK_OK);
    assert_int_equal(lk_bm25_index_n_docs(idx), N_DOCS);
    static unsigned char seen[VOCAB];
    int df[VOCAB] = {0}, distinct = 0, postings = 0;
    for (int d = 0; d < N_DOCS; d++) {
        memset(seen, 0, sizeof seen);
        for (int i = 0; i < c->len[d]; i++)
            if (!seen[c->tok[d][i]]++) df[c->tok[d][i]]++;
    }
    for (int t = 0; t < VOCAB; t++) {
        char buf[24];
        size_t len = term_str(t, buf);
        assert_int_equal(lk_bm25_index_df(idx, buf, len), df[t]);
        distinct += df[t] > 0;
        postings += df[t];
    }
    assert_int_equal(lk_bm25_index_n_terms(idx), distinct);
    assert_true(distinct > 256);       /* the sort runs on the second thread */
    assert_true(postings > 1 << 14);   /* and the encoding is split in two */
    lk_bm25_index_free(idx);
    free(a);
    free(b);
    free(s);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_same_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
