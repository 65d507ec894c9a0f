/* test_bm25_positions.c: term positions of a BM25 index (features/search/bm25_positions.c):
   every document's sequence back exactly (terms without a position skipped, the title
   boundary), the v4 file only when asked, and the sequences of every live document after
   --add, --delete, --add --upsert and --merge (segments remap their term codes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_positions_internal.h"
#include "features/search/bm25_seg_internal.h"
#include "features/search/bm25_segments.h"
#include "features/search/bm25_text.h"
#include "testutil.h"
#include "text/fileio.h"

/* The sequence of document doc of segment x as "title terms / text terms". */
static void decoded(const lk_bm25__seg *x, uint32_t doc, char *out, size_t cap)
{
    const lk_bm25__pos *p = lk_bm25__seg_pos(x);
    assert_non_null(p);
    uint64_t nt = x->n_terms;
    uint32_t *code2term = malloc((size_t)(nt + 1) * sizeof *code2term);
    assert_non_null(code2term);
    for (uint64_t t = 0; t < nt; t++) code2term[lk_bm25__pos_code(p, t)] = (uint32_t)t;
    uint32_t *seq = NULL;
    size_t seq_cap = 0, n, n_title, at = 0;
    assert_true(lk_bm25__pos_doc(p, doc, &seq, &seq_cap, &n, &n_title));
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *s;
        size_t len, plen;
        const unsigned char *post;
        uint32_t df;
        lk_bm25__seg_term(x, code2term[seq[i]], &s, &len, &post, &plen, &df);
        at += (size_t)snprintf(out + at, cap - at, "%s%.*s", i == n_title ? "/ " : "", (int)len, s);
        if (i + 1 < n) at += (size_t)snprintf(out + at, cap - at, " ");
    }
    if (n_title == n) snprintf(out + at, cap - at, "%s/", n ? " " : "");
    free(seq);
    free(code2term);
}

static void test_round_trip(void **state)
{
    (void)state;
    char dir[512];
    lk_error err;
    lk_test_tmp_path(dir, sizeof dir, "lk_pos_rt");
    lk_bm25_build_config c = lk_bm25_build_config_default();
    c.positions = true;
    c.mem_limit = 4096; /* sorted runs spilled and merged */
    lk_bm25_builder *b = NULL;
    assert_int_equal(lk_bm25_builder_create(dir, &c, &b, &err), LK_OK);
    assert_true(lk_bm25_builder_positions(b));
    char id[32], want[200][160];
    for (int d = 0; d < 200; d++) {
        lk_term t[12];
        char w[12][16];
        unsigned char keep[12];
        int n = 3 + d % 9, n_title = d % 4, at = 0;
        if (n_title > n) n_title = n;
        for (int i = 0; i < n; i++) {
            t[i] = (lk_term){w[i], (size_t)snprintf(w[i], sizeof w[i], "t%d", (d * 7 + i * i) % 61)};
            keep[i] = (unsigned char)((d + i) % 5 != 0 || i == 0);
        }
        want[d][0] = '\0';
        bool first = true;
        for (int i = 0; i < n; i++) {
            if (i == n_title) {
                at += snprintf(want[d] + at, sizeof want[d] - (size_t)at, "%s/", first ? "" : " ");
                first = false;
            }
            if (!keep[i]) continue;
            at += snprintf(want[d] + at, sizeof want[d] - (size_t)at, "%s%s", first ? "" : " ", w[i]);
            first = false;
        }
        if (n_title == n) snprintf(want[d] + at, sizeof want[d] - (size_t)at, "%s/", first ? "" : " ");
        snprintf(id, sizeof id, "d%d", d);
        assert_int_equal(lk_bm25_builder_add_doc(b, id, strlen(id), t, (size_t)n, keep,
                                                 (size_t)n_title, NULL, 0, NULL, d + 1, &err),
                         LK_OK);
    }
    assert_true(lk_bm25_builder_n_runs(b) > 1);
    assert_int_equal(lk_bm25_builder_finish(b, &err), LK_OK);
    lk_bm25_index *x = NULL;
    assert_int_equal(lk_bm25_index_open(dir, &x, &err), LK_OK);
    assert_true(lk_bm25_index_has_positions(x));
    char got[200];
    for (uint32_t d = 0; d < 200; d++) {
        decoded(lk_bm25__index_seg(x, 0, NULL, NULL), d, got, sizeof got);
        /* "a b / c" and "/ c" forms: compare without the spaces around '/' */
        char g[200], w[200];
        size_t gi = 0, wi = 0;
        for (const char *p = got; *p; p++) if (*p != ' ') g[gi++] = *p;
        for (const char *p = want[d]; *p; p++) if (*p != ' ') w[wi++] = *p;
        g[gi] = w[wi] = '\0';
        if (strcmp(g, w) != 0) fail_msg("doc %u: got \"%s\", want \"%s\"", d, got, want[d]);
    }
    /* the file is v4; without positions the same documents give v2 */
    char file[600];
    snprintf(file, sizeof file, "%s/index.lkbx", dir);
    FILE *fp = fopen(file, "rb");
    unsigned char hdr[8];
    assert_non_null(fp);
    assert_int_equal(fread(hdr, 1, 8, fp), 8);
    fclose(fp);
    assert_int_equal(lk_get_u32(hdr + 4), 4);
    lk_bm25_index_free(x);
    lk_test_rm_tree(dir);
}

/* Every live document of idx (ids "g<i>") has the sequence "title<i> / w<i%13> w<i%7> ..." */
static void check_docs(const lk_bm25_index *idx, int text_from)
{
    size_t ns = lk_bm25__index_n_segs(idx);
    char got[256], want[256];
    int checked = 0;
    for (size_t s = 0; s < ns; s++) {
        uint32_t base;
        const uint64_t *del;
        const lk_bm25__seg *x = lk_bm25__index_seg(idx, s, &base, &del);
        for (uint32_t d = 0; d < x->n_docs; d++) {
            if (del && (del[d >> 6] >> (d & 63)) & 1) continue;
            size_t il;
            const char *id = lk_bm25__seg_doc_id(x, d, &il);
            int i = atoi(id + 1);
            int v = i >= text_from ? 1 : 0; /* replaced documents: other text */
            snprintf(want, sizeof want, "title%d / w%d w%d alpha w%d%s", i, i % 13, i % 7 + v,
                     i % 3, v ? " new" : "");
            decoded(x, d, got, sizeof got);
            if (strcmp(got, want) != 0) fail_msg("%s: got \"%s\", want \"%s\"", id, got, want);
            checked++;
        }
    }
    assert_int_equal((uint32_t)checked, lk_bm25_index_n_docs(idx));
}

static void write_gen(const char *path, int from, int to, int v)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = from; i < to; i++)
        fprintf(fp, "{\"id\": \"g%d\", \"title\": \"Title%d\", \"text\": \"w%d w%d, alpha w%d%s\"}\n",
                i, i, i % 13, i % 7 + v, i % 3, v ? " new" : "");
    fclose(fp);
}

static void test_segments(void **state)
{
    (void)state;
    char dir[512], a[600], b[600], up[600], del[600];
    lk_error err;
    lk_test_tmp_path(dir, sizeof dir, "lk_pos_seg");
    snprintf(a, sizeof a, "%s.a.jsonl", dir);
    snprintf(b, sizeof b, "%s.b.jsonl", dir);
    snprintf(up, sizeof up, "%s.up.jsonl", dir);
    snprintf(del, sizeof del, "%s.del.txt", dir);
    write_gen(a, 0, 300, 0);
    write_gen(b, 300, 500, 0);
    write_gen(up, 450, 520, 1); /* 450..499 replaced, 500..519 new */
    FILE *fp = fopen(del, "w");
    assert_non_null(fp);
    for (int i = 0; i < 500; i += 9) fprintf(fp, "g%d\n", i);
    fclose(fp);
    lk_bm25_index_config c = lk_bm25_index_config_default();
    c.build.store = "none";
    c.build.positions = true;
    assert_int_equal(lk_bm25_index_build(a, dir, &c, NULL, &err), LK_OK);
    c.build.positions = false; /* --add follows the index, not the config */
    c.add = true;
    assert_int_equal(lk_bm25_index_build(b, dir, &c, NULL, &err), LK_OK);
    c.delete_path = del;
    assert_int_equal(lk_bm25_index_build(NULL, dir, &c, NULL, &err), LK_OK);
    c.delete_path = NULL;
    c.upsert = true;
    assert_int_equal(lk_bm25_index_build(up, dir, &c, NULL, &err), LK_OK);
    lk_bm25_index *x = NULL;
    assert_int_equal(lk_bm25_index_open(dir, &x, &err), LK_OK);
    assert_true(lk_bm25_index_n_segments(x) > 1);
    assert_true(lk_bm25_index_has_positions(x));
    check_docs(x, 450);
    lk_bm25_index_free(x);
    c.add = c.upsert = false;
    c.merge = true;
    assert_int_equal(lk_bm25_index_build(NULL, dir, &c, NULL, &err), LK_OK);
    assert_int_equal(lk_bm25_index_open(dir, &x, &err), LK_OK);
    assert_int_equal(lk_bm25_index_n_segments(x), 1);
    assert_true(lk_bm25_index_has_positions(x));
    check_docs(x, 450);
    lk_bm25_index_free(x);
    lk_test_rm_tree(dir);
    remove(a);
    remove(b);
    remove(up);
    remove(del);
}

/* A phrase matches only at code boundaries: the last byte of a two-byte code (0x85 0x03 =
   389) is not the one-byte code 3. */
static void test_find_boundaries(void **state)
{
    (void)state;
    const unsigned char pat[] = {0x03, 0x04};
    const unsigned char inside[] = {0x85, 0x03, 0x04};            /* 389, 4 */
    const unsigned char after[] = {0x85, 0x03, 0x03, 0x04};       /* 389, 3, 4 */
    const unsigned char both[] = {0x85, 0x03, 0x04, 0x03, 0x04};  /* 389, 4, 3, 4 */
    const unsigned char first[] = {0x03, 0x04, 0x85, 0x03};       /* 3, 4, 389 */
    assert_false(lk_bm25__pos_find(inside, sizeof inside, pat, sizeof pat));
    assert_true(lk_bm25__pos_find(after, sizeof after, pat, sizeof pat));
    assert_true(lk_bm25__pos_find(both, sizeof both, pat, sizeof pat));
    assert_true(lk_bm25__pos_find(first, sizeof first, pat, sizeof pat));
    assert_false(lk_bm25__pos_find(first, 1, pat, sizeof pat));
    const unsigned char two[] = {0x85, 0x03}; /* the pattern 389 */
    assert_true(lk_bm25__pos_find(after, sizeof after, two, sizeof two));
    assert_false(lk_bm25__pos_find(pat, sizeof pat, two, sizeof two));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_boundaries),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
