/* bm25_testutil.h: shared by the BM25 unit tests (include after <cmocka.h>): the terms of a
   text joined with '|', and searches from several threads sharing one open index (plain or
   segmented), each result checked against the exhaustive path. */
#ifndef LK_TESTS_BM25_TESTUTIL_H
#define LK_TESTS_BM25_TESTUTIL_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/search/analyzer.h"
#include "features/search/bm25_index.h"

/* Terms of text (analyzed by a, after a reset) joined with '|' into out. */
static inline void lk_test_analyze(lk_analyzer *a, const char *text, char *out, size_t cap)
{
    lk_error err;
    lk_analyzer_reset(a);
    assert_int_equal(lk_analyzer_add(a, text, strlen(text), &err), LK_OK);
    size_t n, at = 0;
    const lk_term *t = lk_analyzer_terms(a, &n);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s%.*s", i ? "|" : "", (int)t[i].len, t[i].s);
}

typedef struct {
    const lk_bm25_index *idx;
    int seed, n_queries, mismatches;
} lk_test_bm25_thread;

/* Queries "w<a> w<b> w<c>" (every variant in turn) with MaxScore in one workspace and
   exhaustively in another: counts the results that differ. */
static inline void *lk_test_bm25_thread_run(void *p)
{
    lk_test_bm25_thread *a = p;
    lk_bm25_ws *ws = NULL, *ref = NULL;
    lk_error err;
    if (lk_bm25_ws_create(a->idx, &ws) != LK_OK || lk_bm25_ws_create(a->idx, &ref) != LK_OK)
        abort();
    lk_bm25_hit mine[10];
    for (int qi = 0; qi < a->n_queries; qi++) {
        char q[3][16];
        lk_term t[3];
        int w[3] = {(qi * 7 + a->seed) % 50, qi % 13, (qi * 31) % 200};
        for (int k = 0; k < 3; k++)
            t[k] = (lk_term){q[k], (size_t)snprintf(q[k], sizeof q[k], "w%d", w[k])};
        size_t n1, n2;
        lk_bm25_search_opts o = lk_bm25_search_opts_default();
        o.params.variant = (lk_bm25_variant)(qi % LK_BM25_N_VARIANTS);
        const lk_bm25_hit *h;
        if (lk_bm25_search_terms(a->idx, ws, t, 3, &o, &h, &n1, &err) != LK_OK) abort();
        if (n1) memcpy(mine, h, n1 * sizeof *h);
        o.exhaustive = true;
        if (lk_bm25_search_terms(a->idx, ref, t, 3, &o, &h, &n2, &err) != LK_OK) abort();
        if (n1 != n2) a->mismatches++;
        for (size_t z = 0; z < n1 && z < n2; z++) /* fields, not memcmp: the struct has padding */
            if (mine[z].doc != h[z].doc || mine[z].score != h[z].score) a->mismatches++;
    }
    lk_bm25_ws_free(ws);
    lk_bm25_ws_free(ref);
    return NULL;
}

/* n_threads (<= 8) threads of n_queries each on idx at once; total mismatches, -1 if a
   thread could not be started. */
static inline int lk_test_bm25_threads(const lk_bm25_index *idx, int n_threads, int n_queries)
{
    pthread_t th[8];
    lk_test_bm25_thread args[8];
    int started = 0, bad = 0;
    for (int i = 0; i < n_threads && i < 8; i++, started++) {
        args[i] = (lk_test_bm25_thread){idx, i, n_queries, 0};
        if (pthread_create(&th[i], NULL, lk_test_bm25_thread_run, &args[i]) != 0) break;
    }
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        bad += args[i].mismatches;
    }
    return started == n_threads ? bad : -1;
}

#endif
