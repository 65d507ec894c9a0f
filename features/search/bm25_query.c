/* bm25_query.c: query syntax (bm25_query.h): parsing, term filters through the postings,
   phrase and field checks on the positions or the stored fields. */
#include "features/search/bm25_query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "features/search/analyzer_internal.h"
#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_positions_internal.h"
#include "features/search/bm25_seg_internal.h"
#include "features/search/bm25_segments.h"
#include "features/search/bm25_store.h"
#include "features/search/bm25_text.h"
#include "text/fileio.h"

/* ---- parsing ---------------------------------------------------------------------------- */

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

static lk_status perr(lk_error *err, const char *q, size_t off, const char *what)
{
    return lk_error_set(err, LK_ERR_PARSE, "query column %lld: %s",
                        (long long)lk_utf8_column(q, off), what);
}

/* The syntax's characters in their full-width forms (what a Chinese or Japanese input
   method types: ＋ － ： ＊ ＂) and the typographic quotes “…” and 「…」 act as the ASCII
   ones. */
static const struct {
    const char *utf8; /* 3 bytes */
    char op;          /* the ASCII operator it stands for ('"' for an opening quote) */
    const char *close; /* an opening quote's closing mark */
} wide_ops[] = {
    {"\xEF\xBC\x8B", '+', NULL},         /* ＋ U+FF0B */
    {"\xEF\xBC\x8D", '-', NULL},         /* － U+FF0D */
    {"\xEF\xBC\x9A", ':', NULL},         /* ： U+FF1A */
    {"\xEF\xBC\x8A", '*', NULL},         /* ＊ U+FF0A */
    {"\xEF\xBC\x82", '"', "\xEF\xBC\x82"}, /* ＂ U+FF02 */
    {"\xE2\x80\x9C", '"', "\xE2\x80\x9D"}, /* “ ” U+201C U+201D */
    {"\xE3\x80\x8C", '"', "\xE3\x80\x8D"}, /* 「 」 U+300C U+300D */
};

/* The operator at q[i..) (one of + - : * "), its length in *n (1, or 3 for a wide form)
   and for a quote its closing mark (*close, *close_n); 0 when q[i] starts none. */
static char op_at(const char *q, size_t len, size_t i, size_t *n, const char **close,
                  size_t *close_n)
{
    char c = q[i];
    if (c == '+' || c == '-' || c == ':' || c == '*' || c == '"') {
        *n = 1;
        *close = "\"";
        *close_n = 1;
        return c;
    }
    if ((unsigned char)c < 0xE2 || len - i < 3) return 0;
    for (size_t k = 0; k < sizeof wide_ops / sizeof *wide_ops; k++)
        if (memcmp(q + i, wide_ops[k].utf8, 3) == 0) {
            *n = 3;
            *close = wide_ops[k].close;
            *close_n = 3;
            return wide_ops[k].op;
        }
    return 0;
}

/* Is the character at q[i..) operator `op` (ASCII or wide)? Its length in *n. */
static bool is_op(const char *q, size_t len, size_t i, char op, size_t *n)
{
    const char *cl;
    size_t cn;
    return i < len && op_at(q, len, i, n, &cl, &cn) == op;
}

/* URI schemes written without "//" (RFC 6068 mailto, RFC 3966 tel, RFC 8141 urn, ...): a
   pasted "mailto:bob@example.com" is words, never a field "mailto". */
static bool uri_scheme(const char *s, size_t n)
{
    static const char *const schemes[] = {"mailto", "tel", "sms", "urn", "news", "geo",
                                          "magnet", "xmpp", "sip", "sips", "data", "doi"};
    for (size_t k = 0; k < sizeof schemes / sizeof *schemes; k++) {
        size_t m = 0;
        while (m < n && schemes[k][m] && (s[m] | 0x20) == schemes[k][m]) m++;
        if (m == n && !schemes[k][m]) return true;
    }
    return false;
}

/* Length of a field name "name:" at q[i..) followed by a term or quote, or 0; the colon's
   length in *colon. Pasted text stays words: an address ("http://x", "mailto:x"), a path
   ("C:\Users"). */
static size_t field_prefix(const char *q, size_t len, size_t i, size_t *colon)
{
    size_t j = i;
    if (j >= len || !name_char(q[j], true)) return 0;
    while (j < len && name_char(q[j], false)) j++;
    if (!is_op(q, len, j, ':', colon)) return 0;
    size_t after = j + *colon, n;
    if (after >= len || is_ws(q[after]) || q[after] == '/' || q[after] == '\\' ||
        is_op(q, len, after, ':', &n) || uri_scheme(q + i, j - i))
        return 0;
    return j - i;
}

bool lk_query_maybe_ops(const char *q, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        size_t n, cn;
        const char *cl;
        if (((unsigned char)q[i] < 0x80 || (unsigned char)q[i] >= 0xE2) &&
            op_at(q, len, i, &n, &cl, &cn))
            return true;
    }
    return false;
}

/* Does an opening quote that may start inside a run of characters (not ASCII '"') begin at
   q[i..)? (Chinese is written without spaces: 他说“长江大桥”很长 is a word, a phrase, a
   word.) */
static bool inner_quote(const char *q, size_t len, size_t i)
{
    size_t n, cn;
    const char *cl;
    return q[i] != '"' && op_at(q, len, i, &n, &cl, &cn) == '"';
}

/* The indexed fields title and text by their names in any ASCII case (users type Title:),
   as those names; another field name as written (s). */
static const char *canonical_field(const char *s, size_t n)
{
    static const char *const names[] = {"title", "text"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        size_t m = 0;
        while (m < n && names[k][m] && (s[m] | 0x20) == names[k][m]) m++;
        if (m == n && !names[k][m]) return names[k];
    }
    return s;
}

lk_status lk_query_parse(const char *q, size_t len, lk_query_clause **out, size_t *n,
                         bool *has_ops, lk_error *err)
{
    *out = NULL;
    *n = 0;
    *has_ops = false;
    size_t cap = 0, i = 0;
    lk_query_clause *c = NULL;
    lk_status st = LK_OK;
    while (st == LK_OK) {
        while (i < len && is_ws(q[i])) i++;
        if (i >= len) break;
        lk_query_clause cl;
        memset(&cl, 0, sizeof cl);
        size_t at = i, on;
        cl.col = (size_t)lk_utf8_column(q, at);
        if (is_op(q, len, i, '+', &on) || is_op(q, len, i, '-', &on)) {
            bool must = is_op(q, len, i, '+', &on);
            cl.occur = must ? LK_QUERY_MUST : LK_QUERY_NOT;
            i += on;
            if (i >= len || is_ws(q[i])) {
                st = perr(err, q, at, must ? "'+' without a term after it"
                                           : "'-' without a term after it");
                break;
            }
            *has_ops = true;
        }
        size_t colon = 0, fl = field_prefix(q, len, i, &colon);
        if (fl) {
            cl.field = canonical_field(q + i, fl);
            cl.field_len = fl;
            if (cl.occur == LK_QUERY_SHOULD) cl.occur = LK_QUERY_MUST;
            i += fl + colon;
            *has_ops = true;
        }
        const char *close;
        size_t qn, close_n;
        if (op_at(q, len, i, &qn, &close, &close_n) == '"') {
            size_t open = i;
            i += qn;
            const char *end = NULL;
            for (size_t j = i; j + close_n <= len && !end; j++)
                if (memcmp(q + j, close, close_n) == 0) end = q + j;
            if (!end) {
                st = perr(err, q, open, close_n == 1 ? "unbalanced quote (no closing '\"')"
                                                     : "unbalanced quote (no closing mark)");
                break;
            }
            cl.text = q + i;
            cl.len = (size_t)(end - (q + i));
            i = (size_t)(end - q) + close_n;
            size_t k = 0;
            while (k < cl.len && is_ws(cl.text[k])) k++;
            if (k == cl.len) {
                st = perr(err, q, open, "empty phrase \"\"");
                break;
            }
            cl.phrase = true;
            if (cl.occur == LK_QUERY_SHOULD) cl.occur = LK_QUERY_MUST;
            *has_ops = true;
        } else {
            cl.text = q + i;
            while (i < len && !is_ws(q[i]) && q[i] != '"' && !inner_quote(q, len, i)) i++;
            cl.len = (size_t)(q + i - cl.text);
            if (i < len && q[i] == '"' && (cl.occur != LK_QUERY_SHOULD || cl.field)) {
                st = perr(err, q, i, "a quote inside a term");
                break;
            }
            if (i < len && q[i] == '"') {
                st = perr(err, q, i, "a quote inside a term (put a space before a phrase)");
                break;
            }
            size_t sn = 0;
            if (cl.len >= 3 && is_op(cl.text, cl.len, cl.len - 3, '*', &sn) && sn == 3) {
                /* a wide ＊ */
            } else if (cl.len >= 1 && cl.text[cl.len - 1] == '*') {
                sn = 1;
            } else {
                sn = 0;
            }
            if (sn) { /* word*: a prefix */
                size_t star = (size_t)(cl.text - q) + cl.len - sn;
                if (cl.len == sn) {
                    st = perr(err, q, star, "'*' without a word before it (a prefix is "
                                            "written word*)");
                    break;
                }
                cl.prefix = true;
                cl.len -= sn;
                *has_ops = true;
            }
        }
        if (lk_grow((void **)&c, &cap, *n + 1, sizeof *c) != LK_OK) {
            st = LK_ERR_NOMEM;
            break;
        }
        c[(*n)++] = cl;
    }
    if (st != LK_OK) {
        free(c);
        *n = 0;
        return st;
    }
    *out = c;
    return LK_OK;
}

/* Whether text[0..len) analyzes to at least one term by an. */
static lk_status has_terms(lk_analyzer *an, const char *text, size_t len, bool *yes,
                           lk_error *err)
{
    lk_analyzer_reset(an);
    lk_status st = lk_analyzer_add(an, text, len, err);
    *yes = st == LK_OK && lk_analyzer_n_terms(an, NULL) > 0;
    return st;
}

lk_status lk_query_searchable(lk_analyzer *an, const char *q, size_t len, bool syntax,
                              lk_query_searchable_kind *out, lk_error *err)
{
    lk_query_clause *c = NULL;
    size_t nc = 0;
    bool ops = false, yes = false, excluded = false;
    *out = LK_QUERY_NO_TERMS;
    lk_status st = syntax ? lk_query_parse(q, len, &c, &nc, &ops, err) : LK_OK;
    if (st == LK_OK && !ops) {
        st = has_terms(an, q, len, &yes, err);
    } else {
        for (size_t i = 0; i < nc && st == LK_OK && !yes; i++) {
            bool t = c[i].prefix;
            if (!t) st = has_terms(an, c[i].text, c[i].len, &t, err);
            if (c[i].occur == LK_QUERY_NOT) excluded |= t;
            else yes = t;
        }
    }
    free(c);
    if (st == LK_OK)
        *out = yes ? LK_QUERY_HAS_TERMS : excluded ? LK_QUERY_ONLY_EXCLUDED : LK_QUERY_NO_TERMS;
    return st;
}

/* ---- searching -------------------------------------------------------------------------- */

typedef struct {
    char *buf;       /* term bytes */
    size_t *off, *len, n, cap, buf_len, buf_cap;
} termlist;

/* An indexed term a prefix* matches (bytes borrowed from the index). */
typedef struct {
    const char *s;
    size_t len;
} expansion;

/* Where a clause's prefix terms are in lk_query_ws.exp, once listed. */
typedef struct {
    size_t from, end;
    bool listed;
} clause_exp;

struct lk_query_ws {
    lk_bm25_ws *ws;          /* searches for the filters (term membership) */
    lk_analyzer *an;         /* analyzer with spans (phrases in stored text) */
    lk_bm25_store_ws *store;
    lk_bm25_hit *cand;       /* candidates of the scoring search */
    size_t cand_cap;
    uint64_t *must, *tmp;    /* bitmaps over doc numbers */
    size_t words;
    termlist pos, clause;
    lk_term *terms;
    size_t terms_cap;
    termlist pfx;            /* per clause: its prefix as the index holds terms (a prefix*
                                clause) or empty */
    termlist palt;           /* per clause: the stem of its prefix, matched exactly, where
                                the stem does not start with the prefix (rebase*: rebas,
                                happy*: happi), or empty */
    lk_bm25_prefix *pterms;  /* the scoring prefixes (prefix* clauses not excluded) */
    size_t pterms_cap;
    termlist *seqs;          /* per clause: its phrase sequence (phrase/field clauses) */
    size_t seqs_cap;
    unsigned char *codes;    /* a phrase's codes as varint bytes (5 per code at most) */
    size_t codes_cap;
    expansion *exp;          /* the terms of the prefix* clauses listed so far (listed only
                                when a consumer needs them: see list_prefix), each clause's
                                in byte order: clause j's are exp[cexp[j].from, cexp[j].end) */
    size_t n_exp, exp_cap;
    clause_exp *cexp;        /* per clause of the last search */
    size_t cexp_cap;
    termlist sc;             /* the last search's scoring clauses (not excluded), in query
                                order: a term clause's text, or "" for a prefix* */
    size_t *sc_prefix;       /* per scoring clause: its clause number if a prefix*, else
                                SIZE_MAX */
    size_t sc_prefix_cap;
    unsigned char *words_too; /* per clause of the last search: PFX_WORDS_TOO for a prefix*
                                 that also matches as its words (see check_prefixes),
                                 PFX_BIGRAM, else PFX_TERMS */
    size_t words_too_cap;
    termlist *wseqs;         /* per clause: such a field prefix's words as a sequence */
    size_t wseqs_cap;
    bool terms_pending;      /* the caller's analyzer lacks the prefixes' terms
                                (lk_query_ws_terms adds them) */
};

static void termlist_free(termlist *t)
{
    free(t->buf);
    free(t->off);
    free(t->len);
}

static lk_status termlist_add(termlist *t, const char *s, size_t len)
{
    void *p = t->buf;
    if (lk_grow(&p, &t->buf_cap, t->buf_len + len + 1, 1) != LK_OK) return LK_ERR_NOMEM;
    t->buf = p;
    if (t->n + 1 > t->cap) {
        size_t cap = t->cap;
        p = t->off;
        if (lk_grow(&p, &cap, t->n + 1, sizeof *t->off) != LK_OK) return LK_ERR_NOMEM;
        t->off = p;
        p = t->len;
        if (lk_grow(&p, &t->cap, t->n + 1, sizeof *t->len) != LK_OK) return LK_ERR_NOMEM;
        t->len = p;
    }
    memcpy(t->buf + t->buf_len, s, len);
    t->off[t->n] = t->buf_len;
    t->len[t->n++] = len;
    t->buf_len += len;
    return LK_OK;
}

lk_status lk_query_ws_create(const lk_bm25_index *idx, lk_query_ws **out, lk_error *err)
{
    lk_query_ws *q = calloc(1, sizeof *q);
    *out = NULL;
    if (!q) return LK_ERR_NOMEM;
    lk_status st = lk_bm25_ws_create(idx, &q->ws);
    if (st == LK_OK) st = lk_bm25_index_analyzer(idx, &q->an, err);
    if (st == LK_OK) st = lk_bm25_store_ws_create(&q->store);
    if (st != LK_OK) {
        lk_query_ws_free(q);
        return st;
    }
    lk_analyzer_set_spans(q->an, true);
    *out = q;
    return LK_OK;
}

lk_status lk_query_ws_set_index(lk_query_ws *q, const lk_bm25_index *idx)
{
    lk_bm25_ws_free(q->ws);
    q->ws = NULL;
    return idx ? lk_bm25_ws_create(idx, &q->ws) : LK_OK;
}

void lk_query_ws_free(lk_query_ws *q)
{
    if (!q) return;
    lk_bm25_ws_free(q->ws);
    lk_analyzer_free(q->an);
    lk_bm25_store_ws_free(q->store);
    free(q->cand);
    free(q->must);
    free(q->tmp);
    termlist_free(&q->pos);
    termlist_free(&q->clause);
    termlist_free(&q->pfx);
    termlist_free(&q->palt);
    free(q->pterms);
    for (size_t i = 0; i < q->seqs_cap; i++) termlist_free(&q->seqs[i]);
    free(q->seqs);
    for (size_t i = 0; i < q->wseqs_cap; i++) termlist_free(&q->wseqs[i]);
    free(q->wseqs);
    free(q->words_too);
    free(q->codes);
    free(q->terms);
    free(q->exp);
    free(q->cexp);
    termlist_free(&q->sc);
    free(q->sc_prefix);
    free(q);
}

/* The terms of t as lk_terms in *arr (capacity *cap; NULL if out of memory). */
static const lk_term *as_terms(lk_term **arr, size_t *cap, const termlist *t)
{
    void *p = *arr;
    if (lk_grow(&p, cap, t->n + 1, sizeof **arr) != LK_OK) return NULL;
    *arr = p;
    for (size_t i = 0; i < t->n; i++) (*arr)[i] = (lk_term){t->buf + t->off[i], t->len[i]};
    return *arr;
}

/* The clause's terms into q->clause; for phrases only the terms that do not overlap the one
   before (a Han bigram overlaps its first character): the sequence to find. */
static lk_status clause_terms(lk_query_ws *q, lk_analyzer *an, const char *s, size_t len,
                              bool sequence, termlist *out, lk_error *err)
{
    out->n = out->buf_len = 0;
    lk_analyzer_reset(an);
    lk_status st = lk_analyzer_add(an, s, len, err);
    if (st != LK_OK) return st;
    size_t n;
    const lk_term *t = lk_analyzer_terms(an, &n);
    const size_t *sp = sequence ? lk_analyzer_spans(an) : NULL;
    size_t last_end = 0;
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        if (sp && sp[2 * i] != SIZE_MAX) {
            if (i && sp[2 * i] < last_end) continue;
            last_end = sp[2 * i + 1];
        }
        st = termlist_add(out, t[i].s, t[i].len);
    }
    (void)q;
    return st;
}

/* Set in bits the documents (numbers of idx) whose postings hold term s: a walk over the
   term's postings in each segment (deleted documents included: callers only test live
   ones). */
static lk_status mark_term_docs(const lk_bm25_index *idx, const char *s, size_t len,
                                uint64_t *bits, lk_error *err)
{
    size_t ns = lk_bm25__index_n_segs(idx);
    for (size_t i = 0; i < ns; i++) {
        uint32_t base = 0;
        const lk_bm25__seg *x = lk_bm25__index_seg(idx, i, &base, NULL);
        int64_t t = lk_bm25__seg_find(x, s, len);
        if (t < 0) continue;
        const char *ts;
        size_t tl, plen;
        const unsigned char *post;
        uint32_t df;
        lk_bm25__seg_term(x, (uint64_t)t, &ts, &tl, &post, &plen, &df);
        lk_postings_cursor c;
        lk_postings_cursor_init(&c, post, plen, df, x->n_docs);
        for (; c.doc != LK_DOC_END; lk_postings_next(&c)) {
            uint32_t d = base + c.doc;
            bits[d >> 6] |= 1ull << (d & 63);
        }
        if (c.bad)
            return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (postings)",
                                lk_bm25__seg_file(x));
    }
    return LK_OK;
}

static int cmp_term_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

static int cmp_exp_bytes(const void *a, const void *b)
{
    const expansion *x = a, *y = b;
    return cmp_term_bytes(x->s, x->len, y->s, y->len);
}

static lk_status too_many(const lk_query_clause *c, lk_error *err)
{
    return lk_error_set(err, LK_ERR_PARSE, "query column %zu: the prefix \"%.*s*\" matches more "
                        "than %u terms (give more letters)", c->col,
                        (int)(c->len > 64 ? 64 : c->len), c->text, LK_QUERY_PREFIX_MAX);
}

/* Clause j's prefix (q->pfx) and the stem its terms are matched with too (q->palt). */
static lk_bm25_prefix clause_prefix(const lk_query_ws *q, size_t j)
{
    return (lk_bm25_prefix){q->pfx.buf + q->pfx.off[j], q->pfx.len[j],
                            q->palt.buf + q->palt.off[j], q->palt.len[j]};
}

/* List the indexed terms clause j's prefix matches (q->pfx, q->palt) into q->exp, distinct
   and in byte order (a run of each segment's sorted dictionary), unless listed since the
   search began: only the consumers that need each term call it (required or excluded
   prefix filters, field:p* checks, the caller's snippet terms); scoring reads the prefix
   as one term. */
static lk_status list_prefix(const lk_bm25_index *idx, lk_query_ws *q, size_t j)
{
    clause_exp *ce = &q->cexp[j];
    if (ce->listed) return LK_OK;
    size_t first = q->n_exp, ns = lk_bm25__index_n_segs(idx), np = q->palt.len[j] ? 2 : 1;
    const lk_bm25_prefix p = clause_prefix(q, j);
    for (size_t i = 0; i < ns * np; i++) {
        const lk_bm25__seg *x = lk_bm25__index_seg(idx, i % ns, NULL, NULL);
        uint64_t runs[4], from, end;
        lk_bm25__seg_prefix_runs(x, &p, &runs[0], &runs[1], &runs[2], &runs[3]);
        from = runs[i < ns ? 0 : 2];
        end = runs[i < ns ? 1 : 3];
        if (end > from &&
            lk_grow((void **)&q->exp, &q->exp_cap, q->n_exp + (size_t)(end - from) + 1,
                    sizeof *q->exp) != LK_OK)
            return LK_ERR_NOMEM;
        for (uint64_t t = from; t < end; t++) {
            const char *ts;
            size_t tl, plen;
            const unsigned char *post;
            uint32_t df;
            lk_bm25__seg_term(x, t, &ts, &tl, &post, &plen, &df);
            q->exp[q->n_exp++] = (expansion){ts, tl};
        }
    }
    size_t n = q->n_exp - first, o = 0;
    if (n) { /* (q->exp may still be NULL when n is 0: no arithmetic on it) */
        expansion *e = q->exp + first;
        if (ns * np > 1) qsort(e, n, sizeof *e, cmp_exp_bytes); /* one range is in order */
        for (size_t i = 0; i < n; i++) /* one entry per term */
            if (!o || cmp_exp_bytes(&e[o - 1], &e[i]) != 0) e[o++] = e[i];
    }
    q->n_exp = first + o;
    *ce = (clause_exp){first, first + o, true};
    return LK_OK;
}

/* The number of indexed terms (over all segments, with repeats) that clause j's prefix
   matches (q->pfx, q->palt). */
static uint64_t prefix_range_total(const lk_bm25_index *idx, const lk_query_ws *q, size_t j)
{
    uint64_t total = 0;
    size_t ns = lk_bm25__index_n_segs(idx);
    const lk_bm25_prefix p = clause_prefix(q, j);
    for (size_t i = 0; i < ns; i++) {
        uint64_t from, end, alt_from, alt_end;
        lk_bm25__seg_prefix_runs(lk_bm25__index_seg(idx, i, NULL, NULL), &p, &from, &end,
                                 &alt_from, &alt_end);
        total += (end - from) + (alt_end - alt_from);
    }
    return total;
}

/* Clause c (number j) as a prefix: its prefix as the index holds terms into q->pfx, and
   the check that it matches at most LK_QUERY_PREFIX_MAX distinct terms, from the sizes of
   the segments' ranges (listing the terms only when several segments' ranges add up to
   more: their distinct count decides). A prefix that is not one word or matches too many
   terms is an error naming the clause's column. */
static lk_status check_prefix(const lk_bm25_index *idx, lk_query_ws *q, lk_analyzer *an,
                              const lk_query_clause *c, size_t j, lk_error *err)
{
    const char *p;
    size_t pl;
    lk_status st = lk_analyzer_prefix(an, c->text, c->len, &p, &pl, err);
    if (st == LK_ERR_ARG)
        return lk_error_set(err, LK_ERR_PARSE, "query column %zu: a prefix* must be one word "
                            "(\"%.*s*\")", c->col, (int)(c->len > 64 ? 64 : c->len), c->text);
    const char *stem = NULL;
    size_t sl = 0;
    if (st == LK_OK) st = termlist_add(&q->pfx, p, pl);
    if (st == LK_OK) st = lk_analyzer_prefix_stem(an, &stem, &sl);
    if (st != LK_OK) return st;
    /* a whole word with a '*' (rebase*): the index holds its stem (rebas); the prefix
       matches the terms starting with it and its stem exactly (not every term starting with
       the stem: cats* is cats... and cat, not catalog), unless the stem starts with the
       prefix (its range holds it) */
    p = q->pfx.buf + q->pfx.off[j];
    if (sl == 0 || (sl >= pl && memcmp(p, stem, pl) == 0)) sl = 0;
    if ((st = termlist_add(&q->palt, sl ? stem : "", sl)) != LK_OK) return st;
    size_t ns = lk_bm25__index_n_segs(idx);
    uint64_t total = prefix_range_total(idx, q, j);
    if (total > (uint64_t)LK_QUERY_PREFIX_MAX * ns) return too_many(c, err);
    if (total <= LK_QUERY_PREFIX_MAX) return LK_OK;
    if (ns == 1) return too_many(c, err);
    if ((st = list_prefix(idx, q, j)) != LK_OK) return st;
    return q->cexp[j].end - q->cexp[j].from > LK_QUERY_PREFIX_MAX ? too_many(c, err) : LK_OK;
}

/* What a prefix* matches besides its terms (lk_query_ws.words_too). */
enum {
    PFX_TERMS = 0, /* its terms alone */
    PFX_WORDS_TOO, /* its words too (prefix_words_too) */
    PFX_BIGRAM     /* its terms alone, but it is one Han bigram, which positions hold as its
                      characters: a field checked on positions looks for them in sequence */
};

/* Whether one of the terms the analyzer `an` holds spans all of its text (the spans' first
   start to their last end): a Han bigram of a 2-character prefix. */
static bool one_term_spans_all(const lk_analyzer *an)
{
    size_t n = lk_analyzer_n_terms(an, NULL), from = SIZE_MAX, to = 0;
    const size_t *sp = lk_analyzer_spans(an);
    if (!sp) return false;
    for (size_t i = 0; i < n; i++) {
        if (sp[2 * i] == SIZE_MAX) return false;
        if (sp[2 * i] < from) from = sp[2 * i];
        if (sp[2 * i + 1] > to) to = sp[2 * i + 1];
    }
    for (size_t i = 0; i < n; i++)
        if (sp[2 * i] == from && sp[2 * i + 1] == to) return true;
    return false;
}

/* Whether clause c's prefix also matches as its words: its text analyzes into several
   words (the non-overlapping terms of a phrase), which no indexed term starting with the
   whole prefix need hold: a Han run longer than the index's Han terms without a Chinese
   model (3+ characters with bigrams, 2+ with unigrams alone; a run that one bigram spans is
   one term, its characters are not words of it), or one a Chinese model splits into words
   (新能源 segmented 新 能源, 新能 segmented 新 能 though the bigram 新能 is indexed too). */
static lk_status prefix_words_too(lk_query_ws *q, const lk_query_clause *c, unsigned char *out,
                                  lk_error *err)
{
    lk_status st = clause_terms(q, q->an, c->text, c->len, true, &q->clause, err);
    *out = PFX_TERMS;
    if (st == LK_OK && q->clause.n > 1)
        *out = lk_analyzer__has_zh(q->an) || !one_term_spans_all(q->an) ? PFX_WORDS_TOO
                                                                         : PFX_BIGRAM;
    return st;
}

/* Every prefix* clause of c[0..nc) checked (check_prefix), none listed yet. A prefix whose
   text analyzes into several words (prefix_words_too) matches as those words too, scored as
   them (as the clause without its '*'): when no indexed term starts with it (a Han run of 3+
   characters in a bigram index), the clause is made a plain one (its prefix flag cleared);
   else q->words_too[j] is PFX_WORDS_TOO and each consumer adds the words' match to the
   prefix's. */
static lk_status check_prefixes(const lk_bm25_index *idx, lk_query_ws *q, lk_analyzer *an,
                                lk_query_clause *c, size_t nc, lk_error *err)
{
    if (lk_grow((void **)&q->cexp, &q->cexp_cap, nc + 1, sizeof *q->cexp) != LK_OK ||
        lk_grow((void **)&q->words_too, &q->words_too_cap, nc + 1, sizeof *q->words_too) !=
            LK_OK)
        return LK_ERR_NOMEM;
    memset(q->cexp, 0, (nc + 1) * sizeof *q->cexp);
    memset(q->words_too, 0, (nc + 1) * sizeof *q->words_too);
    q->n_exp = 0;
    q->pfx.n = q->pfx.buf_len = 0;
    q->palt.n = q->palt.buf_len = 0;
    lk_status st = LK_OK;
    for (size_t j = 0; j < nc && st == LK_OK; j++) {
        if (!c[j].prefix) {
            st = termlist_add(&q->pfx, "", 0);
            if (st == LK_OK) st = termlist_add(&q->palt, "", 0);
            continue;
        }
        if ((st = check_prefix(idx, q, an, &c[j], j, err)) != LK_OK ||
            (st = prefix_words_too(q, &c[j], &q->words_too[j], err)) != LK_OK)
            break;
        if (q->words_too[j] == PFX_WORDS_TOO && prefix_range_total(idx, q, j) == 0) {
            c[j].prefix = false; /* only the words can match */
            q->words_too[j] = PFX_TERMS;
        }
    }
    return st;
}

/* Mark in `bits` the documents containing every term of list (all if the list is empty:
   *any false). */
static lk_status docs_with_all(const lk_bm25_index *idx, lk_query_ws *q, const termlist *list,
                               uint64_t *bits, bool *any, lk_error *err)
{
    *any = false;
    for (size_t i = 0; i < list->n; i++) {
        memset(q->tmp, 0, q->words * sizeof *q->tmp);
        lk_status st = mark_term_docs(idx, list->buf + list->off[i], list->len[i], q->tmp, err);
        if (st != LK_OK) return st;
        if (!*any) memcpy(bits, q->tmp, q->words * sizeof *bits);
        else
            for (size_t w = 0; w < q->words; w++) bits[w] &= q->tmp[w];
        *any = true;
    }
    return LK_OK;
}

/* check_clause through the positions of idx (every segment has them): the clause's sequence
   (seq) in the document's title and/or text positions. */
static lk_status check_clause_pos(const lk_bm25_index *idx, lk_query_ws *q,
                                  const lk_query_clause *c, const termlist *seq, uint32_t doc,
                                  bool *ok, lk_error *err)
{
    *ok = false;
    size_t ns = lk_bm25__index_n_segs(idx);
    const lk_bm25__seg *x = NULL;
    uint32_t base = 0;
    for (size_t i = 0; i < ns; i++) {
        uint32_t b;
        const lk_bm25__seg *s = lk_bm25__index_seg(idx, i, &b, NULL);
        if (doc >= b && doc - b < s->n_docs) {
            x = s;
            base = b;
            break;
        }
    }
    const lk_bm25__pos *p = x ? lk_bm25__seg_pos(x) : NULL;
    if (!p) return lk_error_set(err, LK_ERR_ARG, "document %u: no positions", doc);
    /* the phrase as its stored bytes: varint codes, matched on the document's bytes */
    void *v = q->codes;
    if (lk_grow(&v, &q->codes_cap, 5 * seq->n + 1, 1) != LK_OK) return LK_ERR_NOMEM;
    q->codes = v;
    unsigned char *pat = q->codes;
    size_t pn = 0;
    for (size_t k = 0; k < seq->n; k++) {
        int64_t t = lk_bm25__seg_find(x, seq->buf + seq->off[k], seq->len[k]);
        if (t < 0) return LK_OK; /* a term this segment lacks */
        pn += lk_varint_put(pat + pn, lk_bm25__pos_code(p, (uint64_t)t));
    }
    const unsigned char *ds;
    size_t n, nt;
    if (!lk_bm25__pos_doc_bytes(p, doc - base, &ds, &n, &nt))
        return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (positions of document %u)",
                            lk_bm25__seg_file(x), doc - base);
    bool title = !c->field || c->field_len == 5, text = !c->field || c->field_len == 4;
    *ok = (title && lk_bm25__pos_find(ds, nt, pat, pn)) ||
          (text && lk_bm25__pos_find(ds + nt, n - nt, pat, pn));
    return LK_OK;
}

/* Does the sequence seq occur as consecutive (non-overlapping) terms of s? */
static lk_status has_sequence(lk_query_ws *q, const termlist *seq, const char *s, size_t len,
                              bool *found, lk_error *err)
{
    *found = false;
    lk_analyzer_reset(q->an);
    lk_status st = lk_analyzer_add(q->an, s, len, err);
    if (st != LK_OK) return st;
    size_t n, m = seq->n, k = 0;
    const lk_term *t = lk_analyzer_terms(q->an, &n);
    const size_t *sp = lk_analyzer_spans(q->an);
    size_t last_end = 0;
    /* walk the filtered stream, matching the sequence with restarts (the sequences are
       short: a naive search is fine) */
    size_t *idx = malloc((n + 1) * sizeof *idx), kept = 0;
    if (!idx) return LK_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        if (sp && sp[2 * i] != SIZE_MAX) {
            if (i && sp[2 * i] < last_end) continue;
            last_end = sp[2 * i + 1];
        }
        idx[kept++] = i;
    }
    for (size_t a = 0; a + m <= kept && !*found; a++) {
        for (k = 0; k < m; k++) {
            const lk_term *x = &t[idx[a + k]];
            if (x->len != seq->len[k] || memcmp(x->s, seq->buf + seq->off[k], x->len) != 0)
                break;
        }
        if (k == m) *found = true;
    }
    free(idx);
    return LK_OK;
}

/* Does s hold any term of `set` (sorted in byte order: a prefix's terms)? */
static lk_status has_any(lk_query_ws *q, const termlist *set, const char *s, size_t len,
                         bool *found, lk_error *err)
{
    *found = false;
    lk_analyzer_reset(q->an);
    lk_status st = lk_analyzer_add(q->an, s, len, err);
    if (st != LK_OK) return st;
    size_t n;
    const lk_term *t = lk_analyzer_terms(q->an, &n);
    for (size_t i = 0; i < n && !*found; i++) {
        size_t a = 0, b = set->n;
        while (a < b) {
            size_t m = a + (b - a) / 2;
            int c = cmp_term_bytes(set->buf + set->off[m], set->len[m], t[i].s, t[i].len);
            if (c == 0) {
                *found = true;
                break;
            }
            if (c < 0) a = m + 1;
            else b = m;
        }
    }
    return LK_OK;
}

static const lk_doc_field *field_named(const lk_doc_field *f, size_t n, const char *name,
                                       size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].name_len == len && memcmp(f[i].name, name, len) == 0) return &f[i];
    return NULL;
}

/* Whether document `doc` satisfies the phrase/field clause c (its sequence seq), read from
   its stored fields. */
static lk_status check_clause(const lk_bm25_index *idx, lk_query_ws *q, const lk_query_clause *c,
                              const termlist *seq, uint32_t doc, bool *ok, lk_error *err)
{
    const lk_doc_field *f;
    size_t nf;
    *ok = false;
    lk_status st = lk_bm25_doc_fields(idx, q->store, doc, &f, &nf, err);
    if (st != LK_OK) return st;
    static const char *const indexed[] = {"title", "text"};
    for (int i = 0; i < 2 && !*ok && st == LK_OK; i++) {
        const char *name = c->field ? c->field : indexed[i];
        size_t nl = c->field ? c->field_len : strlen(indexed[i]);
        const lk_doc_field *x = field_named(f, nf, name, nl);
        if (x) st = c->prefix ? has_any(q, seq, x->value, x->value_len, ok, err)
                              : has_sequence(q, seq, x->value, x->value_len, ok, err);
        if (c->field) break;
    }
    return st;
}

/* The fields whose terms the index holds (title then text): the only ones a field clause
   may name, since its terms are looked up and scored through the index. */
static bool is_indexed_field(const char *f, size_t len)
{
    return (len == 5 && memcmp(f, "title", 5) == 0) || (len == 4 && memcmp(f, "text", 4) == 0);
}

static bool needs_store(const lk_query_clause *c) { return c->phrase || c->field; }

/* Phrase/field clauses need positions or the fields stored, and fields the index has: a
   query asking for more is malformed for this index (LK_ERR_PARSE, as the parser's). */
static lk_status check_store(const lk_bm25_index *idx, const lk_query_clause *c, size_t n,
                             bool positions, lk_error *err)
{
    size_t sl;
    const char *spec = lk_bm25_index_store_spec(idx, &sl);
    for (size_t i = 0; i < n; i++) {
        if (!needs_store(&c[i])) continue;
        if (positions) {
            if (c[i].field && !is_indexed_field(c[i].field, c[i].field_len))
                return lk_error_set(err, LK_ERR_PARSE, "query column %zu: unknown field \"%.*s\" "
                                    "(the fields that can be queried are title and text)",
                                    c[i].col, (int)c[i].field_len, c[i].field);
            continue;
        }
        if (!spec)
            return lk_error_set(err, LK_ERR_PARSE, "query column %zu: %s need positions or the "
                                "documents' fields stored in the index (it was built with "
                                "--store none and without --positions)",
                                c[i].col, c[i].phrase ? "phrases" : "field: terms");
        if (c[i].field && !is_indexed_field(c[i].field, c[i].field_len))
            return lk_error_set(err, LK_ERR_PARSE, "query column %zu: unknown field \"%.*s\" (the "
                                "fields that can be queried are title and text)", c[i].col,
                                (int)c[i].field_len, c[i].field);
        if (c[i].field && !lk_bm25_store_spec_wants(spec, sl, c[i].field, c[i].field_len))
            return lk_error_set(err, LK_ERR_PARSE, "query column %zu: the field \"%.*s\" is not "
                                "stored in this index (it stores %.*s; index with --store "
                                "%.*s,%.*s or --positions to query it)", c[i].col,
                                (int)c[i].field_len, c[i].field, (int)sl, spec, (int)sl, spec,
                                (int)c[i].field_len, c[i].field);
        if (!c[i].field && (!lk_bm25_store_spec_wants(spec, sl, "text", 4) ||
                            !lk_bm25_store_spec_wants(spec, sl, "title", 5)))
            return lk_error_set(err, LK_ERR_PARSE, "query column %zu: phrases need title and text "
                                "stored (the index stores %.*s)", c[i].col, (int)sl, spec);
    }
    return LK_OK;
}

/* Filters of the term clauses (and the terms of phrase/field clauses) into q->must:
   documents allowed. */
static lk_status term_filters(const lk_bm25_index *idx, lk_query_ws *q, lk_analyzer *an,
                              const lk_query_clause *c, size_t n, lk_error *err)
{
    for (size_t w = 0; w < q->words; w++) q->must[w] = ~0ull;
    uint64_t *bits = malloc((q->words + 1) * sizeof *bits), *wbits = NULL;
    if (!bits) return LK_ERR_NOMEM;
    lk_status st = LK_OK;
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        if (c[i].occur == LK_QUERY_SHOULD) continue;
        if (c[i].occur == LK_QUERY_NOT && needs_store(&c[i])) continue; /* checked on docs */
        bool any = true;
        if (c[i].prefix) { /* the documents holding any term of the prefix */
            memset(bits, 0, q->words * sizeof *bits);
            st = list_prefix(idx, q, i);
            for (size_t k = q->cexp[i].from; k < q->cexp[i].end && st == LK_OK; k++)
                st = mark_term_docs(idx, q->exp[k].s, q->exp[k].len, bits, err);
            if (st == LK_OK && q->words_too[i] == PFX_WORDS_TOO) { /* or all of its words */
                bool wany = false;
                if (!wbits && !(wbits = malloc((q->words + 1) * sizeof *wbits))) {
                    st = LK_ERR_NOMEM;
                    break;
                }
                st = clause_terms(q, an, c[i].text, c[i].len, false, &q->clause, err);
                if (st == LK_OK) st = docs_with_all(idx, q, &q->clause, wbits, &wany, err);
                for (size_t w = 0; w < q->words && st == LK_OK && wany; w++) bits[w] |= wbits[w];
            }
        } else {
            st = clause_terms(q, an, c[i].text, c[i].len, false, &q->clause, err);
            if (st == LK_OK) st = docs_with_all(idx, q, &q->clause, bits, &any, err);
        }
        if (st != LK_OK || !any) continue; /* only stop words: no filter */
        for (size_t w = 0; w < q->words; w++)
            q->must[w] &= c[i].occur == LK_QUERY_NOT ? ~bits[w] : bits[w];
    }
    free(bits);
    free(wbits);
    return st;
}

/* The filter of a query's search (lk_bm25_search_opts.accept): the required and excluded
   term clauses (qw->must), then the phrase and field clauses. The first error stops the
   filter (st, err). */
typedef struct {
    const lk_bm25_index *idx;
    lk_query_ws *qw;
    const lk_query_clause *c;
    size_t nc;
    bool positions;
    lk_status st;
    lk_error *err;
} query_filter;

static bool accept_doc(void *user, uint32_t d)
{
    query_filter *f = user;
    lk_query_ws *qw = f->qw;
    if (f->st != LK_OK || !((qw->must[d >> 6] >> (d & 63)) & 1)) return false;
    for (size_t j = 0; j < f->nc; j++) {
        const lk_query_clause *c = &f->c[j];
        if (!needs_store(c) || qw->seqs[j].n == 0) continue;
        bool found = false;
        if (c->prefix && f->positions) { /* any term of the prefix in the field */
            const termlist *s = &qw->seqs[j];
            for (size_t k = 0; k < s->n && !found && f->st == LK_OK; k++) {
                termlist one = {s->buf, s->off + k, s->len + k, 1, 1, s->buf_len, s->buf_cap};
                f->st = check_clause_pos(f->idx, qw, c, &one, d, &found, f->err);
            }
        } else {
            f->st = f->positions ? check_clause_pos(f->idx, qw, c, &qw->seqs[j], d, &found, f->err)
                                 : check_clause(f->idx, qw, c, &qw->seqs[j], d, &found, f->err);
        }
        /* or its words (a bigram's characters) in sequence */
        if (!found && f->st == LK_OK && qw->words_too[j] != PFX_TERMS) {
            lk_query_clause w = *c;
            w.prefix = false;
            f->st = f->positions ? check_clause_pos(f->idx, qw, &w, &qw->wseqs[j], d, &found, f->err)
                                 : check_clause(f->idx, qw, &w, &qw->wseqs[j], d, &found, f->err);
        }
        if (f->st != LK_OK || found == (c->occur == LK_QUERY_NOT)) return false;
    }
    return true;
}

lk_status lk_bm25_search_query(const lk_bm25_index *idx, lk_bm25_ws *ws, lk_analyzer *an,
                               lk_query_ws *qw, const char *query, size_t len,
                               const lk_bm25_search_opts *opts, const lk_bm25_hit **hits,
                               size_t *n_hits, lk_error *err)
{
    lk_query_clause *c = NULL;
    size_t nc = 0;
    bool ops = false;
    *hits = NULL;
    *n_hits = 0;
    qw->terms_pending = false;
    lk_status st = lk_query_parse(query, len, &c, &nc, &ops, err);
    if (st != LK_OK) return st;
    if (!ops) {
        free(c);
        return lk_bm25_search_text(idx, ws, an, query, len, opts, hits, n_hits, err);
    }
    bool positions = lk_bm25_index_has_positions(idx);
    if ((st = check_store(idx, c, nc, positions, err)) != LK_OK) goto done;
    uint32_t end = lk_bm25_index_doc_end(idx);
    size_t words = ((size_t)end + 64) / 64;
    if (words > qw->words) {
        free(qw->must);
        free(qw->tmp);
        qw->must = malloc(words * sizeof *qw->must);
        qw->tmp = malloc(words * sizeof *qw->tmp);
        if (!qw->must || !qw->tmp) {
            qw->words = 0;
            st = LK_ERR_NOMEM;
            goto done;
        }
    }
    qw->words = words;
    if ((st = check_prefixes(idx, qw, an, c, nc, err)) != LK_OK ||
        (st = term_filters(idx, qw, an, c, nc, err)) != LK_OK)
        goto done;
    /* the scoring terms: every clause but the excluded ones, in query order; a prefix* is
       one term (the synonym of its terms, lk_bm25_search_prefixed) */
    qw->pos.n = qw->pos.buf_len = 0;
    size_t n_pterms = 0;
    if (lk_grow((void **)&qw->pterms, &qw->pterms_cap, nc + 1, sizeof *qw->pterms) != LK_OK) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < nc && st == LK_OK; i++) {
        if (c[i].occur == LK_QUERY_NOT) continue;
        if (c[i].prefix) {
            qw->pterms[n_pterms++] = clause_prefix(qw, i);
            if (qw->words_too[i] != PFX_WORDS_TOO) continue; /* else its words score too */
        }
        st = clause_terms(qw, an, c[i].text, c[i].len, false, &qw->clause, err);
        for (size_t j = 0; j < qw->clause.n && st == LK_OK; j++)
            st = termlist_add(&qw->pos, qw->clause.buf + qw->clause.off[j], qw->clause.len[j]);
    }
    if (st != LK_OK) goto done;
    const lk_term *terms = as_terms(&qw->terms, &qw->terms_cap, &qw->pos);
    if (!terms) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    if (nc > qw->seqs_cap) { /* the phrase sequences, analyzed once */
        termlist *t = realloc(qw->seqs, nc * sizeof *t);
        if (!t) {
            st = LK_ERR_NOMEM;
            goto done;
        }
        memset(t + qw->seqs_cap, 0, (nc - qw->seqs_cap) * sizeof *t);
        qw->seqs = t;
        qw->seqs_cap = nc;
    }
    if (nc > qw->wseqs_cap) {
        termlist *t = realloc(qw->wseqs, nc * sizeof *t);
        if (!t) {
            st = LK_ERR_NOMEM;
            goto done;
        }
        memset(t + qw->wseqs_cap, 0, (nc - qw->wseqs_cap) * sizeof *t);
        qw->wseqs = t;
        qw->wseqs_cap = nc;
    }
    for (size_t j = 0; j < nc && st == LK_OK; j++) {
        qw->seqs[j].n = qw->seqs[j].buf_len = 0;
        qw->wseqs[j].n = qw->wseqs[j].buf_len = 0;
        if (needs_store(&c[j]) && c[j].prefix && qw->words_too[j] != PFX_TERMS)
            st = clause_terms(qw, qw->an, c[j].text, c[j].len, true, &qw->wseqs[j], err);
        if (needs_store(&c[j]) && c[j].prefix) { /* field:p*: every term of p, byte order */
            st = list_prefix(idx, qw, j);
            for (size_t k = qw->cexp[j].from; k < qw->cexp[j].end && st == LK_OK; k++)
                st = termlist_add(&qw->seqs[j], qw->exp[k].s, qw->exp[k].len);
        } else if (needs_store(&c[j])) {
            st = clause_terms(qw, qw->an, c[j].text, c[j].len, true, &qw->seqs[j], err);
        }
    }
    if (st != LK_OK) goto done;
    /* the top k of the documents passing every clause: the search asks the filter only about
       documents that would enter its top k */
    query_filter f = {idx, qw, c, nc, positions, LK_OK, err};
    lk_bm25_search_opts o = *opts;
    o.accept = accept_doc;
    o.accept_user = &f;
    const lk_bm25_hit *h;
    size_t nh;
    if ((st = lk_bm25_search_prefixed(idx, ws, terms, qw->pos.n, qw->pterms, n_pterms, &o, &h, &nh,
                                      err)) != LK_OK)
        goto done;
    if ((st = f.st) != LK_OK) goto done;
    if (lk_grow((void **)&qw->cand, &qw->cand_cap, nh + 1, sizeof *qw->cand) != LK_OK) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    memcpy(qw->cand, h, nh * sizeof *h);
    size_t kept = nh;
    if (st != LK_OK) goto done;
    /* leave the scoring terms in `an` for the caller, but for the prefixes' (listed only if
       the caller asks, lk_query_ws_terms); keep the scoring clauses for that */
    lk_analyzer_reset(an);
    qw->sc.n = qw->sc.buf_len = 0;
    if (lk_grow((void **)&qw->sc_prefix, &qw->sc_prefix_cap, 2 * nc + 1, sizeof *qw->sc_prefix) !=
        LK_OK) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < nc && st == LK_OK; i++) {
        if (c[i].occur == LK_QUERY_NOT) continue;
        qw->sc_prefix[qw->sc.n] = c[i].prefix ? i : SIZE_MAX;
        st = termlist_add(&qw->sc, c[i].prefix ? "" : c[i].text, c[i].prefix ? 0 : c[i].len);
        if (st != LK_OK) break;
        if (c[i].prefix) qw->terms_pending = true;
        else st = lk_analyzer_add(an, c[i].text, c[i].len, err);
        if (st == LK_OK && c[i].prefix && qw->words_too[i] == PFX_WORDS_TOO) { /* its words */
            qw->sc_prefix[qw->sc.n] = SIZE_MAX;
            if ((st = termlist_add(&qw->sc, c[i].text, c[i].len)) == LK_OK)
                st = lk_analyzer_add(an, c[i].text, c[i].len, err);
        }
    }
    if (st != LK_OK) goto done;
    *hits = qw->cand;
    *n_hits = kept;
done:
    free(c);
    return st;
}

lk_status lk_query_ws_terms(const lk_bm25_index *idx, lk_query_ws *qw, lk_analyzer *an,
                            lk_error *err)
{
    if (!qw->terms_pending) return LK_OK;
    lk_analyzer_reset(an);
    lk_status st = LK_OK;
    for (size_t e = 0; e < qw->sc.n && st == LK_OK; e++) {
        size_t j = qw->sc_prefix[e];
        if (j == SIZE_MAX) {
            st = lk_analyzer_add(an, qw->sc.buf + qw->sc.off[e], qw->sc.len[e], err);
            continue;
        }
        st = list_prefix(idx, qw, j);
        for (size_t k = qw->cexp[j].from; k < qw->cexp[j].end && st == LK_OK; k++)
            st = lk_analyzer__push(an, qw->exp[k].s, qw->exp[k].len, SIZE_MAX,
                                   SIZE_MAX); /* no source span */
    }
    if (st == LK_OK) qw->terms_pending = false;
    return st;
}
