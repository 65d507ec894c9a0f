/* test_bm25_snippet_pieces.c: a text longer than the snippeter's piece size is analyzed in
   pieces (lk_snippeter__set_piece), keeping only its matches, and the snippet is the one of
   the whole text analyzed at once: passage, cuts, marks and code-point offsets, for English,
   Chinese (bigrams, and the Chinese model), combining marks, emoji ZWJ sequences and flags,
   matches next to the cuts, more matches than a snippet considers, invalid UTF-8. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "features/search/bm25_snippet.h"
#include "features/search/bm25_text.h"
#include "tests/testutil.h"

#define MODEL "../corpora/models/zh-gsd-char.lkt"
#define TEXT_MAX 65536
#define MANY_MATCHES 5000 /* more than the snippeter considers (its first 4096) */

/* Fragments joined into texts: matches and clusters (letter + combining marks, emoji ZWJ
   sequences, flags, skin tones) land next to every cut with the smallest pieces. */
static const char *const frags[] = {
    "solar wind",
    "the wind and the solar panel",
    "coffee",
    "espresso beans",
    "U.S.A. coffee",
    "caf\xc3\xa9 na\xc3\xafve",
    "x\xcc\x83x\xcc\x83 coffee x\xcc\x83",
    "e\xcc\x81spresso",
    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7" "coffee",
    "\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3\xf0\x9f\x87\xba\xf0\x9f\x87\xb8",
    "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd wind",
    "长江大桥",
    "南京市长江大桥位于南京市",
    "行政院将召开会议",
    "央行说",
    "中文English混合text 123",
    "版本 v2.0.1 PM2.5",
    "state-of-the-art",
    "infor\xc2\xadmation",
    "長江大橋",
    "2024 coffee 2025",
    "a b c",
    "art state",
};
#define N_FRAGS (sizeof frags / sizeof *frags)
static const char *const joins[] = {" ", " ", "\n", "", "  ", "\t", "。"};
#define N_JOINS (sizeof joins / sizeof *joins)

static const char *const queries[] = {
    "coffee", "solar wind", "espresso coffee", "长江大桥", "央行", "行", "state art", "x",
    "text 123", "wind solar coffee 长江", "na\xc3\xafve information", "a c",
};
#define N_QUERIES (sizeof queries / sizeof *queries)
static const size_t max_chars[] = {1, 8, 40, 160};
static const size_t pieces[] = {1, 3, 64};

/* A snippet with its marks copied out of the snippeter. */
typedef struct {
    lk_status st;
    char msg[512];
    lk_snippet sn;
    lk_span marks[512], marks_cp[512];
} result;

static void run(lk_snippeter *s, const char *text, size_t len, size_t max, result *r)
{
    lk_error err;
    memset(r, 0, sizeof *r);
    lk_error_clear(&err);
    r->st = lk_snippeter_run(s, text, len, max, &r->sn, &err);
    if (r->st != LK_OK) {
        snprintf(r->msg, sizeof r->msg, "%s", err.msg);
        return;
    }
    assert_true(r->sn.n_marks <= 512);
    if (r->sn.n_marks) {
        memcpy(r->marks, r->sn.marks, r->sn.n_marks * sizeof *r->marks);
        memcpy(r->marks_cp, r->sn.marks_cp, r->sn.n_marks * sizeof *r->marks_cp);
    }
}

/* Every field of a equals b's. */
static void assert_same(const result *a, const result *b)
{
    assert_int_equal(a->st, b->st);
    assert_string_equal(a->msg, b->msg);
    assert_int_equal(a->sn.start, b->sn.start);
    assert_int_equal(a->sn.end, b->sn.end);
    assert_int_equal(a->sn.cut_before, b->sn.cut_before);
    assert_int_equal(a->sn.cut_after, b->sn.cut_after);
    assert_int_equal(a->sn.n_marks, b->sn.n_marks);
    assert_int_equal(a->sn.start_cp, b->sn.start_cp);
    assert_int_equal(a->sn.n_terms, b->sn.n_terms);
    for (size_t k = 0; k < a->sn.n_marks; k++) {
        assert_int_equal(a->marks[k].start, b->marks[k].start);
        assert_int_equal(a->marks[k].end, b->marks[k].end);
        assert_int_equal(a->marks_cp[k].start, b->marks_cp[k].start);
        assert_int_equal(a->marks_cp[k].end, b->marks_cp[k].end);
    }
}

/* An index (its analyzer is what matters) with two snippeters: one analyzing texts whole,
   one in pieces; an analyzer for the queries. */
typedef struct {
    lk_bm25_index *idx;
    lk_snippeter *whole, *cut;
    lk_analyzer *an;
    result *a, *b;
    size_t n_compared, n_marked;
} fixture;

static void open_fixture(fixture *f, lk_bm25_index_config cfg, const char *name)
{
    char docs[600], dir[600];
    lk_test_tmp_path(docs, sizeof docs, "snip_pieces.jsonl");
    lk_test_tmp_path(dir, sizeof dir, name);
    const char *doc = "{\"id\": \"a\", \"text\": \"coffee 长江大桥\"}\n";
    lk_test_write_file(docs, doc, strlen(doc));
    lk_bm25_build_stats stats;
    lk_error err;
    memset(&stats, 0, sizeof stats);
    memset(f, 0, sizeof *f);
    lk_status st = lk_bm25_index_build(docs, dir, &cfg, &stats, &err);
    if (st != LK_OK) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, LK_OK);
    assert_int_equal(lk_bm25_index_open(dir, &f->idx, &err), LK_OK);
    assert_int_equal(lk_snippeter_create(f->idx, &f->whole, &err), LK_OK);
    assert_int_equal(lk_snippeter_create(f->idx, &f->cut, &err), LK_OK);
    assert_int_equal(lk_bm25_index_analyzer(f->idx, &f->an, &err), LK_OK);
    lk_snippeter__set_piece(f->whole, SIZE_MAX);
    f->a = malloc(sizeof *f->a);
    f->b = malloc(sizeof *f->b);
    assert_non_null(f->a);
    assert_non_null(f->b);
    lk_test_rm_tree(dir);
    remove(docs);
}

static void close_fixture(fixture *f)
{
    print_message("%zu snippets compared, %zu with marks\n", f->n_compared, f->n_marked);
    lk_analyzer_free(f->an);
    lk_snippeter_free(f->whole);
    lk_snippeter_free(f->cut);
    lk_bm25_index_free(f->idx);
    free(f->a);
    free(f->b);
}

static void set_query(fixture *f, const char *q)
{
    lk_error err;
    lk_analyzer_reset(f->an);
    assert_int_equal(lk_analyzer_add(f->an, q, strlen(q), &err), LK_OK);
    size_t n;
    const lk_term *t = lk_analyzer_terms(f->an, &n);
    assert_int_equal(lk_snippeter_query(f->whole, t, n), LK_OK);
    assert_int_equal(lk_snippeter_query(f->cut, t, n), LK_OK);
}

/* The snippets of text in pieces of every size equal the whole text's, at every length. */
static void compare(fixture *f, const char *text, size_t len)
{
    for (size_t m = 0; m < sizeof max_chars / sizeof *max_chars; m++) {
        run(f->whole, text, len, max_chars[m], f->a);
        for (size_t p = 0; p < sizeof pieces / sizeof *pieces; p++) {
            lk_snippeter__set_piece(f->cut, pieces[p]);
            run(f->cut, text, len, max_chars[m], f->b);
            assert_same(f->a, f->b);
            f->n_compared++;
            f->n_marked += f->a->sn.n_marks > 0;
        }
    }
}

/* A text of n fragments picked by a linear congruential sequence from *x. */
static size_t random_text(uint32_t *x, size_t n, char *out)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        *x = *x * 1103515245u + 12345u;
        const char *j = i ? joins[(*x >> 8) % N_JOINS] : "";
        const char *w = frags[(*x >> 16) % N_FRAGS];
        assert_true(at + strlen(j) + strlen(w) < TEXT_MAX);
        memcpy(out + at, j, strlen(j));
        at += strlen(j);
        memcpy(out + at, w, strlen(w));
        at += strlen(w);
    }
    return at;
}

static void check_random_texts(fixture *f, int n_texts, size_t max_frags)
{
    char *text = malloc(TEXT_MAX);
    assert_non_null(text);
    uint32_t x = 2024;
    for (int t = 0; t < n_texts; t++) {
        size_t len = random_text(&x, 1 + (size_t)t * 7 % max_frags, text);
        for (size_t q = 0; q < N_QUERIES; q++) {
            set_query(f, queries[q]);
            compare(f, text, len);
        }
    }
    free(text);
}

/* More matches than a snippet considers, then a better window (the first 4096 are kept,
   whole or cut); then invalid UTF-8 after them, and in a middle piece: the same error. */
static void check_many_matches(fixture *f)
{
    static const char rep[] = "coffee x ", last[] = "espresso coffee";
    size_t cap = (size_t)MANY_MATCHES * strlen(rep) + sizeof last + 1, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 0; i < MANY_MATCHES; i++, len += strlen(rep)) memcpy(text + len, rep, strlen(rep));
    memcpy(text + len, last, sizeof last);
    len += strlen(last);
    set_query(f, "espresso coffee");
    compare(f, text, len);
    assert_int_equal(f->a->sn.n_terms, 1);
    text[len] = '\xff'; /* after the matches considered */
    compare(f, text, len + 1);
    assert_int_equal(f->a->st, LK_ERR_PARSE);
    text[len] = 'x';
    text[100] = '\xc3'; /* a truncated sequence in a piece after the first */
    compare(f, text, len + 1);
    assert_int_equal(f->a->st, LK_ERR_PARSE);
    free(text);
}

/* A text with single characters of the query's bigram in many pieces and never the bigram:
   with Han bigrams (no Chinese model), those characters are marked, from every piece. */
static void check_single_chars(fixture *f, bool bigrams)
{
    char text[4096];
    size_t len = 0;
    for (int i = 0; i < 60; i++)
        len += (size_t)sprintf(text + len, "%s%s", i % 4 ? "word " : "行 ab ", i % 3 ? "" : "政院 ");
    set_query(f, "央行");
    compare(f, text, len);
    if (bigrams) assert_true(f->a->sn.n_marks > 0);
}

static void check_all(fixture *f, int n_texts, size_t max_frags, bool bigrams)
{
    check_random_texts(f, n_texts, max_frags);
    check_many_matches(f);
    check_single_chars(f, bigrams);
    close_fixture(f);
}

static void test_snippet_pieces_english(void **state)
{
    (void)state;
    fixture f;
    lk_bm25_index_config cfg = lk_bm25_index_config_default(); /* Han bigrams, t2s folding */
    open_fixture(&f, cfg, "snip_pieces_en.idx");
    check_all(&f, 120, 400, true);
}

static void test_snippet_pieces_plain(void **state)
{
    (void)state;
    fixture f;
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.analyzer.kind = LK_ANALYZER_PLAIN;
    open_fixture(&f, cfg, "snip_pieces_plain.idx");
    check_all(&f, 60, 300, true);
}

static void test_snippet_pieces_zh_model(void **state)
{
    (void)state;
    fixture f;
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.analyzer.lang = LK_LANG_ZH;
    cfg.analyzer.zh_model = MODEL;
    cfg.analyzer.zh_script = LK_ZH_SCRIPT_SIMPLIFIED;
    open_fixture(&f, cfg, "snip_pieces_zh.idx");
    check_all(&f, 25, 120, false);
}

static void test_snippet_pieces_zh_script_auto(void **state)
{
    (void)state;
    fixture f;
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.analyzer.lang = LK_LANG_ZH;
    cfg.analyzer.zh_model = MODEL;
    cfg.analyzer.zh_script = LK_ZH_SCRIPT_AUTO; /* the script decided per text */
    open_fixture(&f, cfg, "snip_pieces_zh_auto.idx");
    check_all(&f, 25, 120, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snippet_pieces_english),
        cmocka_unit_test(test_snippet_pieces_plain),
        cmocka_unit_test(test_snippet_pieces_zh_model),
        cmocka_unit_test(test_snippet_pieces_zh_script_auto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
