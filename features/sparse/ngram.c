/* ngram.c: the analyzers behind lk_bow: n-gram enumeration over unit ids (word tokens or
   code points) and the text preparation of sklearn's character analyzers (Python's
   str.lower, whitespace-run collapsing). */
#include "features/features_internal.h"

#include <stdlib.h>
#include <string.h>

#include "features/sparse/pycase_table.h"
#include "text/utf8.h"

#define CP_CAPITAL_I_DOT 0x130   /* İ: lowercases to i + U+0307 in Python */
#define CP_COMBINING_DOT 0x307
#define CP_CAPITAL_SIGMA 0x3A3
#define CP_SMALL_SIGMA 0x3C3
#define CP_FINAL_SIGMA 0x3C2

static lk_status idbuf_push(lk_idbuf *b, uint32_t id)
{
    if (b->n == b->cap) {
        lk_status st = lk_grow((void **)&b->v, &b->cap, b->n + 1, sizeof *b->v);
        if (st != LK_OK) return st;
    }
    b->v[b->n++] = id;
    return LK_OK;
}

#define PAIR_PREFETCH_AHEAD 8 /* positions between a bigram slot's prefetch and its lookup */

lk_status lk_ngram_all(lk_termtab *t, bool insert, int32_t nmin, int32_t nmax,
                       const uint32_t *units, size_t n, lk_idbuf *out)
{
    lk_status st;
    for (size_t i = 0; i < n; i++) {
        size_t ahead = i + PAIR_PREFETCH_AHEAD;
        if (nmax >= 2 && ahead + 1 < n && units[ahead] != LK_TERM_NONE &&
            units[ahead + 1] != LK_TERM_NONE)
            lk_termtab_prefetch_pair(t, units[ahead], units[ahead + 1]);
        uint32_t cur = units[i];
        if (cur == LK_TERM_NONE) continue;
        if (nmin == 1 && (st = idbuf_push(out, cur)) != LK_OK) return st;
        size_t lmax = (size_t)nmax < n - i ? (size_t)nmax : n - i;
        for (size_t l = 2; l <= lmax; l++) {
            uint32_t u = units[i + l - 1];
            if (u == LK_TERM_NONE) break;
            if ((st = lk_termtab_pair(t, cur, u, insert, &cur)) != LK_OK) return st;
            if (cur == LK_TERM_NONE) break;
            if (l >= (size_t)nmin && (st = idbuf_push(out, cur)) != LK_OK) return st;
        }
    }
    return LK_OK;
}

/* sklearn emits the n-gram (start i, length l) of a padded word of length n when
   nmin <= l <= nmax and l < n (its sliding loop), and the whole padded word once when
   n <= nmax (its `offset == 0` break), whatever nmin is. */
static bool wb_emits(size_t i, size_t l, size_t n, int32_t nmin, int32_t nmax)
{
    if (l < n) return l >= (size_t)nmin && l <= (size_t)nmax;
    return i == 0 && l == n && n <= (size_t)nmax;
}

lk_status lk_ngram_wb(lk_termtab *t, bool insert, int32_t nmin, int32_t nmax,
                      const uint32_t *units, size_t n, lk_idbuf *out)
{
    lk_status st;
    for (size_t i = 0; i < n; i++) {
        uint32_t cur = units[i];
        if (cur == LK_TERM_NONE) continue;
        size_t lmax = (size_t)nmax < n - i ? (size_t)nmax : n - i;
        for (size_t l = 1; l <= lmax; l++) {
            if (l > 1) {
                uint32_t u = units[i + l - 1];
                if (u == LK_TERM_NONE) break;
                if ((st = lk_termtab_pair(t, cur, u, insert, &cur)) != LK_OK) return st;
                if (cur == LK_TERM_NONE) break;
            }
            if (wb_emits(i, l, n, nmin, nmax) && (st = idbuf_push(out, cur)) != LK_OK)
                return st;
        }
    }
    return LK_OK;
}

/* Class of cp for Python's final-sigma rule (generated table, binary search). */
static int case_class(int32_t cp)
{
    size_t lo = 0, hi = PYCASE_RUNS; /* last run with start <= cp */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (PYCASE_START[mid] <= cp) lo = mid;
        else hi = mid;
    }
    return PYCASE_CLASS[lo];
}

static bool is_cased(int32_t cp) { return case_class(cp) == 1; }
static bool is_case_ignorable(int32_t cp) { return case_class(cp) == 2; }

/* Python's handle_capital_sigma: Σ preceded by a cased letter (skipping case-ignorables)
   and not followed by one becomes ς. cps[0..n) is the original (not lowered) text. */
static int32_t lower_sigma(const int32_t *cps, size_t n, size_t i)
{
    size_t j = i;
    int32_t c = 0;
    bool found = false;
    while (j > 0) {
        c = cps[--j];
        if (!is_case_ignorable(c)) {
            found = true;
            break;
        }
    }
    if (!found || !is_cased(c)) return CP_SMALL_SIGMA;
    for (j = i + 1; j < n; j++) {
        c = cps[j];
        if (!is_case_ignorable(c)) return is_cased(c) ? CP_SMALL_SIGMA : CP_FINAL_SIGMA;
    }
    return CP_FINAL_SIGMA;
}

static lk_status cpbuf_reserve(lk_cpbuf *b, size_t need)
{
    if (need <= b->cap) return LK_OK;
    return lk_grow((void **)&b->v, &b->cap, need, sizeof *b->v);
}

/* Decode into out->v[0..n) (no lowering); LK_ERR_PARSE on invalid bytes. */
static lk_status decode_all(const char *text, size_t len, lk_cpbuf *out, lk_error *err)
{
    /* at most one code point per byte, +1 for İ's expansion headroom handled later */
    lk_status st = cpbuf_reserve(out, len + 1);
    if (st != LK_OK) return st;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)text[i];
        if (ch < 0x80) {
            out->v[n++] = ch;
            i++;
            continue;
        }
        int32_t cp;
        size_t k = lk_utf8_decode(text + i, len - i, &cp);
        if (k == 0) return lk_utf8_error(text, len, i, NULL, 0, err);
        out->v[n++] = cp;
        i += k;
    }
    out->n = n;
    return LK_OK;
}

/* Lowercase in place as Python's str.lower (İ expands to two code points). */
static lk_status lower_all(lk_cpbuf *b)
{
    size_t n = b->n, extra = 0;
    bool sigma = false;
    for (size_t i = 0; i < n; i++) {
        int32_t c = b->v[i];
        if (c == CP_CAPITAL_I_DOT) extra++;
        else if (c == CP_CAPITAL_SIGMA) sigma = true;
    }
    if (!extra && !sigma) {
        for (size_t i = 0; i < n; i++) {
            int32_t c = b->v[i];
            if (c < 0x80) {
                if (c >= 'A' && c <= 'Z') b->v[i] = c + ('a' - 'A');
            } else {
                b->v[i] = lk_tolower(c);
            }
        }
        return LK_OK;
    }
    /* slow path: the sigma rule reads the original text, so lower into a copy */
    int32_t *src = malloc((n ? n : 1) * sizeof *src);
    if (!src) return LK_ERR_NOMEM;
    memcpy(src, b->v, n * sizeof *src);
    lk_status st = cpbuf_reserve(b, n + extra);
    if (st != LK_OK) {
        free(src);
        return st;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t c = src[i];
        if (c == CP_CAPITAL_I_DOT) {
            b->v[o++] = 'i';
            b->v[o++] = CP_COMBINING_DOT;
        } else if (c == CP_CAPITAL_SIGMA) {
            b->v[o++] = lower_sigma(src, n, i);
        } else {
            b->v[o++] = lk_tolower(c);
        }
    }
    b->n = o;
    free(src);
    return LK_OK;
}

/* sklearn's re.sub(r"\s\s+", " ", text): runs of 2+ whitespace become one ' '; a single
   whitespace character is kept as it is. */
static void collapse_spaces(lk_cpbuf *b)
{
    size_t o = 0, n = b->n;
    for (size_t i = 0; i < n;) {
        if (!lk_is_space(b->v[i])) {
            b->v[o++] = b->v[i++];
            continue;
        }
        size_t j = i + 1;
        while (j < n && lk_is_space(b->v[j])) j++;
        b->v[o++] = (j - i >= 2) ? ' ' : b->v[i];
        i = j;
    }
    b->n = o;
}

lk_status lk_text_codepoints(const char *text, size_t len, bool lower, lk_cpbuf *out,
                             lk_error *err)
{
    lk_status st = decode_all(text, len, out, err);
    if (st != LK_OK) return st;
    if (lower && (st = lower_all(out)) != LK_OK) return lk_error_set(err, st, "out of memory");
    collapse_spaces(out);
    return LK_OK;
}
