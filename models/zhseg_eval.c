/* zhseg_eval.c: a char model scored on a gold corpus from each sentence's raw text (its
   `# text`, else its FORMs with their SpaceAfter) segmented as `lexkit tag` segments it
   (lk_zhseg_lines), words matched by character spans over the text without its white
   space, as tests/bench/zh_raw_eval.py scores `lexkit tag`. */
#include "models/zhseg.h"

#include <stdlib.h>
#include <string.h>

#include "text/util.h"
#include "text/utf8.h"

#define LINES_PER_CALL 1024 /* sentences per lk_zhseg_lines call, as `lexkit tag` reads them */

/* Scratch of one evaluation. */
typedef struct {
    char *text;          /* the raw texts of all sentences, one after the other */
    size_t text_len, cap_text;
    size_t *text_off;    /* (sentences + 1) sentence s is text[text_off[s] .. text_off[s + 1]) */
    size_t cap_text_off;
    char *forms;         /* the current sentence's FORMs joined */
    size_t cap_forms;
    const char **lines;  /* (sentences) the texts, for lk_zhseg_lines */
    size_t *lens;
    size_t cap_lines, cap_lens;
    lk_seg_word *gold, *pred;
    size_t cap_gold, cap_pred;
} raw_eval;

static void raw_eval_free(raw_eval *r)
{
    free(r->text);
    free(r->text_off);
    free(r->forms);
    free(r->lines);
    free(r->lens);
    free(r->gold);
    free(r->pred);
}

/* The next character of s[0..len) at or after *i that the segmenter reads (not white
   space, a control or a format character: lk_is_ignorable, as lk_tagger_segment_lines
   skips them); *i is its offset, *cl its byte length (1 for an invalid byte). *skipped:
   something was passed over before it. False at the end. */
static bool next_char(const char *s, size_t len, size_t *i, size_t *cl, bool *skipped)
{
    *skipped = false;
    while (*i < len) {
        int32_t cp;
        size_t k = lk_utf8_decode(s + *i, len - *i, &cp);
        if (k == 0) {
            k = 1;
            cp = 0xFFFD;
        }
        if (!lk_is_ignorable(cp)) {
            *cl = k;
            return true;
        }
        *skipped = true;
        *i += k;
    }
    return false;
}

/* Characters of s[0..len) that the segmenter reads. */
static int32_t count_chars(const char *s, size_t len)
{
    int32_t n = 0;
    size_t i = 0, cl;
    bool skipped;
    while (next_char(s, len, &i, &cl, &skipped)) {
        n++;
        i += cl;
    }
    return n;
}

/* Whether a and b hold the same characters once white space (and what else the
   segmenter skips) is left out. */
static bool same_chars(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t i = 0, j = 0, ci, cj;
    bool skipped;
    for (;;) {
        bool more_a = next_char(a, a_len, &i, &ci, &skipped);
        bool more_b = next_char(b, b_len, &j, &cj, &skipped);
        if (!more_a || !more_b) return more_a == more_b;
        if (ci != cj || memcmp(a + i, b + j, ci) != 0) return false;
        i += ci;
        j += cj;
    }
}

/* Append s[0..n) to the raw text at *len. */
static lk_status put(char **buf, size_t *cap, size_t *len, const char *s, size_t n)
{
    if (lk_grow((void **)buf, cap, *len + n, 1) != LK_OK) return LK_ERR_NOMEM;
    memcpy(*buf + *len, s, n);
    *len += n;
    return LK_OK;
}

/* Append the raw text of sentence s to r->text and say where it came from: its `# text`
   when that has the characters of its FORMs (else *mismatch), else its FORMs with a space
   after each but the last and those with SpaceAfter=No (spaced: the file has SpaceAfter
   annotation), else its FORMs joined. */
static lk_status sentence_text(raw_eval *r, const lk_sentence *s, bool spaced,
                               lk_tagger_raw_source *src, bool *mismatch)
{
    size_t n_forms = 0;
    *mismatch = false;
    for (size_t w = 0; w < s->n; w++)
        if (put(&r->forms, &r->cap_forms, &n_forms, s->tokens[w].form, s->tokens[w].form_len) !=
            LK_OK)
            return LK_ERR_NOMEM;
    if (s->text) {
        size_t n = strlen(s->text);
        if (same_chars(s->text, n, r->forms, n_forms)) {
            *src = LK_TAGGER_RAW_TEXT;
            return put(&r->text, &r->cap_text, &r->text_len, s->text, n);
        }
        *mismatch = true;
    }
    *src = spaced ? LK_TAGGER_RAW_SPACE_AFTER : LK_TAGGER_RAW_JOINED;
    if (!spaced) return put(&r->text, &r->cap_text, &r->text_len, r->forms, n_forms);
    for (size_t w = 0; w < s->n; w++) {
        const lk_tagged_token *t = &s->tokens[w];
        if (put(&r->text, &r->cap_text, &r->text_len, t->form, t->form_len) != LK_OK ||
            (w + 1 < s->n && !t->no_space_after &&
             put(&r->text, &r->cap_text, &r->text_len, " ", 1) != LK_OK))
            return LK_ERR_NOMEM;
    }
    return LK_OK;
}

/* Gold words of s as spans of the characters the segmenter reads (tags from the model's
   tag set; unknown ones counted in *unknown). */
static int32_t gold_spans(const lk_tagger *m, const lk_sentence *s, lk_seg_word *out,
                          int64_t *unknown)
{
    int32_t at = 0;
    bool xpos = lk_tagger_get_config(m)->column == LK_TAGGER_XPOS;
    for (size_t w = 0; w < s->n; w++) {
        const lk_tagged_token *t = &s->tokens[w];
        const char *tag = xpos ? t->xpos : t->upos;
        out[w].start = at;
        out[w].len = count_chars(t->form, t->form_len);
        out[w].tag = lk_tagger_tag_find(m, tag, strlen(tag));
        if (out[w].tag == LK_ID_NONE) (*unknown)++;
        at += out[w].len;
    }
    return (int32_t)s->n;
}

/* The words of line[0..len) (byte spans sp[0..n), in order) as spans of the characters the
   segmenter reads, into out. */
static void pred_spans(const char *line, const lk_tagger_span *sp, size_t n, lk_seg_word *out)
{
    size_t at = 0;
    int32_t k = 0;
    for (size_t w = 0; w < n; w++) {
        k += count_chars(line + at, sp[w].start - at);
        out[w].start = k;
        out[w].len = count_chars(line + sp[w].start, sp[w].len);
        out[w].tag = sp[w].tag;
        k += out[w].len;
        at = sp[w].start + sp[w].len;
    }
}

/* Raw texts of every sentence into r (r->lines, r->lens), counted by source in res. */
static lk_status build_texts(raw_eval *r, const lk_tagged_corpus *test, lk_tagger_eval_result *res)
{
    bool spaced = false;
    size_t n = test->n_sents;
    for (size_t s = 0; s < n && !spaced; s++) spaced = test->sents[s].space_marked;
    if (lk_grow((void **)&r->text_off, &r->cap_text_off, n + 1, sizeof *r->text_off) != LK_OK ||
        lk_grow((void **)&r->lines, &r->cap_lines, n + 1, sizeof *r->lines) != LK_OK ||
        lk_grow((void **)&r->lens, &r->cap_lens, n + 1, sizeof *r->lens) != LK_OK)
        return LK_ERR_NOMEM;
    r->text_off[0] = 0;
    for (size_t s = 0; s < n; s++) {
        lk_tagger_raw_source src;
        bool mismatch;
        lk_status st = sentence_text(r, &test->sents[s], spaced, &src, &mismatch);
        if (st != LK_OK) return st;
        r->text_off[s + 1] = r->text_len;
        res->raw_sents[src]++;
        res->text_mismatch += mismatch;
    }
    for (size_t s = 0; s < n; s++) {
        r->lines[s] = r->text + r->text_off[s];
        r->lens[s] = r->text_off[s + 1] - r->text_off[s];
    }
    return LK_OK;
}

/* Segment sentences [s0, s0 + n) with z and count their words against the gold ones. */
static lk_status score_chunk(const lk_tagger *m, lk_zhseg *z, lk_tagger_ws *ws, raw_eval *r,
                             const lk_tagged_corpus *test, size_t s0, size_t n,
                             lk_tagger_eval_result *res, lk_error *err)
{
    const lk_tagger_span *sp;
    const size_t *off;
    lk_status st = lk_zhseg_lines(z, ws, r->lines + s0, r->lens + s0, n, &sp, &off, err);
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        const lk_sentence *sent = &test->sents[s0 + i];
        size_t np = off[i + 1] - off[i];
        if (lk_grow((void **)&r->gold, &r->cap_gold, sent->n, sizeof *r->gold) != LK_OK ||
            lk_grow((void **)&r->pred, &r->cap_pred, np + 1, sizeof *r->pred) != LK_OK)
            return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
        if (np > INT32_MAX) return lk_error_set(err, LK_ERR_RANGE, "sentence too long");
        int32_t ng = gold_spans(m, sent, r->gold, &res->n_unknown_tags);
        pred_spans(r->lines[s0 + i], sp + off[i], np, r->pred);
        lk_seg_count(&res->seg, r->gold, ng, r->pred, (int32_t)np);
    }
    return st;
}

lk_status lk_zhseg_evaluate(const lk_tagger *m, lk_zhseg *z, lk_tagger_ws *ws,
                            const lk_tagged_corpus *test, bool always,
                            lk_tagger_eval_result *res, lk_error *err)
{
    bool raw = always;
    for (size_t s = 0; s < test->n_sents && !raw; s++)
        raw = test->sents[s].text || test->sents[s].space_marked;
    if (!raw) return lk_tagger_evaluate(m, test, res, err);
    memset(res, 0, sizeof *res);
    res->zhseg = true;
    double t0 = lk_clock_s();
    raw_eval r;
    memset(&r, 0, sizeof r);
    lk_status st = build_texts(&r, test, res);
    if (st != LK_OK) lk_error_set(err, st, "evaluating: %s", lk_status_str(st));
    for (size_t s0 = 0; s0 < test->n_sents && st == LK_OK; s0 += LINES_PER_CALL) {
        size_t n = test->n_sents - s0 < LINES_PER_CALL ? test->n_sents - s0 : LINES_PER_CALL;
        st = score_chunk(m, z, ws, &r, test, s0, n, res, err);
    }
    raw_eval_free(&r);
    if (st != LK_OK) return st;
    res->seg_prf = lk_seg_prf(&res->seg, false);
    res->joint_prf = lk_seg_prf(&res->seg, true);
    res->tokens = res->seg.gold;
    res->correct = res->seg.joint_match;
    res->accuracy = res->joint_prf.f1;
    res->seconds = lk_clock_s() - t0;
    return LK_OK;
}
