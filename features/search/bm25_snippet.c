/* bm25_snippet.c: choosing and marking the best passage of a stored text (bm25_snippet.h). */
#include "features/search/bm25_snippet.h"

#include <stdlib.h>
#include <string.h>

#include "features/search/analyzer_internal.h"
#include "features/search/bm25_text.h"
#include "text/utf8.h"

#define MAX_MATCHES 4096u    /* matches considered per text (the first ones) */
#define SNAP_CHARS 15u       /* a cut moves to white space at most this many code points away */
#define CONTEXT_DIV 4u       /* up to 1/CONTEXT_DIV of the spare room goes before the matches */

typedef struct {
    size_t start, end;  /* bytes */
    size_t cstart, cend; /* code points */
    uint32_t q;          /* query term */
    size_t ti;           /* index of the term among the text's analyzed terms */
} match;

struct lk_snippeter {
    lk_analyzer *an;
    char *qbuf;
    size_t *qoff, *qlen, nq;
    uint32_t *bybytes;   /* the query terms in byte order (a prefix* brings many) */
    match *m;            /* the text's matches (find_matches) */
    size_t m_cap;
    match *m1;           /* with han_pairs, while m is empty: the single Han characters' */
    size_t m1_cap;
    size_t piece;        /* a longer text is analyzed in pieces of about this many bytes */
    lk_span *marks, *marks_cp;
    size_t marks_cap, marks_cp_cap;
    uint32_t *stamp;     /* per query term: the window that last counted it */
    bool *han1;          /* per query term: one Han character */
    bool han_pairs;      /* the query has terms of several Han characters (bigrams, words):
                            single-character matches are then not marked or counted, unless
                            the text has no other match (the document was found by them) */
};

lk_status lk_snippeter_create(const lk_bm25_index *idx, lk_snippeter **out, lk_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return LK_ERR_NOMEM;
    lk_status st = lk_bm25_index_analyzer(idx, &(*out)->an, err);
    if (st != LK_OK) {
        lk_snippeter_free(*out);
        *out = NULL;
        return st;
    }
    lk_analyzer_set_spans((*out)->an, true);
    (*out)->piece = LK_BM25_PIECE_BYTES;
    return LK_OK;
}

void lk_snippeter__set_piece(lk_snippeter *s, size_t bytes)
{
    s->piece = bytes ? bytes : LK_BM25_PIECE_BYTES;
}

void lk_snippeter_free(lk_snippeter *s)
{
    if (!s) return;
    lk_analyzer_free(s->an);
    free(s->qbuf);
    free(s->qoff);
    free(s->qlen);
    free(s->bybytes);
    free(s->m);
    free(s->m1);
    free(s->marks);
    free(s->marks_cp);
    free(s->stamp);
    free(s->han1);
    free(s);
}

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

typedef struct {
    const char *s;
    size_t len, i; /* i: the term's place in the query */
} qref;

static int cmp_qref(const void *a, const void *b) /* bytes, then place */
{
    const qref *x = a, *y = b;
    int c = cmp_bytes(x->s, x->len, y->s, y->len);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

lk_status lk_snippeter_query(lk_snippeter *s, const lk_term *terms, size_t n)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) bytes += terms[i].len;
    free(s->qbuf);
    free(s->qoff);
    free(s->qlen);
    free(s->bybytes);
    free(s->stamp);
    free(s->han1);
    s->han1 = calloc(n + 1, sizeof *s->han1);
    s->han_pairs = false;
    s->qbuf = malloc(bytes + 1);
    s->qoff = malloc((n + 1) * sizeof *s->qoff);
    s->qlen = malloc((n + 1) * sizeof *s->qlen);
    s->bybytes = malloc((n + 1) * sizeof *s->bybytes);
    s->stamp = calloc(n + 1, sizeof *s->stamp);
    s->nq = 0;
    qref *r = malloc((n + 1) * sizeof *r);
    uint32_t *q_of = malloc((n + 1) * sizeof *q_of); /* a term's query term (UINT32_MAX: a
                                                         repeat of an earlier one) */
    if (!s->qbuf || !s->qoff || !s->qlen || !s->bybytes || !s->stamp || !s->han1 || !r ||
        !q_of || n >= UINT32_MAX) {
        free(r);
        free(q_of);
        return n >= UINT32_MAX ? LK_ERR_RANGE : LK_ERR_NOMEM;
    }
    /* distinct terms, each numbered at its first place in the query: a sort, not a scan of
       the terms before each (a prefix* brings every term it matches) */
    for (size_t i = 0; i < n; i++) r[i] = (qref){terms[i].s, terms[i].len, i};
    if (n > 1) qsort(r, n, sizeof *r, cmp_qref);
    for (size_t j = 0; j < n; j++)
        q_of[r[j].i] = j && cmp_bytes(r[j - 1].s, r[j - 1].len, r[j].s, r[j].len) == 0
                           ? UINT32_MAX : 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (q_of[i] == UINT32_MAX) continue;
        q_of[i] = (uint32_t)s->nq;
        int32_t cp = 0;
        size_t k = lk_utf8_decode(terms[i].s, terms[i].len, &cp);
        bool han = k > 0 && lk_is_han(cp);
        s->han1[s->nq] = han && k == terms[i].len;
        if (han && k < terms[i].len) s->han_pairs = true;
        memcpy(s->qbuf + at, terms[i].s, terms[i].len);
        s->qoff[s->nq] = at;
        s->qlen[s->nq++] = terms[i].len;
        at += terms[i].len;
    }
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (q_of[r[j].i] != UINT32_MAX) s->bybytes[m++] = q_of[r[j].i];
    free(r);
    free(q_of);
    return LK_OK;
}

/* The query term equal to t[0..len), or -1. */
static int64_t find_query_term(const lk_snippeter *s, const char *t, size_t len)
{
    size_t a = 0, b = s->nq;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        uint32_t q = s->bybytes[mid];
        int c = cmp_bytes(s->qbuf + s->qoff[q], s->qlen[q], t, len);
        if (c == 0) return q;
        if (c < 0) a = mid + 1;
        else b = mid;
    }
    return -1;
}

static int cmp_match(const void *a, const void *b)
{
    const match *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

static size_t count_cp(const char *t, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++) n += !is_cont((unsigned char)t[i]);
    return n;
}

/* Byte offset n code points after / before `off` (clamped to the text). */
static size_t fwd_cp(const char *t, size_t len, size_t off, size_t n)
{
    while (n > 0 && off < len) {
        off++;
        while (off < len && is_cont((unsigned char)t[off])) off++;
        n--;
    }
    return off;
}

static size_t back_cp(const char *t, size_t off, size_t n)
{
    while (n > 0 && off > 0) {
        off--;
        while (off > 0 && is_cont((unsigned char)t[off])) off--;
        n--;
    }
    return off;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Whether a cut at t[off] would part a grapheme cluster (a letter and its combining marks,
   an emoji ZWJ sequence, a flag, a skin tone): off is no cluster boundary. */
static bool inside_cluster(const char *t, size_t len, size_t off)
{
    return !lk_utf8_grapheme_boundary(t, len, off);
}

/* Whether t[a..b) holds anything but white space. */
static bool has_text(const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (!is_space(t[i])) return true;
    return false;
}

static lk_status push_match(match **m, size_t *cap, size_t *n, match x)
{
    void *p = *m;
    if (lk_grow(&p, cap, *n + 1, sizeof **m) != LK_OK) return LK_ERR_NOMEM;
    *m = p;
    (*m)[(*n)++] = x;
    return LK_OK;
}

/* The matches among the terms just analyzed, those of the text's bytes from `off` (the
   first of them the text's term ti0): terms equal to a query term, with a known span. Each
   goes to s->m (*n, at most MAX_MATCHES: the first ones), or with han_pairs when it is a
   single Han character, while s->m is empty, to s->m1 (*n1, as many) instead (see
   lk_snippeter.han_pairs). */
static lk_status piece_matches(lk_snippeter *s, size_t off, size_t ti0, size_t *n, size_t *n1)
{
    size_t n_terms;
    const lk_term *t = lk_analyzer_terms(s->an, &n_terms);
    const size_t *sp = lk_analyzer_spans(s->an);
    lk_status st = LK_OK;
    for (size_t i = 0; i < n_terms && *n < MAX_MATCHES && st == LK_OK; i++) {
        if (!sp || sp[2 * i] == SIZE_MAX) continue;
        int64_t q = find_query_term(s, t[i].s, t[i].len);
        if (q < 0) continue;
        match x = {off + sp[2 * i], off + sp[2 * i + 1], 0, 0, (uint32_t)q, ti0 + i};
        if (!s->han_pairs || !s->han1[q]) st = push_match(&s->m, &s->m_cap, n, x);
        else if (*n == 0 && *n1 < MAX_MATCHES) st = push_match(&s->m1, &s->m1_cap, n1, x);
    }
    return st;
}

/* The text analyzed whole, for the status and message of an error a piece of it gave (the
   first error of the text: in this piece, the pieces before gave none). */
static lk_status whole_error(lk_snippeter *s, const char *text, size_t len, lk_status st,
                             lk_error *err)
{
    lk_analyzer_reset(s->an);
    lk_status whole = lk_analyzer_add(s->an, text, len, err);
    return whole != LK_OK ? whole : st;
}

/* Analyze text[0..len) in pieces (cut as the index build cuts a long text,
   lk_analyzer__piece_end; a script decided per text decided for the whole text) and take
   their matches (piece_matches: *n, *n1). Once MAX_MATCHES are found the rest of the text is
   only checked to be valid UTF-8 (LK_ERR_PARSE without a message if not). */
static lk_status match_pieces(lk_snippeter *s, const char *text, size_t len, size_t *n,
                              size_t *n1, lk_error *err)
{
    int conv;
    lk_status st = lk_analyzer__text_script(s->an, text, len, s->piece, &conv, err);
    lk_analyzer__set_text_script(s->an, conv);
    size_t ti0 = 0, off = 0;
    while (st == LK_OK) {
        size_t end = lk_analyzer__piece_end(text, len, off, s->piece);
        lk_analyzer_reset(s->an);
        st = lk_analyzer_add(s->an, text + off, end - off, err);
        if (st == LK_OK) st = piece_matches(s, off, ti0, n, n1);
        ti0 += lk_analyzer_n_terms(s->an, NULL);
        off = end;
        if (st != LK_OK || off == len) break;
        if (*n == MAX_MATCHES) {
            if (!lk_utf8_valid(text + off, len - off, NULL)) st = LK_ERR_PARSE;
            break;
        }
    }
    lk_analyzer__set_text_script(s->an, -1);
    return st;
}

/* The matches of text[0..len) into s->m, sorted, with their code-point offsets: those of
   the terms of the text analyzed whole, which is analyzed in pieces keeping only the
   matches (match_pieces); with han_pairs and no other match, the single Han characters'
   (the document was found by them). */
static lk_status find_matches(lk_snippeter *s, const char *text, size_t len, size_t *n_out,
                              lk_error *err)
{
    size_t n = 0, n1 = 0;
    lk_status st = match_pieces(s, text, len, &n, &n1, err);
    if (st != LK_OK) return len > s->piece ? whole_error(s, text, len, st, err) : st;
    if (n == 0 && n1 > 0) { /* no bigram or word of the query: its single characters */
        match *m = s->m;
        size_t cap = s->m_cap;
        s->m = s->m1;
        s->m_cap = s->m1_cap;
        s->m1 = m;
        s->m1_cap = cap;
        n = n1;
    }
    if (n > 1) qsort(s->m, n, sizeof *s->m, cmp_match); /* s->m is NULL before a first match */
    size_t at = 0, cp = 0; /* code-point positions in one pass over the sorted starts */
    for (size_t i = 0; i < n; i++) {
        cp += count_cp(text, at, s->m[i].start);
        at = s->m[i].start;
        s->m[i].cstart = cp;
        s->m[i].cend = cp + count_cp(text, s->m[i].start, s->m[i].end);
    }
    *n_out = n;
    return LK_OK;
}

/* Matches a, b (a before b) of consecutive query terms (b's follows a's in the query) next
   to each other in the text, as a phrase's words are: consecutive analyzed terms (stop
   words are not terms), or overlapping (the bigrams of a Han run: 长江 江大 大桥). */
static bool adjacent(const match *a, const match *b)
{
    return b->q == a->q + 1 && (b->ti == a->ti + 1 || b->start < a->end);
}

/* The window of matches [*lo, *hi] spanning at most max code points with the most distinct
   terms, then the most adjacent pairs (the query's words as a phrase, in its order), then the most
   matches, then the earliest; returns its distinct terms. */
static size_t best_window(lk_snippeter *s, size_t n, size_t max, size_t *lo, size_t *hi)
{
    size_t best_d = 0, best_a = 0, best_c = 0;
    uint32_t w = 0;
    memset(s->stamp, 0, s->nq * sizeof *s->stamp);
    for (size_t i = 0; i < n; i++) {
        w++;
        size_t d = 0, a = 0, c = 0, end = s->m[i].cend;
        for (size_t j = i; j < n; j++) {
            size_t e = s->m[j].cend > end ? s->m[j].cend : end;
            if (e - s->m[i].cstart > max && j > i) break;
            end = e;
            c++;
            if (j > i && adjacent(&s->m[j - 1], &s->m[j])) a++;
            if (s->stamp[s->m[j].q] != w) {
                s->stamp[s->m[j].q] = w;
                d++;
            }
            if (d > best_d || (d == best_d && (a > best_a || (a == best_a && c > best_c)))) {
                best_d = d;
                best_a = a;
                best_c = c;
                *lo = i;
                *hi = j;
            }
        }
    }
    return best_d;
}

/* Passage [*a, *b) of at most max code points around bytes [core_a, core_b). */
static void place(const char *t, size_t len, size_t core_a, size_t core_b, size_t max,
                  size_t *a, size_t *b)
{
    size_t core = count_cp(t, core_a, core_b), total = count_cp(t, 0, len);
    if (total <= max) {
        *a = 0;
        *b = len;
        return;
    }
    size_t spare = core < max ? max - core : 0, before = spare / CONTEXT_DIV;
    size_t start = back_cp(t, core_a, before);
    size_t end = fwd_cp(t, len, start, max);
    if (end == len) start = back_cp(t, len, max); /* room left at the end: use it before */
    if (start > 0) { /* start after white space if there is some just after the cut */
        size_t p = start;
        for (size_t k = 0; k < SNAP_CHARS && p < core_a; k++, p = fwd_cp(t, len, p, 1))
            if (is_space(t[p])) {
                start = p + 1;
                break;
            }
    }
    if (end < len) {
        size_t p = end;
        for (size_t k = 0; k < SNAP_CHARS && p > core_b; k++) {
            p = back_cp(t, p, 1);
            if (is_space(t[p])) {
                end = p;
                break;
            }
        }
    }
    /* the matched words whole (a word longer than max is shown whole), and no cut inside a
       grapheme cluster (a letter and its combining marks, an emoji ZWJ sequence, a flag):
       the start moves past the rest of a cut cluster, the end back before the cluster it
       cuts; if the matches themselves begin or end inside one, the passage grows to hold
       it whole */
    if (start > core_a) start = core_a;
    if (end < core_b) end = core_b;
    while (start < core_a && inside_cluster(t, len, start)) start = fwd_cp(t, len, start, 1);
    while (end > core_b && end > start && inside_cluster(t, len, end)) end = back_cp(t, end, 1);
    while (start > 0 && inside_cluster(t, len, start)) start = back_cp(t, start, 1);
    while (end < len && inside_cluster(t, len, end)) end = fwd_cp(t, len, end, 1);
    if (end < start) end = start;
    *a = start;
    *b = end;
}

lk_status lk_snippeter_run(lk_snippeter *s, const char *text, size_t len, size_t max_chars,
                           lk_snippet *out, lk_error *err)
{
    memset(out, 0, sizeof *out);
    if (max_chars == 0) max_chars = 1;
    size_t n = 0, lo = 0, hi = 0;
    /* with no bigram or word of the query, the document matched by its single characters
       (件 of 邮件 for 软件, 行 of 行政院 for 央行): those are shown and marked rather than
       the beginning */
    lk_status st = find_matches(s, text, len, &n, err);
    if (st != LK_OK) return st;
    size_t core_a = 0, core_b = 0;
    if (n > 0) {
        out->n_terms = best_window(s, n, max_chars, &lo, &hi);
        core_a = s->m[lo].start;
        for (size_t j = lo; j <= hi; j++)
            if (s->m[j].end > core_b) core_b = s->m[j].end;
    }
    place(text, len, core_a, core_b, max_chars, &out->start, &out->end);
    while (out->end > out->start && is_space(text[out->end - 1])) out->end--;
    while (out->start < out->end && is_space(text[out->start])) out->start++;
    out->cut_before = has_text(text, 0, out->start); /* text left out, not just space */
    out->cut_after = has_text(text, out->end, len);
    size_t nm = 0;
    for (size_t j = 0; j < n; j++) {
        const match *m = &s->m[j];
        if (m->start < out->start || m->end > out->end) continue;
        size_t ms = m->start, me = m->end; /* whole clusters (the passage's edges are) */
        while (ms > out->start && inside_cluster(text, len, ms)) ms = back_cp(text, ms, 1);
        while (me < out->end && inside_cluster(text, len, me)) me = fwd_cp(text, len, me, 1);
        if (nm && ms <= s->marks[nm - 1].end) {
            if (me > s->marks[nm - 1].end) s->marks[nm - 1].end = me;
            continue;
        }
        void *p = s->marks;
        if (lk_grow(&p, &s->marks_cap, nm + 1, sizeof *s->marks) != LK_OK) return LK_ERR_NOMEM;
        s->marks = p;
        s->marks[nm++] = (lk_span){ms, me};
    }
    out->marks = s->marks;
    out->n_marks = nm;
    /* the same in code points, in one pass over the passage */
    void *p = s->marks_cp;
    if (nm && lk_grow(&p, &s->marks_cp_cap, nm, sizeof *s->marks_cp) != LK_OK)
        return LK_ERR_NOMEM;
    s->marks_cp = p;
    out->start_cp = lk_utf8_count(text, out->start);
    size_t at = out->start, cp = 0;
    for (size_t k = 0; k < nm; k++) {
        cp += lk_utf8_count(text + at, s->marks[k].start - at);
        size_t a = cp;
        cp += lk_utf8_count(text + s->marks[k].start, s->marks[k].end - s->marks[k].start);
        s->marks_cp[k] = (lk_span){a, cp};
        at = s->marks[k].end;
    }
    out->marks_cp = s->marks_cp;
    return LK_OK;
}
