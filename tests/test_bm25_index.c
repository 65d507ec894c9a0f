/* test_bm25_index.c: building, opening and searching LKBX indexes from in-memory term
   lists: exact scores, ties, round trip through file and memory, corruption and truncation,
   non-index directories, duplicate ids, spilled runs (tiny memory limit) giving the same
   file, atomic replacement, pruned (MaxScore) == exhaustive top-k on a synthetic set, v1
   indexes refused, flipped postings bytes (valid checksum) failing cleanly, and dictionary
   lookups through the first-level index. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features/search/bm25_index.h"
#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_seg_internal.h"
#include "models/rng.h"
#include "tests/bm25_testutil.h"
#include "tests/testutil.h"
#include "text/fileio.h"

#define MAX_TERMS 256

/* Split s on spaces into terms (pointing into s). */
static size_t split(const char *s, lk_term *out)
{
    size_t n = 0;
    while (*s) {
        while (*s == ' ') s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != ' ') e++;
        out[n].s = s;
        out[n].len = (size_t)(e - s);
        n++;
        s = e;
    }
    return n;
}

static void build(const char *dir, const char *const *ids, const char *const *docs, size_t n,
                  size_t mem_limit)
{
    lk_bm25_build_config cfg = lk_bm25_build_config_default();
    if (mem_limit) cfg.mem_limit = mem_limit;
    cfg.settings = "lang=en\n";
    cfg.settings_len = 8;
    lk_bm25_builder *b = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_builder_create(dir, &cfg, &b, &err), LK_OK);
    lk_term t[MAX_TERMS];
    for (size_t i = 0; i < n; i++)
        assert_int_equal(lk_bm25_builder_add(b, ids[i], strlen(ids[i]), t, split(docs[i], t),
                                             "x.jsonl", (int64_t)i + 1, &err),
                         LK_OK);
    assert_int_equal(lk_bm25_builder_finish(b, &err), LK_OK);
}

static size_t search(const lk_bm25_index *idx, const char *q, lk_bm25_variant v, size_t k,
                     bool exhaustive, lk_bm25_hit *out)
{
    lk_bm25_ws *ws = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_ws_create(idx, &ws), LK_OK);
    lk_bm25_search_opts o = lk_bm25_search_opts_default();
    o.params.variant = v;
    o.k = k;
    o.exhaustive = exhaustive;
    lk_term t[MAX_TERMS];
    const lk_bm25_hit *hits;
    size_t n;
    assert_int_equal(lk_bm25_search_terms(idx, ws, t, split(q, t), &o, &hits, &n, &err), LK_OK);
    if (n) memcpy(out, hits, n * sizeof *hits);
    lk_bm25_ws_free(ws);
    return n;
}

static const char *ids3[] = {"d1", "d2", "d3"};
static const char *docs3[] = {"a b a", "b c", "a c c c"};

static void test_small_exact_scores(void **state)
{
    (void)state;
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, "small.idx");
    build(dir, ids3, docs3, 3, 0);
    lk_bm25_index *idx = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    assert_int_equal(lk_bm25_index_n_docs(idx), 3);
    assert_int_equal(lk_bm25_index_n_terms(idx), 3);
    assert_true(lk_bm25_index_avgdl(idx) == 3.0);
    assert_int_equal(lk_bm25_index_df(idx, "a", 1), 2);
    assert_int_equal(lk_bm25_index_df(idx, "zz", 2), 0);
    size_t len;
    const char *id = lk_bm25_index_doc_id(idx, 2, &len);
    assert_int_equal(len, 2);
    assert_memory_equal(id, "d3", 2);
    size_t slen;
    assert_memory_equal(lk_bm25_index_settings(idx, &slen), "lang=en\n", 8);

    /* lucene "a": d1 = ln(1.6) * 2/3.2 = 0.293752268, d3 = ln(1.6) * 1/2.5 = 0.188001452 */
    lk_bm25_hit h[8];
    size_t n = search(idx, "a", LK_BM25_LUCENE, 10, false, h);
    assert_int_equal(n, 2);
    assert_int_equal(h[0].doc, 0);
    assert_true(fabs(h[0].score - 0.293752268) < 1e-8);
    assert_int_equal(h[1].doc, 2);
    assert_true(fabs(h[1].score - 0.188001452) < 1e-8);
    /* a repeated query token counts twice */
    n = search(idx, "a a", LK_BM25_LUCENE, 10, false, h);
    assert_true(fabs(h[0].score - 2 * 0.293752268) < 1e-8);
    /* "a c": d3 = 0.188001452 + c (df 2, tf 3, dl 4: ln 1.6 * 3/4.5 = 0.313335753) */
    n = search(idx, "c a zzz", LK_BM25_LUCENE, 10, false, h);
    assert_int_equal(n, 3);
    assert_int_equal(h[0].doc, 2);
    assert_true(fabs(h[0].score - (0.188001452 + 0.313335753)) < 1e-8);
    /* k limits; no terms or unknown terms: nothing */
    assert_int_equal(search(idx, "a", LK_BM25_LUCENE, 1, false, h), 1);
    assert_int_equal(search(idx, "", LK_BM25_LUCENE, 10, false, h), 0);
    assert_int_equal(search(idx, "zzz", LK_BM25_LUCENE, 10, true, h), 0);
    lk_bm25_index_free(idx);
}

static void test_ties_by_id(void **state)
{
    (void)state;
    static const char *ids[] = {"b", "c", "a", "aa"};
    static const char *docs[] = {"x y", "x y", "x y", "x z"};
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, "ties.idx");
    build(dir, ids, docs, 4, 0);
    lk_bm25_index *idx = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    lk_bm25_hit h[8];
    for (int ex = 0; ex < 2; ex++) {
        size_t n = search(idx, "x", LK_BM25_LUCENE, 3, ex, h);
        assert_int_equal(n, 3); /* all four tie: a, aa, b win */
        assert_int_equal(h[0].doc, 2);
        assert_int_equal(h[1].doc, 3);
        assert_int_equal(h[2].doc, 0);
    }
    lk_bm25_index_free(idx);
}

static void test_roundtrip_corrupt_truncated(void **state)
{
    (void)state;
    char dir[512], file[600];
    lk_test_tmp_path(dir, sizeof dir, "rt.idx");
    build(dir, ids3, docs3, 3, 0);
    snprintf(file, sizeof file, "%s/%s", dir, LK_BM25_INDEX_FILE);
    size_t n;
    unsigned char *img = lk_test_slurp(file, &n);
    lk_bm25_index *idx = NULL;
    lk_error err;
    lk_bm25_hit h[8];
    assert_int_equal(lk_bm25_index_open_mem(img, n, &idx, &err), LK_OK);
    assert_int_equal(search(idx, "b", LK_BM25_ATIRE, 10, false, h), 2);
    lk_bm25_index_free(idx);

    for (size_t at = 0; at < n; at += 7) { /* any flipped byte is caught */
        img[at] ^= 0x40;
        assert_int_not_equal(lk_bm25_index_open_mem(img, n, &idx, &err), LK_OK);
        assert_null(idx);
        img[at] ^= 0x40;
    }
    img[n / 2] ^= 1;
    lk_test_write_file(file, (const char *)img, n);
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "checksum mismatch"));
    img[n / 2] ^= 1;
    lk_test_write_file(file, (const char *)img, n - 9);
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "truncated"));
    lk_test_write_file(file, (const char *)img, 3);
    assert_int_not_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    free(img);
}

static void test_not_an_index(void **state)
{
    (void)state;
    char dir[512], file[600];
    lk_test_tmp_path(dir, sizeof dir, "plain-dir");
    mkdir(dir, 0777);
    snprintf(file, sizeof file, "%s/notes.txt", dir);
    lk_test_write_file(file, "hello\n", 6);
    lk_bm25_index *idx = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "not a lexkit index"));
    assert_int_equal(lk_bm25_index_open(file, &idx, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "not a lexkit index"));
    /* building into it is refused: user files are never replaced */
    lk_bm25_build_config cfg = lk_bm25_build_config_default();
    lk_bm25_builder *b = NULL;
    assert_int_equal(lk_bm25_builder_create(dir, &cfg, &b, &err), LK_ERR_IO);
    assert_non_null(strstr(err.msg, "not a lexkit index; not replacing it"));
    assert_null(b);
    /* an index file truncated to nothing: refused too (kept), and the message says what
       it is rather than "not a lexkit index" */
    char trunc[512], tfile[600];
    lk_test_tmp_path(trunc, sizeof trunc, "trunc-dir");
    mkdir(trunc, 0777);
    snprintf(tfile, sizeof tfile, "%s/index.lkbx", trunc);
    lk_test_write_file(tfile, "", 0);
    assert_int_equal(lk_bm25_builder_create(trunc, &cfg, &b, &err), LK_ERR_IO);
    assert_non_null(strstr(err.msg, "holds a damaged lexkit index (index.lkbx is truncated"));
    assert_null(b);
    struct stat sb;
    assert_int_equal(stat(tfile, &sb), 0);
}

static void test_duplicate_and_bad_ids(void **state)
{
    (void)state;
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, "dup.idx");
    lk_bm25_build_config cfg = lk_bm25_build_config_default();
    lk_bm25_builder *b = NULL;
    lk_error err;
    lk_term t[4];
    assert_int_equal(lk_bm25_builder_create(dir, &cfg, &b, &err), LK_OK);
    assert_int_equal(lk_bm25_builder_add(b, "d1", 2, t, split("a", t), "c.jsonl", 2, &err), LK_OK);
    assert_int_equal(lk_bm25_builder_add(b, "d1", 2, t, split("b", t), "c.jsonl", 5, &err),
                     LK_ERR_PARSE);
    assert_string_equal(err.msg, "c.jsonl:5: duplicate document id \"d1\" (first used at line 2)");
    assert_int_equal(lk_bm25_builder_add(b, "a b", 3, t, 0, "c.jsonl", 6, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "c.jsonl:6: document id \"a b\" contains whitespace"));
    assert_int_equal(lk_bm25_builder_add(b, "", 0, t, 0, "c.jsonl", 7, &err), LK_ERR_PARSE);
    lk_bm25_builder_free(b); /* abandoned: no index, no temp dir */
    struct stat sb;
    assert_int_not_equal(stat(dir, &sb), 0);
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dir, (long)getpid());
    assert_int_not_equal(stat(tmp, &sb), 0);
}

/* ---- synthetic collection ----------------------------------------------------------- */

#define SYN_DOCS 3000
#define SYN_VOCAB 400

typedef struct {
    char ids[SYN_DOCS][12];
    char *text[SYN_DOCS];
} synth;

static synth *make_synth(uint64_t seed)
{
    synth *s = calloc(1, sizeof *s);
    lk_rng r;
    lk_rng_seed(&r, seed);
    for (int d = 0; d < SYN_DOCS; d++) {
        snprintf(s->ids[d], sizeof s->ids[d], "doc%d", (d * 7919) % SYN_DOCS);
        int len = 1 + (int)(lk_rng_u32(&r) % 80);
        s->text[d] = malloc((size_t)len * 6 + 1);
        char *p = s->text[d];
        for (int i = 0; i < len; i++) {
            float u = lk_rng_uniform(&r);
            p += sprintf(p, "%sw%d", i ? " " : "", (int)(SYN_VOCAB * u * u * u));
        }
    }
    return s;
}

static void free_synth(synth *s)
{
    for (int d = 0; d < SYN_DOCS; d++) free(s->text[d]);
    free(s);
}

static void build_synth(const char *dir, const synth *s, size_t mem_limit, size_t *runs)
{
    lk_bm25_build_config cfg = lk_bm25_build_config_default();
    cfg.mem_limit = mem_limit;
    lk_bm25_builder *b = NULL;
    lk_error err;
    lk_term *t = malloc(100 * sizeof *t);
    assert_int_equal(lk_bm25_builder_create(dir, &cfg, &b, &err), LK_OK);
    for (int d = 0; d < SYN_DOCS; d++)
        assert_int_equal(lk_bm25_builder_add(b, s->ids[d], strlen(s->ids[d]), t,
                                             split(s->text[d], t), NULL, d + 1, &err),
                         LK_OK);
    *runs = lk_bm25_builder_n_runs(b);
    assert_int_equal(lk_bm25_builder_finish(b, &err), LK_OK);
    free(t);
}

static void test_runs_same_file(void **state)
{
    (void)state;
    synth *s = make_synth(7);
    char a[512], b[512], fa[600], fb[600];
    lk_test_tmp_path(a, sizeof a, "mem.idx");
    lk_test_tmp_path(b, sizeof b, "runs.idx");
    size_t runs_a, runs_b;
    build_synth(a, s, (size_t)64 << 20, &runs_a);
    build_synth(b, s, 4096, &runs_b); /* ~340 postings per run: > 64 runs, two merge levels */
    assert_int_equal(runs_a, 0);
    assert_true(runs_b > 64);
    snprintf(fa, sizeof fa, "%s/%s", a, LK_BM25_INDEX_FILE);
    snprintf(fb, sizeof fb, "%s/%s", b, LK_BM25_INDEX_FILE);
    size_t na, nb;
    unsigned char *ia = lk_test_slurp(fa, &na), *ib = lk_test_slurp(fb, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ia, ib, na);
    free(ia);
    free(ib);
    assert_int_equal(lk_test_count_prefix(b, "run-"), 0);
    free_synth(s);
}

/* Reference score of doc d for query q from the raw text (sum over query tokens). */
static double ref_score(const synth *s, const lk_bm25_index *idx, const lk_bm25_params *p,
                        const lk_term *q, size_t nq, int d)
{
    lk_term t[100];
    size_t n = split(s->text[d], t);
    double sum = 0;
    for (size_t i = 0; i < nq; i++) {
        double tf = 0;
        for (size_t j = 0; j < n; j++)
            if (t[j].len == q[i].len && memcmp(t[j].s, q[i].s, q[i].len) == 0) tf++;
        if (tf > 0)
            sum += lk_bm25_term_score(p, SYN_DOCS, lk_bm25_index_df(idx, q[i].s, q[i].len), tf,
                                      (double)n, lk_bm25_index_avgdl(idx));
    }
    return sum;
}

/* The synthetic collection of `seed` built (in memory) into a fresh index `name`, opened. */
static lk_bm25_index *open_synth(uint64_t seed, const char *name, synth **out)
{
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, name);
    size_t runs;
    *out = make_synth(seed);
    build_synth(dir, *out, (size_t)64 << 20, &runs);
    lk_bm25_index *idx = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    return idx;
}

static void test_pruned_equals_exhaustive(void **state)
{
    (void)state;
    synth *s;
    lk_bm25_index *idx = open_synth(11, "syn.idx", &s);
    lk_error err;
    lk_bm25_ws *ws = NULL;
    assert_int_equal(lk_bm25_ws_create(idx, &ws), LK_OK);
    lk_bm25_hit *ex = malloc(1000 * sizeof *ex);
    lk_rng r;
    lk_rng_seed(&r, 3);
    static const size_t ks[] = {1, 10, 1000};
    for (int qi = 0; qi < 60; qi++) {
        char q[256], *p = q;
        int nq = 1 + (int)(lk_rng_u32(&r) % 6);
        for (int i = 0; i < nq; i++) {
            float u = lk_rng_uniform(&r);
            p += sprintf(p, "%sw%d", i ? " " : "", (int)(SYN_VOCAB * u * u));
        }
        lk_term t[16];
        size_t nt = split(q, t);
        for (int v = 0; v < LK_BM25_N_VARIANTS; v++)
            for (size_t ki = 0; ki < 3; ki++) {
                lk_bm25_search_opts o = lk_bm25_search_opts_default();
                o.params.variant = (lk_bm25_variant)v;
                o.params.k1 = (qi % 3 == 0) ? 0.9 : 1.2;
                o.params.b = (qi % 4 == 0) ? 0.4 : 0.75;
                o.k = ks[ki];
                o.exhaustive = true;
                const lk_bm25_hit *h;
                size_t n_ex, n_pr;
                assert_int_equal(lk_bm25_search_terms(idx, ws, t, nt, &o, &h, &n_ex, &err), LK_OK);
                if (n_ex) memcpy(ex, h, n_ex * sizeof *h);
                o.exhaustive = false;
                assert_int_equal(lk_bm25_search_terms(idx, ws, t, nt, &o, &h, &n_pr, &err), LK_OK);
                assert_int_equal(n_ex, n_pr);
                for (size_t i = 0; i < n_ex; i++) {
                    assert_int_equal(ex[i].doc, h[i].doc);
                    assert_true(ex[i].score == h[i].score);
                }
                for (size_t i = 0; i < n_ex && i < 20; i++) {
                    double want = ref_score(s, idx, &o.params, t, nt, (int)ex[i].doc);
                    assert_true(fabs(ex[i].score - want) <= 1e-9 * fabs(want));
                }
            }
    }
    free(ex);
    lk_bm25_ws_free(ws);
    lk_bm25_index_free(idx);
    free_synth(s);
}

/* Recompute an index image's checksum (after a deliberate edit). */
static void reseal(unsigned char *img, size_t n)
{
    lk_put_u32(img + n - 4, lk_crc32(0, img, n - 4));
}

/* A v1 index (varint postings) is refused with a message saying to rebuild it. */
static void test_v1_refused(void **state)
{
    (void)state;
    char dir[512], file[600];
    lk_test_tmp_path(dir, sizeof dir, "v1.idx");
    build(dir, ids3, docs3, 3, 0);
    snprintf(file, sizeof file, "%s/%s", dir, LK_BM25_INDEX_FILE);
    size_t n;
    unsigned char *img = lk_test_slurp(file, &n);
    assert_int_equal(lk_get_u32(img + 4), 2);
    lk_put_u32(img + 4, 1);
    reseal(img, n);
    lk_bm25_index *idx = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_index_open_mem(img, n, &idx, &err), LK_ERR_FORMAT);
    assert_null(idx);
    assert_non_null(strstr(err.msg, "format v1"));
    assert_non_null(strstr(err.msg, "rebuild"));
    free(img);
}

/* Flipped bytes in the postings of a valid-checksum image: every search ends with LK_OK or
   LK_ERR_FORMAT ("corrupt index (postings)"), never a crash (run under ASan too), and some
   flips are detected. */
static void test_corrupt_postings_search(void **state)
{
    (void)state;
    synth *s = make_synth(5);
    char dir[512], file[600];
    lk_test_tmp_path(dir, sizeof dir, "cp.idx");
    size_t runs;
    build_synth(dir, s, (size_t)64 << 20, &runs);
    snprintf(file, sizeof file, "%s/%s", dir, LK_BM25_INDEX_FILE);
    size_t n;
    unsigned char *img = lk_test_slurp(file, &n);
    const unsigned char *pl = img + LK_ENVELOPE_HEADER;
    uint64_t post_off = lk_get_u64(pl + 8u * META_POST_OFF);
    uint64_t post_len = lk_get_u64(pl + 8u * META_POST_LEN);
    assert_true(post_len > 1000);
    static const char *queries[] = {"w0 w1 w2 w3", "w1 w5 w40 w90", "w2", "w0 w7 w150 w300"};
    int detected = 0;
    for (uint64_t at = 0; at < post_len; at += post_len / 97 + 1) {
        for (int flip = 0; flip < 2; flip++) {
            unsigned char mask = flip ? 0x01 : 0xFF;
            img[LK_ENVELOPE_HEADER + post_off + at] ^= mask;
            reseal(img, n);
            lk_bm25_index *idx = NULL;
            lk_error err;
            assert_int_equal(lk_bm25_index_open_mem(img, n, &idx, &err), LK_OK);
            lk_bm25_ws *ws = NULL;
            assert_int_equal(lk_bm25_ws_create(idx, &ws), LK_OK);
            for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++)
                for (int ex = 0; ex < 2; ex++) {
                    lk_bm25_search_opts o = lk_bm25_search_opts_default();
                    o.exhaustive = ex;
                    lk_term t[8];
                    const lk_bm25_hit *h;
                    size_t nh;
                    lk_status st =
                        lk_bm25_search_terms(idx, ws, t, split(queries[qi], t), &o, &h, &nh, &err);
                    assert_true(st == LK_OK || st == LK_ERR_FORMAT);
                    if (st == LK_ERR_FORMAT) {
                        assert_non_null(strstr(err.msg, "corrupt index (postings)"));
                        detected++;
                    }
                    assert_true(nh <= o.k);
                    for (size_t i = 0; i < nh; i++) assert_true(h[i].doc < SYN_DOCS);
                }
            lk_bm25_ws_free(ws);
            lk_bm25_index_free(idx);
            img[LK_ENVELOPE_HEADER + post_off + at] ^= mask;
        }
    }
    assert_true(detected > 20);
    free(img);
    free_synth(s);
}

/* Base of 2000 docs, then delete every 7th and add docs 2000..2999 with a tiny memory
   limit: the file equals one build from the kept and added documents. */
static void test_add_delete_equals_rebuild(void **state)
{
    (void)state;
    synth *s = make_synth(13);
    char base_dir[512], ref_dir[512], fa[600], fb[600];
    lk_test_tmp_path(base_dir, sizeof base_dir, "inc.idx");
    lk_test_tmp_path(ref_dir, sizeof ref_dir, "inc-ref.idx");
    lk_bm25_build_config cfg = lk_bm25_build_config_default();
    lk_bm25_builder *b = NULL;
    lk_error err;
    lk_term *t = malloc(100 * sizeof *t);
    assert_int_equal(lk_bm25_builder_create(ref_dir, &cfg, &b, &err), LK_OK);
    for (int d = 0; d < SYN_DOCS; d++)
        if (d >= 2000 || d % 7 != 3)
            assert_int_equal(lk_bm25_builder_add(b, s->ids[d], strlen(s->ids[d]), t,
                                                 split(s->text[d], t), NULL, d + 1, &err), LK_OK);
    assert_int_equal(lk_bm25_builder_finish(b, &err), LK_OK);
    assert_int_equal(lk_bm25_builder_create(base_dir, &cfg, &b, &err), LK_OK);
    for (int d = 0; d < 2000; d++)
        assert_int_equal(lk_bm25_builder_add(b, s->ids[d], strlen(s->ids[d]), t,
                                             split(s->text[d], t), NULL, d + 1, &err), LK_OK);
    assert_int_equal(lk_bm25_builder_finish(b, &err), LK_OK);
    lk_bm25_index *base = NULL;
    assert_int_equal(lk_bm25_index_open(base_dir, &base, &err), LK_OK);
    cfg.mem_limit = 4096;
    assert_int_equal(lk_bm25_builder_create_add(base_dir, base, &cfg, &b, &err), LK_OK);
    for (uint32_t d = 3; d < 2000; d += 7) assert_int_equal(lk_bm25_builder_delete(b, d), LK_OK);
    assert_int_equal(lk_bm25_builder_add(b, s->ids[5], strlen(s->ids[5]), t, 0, "x", 9, &err),
                     LK_ERR_PARSE); /* still in the index */
    assert_non_null(strstr(err.msg, "(already in the index)"));
    for (int d = 2000; d < SYN_DOCS; d++)
        assert_int_equal(lk_bm25_builder_add(b, s->ids[d], strlen(s->ids[d]), t,
                                             split(s->text[d], t), NULL, d + 1, &err), LK_OK);
    assert_int_equal(lk_bm25_builder_delete(b, 10), LK_ERR_ARG); /* too late */
    assert_int_equal(lk_bm25_builder_finish(b, &err), LK_OK);
    lk_bm25_index_free(base);
    snprintf(fa, sizeof fa, "%s/%s", base_dir, LK_BM25_INDEX_FILE);
    snprintf(fb, sizeof fb, "%s/%s", ref_dir, LK_BM25_INDEX_FILE);
    size_t na, nb;
    unsigned char *ia = lk_test_slurp(fa, &na), *ib = lk_test_slurp(fb, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ia, ib, na);
    free(ia);
    free(ib);
    free(t);
    free_synth(s);
}

static void test_threads_share_index(void **state)
{
    (void)state;
    synth *s;
    lk_bm25_index *idx = open_synth(5, "threads.idx", &s);
    assert_int_equal(lk_test_bm25_threads(idx, 4, 200), 0);
    lk_bm25_index_free(idx);
    free_synth(s);
}

/* Dictionary lookups through the first-level index (a key of every 64th term): 700 terms,
   300 of them sharing their first 8 bytes (equal sampled keys), short ones, and absent terms
   next to present ones. Term i is in doc 0, in doc 1 if i is even, in doc 2 if i % 3 == 0. */
#define DICT_N 700
static void test_dictionary_lookup(void **state)
{
    (void)state;
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, "dict.idx");
    static char names[DICT_N][24];
    static lk_term t[DICT_N];
    for (int i = 0; i < DICT_N; i++) {
        if (i < 300) snprintf(names[i], sizeof names[i], "commonpr%03d", i); /* shared 8 bytes */
        else if (i < 326) snprintf(names[i], sizeof names[i], "%c", 'a' + (i - 300));
        else snprintf(names[i], sizeof names[i], "w%dx", i * 7919 % 100003);
    }
    lk_bm25_build_config cfg = lk_bm25_build_config_default();
    lk_bm25_builder *b = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_builder_create(dir, &cfg, &b, &err), LK_OK);
    for (int d = 0; d < 3; d++) {
        size_t n = 0;
        for (int i = 0; i < DICT_N; i++)
            if (d == 0 || (d == 1 && i % 2 == 0) || (d == 2 && i % 3 == 0))
                t[n++] = (lk_term){names[i], strlen(names[i])};
        char id[16];
        snprintf(id, sizeof id, "d%d", d);
        assert_int_equal(lk_bm25_builder_add(b, id, strlen(id), t, n, "x", d + 1, &err), LK_OK);
    }
    assert_int_equal(lk_bm25_builder_finish(b, &err), LK_OK);
    lk_bm25_index *idx = NULL;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    assert_int_equal(lk_bm25_index_n_terms(idx), DICT_N);
    for (int i = 0; i < DICT_N; i++) {
        size_t len = strlen(names[i]);
        assert_int_equal(lk_bm25_index_df(idx, names[i], len), 1 + (i % 2 == 0) + (i % 3 == 0));
        /* the dictionary index found is the term's own */
        const lk_bm25__seg *seg = lk_bm25__index_seg(idx, 0, NULL, NULL);
        int64_t k = lk_bm25__seg_find(seg, names[i], len);
        assert_true(k >= 0);
        const char *s;
        size_t sl, pl;
        const unsigned char *post;
        uint32_t df;
        lk_bm25__seg_term(seg, (uint64_t)k, &s, &sl, &post, &pl, &df);
        assert_int_equal(sl, len);
        assert_memory_equal(s, names[i], len);
        /* absent: one byte more, one byte less, the last byte changed */
        char other[32];
        snprintf(other, sizeof other, "%s~", names[i]);
        assert_int_equal(lk_bm25_index_df(idx, other, len + 1), 0);
        if (len > 1) assert_int_equal(lk_bm25_index_df(idx, names[i], len - 1), 0);
        memcpy(other, names[i], len);
        other[len - 1] = '!';
        assert_int_equal(lk_bm25_index_df(idx, other, len), 0);
    }
    assert_int_equal(lk_bm25_index_df(idx, "", 0), 0);
    assert_int_equal(lk_bm25_index_df(idx, "commonpr", 8), 0);
    assert_int_equal(lk_bm25_index_df(idx, "commonpr300", 11), 0);
    assert_int_equal(lk_bm25_index_df(idx, "\xff\xff\xff\xff\xff\xff\xff\xff\xff", 9), 0);
    lk_bm25_index_free(idx);
}

static void test_replace_existing(void **state)
{
    (void)state;
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, "replace.idx");
    static const char *ids[] = {"x1"};
    static const char *docs[] = {"q r"};
    build(dir, ids3, docs3, 3, 0);
    build(dir, ids, docs, 1, 0);
    lk_bm25_index *idx = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    assert_int_equal(lk_bm25_index_n_docs(idx), 1);
    lk_bm25_index_free(idx);
    /* an abandoned rebuild leaves the current index as it was */
    lk_bm25_build_config cfg = lk_bm25_build_config_default();
    lk_bm25_builder *b = NULL;
    lk_term t[4];
    assert_int_equal(lk_bm25_builder_create(dir, &cfg, &b, &err), LK_OK);
    assert_int_equal(lk_bm25_builder_add(b, "z", 1, t, split("a", t), NULL, 1, &err), LK_OK);
    lk_bm25_builder_free(b);
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    assert_int_equal(lk_bm25_index_n_docs(idx), 1);
    lk_bm25_index_free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_exact_scores),
        cmocka_unit_test(test_ties_by_id),
        cmocka_unit_test(test_roundtrip_corrupt_truncated),
        cmocka_unit_test(test_v1_refused),
        cmocka_unit_test(test_corrupt_postings_search),
        cmocka_unit_test(test_not_an_index),
        cmocka_unit_test(test_duplicate_and_bad_ids),
        cmocka_unit_test(test_runs_same_file),
        cmocka_unit_test(test_pruned_equals_exhaustive),
        cmocka_unit_test(test_threads_share_index),
        cmocka_unit_test(test_add_delete_equals_rebuild),
        cmocka_unit_test(test_replace_existing),
        cmocka_unit_test(test_dictionary_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
