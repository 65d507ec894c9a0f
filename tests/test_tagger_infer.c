/* test_tagger_infer.c: batched and threaded tagging give the labels of one-sentence-at-a-time
   decoding; long raw lines are decoded in pieces cut at sentence punctuation, then clause
   marks, then 256-character windows, exactly as if the user had split them by hand.
   A workspace reused across calls and models gives what a fresh one gives (its inference
   tables are kept between calls for a loaded model, keyed on the model file's CRC).
   Uses the shipped char model (corpora/models) on the tests/data fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/tagger.h"
#include "models/tagger_internal.h"
#include "text/corpus.h"

#define MODEL "../corpora/models/zh-gsd-char.lkt"
#define MAX_LINES 64
#define PIECE_MAX 256 /* characters: LK_TAG_PIECE_MAX in tagger_net.c */

typedef struct {
    size_t n;
    lk_tagger_span *sp;
} words;

/* Words of each of n lines, segmented together (one call) with `threads` threads. */
static void segment(const lk_tagger *m, int32_t threads, const char **lines, const size_t *lens,
                    size_t n, words *out)
{
    lk_tagger_ws *ws = NULL;
    const lk_tagger_span *sp;
    const size_t *off;
    lk_error err;
    assert_int_equal(lk_tagger_ws_create(&ws), LK_OK);
    assert_int_equal(lk_tagger_ws_set_threads(ws, threads), LK_OK);
    assert_int_equal(lk_tagger_segment_lines(m, ws, lines, lens, n, &sp, &off, &err), LK_OK);
    for (size_t i = 0; i < n; i++) {
        out[i].n = off[i + 1] - off[i];
        out[i].sp = malloc((out[i].n + 1) * sizeof *out[i].sp);
        assert_non_null(out[i].sp);
        memcpy(out[i].sp, sp + off[i], out[i].n * sizeof *sp);
    }
    lk_tagger_ws_free(ws);
}

static void words_free(words *w, size_t n)
{
    for (size_t i = 0; i < n; i++) free(w[i].sp);
}

static void assert_same_words(const words *a, const words *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t k = 0; k < a->n; k++) {
        assert_int_equal(a->sp[k].start, b->sp[k].start);
        assert_int_equal(a->sp[k].len, b->sp[k].len);
        assert_int_equal(a->sp[k].tag, b->sp[k].tag);
    }
}

/* Raw text of the fixture sentences (concatenated FORMs), malloc'd, at most MAX_LINES. */
static size_t fixture_lines(char **lines, size_t *lens)
{
    const char *paths[2] = {"data/tag_zh_dev.conllu", "data/tag_zh_train.conllu"};
    size_t n = 0;
    for (int p = 0; p < 2; p++) {
        lk_tagged_corpus c;
        lk_error err;
        assert_int_equal(lk_tagged_corpus_load(paths[p], LK_TAGGED_CONLLU, &c, &err), LK_OK);
        for (size_t s = 0; s < c.n_sents && n < MAX_LINES; s++, n++) {
            size_t len = 0;
            for (size_t w = 0; w < c.sents[s].n; w++) len += c.sents[s].tokens[w].form_len;
            lines[n] = malloc(len + 1);
            assert_non_null(lines[n]);
            lens[n] = 0;
            for (size_t w = 0; w < c.sents[s].n; w++) {
                memcpy(lines[n] + lens[n], c.sents[s].tokens[w].form, c.sents[s].tokens[w].form_len);
                lens[n] += c.sents[s].tokens[w].form_len;
            }
            lines[n][len] = '\0';
        }
        lk_tagged_corpus_free(&c);
    }
    return n;
}

static char *dup_str(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    assert_non_null(d);
    return strcpy(d, s);
}

static lk_tagger *load_model(void)
{
    lk_tagger *m = NULL;
    lk_error err;
    assert_int_equal(lk_tagger_load(MODEL, &m, &err), LK_OK);
    return m;
}

static void test_batched_threaded_equal_one_at_a_time(void **state)
{
    (void)state;
    lk_tagger *m = load_model();
    char *lines[MAX_LINES + 2];
    size_t lens[MAX_LINES + 2];
    size_t n = fixture_lines(lines, lens);
    assert_true(n >= 30);
    lines[n] = dup_str(""); /* an empty line and one with a forced break */
    lens[n] = 0;
    n++;
    lines[n] = dup_str("我们 明天去北京");
    lens[n] = strlen(lines[n]);
    n++;
    words one[MAX_LINES + 2], all1[MAX_LINES + 2], all3[MAX_LINES + 2];
    for (size_t i = 0; i < n; i++) segment(m, 1, (const char **)&lines[i], &lens[i], 1, &one[i]);
    segment(m, 1, (const char **)lines, lens, n, all1);
    segment(m, 3, (const char **)lines, lens, n, all3);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        assert_same_words(&one[i], &all1[i]);
        assert_same_words(&one[i], &all3[i]);
        total += one[i].n;
    }
    assert_true(total > 300); /* real sentences, real words */
    assert_int_equal(one[n - 2].n, 0);
    words_free(one, n);
    words_free(all1, n);
    words_free(all3, n);
    for (size_t i = 0; i < n; i++) free(lines[i]);
    lk_tagger_free(m);
}

/* The words of `line` equal those of its hand-cut parts (byte lengths cuts[0..n_cuts)). */
static void assert_cut_by_hand(const lk_tagger *m, const char *line, const size_t *cuts,
                               size_t n_cuts)
{
    size_t len = strlen(line);
    words whole, part;
    segment(m, 2, &line, &len, 1, &whole);
    size_t at = 0, k = 0;
    for (size_t c = 0; c < n_cuts; c++) {
        const char *p = line + at;
        segment(m, 1, &p, &cuts[c], 1, &part);
        for (size_t w = 0; w < part.n; w++, k++) {
            assert_true(k < whole.n);
            assert_int_equal(whole.sp[k].start, at + part.sp[w].start);
            assert_int_equal(whole.sp[k].len, part.sp[w].len);
            assert_int_equal(whole.sp[k].tag, part.sp[w].tag);
        }
        words_free(&part, 1);
        at += cuts[c];
    }
    assert_int_equal(at, len);
    assert_int_equal(k, whole.n);
    words_free(&whole, 1);
}

static void test_long_line_sentences(void **state)
{
    (void)state;
    lk_tagger *m = load_model();
    char *lines[MAX_LINES];
    size_t lens[MAX_LINES], cuts[MAX_LINES];
    size_t n = fixture_lines(lines, lens), nc = 0, len = 0;
    char *line = malloc(16384);
    assert_non_null(line);
    for (size_t i = 0; i < n; i++) { /* the sentences with their final '.' made '。' */
        if (lens[i] < 2 || lines[i][lens[i] - 1] != '.') continue;
        memcpy(line + len, lines[i], lens[i] - 1);
        memcpy(line + len + lens[i] - 1, "。", 3);
        cuts[nc++] = lens[i] + 2;
        len += lens[i] + 2;
    }
    line[len] = '\0';
    assert_true(nc >= 20 && len > 3 * PIECE_MAX); /* well over one piece */
    assert_cut_by_hand(m, line, cuts, nc);
    free(line);
    for (size_t i = 0; i < n; i++) free(lines[i]);
    lk_tagger_free(m);
}

static void test_long_line_clauses_and_windows(void **state)
{
    (void)state;
    lk_tagger *m = load_model();
    const char *clause = "我们明天去北京看长城，"; /* 11 characters, 33 bytes */
    size_t clen = strlen(clause);
    char *line = malloc(40 * clen + 1);
    assert_non_null(line);
    for (int i = 0; i < 40; i++) memcpy(line + (size_t)i * clen, clause, clen);
    line[40 * clen] = '\0';
    /* 440 characters, no sentence end: cut after the last comma within 256 characters
       (23 clauses = 253 characters), then the remaining 17 clauses */
    size_t cuts[2] = {23 * clen, 17 * clen};
    assert_cut_by_hand(m, line, cuts, 2);
    /* 600 characters and no punctuation: windows of 256, 256 and 88 characters */
    const char *han = "长"; /* 3 bytes */
    char *flat = malloc(600 * 3 + 1);
    assert_non_null(flat);
    for (int i = 0; i < 600; i++) memcpy(flat + i * 3, han, 3);
    flat[600 * 3] = '\0';
    size_t wcuts[3] = {256 * 3, 256 * 3, 88 * 3};
    assert_cut_by_hand(m, flat, wcuts, 3);
    free(flat);
    free(line);
    lk_tagger_free(m);
}

/* Words of lines[0..n) on workspace ws (kept by the caller, 2 threads). */
static void segment_on(const lk_tagger *m, lk_tagger_ws *ws, const char **lines,
                       const size_t *lens, size_t n, words *out)
{
    const lk_tagger_span *sp;
    const size_t *off;
    lk_error err;
    assert_int_equal(lk_tagger_segment_lines(m, ws, lines, lens, n, &sp, &off, &err), LK_OK);
    for (size_t i = 0; i < n; i++) {
        out[i].n = off[i + 1] - off[i];
        out[i].sp = malloc((out[i].n + 1) * sizeof *out[i].sp);
        assert_non_null(out[i].sp);
        memcpy(out[i].sp, sp + off[i], out[i].n * sizeof *sp);
    }
}

static bool same_words(const words *a, const words *b)
{
    if (a->n != b->n) return false;
    for (size_t k = 0; k < a->n; k++)
        if (a->sp[k].start != b->sp[k].start || a->sp[k].len != b->sp[k].len ||
            a->sp[k].tag != b->sp[k].tag)
            return false;
    return true;
}

/* One workspace used for the shipped model, then for a second model file of the same shape
   with other weights (all of them scaled by -0.5: its recurrent and output weights differ),
   then the first again: each call gives what a fresh workspace gives, so the transposed
   weights and bag table kept between calls are never the other model's. */
static void test_ws_reused_across_models(void **state)
{
    (void)state;
    const char *path = "tagger_infer_other.lkt";
    lk_error err;
    lk_tagger *a = load_model(), *b0 = load_model(), *b = NULL;
    for (size_t i = 0; i < b0->params.n; i++) b0->params.data[i] *= (lk_real)-0.5;
    assert_int_equal(lk_tagger_save(b0, path, &err), LK_OK);
    lk_tagger_free(b0);
    assert_int_equal(lk_tagger_load(path, &b, &err), LK_OK);
    remove(path);
    assert_int_not_equal(a->fixed_crc, 0);
    assert_int_not_equal(b->fixed_crc, 0);
    assert_int_not_equal(a->fixed_crc, b->fixed_crc);
    char *lines[MAX_LINES];
    size_t lens[MAX_LINES];
    size_t n = fixture_lines(lines, lens);
    words fa[MAX_LINES], fb[MAX_LINES], r[MAX_LINES];
    segment(a, 2, (const char **)lines, lens, n, fa);
    segment(b, 2, (const char **)lines, lens, n, fb);
    size_t differ = 0;
    for (size_t i = 0; i < n; i++) differ += !same_words(&fa[i], &fb[i]);
    assert_true(differ > n / 2); /* the two models do disagree */
    lk_tagger_ws *ws = NULL;
    assert_int_equal(lk_tagger_ws_create(&ws), LK_OK);
    assert_int_equal(lk_tagger_ws_set_threads(ws, 2), LK_OK);
    const lk_tagger *order[4] = {a, b, b, a};
    for (int k = 0; k < 4; k++) {
        segment_on(order[k], ws, (const char **)lines, lens, n, r);
        for (size_t i = 0; i < n; i++) assert_same_words(order[k] == a ? &fa[i] : &fb[i], &r[i]);
        words_free(r, n);
    }
    lk_tagger_ws_free(ws);
    words_free(fa, n);
    words_free(fb, n);
    for (size_t i = 0; i < n; i++) free(lines[i]);
    lk_tagger_free(a);
    lk_tagger_free(b);
}

static void test_set_threads_bounds(void **state)
{
    (void)state;
    lk_tagger_ws *ws = NULL;
    assert_int_equal(lk_tagger_ws_create(&ws), LK_OK);
    assert_int_equal(lk_tagger_ws_set_threads(ws, 0), LK_ERR_ARG);
    assert_int_equal(lk_tagger_ws_set_threads(ws, LK_TAGGER_MAX_THREADS + 1), LK_ERR_ARG);
    assert_int_equal(lk_tagger_ws_set_threads(ws, 4), LK_OK);
    assert_int_equal(lk_tagger_ws_set_threads(ws, 2), LK_OK); /* shrinking frees helpers */
    lk_tagger_ws_free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batched_threaded_equal_one_at_a_time),
        cmocka_unit_test(test_long_line_sentences),
        cmocka_unit_test(test_long_line_clauses_and_windows),
        cmocka_unit_test(test_set_threads_bounds),
        cmocka_unit_test(test_ws_reused_across_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
