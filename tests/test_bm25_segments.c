/* test_bm25_segments.c: segmented indexes (lk_bm25_index_build with add / delete / merge):
   after adds and deletes, N, df, avgdl and the number of terms equal a fresh build's from the
   live documents, and so do searches (every variant, k = 1, 10, 1000; same ids and ranks,
   scores within 1e-12 relative), with pruned == exhaustive bitwise; the merge policy bounds
   the segment count; duplicate ids across segments; corrupt, truncated, replaced or missing
   manifest and segment files; the writer lock; orphan files; full rebuild of a segmented
   directory; searches from several threads sharing a segmented index; a prefix* scored as
   one term (the synonym of its terms), by hand, the same on one file and on two segments
   with a deleted document. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features/search/bm25_query.h"
#include "features/search/bm25_segments.h"
#include "features/search/bm25_text.h"
#include "models/rng.h"
#include "tests/bm25_testutil.h"
#include "tests/testutil.h"
#include "text/fileio.h"

#define N_DOCS 2400
#define VOCAB 300

typedef struct {
    char ids[N_DOCS][12];
    char *text[N_DOCS];
    bool live[N_DOCS];
} synth;

static char *random_text(lk_rng *r)
{
    int len = 1 + (int)(lk_rng_u32(r) % 60);
    char *t = malloc((size_t)len * 6 + 1), *p = t;
    for (int i = 0; i < len; i++) {
        float u = lk_rng_uniform(r);
        p += sprintf(p, "%sw%d", i ? " " : "", (int)(VOCAB * u * u * u));
    }
    return t;
}

static synth *make_synth(uint64_t seed)
{
    synth *s = calloc(1, sizeof *s);
    lk_rng r;
    lk_rng_seed(&r, seed);
    for (int d = 0; d < N_DOCS; d++) {
        snprintf(s->ids[d], sizeof s->ids[d], "doc%d", (d * 7919) % N_DOCS);
        s->text[d] = random_text(&r);
    }
    return s;
}

static void free_synth(synth *s)
{
    for (int d = 0; d < N_DOCS; d++) free(s->text[d]);
    free(s);
}

/* Write documents [from, to) as JSON Lines and mark them live. */
static void write_docs(const char *path, synth *s, int from, int to)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int d = from; d < to; d++) {
        fprintf(fp, "{\"id\": \"%s\", \"text\": \"%s\"}\n", s->ids[d], s->text[d]);
        s->live[d] = true;
    }
    fclose(fp);
}

static void write_live(const char *path, const synth *s)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int d = 0; d < N_DOCS; d++)
        if (s->live[d]) fprintf(fp, "{\"id\": \"%s\", \"text\": \"%s\"}\n", s->ids[d], s->text[d]);
    fclose(fp);
}

/* Write the ids of documents d in [from, to) with d % step == 0 and mark them deleted. */
static void write_deletions(const char *path, synth *s, int from, int to, int step)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int d = from; d < to; d++)
        if (d % step == 0 && s->live[d]) {
            fprintf(fp, "%s\n", s->ids[d]);
            s->live[d] = false;
        }
    fclose(fp);
}

static lk_status run_build(const char *docs, const char *dir, bool add, const char *del,
                           bool merge, size_t max_segments, lk_error *err)
{
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.threads = 1;
    cfg.add = add;
    cfg.delete_path = del;
    cfg.merge = merge;
    if (max_segments) cfg.max_segments = max_segments;
    return lk_bm25_index_build(docs, dir, &cfg, NULL, err);
}

static void build_ok(const char *docs, const char *dir, bool add, const char *del,
                     size_t max_segments)
{
    lk_error err;
    lk_error_clear(&err);
    lk_status st = run_build(docs, dir, add, del, false, max_segments, &err);
    if (st != LK_OK) fprintf(stderr, "build: %s\n", err.msg);
    assert_int_equal(st, LK_OK);
}

static lk_bm25_index *open_ok(const char *dir)
{
    lk_bm25_index *idx = NULL;
    lk_error err;
    lk_status st = lk_bm25_index_open(dir, &idx, &err);
    if (st != LK_OK) fprintf(stderr, "open: %s\n", err.msg);
    assert_int_equal(st, LK_OK);
    return idx;
}

static bool same_id(const lk_bm25_index *a, uint32_t da, const lk_bm25_index *b, uint32_t db)
{
    size_t la, lb;
    const char *ia = lk_bm25_index_doc_id(a, da, &la), *ib = lk_bm25_index_doc_id(b, db, &lb);
    return la == lb && memcmp(ia, ib, la) == 0;
}

static bool close_rel(double a, double b) { return fabs(a - b) <= 1e-12 * fabs(b); }

/* Segmented index `seg` vs fresh build `ref`: exact statistics, then searches. */
static void check_stats(const lk_bm25_index *seg, const lk_bm25_index *ref)
{
    assert_int_equal(lk_bm25_index_n_docs(seg), lk_bm25_index_n_docs(ref));
    assert_true(lk_bm25_index_avgdl(seg) == lk_bm25_index_avgdl(ref));
    assert_int_equal(lk_bm25_index_n_terms(seg), lk_bm25_index_n_terms(ref));
    for (int w = 0; w <= VOCAB; w++) {
        char t[16];
        int n = snprintf(t, sizeof t, "w%d", w);
        assert_int_equal(lk_bm25_index_df(seg, t, (size_t)n), lk_bm25_index_df(ref, t, (size_t)n));
    }
    size_t live = 0;
    for (uint32_t d = 0; d < lk_bm25_index_doc_end(seg); d++)
        live += lk_bm25_index_doc_live(seg, d);
    assert_int_equal(live, lk_bm25_index_n_docs(seg));
}

/* Hits of seg and ref agree: same ids at each rank except within ties (scores within 1e-12:
   the segments add a document's terms in another order), scores within 1e-12 relative. */
static void same_hits(const lk_bm25_index *seg, const lk_bm25_hit *a, size_t na,
                      const lk_bm25_index *ref, const lk_bm25_hit *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_true(close_rel(a[i].score, b[i].score));
        if (same_id(seg, a[i].doc, ref, b[i].doc)) continue;
        bool tie = false; /* the id must be a near-tie of this rank in ref (or past its end) */
        for (size_t j = 0; j < nb && !tie; j++)
            tie = same_id(seg, a[i].doc, ref, b[j].doc) && close_rel(b[j].score, b[i].score);
        assert_true(tie || (i + 1 == na && close_rel(a[i].score, b[i].score)));
    }
}

static void check_searches(const lk_bm25_index *seg, const lk_bm25_index *ref, uint64_t seed)
{
    lk_bm25_ws *ws = NULL, *wr = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_ws_create(seg, &ws), LK_OK);
    assert_int_equal(lk_bm25_ws_create(ref, &wr), LK_OK);
    lk_bm25_hit *ex = malloc(1000 * sizeof *ex), *rf = malloc(1000 * sizeof *rf);
    lk_rng r;
    lk_rng_seed(&r, seed);
    static const size_t ks[] = {1, 10, 1000};
    for (int qi = 0; qi < 30; qi++) {
        char q[128], *p = q;
        int nq = 1 + (int)(lk_rng_u32(&r) % 5);
        for (int i = 0; i < nq; i++) {
            float u = lk_rng_uniform(&r);
            p += sprintf(p, "%sw%d", i ? " " : "", (int)(VOCAB * u * u));
        }
        lk_term t[8];
        size_t nt = 0;
        for (char *c = q; *c;) {
            char *e = strchr(c, ' ');
            size_t len = e ? (size_t)(e - c) : strlen(c);
            t[nt++] = (lk_term){c, len};
            c += len + (e != NULL);
        }
        for (int v = 0; v < LK_BM25_N_VARIANTS; v++)
            for (size_t ki = 0; ki < 3; ki++) {
                lk_bm25_search_opts o = lk_bm25_search_opts_default();
                o.params.variant = (lk_bm25_variant)v;
                o.params.b = (qi % 4 == 0) ? 0.4 : 0.75;
                o.k = ks[ki];
                const lk_bm25_hit *h;
                size_t n_ex, n_pr, n_rf;
                o.exhaustive = true;
                assert_int_equal(lk_bm25_search_terms(seg, ws, t, nt, &o, &h, &n_ex, &err), LK_OK);
                if (n_ex) memcpy(ex, h, n_ex * sizeof *h);
                assert_int_equal(lk_bm25_search_terms(ref, wr, t, nt, &o, &h, &n_rf, &err), LK_OK);
                if (n_rf) memcpy(rf, h, n_rf * sizeof *h);
                o.exhaustive = false;
                assert_int_equal(lk_bm25_search_terms(seg, ws, t, nt, &o, &h, &n_pr, &err), LK_OK);
                assert_int_equal(n_ex, n_pr);
                for (size_t i = 0; i < n_ex; i++) { /* pruned == exhaustive, bitwise */
                    assert_int_equal(ex[i].doc, h[i].doc);
                    assert_true(ex[i].score == h[i].score);
                    assert_true(lk_bm25_index_doc_live(seg, h[i].doc));
                }
                same_hits(seg, ex, n_ex, ref, rf, n_rf);
            }
    }
    free(ex);
    free(rf);
    lk_bm25_ws_free(ws);
    lk_bm25_ws_free(wr);
}

static void compare_with_fresh(const char *dir, const synth *s, const char *tag, uint64_t seed)
{
    char docs[512], ref[512];
    lk_test_tmp_path(docs, sizeof docs, "live.jsonl");
    lk_test_tmp_path(ref, sizeof ref, tag);
    write_live(docs, s);
    build_ok(docs, ref, false, NULL, 0);
    lk_bm25_index *a = open_ok(dir), *b = open_ok(ref);
    check_stats(a, b);
    check_searches(a, b, seed);
    lk_bm25_index_free(a);
    lk_bm25_index_free(b);
}

static size_t n_segments(const char *dir)
{
    lk_bm25_index *idx = open_ok(dir);
    size_t n = lk_bm25_index_n_segments(idx);
    lk_bm25_index_free(idx);
    return n;
}

/* Base 1000 docs; add 500, 250, 120; delete every 7th of the first 1500 (tombstones in three
   segments); re-add a deleted id with new text; delete again: equal to fresh builds. */
static void test_adds_deletes_equal_fresh(void **state)
{
    (void)state;
    synth *s = make_synth(21);
    char dir[512], docs[512], del[512];
    lk_test_tmp_path(dir, sizeof dir, "seg.idx");
    lk_test_tmp_path(docs, sizeof docs, "docs.jsonl");
    lk_test_tmp_path(del, sizeof del, "del.txt");
    write_docs(docs, s, 0, 1000);
    build_ok(docs, dir, false, NULL, 0);
    write_docs(docs, s, 1000, 1500);
    build_ok(docs, dir, true, NULL, 0);
    write_docs(docs, s, 1500, 1750);
    build_ok(docs, dir, true, NULL, 0);
    write_docs(docs, s, 1750, 1870);
    build_ok(docs, dir, true, NULL, 0);
    assert_int_equal(n_segments(dir), 4);
    compare_with_fresh(dir, s, "ref1.idx", 1);
    write_deletions(del, s, 0, 1800, 7);
    build_ok(NULL, dir, false, del, 0);
    assert_int_equal(n_segments(dir), 4);
    compare_with_fresh(dir, s, "ref2.idx", 2);
    /* replace a document: delete + add of the same id in one run; then more deletions */
    free(s->text[15]);
    static const char replaced[] = "w1 w2 w3 w250 w250";
    s->text[15] = malloc(sizeof replaced);
    memcpy(s->text[15], replaced, sizeof replaced);
    write_deletions(del, s, 15, 16, 1);
    write_docs(docs, s, 15, 16);
    lk_error err;
    assert_int_equal(run_build(docs, dir, true, del, false, 0, &err), LK_OK);
    write_deletions(del, s, 1, 1870, 5);
    build_ok(NULL, dir, false, del, 0);
    compare_with_fresh(dir, s, "ref3.idx", 3);
    /* --merge: one file, the same as the fresh build's (documents in the same order); other
       files of the directory (e.g. an analyzer model) are kept */
    char aux[600];
    snprintf(aux, sizeof aux, "%s/model.lkt", dir);
    lk_test_write_file(aux, "model bytes", 11);
    assert_int_equal(run_build(NULL, dir, false, NULL, true, 0, &err), LK_OK);
    assert_int_equal(n_segments(dir), 1);
    assert_int_equal(lk_test_count_prefix(dir, "seg"), 0);
    char *kept;
    size_t kept_len;
    assert_int_equal(lk_read_file(aux, &kept, &kept_len, &err), LK_OK);
    assert_int_equal(kept_len, 11);
    assert_memory_equal(kept, "model bytes", 11);
    free(kept);
    compare_with_fresh(dir, s, "ref4.idx", 4);
    free_synth(s);
}

/* Equal batches merge like a binary counter; max_segments bounds the count. */
static void test_merge_policy(void **state)
{
    (void)state;
    synth *s = make_synth(5);
    char dir[512], docs[512];
    lk_test_tmp_path(dir, sizeof dir, "policy.idx");
    lk_test_tmp_path(docs, sizeof docs, "pdocs.jsonl");
    write_docs(docs, s, 0, 800);
    build_ok(docs, dir, false, NULL, 0);
    /* batches of 100: [800 100] [800 200] [800 200 100] [800 400] ... [800 400 200 100]
       [1600]: a segment is merged with the newer ones once they are as large */
    static const size_t want[] = {2, 2, 3, 2, 3, 3, 4, 1};
    for (int i = 0; i < 8; i++) {
        write_docs(docs, s, 800 + 100 * i, 900 + 100 * i);
        build_ok(docs, dir, true, NULL, 0);
        assert_int_equal(n_segments(dir), want[i]);
    }
    assert_int_equal(lk_test_count_prefix(dir, "seg"), 0); /* one file, no manifest */
    compare_with_fresh(dir, s, "pref1.idx", 7);
    /* shrinking batches never merge by size; max_segments 3 merges the newest */
    int at = 1600;
    for (int i = 0; i < 5; i++) {
        int n = 160 >> i;
        write_docs(docs, s, at, at + n);
        at += n;
        build_ok(docs, dir, true, NULL, 3);
        assert_true(n_segments(dir) <= 3);
    }
    compare_with_fresh(dir, s, "pref2.idx", 8);
    free_synth(s);
}

static void test_duplicates_and_missing(void **state)
{
    (void)state;
    synth *s = make_synth(9);
    char dir[512], docs[512], del[512], man[600];
    lk_test_tmp_path(dir, sizeof dir, "dup.idx");
    lk_test_tmp_path(docs, sizeof docs, "ddocs.jsonl");
    lk_test_tmp_path(del, sizeof del, "ddel.txt");
    write_docs(docs, s, 0, 300);
    build_ok(docs, dir, false, NULL, 0);
    write_docs(docs, s, 300, 400);
    build_ok(docs, dir, true, NULL, 0);
    snprintf(man, sizeof man, "%s/%s", dir, LK_BM25_MANIFEST_FILE);
    size_t n0, n1;
    char *m0, *m1;
    lk_error err;
    assert_int_equal(lk_read_file(man, &m0, &n0, &err), LK_OK);
    /* an id of the second segment, then one of the first, on line 2 */
    FILE *fp = fopen(docs, "w");
    fprintf(fp, "{\"id\": \"new1\", \"text\": \"w1\"}\n{\"id\": \"%s\", \"text\": \"w2\"}\n",
            s->ids[350]);
    fclose(fp);
    assert_int_equal(run_build(docs, dir, true, NULL, false, 0, &err), LK_ERR_PARSE);
    char want[256];
    snprintf(want, sizeof want,
             "ddocs.jsonl:2: duplicate document id \"%s\" (already in the index)",
             s->ids[350]);
    assert_non_null(strstr(err.msg, want));
    fp = fopen(docs, "w");
    fprintf(fp, "{\"id\": \"%s\", \"text\": \"w2\"}\n", s->ids[3]);
    fclose(fp);
    assert_int_equal(run_build(docs, dir, true, NULL, false, 0, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "ddocs.jsonl:1: duplicate document id"));
    assert_int_equal(lk_read_file(man, &m1, &n1, &err), LK_OK); /* untouched */
    assert_int_equal(n0, n1);
    assert_memory_equal(m0, m1, n0);
    assert_int_equal(lk_test_count_prefix(dir, "seg-"), 1);
    /* deleting an id not in the index (or already deleted) names its line */
    fp = fopen(del, "w");
    fprintf(fp, "%s\nnope\n", s->ids[3]);
    fclose(fp);
    assert_int_equal(run_build(NULL, dir, false, del, false, 0, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "ddel.txt:2: document id \"nope\" is not in the index"));
    write_deletions(del, s, 3, 4, 1);
    build_ok(NULL, dir, false, del, 0);
    assert_int_equal(run_build(NULL, dir, false, del, false, 0, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "is not in the index"));
    /* a deleted id may be added again */
    write_docs(docs, s, 3, 4);
    build_ok(docs, dir, true, NULL, 0);
    compare_with_fresh(dir, s, "dref.idx", 11);
    free(m0);
    free(m1);
    free_synth(s);
}

static void expect_open_error(const char *dir, lk_status want, const char *m1, const char *m2)
{
    lk_bm25_index *idx = NULL;
    lk_error err;
    lk_error_clear(&err);
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), want);
    assert_null(idx);
    if (!strstr(err.msg, m1) || !strstr(err.msg, m2))
        fprintf(stderr, "unexpected message: %s (want %s, %s)\n", err.msg, m1, m2);
    assert_non_null(strstr(err.msg, m1));
    assert_non_null(strstr(err.msg, m2));
}

static void test_corrupt_files(void **state)
{
    (void)state;
    synth *s = make_synth(3);
    char dir[512], docs[512], del[512], man[600], seg[600], other[600];
    lk_test_tmp_path(dir, sizeof dir, "bad.idx");
    lk_test_tmp_path(docs, sizeof docs, "bdocs.jsonl");
    lk_test_tmp_path(del, sizeof del, "bdel.txt");
    write_docs(docs, s, 0, 200);
    build_ok(docs, dir, false, NULL, 0);
    write_docs(docs, s, 200, 250);
    build_ok(docs, dir, true, NULL, 0);
    write_deletions(del, s, 0, 250, 9);
    build_ok(NULL, dir, false, del, 0);
    snprintf(man, sizeof man, "%s/%s", dir, LK_BM25_MANIFEST_FILE);
    snprintf(seg, sizeof seg, "%s/seg-000002.lkbx", dir);
    snprintf(other, sizeof other, "%s/%s", dir, LK_BM25_INDEX_FILE);
    size_t nm, ns, no;
    unsigned char *m = lk_test_slurp(man, &nm), *sg = lk_test_slurp(seg, &ns), *ot = lk_test_slurp(other, &no);
    for (size_t at = 0; at < nm; at += 3) { /* any flipped manifest byte is caught */
        m[at] ^= 0x10;
        lk_test_write_file(man, (const char *)m, nm);
        lk_bm25_index *idx = NULL;
        lk_error err;
        assert_int_not_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
        assert_non_null(strstr(err.msg, LK_BM25_MANIFEST_FILE));
        m[at] ^= 0x10;
    }
    m[nm / 2] ^= 1;
    lk_test_write_file(man, (const char *)m, nm);
    expect_open_error(dir, LK_ERR_FORMAT, "segments.lkbm", "checksum mismatch");
    lk_test_write_file(man, (const char *)m, nm - 5);
    expect_open_error(dir, LK_ERR_FORMAT, "segments.lkbm", "truncated");
    m[nm / 2] ^= 1;
    lk_test_write_file(man, (const char *)m, nm);
    sg[ns / 2] ^= 4;
    lk_test_write_file(seg, (const char *)sg, ns);
    expect_open_error(dir, LK_ERR_FORMAT, "seg-000002.lkbx", "checksum mismatch");
    sg[ns / 2] ^= 4;
    lk_test_write_file(seg, (const char *)sg, ns - 20);
    expect_open_error(dir, LK_ERR_FORMAT, "seg-000002.lkbx", "truncated");
    lk_test_write_file(seg, (const char *)ot, no); /* a valid index, but not that segment */
    expect_open_error(dir, LK_ERR_FORMAT, "seg-000002.lkbx", "not the segment listed");
    unlink(seg);
    expect_open_error(dir, LK_ERR_IO, "seg-000002.lkbx", "No such file");
    lk_test_write_file(seg, (const char *)sg, ns);
    lk_bm25_index_free(open_ok(dir));
    free(m);
    free(sg);
    free(ot);
    free_synth(s);
}

/* A held lock refuses writers; orphans of killed runs are removed by the next writer; a full
   rebuild replaces a segmented directory. */
static void test_lock_orphans_rebuild(void **state)
{
    (void)state;
    synth *s = make_synth(4);
    char dir[512], docs[512], orphan[600], tmp[600];
    lk_test_tmp_path(dir, sizeof dir, "lock.idx");
    lk_test_tmp_path(docs, sizeof docs, "ldocs.jsonl");
    write_docs(docs, s, 0, 200);
    build_ok(docs, dir, false, NULL, 0);
    write_docs(docs, s, 200, 220);
    int fd = -1;
    lk_error err;
    assert_int_equal(lk_bm25__lock(dir, &fd, &err), LK_OK);
    assert_true(fd >= 0);
    assert_int_equal(run_build(docs, dir, true, NULL, false, 0, &err), LK_ERR_BUSY);
    assert_int_equal(err.code, LK_ERR_BUSY);
    assert_non_null(strstr(err.msg, "another lexkit process is updating this index"));
    assert_int_equal(run_build(docs, dir, false, NULL, false, 0, &err), LK_ERR_BUSY);
    lk_bm25__unlock(fd);
    snprintf(orphan, sizeof orphan, "%s/seg-000009.lkbx", dir);
    snprintf(tmp, sizeof tmp, "%s/%s.tmp.abc123", dir, LK_BM25_MANIFEST_FILE);
    lk_test_write_file(orphan, "junk", 4);
    lk_test_write_file(tmp, "junk", 4);
    build_ok(docs, dir, true, NULL, 0);
    assert_int_equal(lk_test_count_prefix(dir, "seg-000009"), 0);
    assert_int_equal(lk_test_count_prefix(dir, "segments.lkbm.tmp"), 0);
    assert_int_equal(lk_test_count_prefix(dir, "seg-000002"), 1);
    /* a full rebuild of the segmented directory: one file again */
    write_docs(docs, s, 0, 50);
    build_ok(docs, dir, false, NULL, 0);
    assert_int_equal(lk_test_count_prefix(dir, "seg"), 0);
    lk_bm25_index *idx = open_ok(dir);
    assert_int_equal(lk_bm25_index_n_docs(idx), 50);
    lk_bm25_index_free(idx);
    free_synth(s);
}

static void test_threads_share_segmented(void **state)
{
    (void)state;
    synth *s = make_synth(8);
    char dir[512], docs[512], del[512];
    lk_test_tmp_path(dir, sizeof dir, "thr.idx");
    lk_test_tmp_path(docs, sizeof docs, "tdocs.jsonl");
    lk_test_tmp_path(del, sizeof del, "tdel.txt");
    write_docs(docs, s, 0, 600);
    build_ok(docs, dir, false, NULL, 0);
    write_docs(docs, s, 600, 900);
    build_ok(docs, dir, true, NULL, 0);
    write_deletions(del, s, 0, 900, 4);
    build_ok(NULL, dir, false, del, 0);
    lk_bm25_index *idx = open_ok(dir);
    assert_int_equal(lk_bm25_index_n_segments(idx), 2);
    assert_int_equal(lk_test_bm25_threads(idx, 4, 200), 0);
    lk_bm25_index_free(idx);
    free_synth(s);
}

/* Build (add: append a segment; del: ids to delete) with the plain analyzer and a title
   weight of 2 (used by the first build, kept by the index). */
static void build_tw2(const char *docs, const char *dir, bool add, const char *del)
{
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.threads = 1;
    cfg.analyzer.title_weight = 2;
    cfg.add = add;
    cfg.delete_path = del;
    lk_error err;
    lk_error_clear(&err);
    lk_status st = lk_bm25_index_build(docs, dir, &cfg, NULL, &err);
    if (st != LK_OK) fprintf(stderr, "build: %s\n", err.msg);
    assert_int_equal(st, LK_OK);
}

/* Lucene BM25 (k1 1.2, b 0.75) of one term: tf in a document of length dl, df of n docs. */
static double bm25_by_hand(double tf, double dl, double avgdl, double df, double n)
{
    double idf = log(1.0 + (n - df + 0.5) / (df + 0.5));
    return idf * tf / (tf + 1.2 * (1.0 - 0.75 + 0.75 * dl / avgdl));
}

/* Search q (query syntax) on idx: *n hits into h (ids in ids[][8]), pruned == exhaustive
   bitwise. */
static void query_hits(const lk_bm25_index *idx, const char *q, lk_bm25_hit *h, size_t *n,
                       char ids[][8])
{
    lk_bm25_ws *ws = NULL;
    lk_query_ws *qw = NULL;
    lk_analyzer *an = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_ws_create(idx, &ws), LK_OK);
    assert_int_equal(lk_query_ws_create(idx, &qw, &err), LK_OK);
    assert_int_equal(lk_bm25_index_analyzer(idx, &an, &err), LK_OK);
    lk_bm25_search_opts o = lk_bm25_search_opts_default();
    const lk_bm25_hit *r;
    for (int ex = 0; ex < 2; ex++) {
        size_t m;
        o.exhaustive = ex;
        assert_int_equal(lk_bm25_search_query(idx, ws, an, qw, q, strlen(q), &o, &r, &m, &err),
                         LK_OK);
        if (!ex) {
            *n = m;
            memcpy(h, r, m * sizeof *r);
            continue;
        }
        assert_int_equal(m, *n);
        for (size_t i = 0; i < m; i++)
            assert_true(r[i].doc == h[i].doc && r[i].score == h[i].score);
    }
    for (size_t i = 0; i < *n; i++) {
        size_t len;
        const char *id = lk_bm25_index_doc_id(idx, h[i].doc, &len);
        assert_true(len < 8);
        memcpy(ids[i], id, len);
        ids[i][len] = '\0';
    }
    lk_analyzer_free(an);
    lk_query_ws_free(qw);
    lk_bm25_ws_free(ws);
}

/* comp* is one term: tf = the sum of the tfs (title weighted) of every term starting with
   comp, df = the live documents holding one of them; identical on one file and on two
   segments whose first holds a deleted document full of comp* terms. */
static void test_prefix_synonym(void **state)
{
    (void)state;
    char one[512], seg[512], docs[512], del[512];
    lk_test_tmp_path(one, sizeof one, "syn1.idx");
    lk_test_tmp_path(seg, sizeof seg, "syn2.idx");
    lk_test_tmp_path(docs, sizeof docs, "syn.jsonl");
    lk_test_tmp_path(del, sizeof del, "syn-del.txt");
    static const char d1[] = "{\"id\": \"d1\", \"title\": \"computer\", "
                             "\"text\": \"computing x\"}\n",
                      d2[] = "{\"id\": \"d2\", \"text\": \"computer y\"}\n",
                      d3[] = "{\"id\": \"d3\", \"text\": \"cat z\"}\n",
                      d4[] = "{\"id\": \"d4\", \"text\": \"compass compass computing w\"}\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%s%s%s", d1, d2, d3);
    lk_test_write_file(docs, buf, strlen(buf));
    build_tw2(docs, one, false, NULL);
    snprintf(buf, sizeof buf, "%s%s%s", d1, d4, d3); /* segment 1: d4 deleted later */
    lk_test_write_file(docs, buf, strlen(buf));
    build_tw2(docs, seg, false, NULL);
    lk_test_write_file(docs, d2, strlen(d2)); /* segment 2 */
    build_tw2(docs, seg, true, NULL);
    lk_test_write_file(del, "d4\n", 3);
    build_tw2(NULL, seg, false, del);
    lk_bm25_index *a = open_ok(one), *b = open_ok(seg);
    assert_int_equal(lk_bm25_index_n_segments(b), 2);
    assert_int_equal(lk_bm25_index_n_docs(b), 3);
    /* live: d1 (dl 2*1 + 2 = 4: computer in the title counts twice), d2 (2), d3 (2) */
    double avgdl = (4.0 + 2.0 + 2.0) / 3.0;
    assert_true(lk_bm25_index_avgdl(a) == avgdl && lk_bm25_index_avgdl(b) == avgdl);
    /* comp*: df 2 (d1, d2; not d4, deleted), tf d1 = 2 + 1, d2 = 1 */
    double s1 = bm25_by_hand(3, 4, avgdl, 2, 3), s2 = bm25_by_hand(1, 2, avgdl, 2, 3);
    /* computer alone: df 2, tf d1 = 2 (title), d2 = 1 */
    double c1 = bm25_by_hand(2, 4, avgdl, 2, 3), c2 = bm25_by_hand(1, 2, avgdl, 2, 3);
    static const struct {
        const char *q;
        double k; /* times the prefix counts */
        bool word; /* computer too */
    } qs[] = {{"comp*", 1, false}, {"comp* comp*", 2, false}, {"Comp* computer", 1, true},
              {"co* -cat", 1, false}, {"+comp* x* y*", 1, false}};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        lk_bm25_hit ha[4], hb[4];
        char ia[4][8], ib[4][8];
        size_t na, nb;
        query_hits(a, qs[i].q, ha, &na, ia);
        query_hits(b, qs[i].q, hb, &nb, ib);
        assert_int_equal(na, 2);
        assert_int_equal(nb, 2);
        double w1 = qs[i].k * s1 + (qs[i].word ? c1 : 0.0);
        double w2 = qs[i].k * s2 + (qs[i].word ? c2 : 0.0);
        if (strchr(qs[i].q, 'x')) { /* x* and y*: df 1, tf 1 each */
            w1 += bm25_by_hand(1, 4, avgdl, 1, 3);
            w2 += bm25_by_hand(1, 2, avgdl, 1, 3);
        }
        assert_true(ha[0].score > ha[1].score);
        for (size_t j = 0; j < 2; j++) {
            assert_true(strcmp(ia[j], "d1") == 0 || strcmp(ia[j], "d2") == 0);
            assert_true(fabs(ha[j].score - (strcmp(ia[j], "d1") == 0 ? w1 : w2)) < 1e-6);
            assert_string_equal(ia[j], ib[j]);
            if (qs[i].word) assert_true(fabs(ha[j].score - hb[j].score) <= 1e-12 * ha[j].score);
            else assert_true(ha[j].score == hb[j].score);
        }
    }
    /* compa*: compass, only in the deleted d4 */
    lk_bm25_hit h[4];
    char ids[4][8];
    size_t n;
    query_hits(b, "compa*", h, &n, ids);
    assert_int_equal(n, 0);
    /* title:comp* keeps d1 (computer in its title); the prefix scores over the document */
    for (int k = 0; k < 2; k++) {
        query_hits(k ? b : a, "title:comp*", h, &n, ids);
        assert_int_equal(n, 1);
        assert_string_equal(ids[0], "d1");
        assert_true(fabs(h[0].score - s1) < 1e-6);
    }
    lk_bm25_index_free(a);
    lk_bm25_index_free(b);
    /* every term counts, not only 128: e1 holds 130 terms starting with zq, once each */
    char *big = malloc(4096), *p = big;
    p += sprintf(p, "{\"id\": \"e1\", \"text\": \"");
    for (int i = 0; i < 130; i++) p += sprintf(p, "%szq%03d", i ? " " : "", i);
    sprintf(p, "\"}\n{\"id\": \"e2\", \"text\": \"zq000\"}\n{\"id\": \"e3\", \"text\": \"q\"}\n");
    lk_test_write_file(docs, big, strlen(big));
    free(big);
    build_tw2(docs, one, false, NULL);
    a = open_ok(one);
    query_hits(a, "zq*", h, &n, ids);
    assert_int_equal(n, 2);
    avgdl = (130.0 + 1.0 + 1.0) / 3.0;
    assert_string_equal(ids[0], "e1");
    assert_true(fabs(h[0].score - bm25_by_hand(130, 130, avgdl, 2, 3)) < 1e-6);
    assert_true(fabs(h[1].score - bm25_by_hand(1, 1, avgdl, 2, 3)) < 1e-6);
    lk_bm25_index_free(a);
}

/* A whole word with a '*' on a stemmed (english) index: happy* matches the terms starting
   with happy, and its stem happi as a term, one synonym: hand-computed
   scores, equal on one file and on two segments; the snippet terms are both ranges' */
static void test_prefix_stem(void **state)
{
    (void)state;
    char one[512], seg[512], docs[512];
    lk_test_tmp_path(one, sizeof one, "stem1.idx");
    lk_test_tmp_path(seg, sizeof seg, "stem2.idx");
    lk_test_tmp_path(docs, sizeof docs, "stem.jsonl");
    static const char d12[] = "{\"id\": \"e1\", \"text\": \"happy happyface\"}\n"
                              "{\"id\": \"e2\", \"text\": \"the happyface\"}\n",
                      d34[] = "{\"id\": \"e3\", \"text\": \"happiness x\"}\n"
                              "{\"id\": \"e4\", \"text\": \"q\"}\n";
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.threads = 1;
    cfg.analyzer.kind = LK_ANALYZER_ENGLISH;
    lk_error err;
    char buf[512];
    snprintf(buf, sizeof buf, "%s%s", d12, d34);
    lk_test_write_file(docs, buf, strlen(buf));
    assert_int_equal(lk_bm25_index_build(docs, one, &cfg, NULL, &err), LK_OK);
    lk_test_write_file(docs, d12, strlen(d12));
    assert_int_equal(lk_bm25_index_build(docs, seg, &cfg, NULL, &err), LK_OK);
    lk_test_write_file(docs, d34, strlen(d34));
    cfg.add = true;
    assert_int_equal(lk_bm25_index_build(docs, seg, &cfg, NULL, &err), LK_OK);
    /* terms: e1 happi happyfac (dl 2), e2 happyfac (1), e3 happi x (2), e4 q (1): avgdl 1.5;
       happy*: df 3, tf e1 2, e2 1, e3 1 */
    double want[3] = {bm25_by_hand(2, 2, 1.5, 3, 4), bm25_by_hand(1, 1, 1.5, 3, 4),
                      bm25_by_hand(1, 2, 1.5, 3, 4)};
    static const char *const ids_want[3] = {"e1", "e2", "e3"};
    for (int k = 0; k < 2; k++) {
        lk_bm25_index *idx = open_ok(k ? seg : one);
        lk_bm25_hit h[4];
        char ids[4][8];
        size_t n;
        query_hits(idx, "happy*", h, &n, ids);
        assert_int_equal(n, 3);
        for (size_t j = 0; j < 3; j++) {
            assert_string_equal(ids[j], ids_want[j]);
            assert_true(fabs(h[j].score - want[j]) < 1e-6);
        }
        query_hits(idx, "+happy* -happyface*", h, &n, ids); /* happyface*: happyfac */
        assert_int_equal(n, 1);
        assert_string_equal(ids[0], "e3");
        query_hits(idx, "happiness*", h, &n, ids); /* its stem happi, as a term (not happi*) */
        assert_int_equal(n, 2);
        /* the snippet terms: both ranges, in byte order */
        lk_bm25_ws *ws = NULL;
        lk_query_ws *qw = NULL;
        lk_analyzer *an = NULL;
        assert_int_equal(lk_bm25_ws_create(idx, &ws), LK_OK);
        assert_int_equal(lk_query_ws_create(idx, &qw, &err), LK_OK);
        assert_int_equal(lk_bm25_index_analyzer(idx, &an, &err), LK_OK);
        lk_bm25_search_opts o = lk_bm25_search_opts_default();
        const lk_bm25_hit *r;
        assert_int_equal(lk_bm25_search_query(idx, ws, an, qw, "happy*", 6, &o, &r, &n, &err),
                         LK_OK);
        assert_int_equal(lk_query_ws_terms(idx, qw, an, &err), LK_OK);
        const lk_term *t = lk_analyzer_terms(an, &n);
        assert_int_equal(n, 2);
        assert_true(t[0].len == 5 && !memcmp(t[0].s, "happi", 5));
        assert_true(t[1].len == 8 && !memcmp(t[1].s, "happyfac", 8));
        lk_analyzer_free(an);
        lk_query_ws_free(qw);
        lk_bm25_ws_free(ws);
        lk_bm25_index_free(idx);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adds_deletes_equal_fresh),
        cmocka_unit_test(test_merge_policy),
        cmocka_unit_test(test_duplicates_and_missing),
        cmocka_unit_test(test_corrupt_files),
        cmocka_unit_test(test_lock_orphans_rebuild),
        cmocka_unit_test(test_threads_share_segmented),
        cmocka_unit_test(test_prefix_synonym),
        cmocka_unit_test(test_prefix_stem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
