/* test_api_search.c: the public search API (include/lexkit/search.h) from several threads:
   lexkit_index_search_many on 1..8 threads gives exactly the answers of one searcher
   asking the queries in order, and reports the first malformed query whatever the threads;
   searchers of one index used by threads at once (run under TSan); a created index before
   its first add (no hits, malformed queries still errors) and deletes of unknown ids;
   lexkit_index_exists on the directories an index build may or may not replace;
   lexkit_index_set_bm25 / lexkit_searcher_set_bm25 rank as the library's own search with
   the same BM25 parameters (what `lexkit search --variant --k1 --b --delta` runs). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "features/bm25.h"
#include "features/search/bm25_index.h"
#include "features/search/bm25_query.h"
#include "features/search/bm25_text.h"
#include "include/lexkit/search.h"
#include "tests/testutil.h"

#define N_DOCS 400
#define N_QUERIES 300
#define K 7

static const char *const words[] = {"river", "bridge", "city", "stone", "rail", "tower",
                                    "harbour", "market", "winter", "garden", "north", "light",
                                    "paper", "music", "glass", "field"};
#define N_WORDS (sizeof words / sizeof *words)

static lexkit_index *idx;
static char idx_dir[512];
static char *queries[N_QUERIES];
static size_t qlens[N_QUERIES];

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static int setup(void **state)
{
    (void)state;
    char *dir = idx_dir;
    lk_test_tmp_path(dir, sizeof idx_dir, "api_search.idx");
    static char idb[N_DOCS][16], txt[N_DOCS][256];
    const char *ids[N_DOCS], *texts[N_DOCS];
    size_t il[N_DOCS], tl[N_DOCS];
    uint32_t s = 7;
    for (int i = 0; i < N_DOCS; i++) {
        snprintf(idb[i], sizeof idb[i], "d%d", i);
        size_t o = 0, n = 3 + rnd(&s) % 20;
        for (size_t w = 0; w < n; w++)
            o += (size_t)snprintf(txt[i] + o, sizeof txt[i] - o, "%s%s", w ? " " : "",
                                  words[rnd(&s) % N_WORDS]);
        ids[i] = idb[i];
        texts[i] = txt[i];
        il[i] = strlen(idb[i]);
        tl[i] = o;
    }
    lexkit_index_config c = lexkit_index_config_default();
    lexkit_error err;
    if (lexkit_index_create(dir, &c, &idx, &err) != LEXKIT_OK ||
        lexkit_index_add(idx, ids, il, texts, tl, N_DOCS, &err) != LEXKIT_OK) {
        fprintf(stderr, "%s\n", lexkit_error_message(&err));
        return -1;
    }
    for (int q = 0; q < N_QUERIES; q++) { /* words, some required/excluded, some phrases */
        char b[128];
        size_t o = 0, n = 1 + rnd(&s) % 3;
        for (size_t w = 0; w < n; w++) {
            uint32_t r = rnd(&s) % 10;
            o += (size_t)snprintf(b + o, sizeof b - o, "%s%s%s", w ? " " : "",
                                  r == 0 ? "+" : r == 1 ? "-" : "", words[rnd(&s) % N_WORDS]);
        }
        if (q % 17 == 5) o += (size_t)snprintf(b + o, sizeof b - o, " \"%s %s\"", words[q % N_WORDS],
                                               words[(q * 7) % N_WORDS]);
        queries[q] = malloc(o + 1);
        if (!queries[q]) return -1;
        memcpy(queries[q], b, o + 1);
        qlens[q] = o;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lexkit_index_free(idx);
    for (int q = 0; q < N_QUERIES; q++) free(queries[q]);
    return 0;
}

/* Every query's hits asked in order of one searcher. */
static void expected(lexkit_hit *hits, size_t *nh)
{
    lexkit_searcher *s = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_searcher_create(idx, &s, &err), LEXKIT_OK);
    for (int q = 0; q < N_QUERIES; q++)
        assert_int_equal(lexkit_searcher_search(s, queries[q], qlens[q], K, hits + q * K,
                                                &nh[q], &err), LEXKIT_OK);
    lexkit_searcher_free(s);
}

static void assert_same(const lexkit_hit *a, const size_t *na, const lexkit_hit *b,
                        const size_t *nb)
{
    for (int q = 0; q < N_QUERIES; q++) {
        assert_int_equal(na[q], nb[q]);
        for (size_t i = 0; i < na[q]; i++) {
            assert_int_equal(a[q * K + i].doc, b[q * K + i].doc);
            assert_true(a[q * K + i].score == b[q * K + i].score);
        }
    }
}

static void test_search_many_threads(void **state)
{
    (void)state;
    static lexkit_hit want[N_QUERIES * K], got[N_QUERIES * K];
    static size_t nwant[N_QUERIES], ngot[N_QUERIES];
    expected(want, nwant);
    size_t total = 0;
    for (int q = 0; q < N_QUERIES; q++) total += nwant[q];
    assert_true(total > N_QUERIES * 3); /* the queries find something */
    lexkit_error err;
    for (int t = 1; t <= 8; t++) {
        memset(got, 0, sizeof got);
        memset(ngot, 0xff, sizeof ngot);
        assert_int_equal(lexkit_index_search_many(idx, (const char *const *)queries, qlens,
                                                  N_QUERIES, K, t, got, ngot, &err),
                         LEXKIT_OK);
        assert_same(want, nwant, got, ngot);
    }
    /* fewer queries than threads, and none */
    assert_int_equal(lexkit_index_search_many(idx, (const char *const *)queries, qlens, 3, K, 8,
                                              got, ngot, &err), LEXKIT_OK);
    for (int q = 0; q < 3; q++) assert_int_equal(ngot[q], nwant[q]);
    assert_int_equal(lexkit_index_search_many(idx, NULL, NULL, 0, K, 4, NULL, NULL, &err),
                     LEXKIT_OK);
}

static void test_search_many_first_error(void **state)
{
    (void)state;
    static lexkit_hit got[N_QUERIES * K];
    static size_t ngot[N_QUERIES];
    const char *q[N_QUERIES];
    size_t l[N_QUERIES];
    for (int i = 0; i < N_QUERIES; i++) {
        q[i] = queries[i];
        l[i] = qlens[i];
    }
    static const struct { int at; const char *text; } bad[] = {
        {201, "river \"bridge"}, /* unbalanced quote */
        {77, "rock - paper"},    /* a lone '-' */
        {250, "title:"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        q[bad[i].at] = bad[i].text;
        l[bad[i].at] = strlen(bad[i].text);
    }
    lexkit_error err;
    for (int t = 1; t <= 8; t++) {
        assert_int_equal(lexkit_index_search_many(idx, q, l, N_QUERIES, K, t, got, ngot, &err),
                         LEXKIT_ERR_PARSE);
        assert_int_equal(strncmp(lexkit_error_message(&err), "query 77: ", 10), 0);
    }
}

typedef struct {
    const lexkit_hit *want;
    const size_t *nwant;
    const lexkit_snippet *snip; /* the snippet of each query's first hit, or NULL */
    int first, ok;
} reader;

/* The snippet of each query's first hit, made by one searcher (text and highlights
   pointers cleared: they are borrowed). */
static void expected_snippets(lexkit_snippet *sn)
{
    lexkit_searcher *s = NULL;
    lexkit_error err;
    lexkit_hit h[K];
    size_t n;
    int with_text = 0;
    assert_int_equal(lexkit_searcher_create(idx, &s, &err), LEXKIT_OK);
    for (int q = 0; q < N_QUERIES; q++) {
        memset(&sn[q], 0, sizeof sn[q]);
        assert_int_equal(lexkit_searcher_search(s, queries[q], qlens[q], K, h, &n, &err), LEXKIT_OK);
        if (n) assert_int_equal(lexkit_searcher_snippet(s, h[0].doc, 0, &sn[q], &err), LEXKIT_OK);
        with_text += sn[q].len > 0 && sn[q].n_highlights > 0;
        sn[q].text = NULL;
        sn[q].highlights = NULL;
    }
    lexkit_searcher_free(s);
    assert_true(with_text > N_QUERIES / 2);
}

static void *read_all(void *arg)
{
    reader *r = arg;
    lexkit_searcher *s = NULL;
    lexkit_error err;
    lexkit_hit h[K];
    size_t n;
    r->ok = lexkit_searcher_create(idx, &s, &err) == LEXKIT_OK;
    for (int i = 0; r->ok && i < N_QUERIES; i++) {
        int q = (r->first + i) % N_QUERIES;
        r->ok = lexkit_searcher_search(s, queries[q], qlens[q], K, h, &n, &err) == LEXKIT_OK &&
                n == r->nwant[q];
        for (size_t j = 0; r->ok && j < n; j++)
            r->ok = h[j].doc == r->want[q * K + j].doc && h[j].score == r->want[q * K + j].score;
        lexkit_snippet sn; /* each searcher makes its own snippets (its stored-field reads) */
        if (r->ok && n && r->snip) {
            const lexkit_snippet *w = &r->snip[q];
            r->ok = lexkit_searcher_snippet(s, h[0].doc, 0, &sn, &err) == LEXKIT_OK &&
                    sn.len == w->len && sn.start == w->start &&
                    sn.n_highlights == w->n_highlights && sn.cut_start == w->cut_start &&
                    sn.cut_end == w->cut_end;
        }
    }
    lexkit_searcher_free(s);
    return NULL;
}

static void test_searchers_in_threads(void **state)
{
    (void)state;
    static lexkit_hit want[N_QUERIES * K];
    static size_t nwant[N_QUERIES];
    static lexkit_snippet snip[N_QUERIES];
    expected(want, nwant);
    expected_snippets(snip);
    pthread_t th[4];
    reader r[4];
    for (int t = 0; t < 4; t++) {
        r[t] = (reader){want, nwant, t % 2 ? snip : NULL, t * 71, 0};
        assert_int_equal(pthread_create(&th[t], NULL, read_all, &r[t]), 0);
    }
    for (int t = 0; t < 4; t++) {
        pthread_join(th[t], NULL);
        assert_true(r[t].ok);
    }
}

/* A created index before its first add finds nothing (a malformed query is still an error),
   and a delete names an id that is not in the index by its position, deleting nothing. */
static void test_empty_index_and_unknown_ids(void **state)
{
    (void)state;
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, "api_search_empty.idx");
    lexkit_index *x = NULL;
    lexkit_error err;
    lexkit_index_config bad = lexkit_index_config_default();
    assert_int_equal(bad.zh_script, LEXKIT_ZH_SCRIPT_DEFAULT);
    bad.zh_script = (lexkit_zh_script)9;
    assert_int_equal(lexkit_index_create(dir, &bad, &x, &err), LEXKIT_ERR_ARG);
    assert_string_equal(lexkit_error_message(&err), "zh_script: unknown value 9");
    assert_null(x);
    assert_int_equal(lexkit_index_create(dir, NULL, &x, &err), LEXKIT_OK);
    lexkit_hit h[K];
    size_t n = 99, nq[2] = {9, 9};
    assert_int_equal(lexkit_index_search(x, "river", 5, K, h, &n, &err), LEXKIT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(lexkit_index_search(x, "river \"br", 10, K, h, &n, &err), LEXKIT_ERR_PARSE);
    assert_string_equal(lexkit_error_message(&err), "query column 7: unbalanced quote (no closing '\"')");
    const char *q[2] = {"river -bridge", "rock - paper"};
    size_t ql[2] = {13, 12};
    assert_int_equal(lexkit_index_search_many(x, q, ql, 1, K, 2, h, nq, &err), LEXKIT_OK);
    assert_int_equal(nq[0], 0);
    assert_int_equal(lexkit_index_search_many(x, q, ql, 2, K, 2, h, nq, &err), LEXKIT_ERR_PARSE);
    assert_int_equal(strncmp(lexkit_error_message(&err), "query 1: query column 6: ", 25), 0);
    lexkit_index_set_syntax(x, 0);
    assert_int_equal(lexkit_index_search_many(x, q, ql, 2, K, 1, h, nq, &err), LEXKIT_OK);
    lexkit_index_set_syntax(x, 1);
    const char *ids[3] = {"a", "nope", "b"};
    size_t il[3] = {1, 4, 1};
    assert_int_equal(lexkit_index_delete(x, ids, il, 0, &err), LEXKIT_OK);
    assert_int_equal(lexkit_index_delete(x, ids, il, 1, &err), LEXKIT_ERR_PARSE);
    assert_string_equal(lexkit_error_message(&err), "ids[0]: document id \"a\" is not in the index");
    const char *texts[2] = {"river bridge", "city stone"};
    size_t tl[2] = {12, 10};
    const char *add_ids[2] = {"a", "b"};
    size_t al[2] = {1, 1};
    assert_int_equal(lexkit_index_add(x, add_ids, al, texts, tl, 2, &err), LEXKIT_OK);
    assert_int_equal(lexkit_index_delete(x, ids, il, 3, &err), LEXKIT_ERR_PARSE);
    assert_string_equal(lexkit_error_message(&err), "ids[1]: document id \"nope\" is not in the index");
    assert_int_equal(lexkit_index_n_docs(x), 2);
    assert_int_equal(lexkit_index_search(x, "river", 5, K, h, &n, &err), LEXKIT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(lexkit_index_search(x, "url:river", 9, K, h, &n, &err), LEXKIT_ERR_PARSE);
    assert_int_equal(lexkit_index_delete(x, add_ids, al, 2, &err), LEXKIT_OK);
    assert_int_equal(lexkit_index_n_docs(x), 0);
    lexkit_index_free(x);
}

/* Files in the directory of `dir` whose names start with dir's name + ".add": the staged
   documents of an adder. */
static int staged_files(const char *dir)
{
    char parent[512];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    assert_non_null(slash);
    *slash = '\0';
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s.add", slash + 1);
    DIR *d = opendir(parent);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += !strncmp(e->d_name, prefix, strlen(prefix));
    closedir(d);
    return n;
}

static lexkit_status stage(lexkit_index_adder *a, const char *const *docs, size_t n,
                           lexkit_error *err)
{
    size_t lens[8];
    for (size_t i = 0; i < n; i++) lens[i] = strlen(docs[i]);
    return lexkit_index_adder_json(a, docs, lens, n, err);
}

/* An adder stages its batches beside the index and adds them all at its commit, or none:
   freed uncommitted, with a bad document (named by its place among all the batches) or a
   duplicate id found by the commit, the index is as it was and no file is left. */
static void test_adder_all_or_nothing(void **state)
{
    (void)state;
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, "api_search_adder.idx");
    lexkit_index *x = NULL;
    lexkit_index_adder *a = NULL;
    lexkit_error err;
    const char *b1[2] = {"{\"id\":\"a\",\"text\":\"river bridge\"}", "{\"id\":\"b\",\"text\":\"city\"}"};
    const char *b2[2] = {"{\"id\":\"c\",\"text\":\"stone\"}", "{\"id\":\"d\",\"text\":7}"};
    const char *b3[1] = {"{\"id\":\"c\",\"text\":\"stone river\"}"};
    const char *dup[2] = {"{\"id\":\"e\",\"text\":\"rail\"}", "{\"id\":\"a\",\"text\":\"rail\"}"};
    assert_int_equal(lexkit_index_create(dir, NULL, &x, &err), LEXKIT_OK);
    assert_int_equal(lexkit_index_adder_create(x, &a, &err), LEXKIT_OK);
    assert_int_equal(stage(a, b1, 2, &err), LEXKIT_OK);
    assert_int_equal(stage(a, b2, 2, &err), LEXKIT_ERR_PARSE);
    assert_int_equal(strncmp(lexkit_error_message(&err), "documents:4:", 12), 0);
    assert_int_equal(stage(a, b3, 1, &err), LEXKIT_OK);
    assert_int_equal(staged_files(dir), 1);
    lexkit_index_adder_free(a); /* not committed: discarded */
    assert_int_equal(staged_files(dir), 0);
    assert_int_equal(lexkit_index_n_docs(x), 0);
    assert_int_equal(lexkit_index_exists(dir), 0);

    assert_int_equal(lexkit_index_adder_create(x, &a, &err), LEXKIT_OK);
    assert_int_equal(stage(a, b1, 2, &err), LEXKIT_OK);
    assert_int_equal(stage(a, b2, 2, &err), LEXKIT_ERR_PARSE); /* nothing of it staged */
    assert_int_equal(stage(a, b3, 1, &err), LEXKIT_OK);
    assert_int_equal(lexkit_index_n_docs(x), 0); /* nothing added before the commit */
    assert_int_equal(lexkit_index_adder_commit(a, &err), LEXKIT_OK);
    assert_int_equal(lexkit_index_adder_commit(a, &err), LEXKIT_ERR_STATE);
    assert_int_equal(stage(a, b3, 1, &err), LEXKIT_ERR_STATE);
    lexkit_index_adder_free(a);
    assert_int_equal(lexkit_index_n_docs(x), 3);
    lexkit_hit h[K];
    size_t n = 0;
    assert_int_equal(lexkit_index_search(x, "river", 5, K, h, &n, &err), LEXKIT_OK);
    assert_int_equal(n, 2);

    assert_int_equal(lexkit_index_adder_create(x, &a, &err), LEXKIT_OK);
    assert_int_equal(stage(a, dup, 1, &err), LEXKIT_OK);
    assert_int_equal(stage(a, dup + 1, 1, &err), LEXKIT_OK);
    assert_int_equal(lexkit_index_adder_commit(a, &err), LEXKIT_ERR_PARSE);
    assert_non_null(strstr(lexkit_error_message(&err), "documents:2"));
    assert_non_null(strstr(lexkit_error_message(&err), "duplicate document id \"a\""));
    lexkit_index_adder_free(a);
    assert_int_equal(lexkit_index_n_docs(x), 3);
    assert_int_equal(lexkit_index_search(x, "rail", 4, K, h, &n, &err), LEXKIT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(staged_files(dir), 0);
    lexkit_index_free(x);
}

/* dir/name holding the bytes s[0..n). */
static void put_file(const char *dir, const char *name, const char *s, size_t n)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(s, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

static void rm_file(const char *dir, const char *name)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    assert_int_equal(unlink(p), 0);
}

/* The builder's rule: index.lkbx starting with LKBX or segments.lkbm starting with LKBM. */
static void test_index_exists(void **state)
{
    (void)state;
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, "api_search_exists.d");
    assert_int_equal(lexkit_index_exists(NULL), 0);
    assert_int_equal(lexkit_index_exists(dir), 0); /* absent */
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(lexkit_index_exists(dir), 0); /* empty */
    put_file(dir, "index.lkbx", "LKBX\2\0\0\0", 8);
    assert_int_equal(lexkit_index_exists(dir), 1);
    rm_file(dir, "index.lkbx");
    put_file(dir, "segments.lkbm", "LKBM\1\0\0\0", 8);
    assert_int_equal(lexkit_index_exists(dir), 1);
    rm_file(dir, "segments.lkbm");
    put_file(dir, "index.lkbx", "LKBM\2\0\0\0", 8); /* right name, wrong magic */
    put_file(dir, "segments.lkbm", "LKBX\1\0\0\0", 8);
    assert_int_equal(lexkit_index_exists(dir), 0);
    rm_file(dir, "segments.lkbm");
    put_file(dir, "index.lkbx", "LKB", 3); /* shorter than a magic */
    assert_int_equal(lexkit_index_exists(dir), 0);
    char file[600];
    snprintf(file, sizeof file, "%s/index.lkbx", dir);
    assert_int_equal(lexkit_index_exists(file), 0); /* a file, not a directory */
    rm_file(dir, "index.lkbx");
    assert_int_equal(rmdir(dir), 0);
    lk_test_tmp_path(dir, sizeof dir, "api_search.idx"); /* the index of setup */
    assert_int_equal(lexkit_index_exists(dir), 1);
}

/* The BM25 settings tried: every variant with the defaults, with k1 0.9 b 0.4 (Xapian's
   BM25Weight is k1 1 b 0.5; bm25s and rank_bm25 users pass k1 1.5), and with k1 2 b 1 and
   an explicit delta of 0.3 (bm25l, bm25plus). */
typedef struct {
    const char *name;
    double k1, b, delta;
} bm25_setting;

static const char *const variant_names[] = {"lucene", "robertson", "atire", "bm25l", "bm25plus",
                                            "xapian"};
#define N_VARIANTS (sizeof variant_names / sizeof *variant_names)
static const double settings[][3] = {{1.2, 0.75, -1.0}, {0.9, 0.4, -1.0}, {2.0, 1.0, 0.3}};
#define N_SETTINGS (sizeof settings / sizeof *settings)

/* Every query's hits from the library's own search (as `lexkit search` runs it) of the index
   in idx_dir with these parameters. */
static void reference(const lk_bm25_params *p, lexkit_hit *hits, size_t *nh)
{
    lk_bm25_index *x = NULL;
    lk_bm25_ws *ws = NULL;
    lk_analyzer *an = NULL;
    lk_query_ws *qw = NULL;
    lk_error e;
    lk_error_clear(&e);
    assert_int_equal(lk_bm25_index_open(idx_dir, &x, &e), LK_OK);
    assert_int_equal(lk_bm25_ws_create(x, &ws), LK_OK);
    assert_int_equal(lk_bm25_index_analyzer(x, &an, &e), LK_OK);
    assert_int_equal(lk_query_ws_create(x, &qw, &e), LK_OK);
    lk_bm25_search_opts o = lk_bm25_search_opts_default();
    o.params = *p;
    o.k = K;
    for (int q = 0; q < N_QUERIES; q++) {
        const lk_bm25_hit *h = NULL;
        assert_int_equal(lk_bm25_search_query(x, ws, an, qw, queries[q], qlens[q], &o, &h,
                                              &nh[q], &e), LK_OK);
        for (size_t i = 0; i < nh[q]; i++) {
            hits[q * K + i].doc = h[i].doc;
            hits[q * K + i].score = h[i].score;
        }
    }
    lk_query_ws_free(qw);
    lk_analyzer_free(an);
    lk_bm25_ws_free(ws);
    lk_bm25_index_free(x);
}

/* Whether some hit of a differs from b (in document or score). */
static bool differ(const lexkit_hit *a, const size_t *na, const lexkit_hit *b, const size_t *nb)
{
    for (int q = 0; q < N_QUERIES; q++) {
        if (na[q] != nb[q]) return true;
        for (size_t i = 0; i < na[q]; i++)
            if (a[q * K + i].doc != b[q * K + i].doc || a[q * K + i].score != b[q * K + i].score)
                return true;
    }
    return false;
}

/* lexkit_index_set_bm25 applies to lexkit_index_search, _search_many (on 1 and 3 threads)
   and searchers created afterwards, lexkit_searcher_set_bm25 to one searcher: all rank
   exactly as the library's own search with the same lk_bm25_params; a searcher made before
   keeps its settings. Settings other than the default change the ranking. */
static void test_set_bm25_as_library_search(void **state)
{
    (void)state;
    static lexkit_hit want[N_QUERIES * K], got[N_QUERIES * K], dflt[N_QUERIES * K];
    static size_t nwant[N_QUERIES], ngot[N_QUERIES], ndflt[N_QUERIES];
    lexkit_error err;
    lexkit_searcher *before = NULL, *after = NULL, *own = NULL;
    expected(dflt, ndflt);
    lk_bm25_params p = lk_bm25_params_default();
    reference(&p, want, nwant);
    assert_same(want, nwant, dflt, ndflt); /* the default is lucene 1.2 / 0.75 */
    assert_int_equal(lexkit_searcher_create(idx, &before, &err), LEXKIT_OK);
    assert_int_equal(lexkit_searcher_create(idx, &own, &err), LEXKIT_OK);
    for (size_t v = 0; v < N_VARIANTS; v++)
        for (size_t i = 0; i < N_SETTINGS; i++) {
            const char *name = variant_names[v];
            double k1 = settings[i][0], b = settings[i][1], delta = settings[i][2];
            assert_true(lk_bm25_variant_parse(name, &p.variant));
            p.k1 = k1;
            p.b = b;
            p.delta = delta;
            reference(&p, want, nwant);
            if (v > 0 || i > 0) assert_true(differ(want, nwant, dflt, ndflt));
            assert_int_equal(lexkit_index_set_bm25(idx, name, k1, b, delta, &err), LEXKIT_OK);
            for (int q = 0; q < N_QUERIES; q++)
                assert_int_equal(lexkit_index_search(idx, queries[q], qlens[q], K, got + q * K,
                                                     &ngot[q], &err), LEXKIT_OK);
            assert_same(want, nwant, got, ngot);
            for (int t = 1; t <= 3; t += 2) {
                memset(ngot, 0xff, sizeof ngot);
                assert_int_equal(lexkit_index_search_many(idx, (const char *const *)queries,
                                                          qlens, N_QUERIES, K, t, got, ngot,
                                                          &err), LEXKIT_OK);
                assert_same(want, nwant, got, ngot);
            }
            assert_int_equal(lexkit_searcher_create(idx, &after, &err), LEXKIT_OK);
            assert_int_equal(lexkit_searcher_set_bm25(own, name, k1, b, delta, &err), LEXKIT_OK);
            for (int q = 0; q < N_QUERIES; q++)
                assert_int_equal(lexkit_searcher_search(after, queries[q], qlens[q], K,
                                                        got + q * K, &ngot[q], &err), LEXKIT_OK);
            assert_same(want, nwant, got, ngot);
            for (int q = 0; q < N_QUERIES; q++)
                assert_int_equal(lexkit_searcher_search(own, queries[q], qlens[q], K,
                                                        got + q * K, &ngot[q], &err), LEXKIT_OK);
            assert_same(want, nwant, got, ngot);
            lexkit_searcher_free(after);
            after = NULL;
            for (int q = 0; q < N_QUERIES; q++) /* made before: still the default */
                assert_int_equal(lexkit_searcher_search(before, queries[q], qlens[q], K,
                                                        got + q * K, &ngot[q], &err), LEXKIT_OK);
            assert_same(dflt, ndflt, got, ngot);
        }
    /* NULL is lucene, a negative delta the variant's; "bm25+" is bm25plus (bm25s's name) */
    assert_int_equal(lexkit_index_set_bm25(idx, NULL, 1.2, 0.75, -5.0, &err), LEXKIT_OK);
    expected(got, ngot);
    assert_same(dflt, ndflt, got, ngot);
    p = (lk_bm25_params){LK_BM25_BM25PLUS, 1.5, 0.75, -1.0};
    reference(&p, want, nwant);
    assert_int_equal(lexkit_index_set_bm25(idx, "bm25+", 1.5, 0.75, -1.0, &err), LEXKIT_OK);
    expected(got, ngot);
    assert_same(want, nwant, got, ngot);
    assert_int_equal(lexkit_index_set_bm25(idx, NULL, 1.2, 0.75, -1.0, &err), LEXKIT_OK);
    lexkit_searcher_free(before);
    lexkit_searcher_free(own);
}

/* A bad variant name or a value out of range is LEXKIT_ERR_ARG naming it and what is
   valid, and the settings stay as they were (index and searcher). */
static void test_set_bm25_errors(void **state)
{
    (void)state;
    static lexkit_hit want[N_QUERIES * K], got[N_QUERIES * K];
    static size_t nwant[N_QUERIES], ngot[N_QUERIES];
    lexkit_error err;
    lexkit_searcher *s = NULL;
    assert_int_equal(lexkit_index_set_bm25(idx, "atire", 0.9, 0.4, -1.0, &err), LEXKIT_OK);
    assert_int_equal(lexkit_searcher_create(idx, &s, &err), LEXKIT_OK);
    expected(want, nwant);
    static const struct {
        const char *name;
        double k1, b, delta;
        const char *msg;
    } bad[] = {
        {"okapi", 1.2, 0.75, -1.0, "variant: unknown BM25 variant \"okapi\" (lucene, robertson, "
                                   "atire, bm25l, bm25plus or xapian)"},
        {"Lucene", 1.2, 0.75, -1.0, "variant: unknown BM25 variant \"Lucene\" (lucene, "
                                    "robertson, atire, bm25l, bm25plus or xapian)"},
        {"", 1.2, 0.75, -1.0, "variant: unknown BM25 variant \"\" (lucene, robertson, atire, "
                              "bm25l, bm25plus or xapian)"},
        {"lucene", -0.5, 0.75, -1.0, "k1 must be a finite number >= 0 (got -0.5)"},
        {"lucene", INFINITY, 0.75, -1.0, "k1 must be a finite number >= 0 (got inf)"},
        {"lucene", NAN, 0.75, -1.0, "k1 must be a finite number >= 0 (got nan)"},
        {"bm25l", 1.2, 1.5, -1.0, "b must be in [0, 1] (got 1.5)"},
        {"bm25l", 1.2, -0.1, -1.0, "b must be in [0, 1] (got -0.1)"},
        {"bm25plus", 1.2, NAN, -1.0, "b must be in [0, 1] (got nan)"},
        {"bm25plus", 1.2, 0.75, INFINITY, "delta must be a finite number (< 0: the variant's "
                                           "default)"},
        {"bm25plus", 1.2, 0.75, NAN, "delta must be a finite number (< 0: the variant's "
                                           "default)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(lexkit_index_set_bm25(idx, bad[i].name, bad[i].k1, bad[i].b,
                                               bad[i].delta, &err), LEXKIT_ERR_ARG);
        assert_string_equal(lexkit_error_message(&err), bad[i].msg);
        assert_int_equal(lexkit_searcher_set_bm25(s, bad[i].name, bad[i].k1, bad[i].b,
                                                  bad[i].delta, &err), LEXKIT_ERR_ARG);
        assert_string_equal(lexkit_error_message(&err), bad[i].msg);
    }
    assert_int_equal(lexkit_index_set_bm25(NULL, "lucene", 1.2, 0.75, -1.0, &err), LEXKIT_ERR_ARG);
    assert_int_equal(lexkit_searcher_set_bm25(NULL, "lucene", 1.2, 0.75, -1.0, &err),
                     LEXKIT_ERR_ARG);
    expected(got, ngot); /* a new searcher: the index's settings are unchanged */
    assert_same(want, nwant, got, ngot);
    for (int q = 0; q < N_QUERIES; q++) {
        assert_int_equal(lexkit_index_search(idx, queries[q], qlens[q], K, got + q * K,
                                             &ngot[q], &err), LEXKIT_OK);
        assert_int_equal(lexkit_searcher_search(s, queries[q], qlens[q], K, got + q * K,
                                                &ngot[q], &err), LEXKIT_OK);
    }
    assert_same(want, nwant, got, ngot);
    lexkit_searcher_free(s);
    assert_int_equal(lexkit_index_set_bm25(idx, NULL, 1.2, 0.75, -1.0, &err), LEXKIT_OK);
}

/* Set on a created index before its first add, the settings rank its documents once added
   and after a delete (each rebuild reopens the index). With b 0 the length is ignored:
   "river" scores the same in a short and a long document. */
static void test_set_bm25_before_first_add(void **state)
{
    (void)state;
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, "api_search_bm25.idx");
    lexkit_index *x = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_index_create(dir, NULL, &x, &err), LEXKIT_OK);
    assert_int_equal(lexkit_index_set_bm25(x, "robertson", 1.2, 2.0, -1.0, &err), LEXKIT_ERR_ARG);
    assert_int_equal(lexkit_index_set_bm25(x, "robertson", 1.2, 0.0, -1.0, &err), LEXKIT_OK);
    const char *ids[6] = {"a", "b", "c", "d", "e", "f"};
    const char *texts[6] = {"river", "river city stone tower market glass", "city", "stone",
                            "tower", "market"};
    size_t il[6] = {1, 1, 1, 1, 1, 1}, tl[6];
    for (int i = 0; i < 6; i++) tl[i] = strlen(texts[i]);
    assert_int_equal(lexkit_index_add(x, ids, il, texts, tl, 6, &err), LEXKIT_OK);
    lexkit_hit h[K];
    size_t n = 0;
    /* robertson, N 6, df 2: idf ln((6 - 2 + .5) / (2 + .5)) = ln 1.8; b 0: tf part
       1 / (1 + 1.2) in both documents */
    assert_int_equal(lexkit_index_search(x, "river", 5, K, h, &n, &err), LEXKIT_OK);
    assert_int_equal(n, 2);
    assert_true(fabs(h[0].score - log(1.8) / 2.2) < 1e-12);
    assert_true(fabs(h[1].score - log(1.8) / 2.2) < 1e-12);
    assert_memory_equal(h[0].id, "a", 1); /* a tie: by id */
    assert_int_equal(lexkit_index_delete(x, ids + 5, il, 1, &err), LEXKIT_OK);
    /* N 5: ln((5 - 2 + .5) / 2.5) = ln 1.4 */
    assert_int_equal(lexkit_index_search(x, "river", 5, K, h, &n, &err), LEXKIT_OK);
    assert_int_equal(n, 2);
    assert_true(fabs(h[0].score - log(1.4) / 2.2) < 1e-12);
    assert_true(fabs(h[1].score - log(1.4) / 2.2) < 1e-12);
    /* lucene b 0: idf ln(1 + 3.5 / 2.5) = ln 2.4 */
    assert_int_equal(lexkit_index_set_bm25(x, "lucene", 1.2, 0.0, -1.0, &err), LEXKIT_OK);
    assert_int_equal(lexkit_index_search(x, "river", 5, K, h, &n, &err), LEXKIT_OK);
    assert_int_equal(n, 2);
    assert_true(fabs(h[0].score - log(2.4) / 2.2) < 1e-12);
    assert_true(fabs(h[1].score - log(2.4) / 2.2) < 1e-12);
    /* the default again (b 0.75): the short document first */
    assert_int_equal(lexkit_index_set_bm25(x, NULL, 1.2, 0.75, -1.0, &err), LEXKIT_OK);
    assert_int_equal(lexkit_index_search(x, "river", 5, K, h, &n, &err), LEXKIT_OK);
    assert_int_equal(n, 2);
    assert_true(h[0].score > h[1].score);
    lexkit_index_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_many_threads),
        cmocka_unit_test(test_search_many_first_error),
        cmocka_unit_test(test_searchers_in_threads),
        cmocka_unit_test(test_empty_index_and_unknown_ids),
        cmocka_unit_test(test_index_exists),
        cmocka_unit_test(test_adder_all_or_nothing),
        cmocka_unit_test(test_set_bm25_as_library_search),
        cmocka_unit_test(test_set_bm25_errors),
        cmocka_unit_test(test_set_bm25_before_first_add),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
