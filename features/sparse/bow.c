/* bow.c: the CountVectorizer equivalent: configuration, the analyzers' driver and the
   per-document counting into a CSR matrix keyed by term id (bow_finish.c turns it into the
   final matrix). */
#include "features/sparse/bow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/features_internal.h"
#include "text/fileio.h"
#include "text/utf8.h"


lk_bow_config lk_bow_config_default(void)
{
    return (lk_bow_config){.analyzer = LK_ANALYZER_WORD,
                           .ngram_min = 1,
                           .ngram_max = 1,
                           .lower = true,
                           .tokenizer = LK_TOKMODE_LEXKIT,
                           .min_df = {1, true},
                           .max_df = {1.0, false},
                           .max_features = 0,
                           .binary = false,
                           .threads = 1};
}

static lk_status check_bound(const lk_df_bound *b, const char *name, lk_error *err)
{
    if (b->is_count) {
        if (!(b->value >= 0) || b->value != floor(b->value))
            return lk_error_set(err, LK_ERR_ARG, "%s: a document count must be a whole number >= 0",
                                name);
    } else if (!(b->value >= 0 && b->value <= 1)) {
        return lk_error_set(err, LK_ERR_ARG, "%s: a proportion must be in [0, 1]", name);
    }
    return LK_OK;
}

void lk_bow_config_describe(const lk_bow_config *c, char *buf, size_t cap)
{
    static const char *const analyzers[] = {"word", "char", "char_wb"};
    static const char *const tokenizers[] = {"lexkit", "sklearn", "space", "ud-en"};
    char stop[48] = "none";
    if (c->stop_words && c->n_stop_words) {
        uint32_t crc = 0;
        for (size_t i = 0; i < c->n_stop_words; i++)
            crc = lk_crc32(crc, c->stop_words[i], strlen(c->stop_words[i]) + 1);
        snprintf(stop, sizeof stop, "%zu:%08x", c->n_stop_words, (unsigned)crc);
    }
    if (c->given_terms) {
        snprintf(buf, cap, "analyzer=terms");
        return;
    }
    bool word = c->analyzer == LK_ANALYZER_WORD;
    snprintf(buf, cap, "analyzer=%s ngram=%d:%d lower=%d tokenizer=%s stop_words=%s",
             (unsigned)c->analyzer < 3 ? analyzers[c->analyzer] : "?", (int)c->ngram_min,
             (int)c->ngram_max, c->lower ? 1 : 0,
             !word ? "-" : (unsigned)c->tokenizer < 4 ? tokenizers[c->tokenizer] : "?",
             word ? stop : "-");
}

lk_status lk_bow_config_check(const lk_bow_config *c, lk_error *err)
{
    if (!c) return lk_error_set(err, LK_ERR_ARG, "no config");
    if (c->ngram_min < 1 || c->ngram_max < c->ngram_min)
        return lk_error_set(err, LK_ERR_ARG, "ngram range %d:%d: need 1 <= A <= B",
                            (int)c->ngram_min, (int)c->ngram_max);
    if (c->analyzer != LK_ANALYZER_WORD && c->analyzer != LK_ANALYZER_CHAR &&
        c->analyzer != LK_ANALYZER_CHAR_WB)
        return lk_error_set(err, LK_ERR_ARG, "unknown analyzer");
    lk_status st = check_bound(&c->min_df, "min_df", err);
    if (st == LK_OK) st = check_bound(&c->max_df, "max_df", err);
    if (st != LK_OK) return st;
    /* both counts or both proportions: crossed whatever the collection; mixed: at the end */
    if (c->min_df.is_count == c->max_df.is_count && c->max_df.value < c->min_df.value)
        return lk_error_set(err, LK_ERR_ARG, "max_df corresponds to < documents than min_df");
    if (c->max_features < 0) return lk_error_set(err, LK_ERR_ARG, "max_features must be >= 0");
    if (c->threads < 0 || c->threads > 2)
        return lk_error_set(err, LK_ERR_ARG, "threads must be 1 or 2 (0 = 1)");
    return LK_OK;
}

lk_status lk_bow_create(const lk_bow_config *c, lk_bow **out)
{
    *out = NULL;
    if (lk_bow_config_check(c, NULL) != LK_OK) return LK_ERR_ARG;
    lk_bow *b = calloc(1, sizeof *b);
    if (!b) return LK_ERR_NOMEM;
    b->cfg = *c;
    bool words = c->analyzer == LK_ANALYZER_WORD;
    lk_status st = lk_termtab_init(&b->tab, words, PY_SPACE);
    if (st == LK_OK) {
        b->indptr_cap = 1024;
        b->indptr = malloc(b->indptr_cap * sizeof *b->indptr);
        if (!b->indptr) st = LK_ERR_NOMEM;
        else b->indptr[0] = 0;
    }
    if (st == LK_OK && c->threads == 2) st = lk_pool_create(&b->pool);
    if (st != LK_OK) {
        lk_bow_free(b);
        return st;
    }
    for (int i = 0; i < ASCII_UNITS; i++) b->ascii_unit[i] = LK_TERM_NONE;
    *out = b;
    return LK_OK;
}

lk_pool *lk_bow_pool(const lk_bow *b) { return b->pool; }

void lk_bow_free(lk_bow *b)
{
    if (!b) return;
    lk_pool_free(b->pool);
    lk_termtab_free(&b->tab);
    lk_tokenizer_free(b->tok);
    lk_vocab_free(b->stop);
    free(b->kept);
    free(b->indptr);
    free(b->indices);
    free(b->data);
    free(b->grams.v);
    free(b->units.v);
    free(b->cps.v);
    free(b->col_id);
    free(b->df);
    free(b->fit_df);
    free(b->pruned_id);
    free(b);
}

lk_status lk_bow_reserve_nnz(lk_bow *b, size_t n)
{
    if (n <= b->nnz_cap) return LK_OK;
    size_t bi, bd;
    if (lk_mul_size(n, sizeof *b->indices, &bi) != LK_OK ||
        lk_mul_size(n, sizeof *b->data, &bd) != LK_OK)
        return LK_ERR_RANGE;
    int32_t *ind = lk_huge_alloc(bi);
    double *dat = lk_huge_alloc(bd);
    if (!ind || !dat) {
        free(ind);
        free(dat);
        return LK_ERR_NOMEM;
    }
    if (b->nnz) {
        memcpy(ind, b->indices, b->nnz * sizeof *ind);
        memcpy(dat, b->data, b->nnz * sizeof *dat);
    }
    free(b->indices);
    free(b->data);
    b->indices = ind;
    b->data = dat;
    b->nnz_cap = n;
    return LK_OK;
}

/* ---- counting one document ------------------------------------------------------ */

/* Count the ids in b->grams as the next row (only terms with a column in fixed mode). */
static lk_status count_doc(lk_bow *b)
{
    lk_termtab *t = &b->tab;
    if (b->n_docs >= INT32_MAX) return LK_ERR_RANGE;
    uint32_t stamp = (uint32_t)b->n_docs + 1;
    size_t start = b->nnz, need;
    if (lk_add_size(b->nnz, b->grams.n, &need) != LK_OK) return LK_ERR_RANGE;
    if (need > b->nnz_cap) {
        size_t ci = b->nnz_cap, cd = b->nnz_cap;
        lk_status st = lk_huge_grow((void **)&b->indices, &ci, need, sizeof *b->indices);
        if (st == LK_OK) st = lk_huge_grow((void **)&b->data, &cd, need, sizeof *b->data);
        if (st != LK_OK) return st;
        b->nnz_cap = ci < cd ? ci : cd;
    }
    size_t n = 0;
    for (size_t k = 0; k < b->grams.n; k++) {
        uint32_t id = b->grams.v[k];
        if (b->fixed && t->col[id] < 0) continue;
        lk_term_doc *e = &t->doc[id];
        if (e->stamp != stamp) {
            e->stamp = stamp;
            e->pos = (uint32_t)n;
            b->indices[start + n] = (int32_t)id;
            b->data[start + n] = 1;
            n++;
        } else {
            b->data[start + e->pos] += 1;
        }
    }
    if ((size_t)b->n_docs + 2 > b->indptr_cap) {
        lk_status st = lk_grow((void **)&b->indptr, &b->indptr_cap, (size_t)b->n_docs + 2,
                               sizeof *b->indptr);
        if (st != LK_OK) return st;
    }
    b->nnz = start + n;
    b->indptr[++b->n_docs] = (int64_t)b->nnz;
    b->grams.n = 0;
    return LK_OK;
}

static lk_status unit_of(lk_bow *b, const char *s, size_t len, uint32_t *id)
{
    return lk_termtab_unit(&b->tab, s, len, !b->fixed, id);
}

static lk_status push_unit(lk_idbuf *u, uint32_t id)
{
    if (u->n == u->cap) {
        lk_status st = lk_grow((void **)&u->v, &u->cap, u->n + 1, sizeof *u->v);
        if (st != LK_OK) return st;
    }
    u->v[u->n++] = id;
    return LK_OK;
}

/* Unit id of one code point. */
static lk_status char_unit(lk_bow *b, int32_t cp, uint32_t *id)
{
    if (cp >= 0 && cp < ASCII_UNITS) {
        if (!b->ascii_known[cp] || (b->ascii_unit[cp] == LK_TERM_NONE && !b->fixed)) {
            char c = (char)cp;
            lk_status st = unit_of(b, &c, 1, &b->ascii_unit[cp]);
            if (st != LK_OK) return st;
            b->ascii_known[cp] = true;
        }
        *id = b->ascii_unit[cp];
        return LK_OK;
    }
    char buf[4];
    size_t k = lk_utf8_encode(cp, buf);
    if (k == 0) return LK_ERR_ARG;
    return unit_of(b, buf, k, id);
}

static lk_status add_chars(lk_bow *b, const char *text, size_t len, lk_error *err)
{
    lk_status st = lk_text_codepoints(text, len, b->cfg.lower, &b->cps, err);
    if (st != LK_OK) return st;
    const int32_t *cp = b->cps.v;
    size_t n = b->cps.n;
    b->units.n = 0;
    int32_t lo = b->cfg.ngram_min, hi = b->cfg.ngram_max;
    if (b->cfg.analyzer == LK_ANALYZER_CHAR) {
        for (size_t i = 0; i < n; i++) {
            uint32_t id;
            if ((st = char_unit(b, cp[i], &id)) != LK_OK || (st = push_unit(&b->units, id)))
                return st;
        }
        return lk_ngram_all(&b->tab, !b->fixed, lo, hi, b->units.v, b->units.n, &b->grams);
    }
    uint32_t pad;
    if ((st = char_unit(b, PY_SPACE, &pad)) != LK_OK) return st;
    for (size_t i = 0; i < n;) {
        if (lk_is_space(cp[i])) {
            i++;
            continue;
        }
        b->units.n = 0;
        if ((st = push_unit(&b->units, pad)) != LK_OK) return st;
        for (; i < n && !lk_is_space(cp[i]); i++) {
            uint32_t id;
            if ((st = char_unit(b, cp[i], &id)) != LK_OK || (st = push_unit(&b->units, id)))
                return st;
        }
        if ((st = push_unit(&b->units, pad)) != LK_OK) return st;
        st = lk_ngram_wb(&b->tab, !b->fixed, lo, hi, b->units.v, b->units.n, &b->grams);
        if (st != LK_OK) return st;
    }
    return LK_OK;
}

static lk_status make_tokenizer(lk_bow *b)
{
    lk_tokenizer_config tc = lk_tokenizer_config_default();
    tc.mode = b->cfg.tokenizer;
    tc.lower = b->cfg.lower;
    tc.keep_case = tc.mode == LK_TOKMODE_SKLEARN && !b->cfg.lower; /* sklearn lowercase=False */
    if (tc.mode != LK_TOKMODE_SKLEARN) tc.keep_punct = false; /* punctuation is no feature */
    lk_status st = lk_tokenizer_create(&tc, &b->tok);
    for (size_t i = 0; st == LK_OK && i < b->cfg.n_stop_words && b->cfg.stop_words; i++) {
        size_t len = strlen(b->cfg.stop_words[i]);
        if (!len) continue; /* no token is empty (and the vocabulary takes no empty word) */
        if (!b->stop && (st = lk_vocab_create(&b->stop)) != LK_OK) break;
        st = lk_vocab_add(b->stop, b->cfg.stop_words[i], len, NULL);
    }
    return st;
}

#define PREFETCH_AHEAD 8 /* tokens between an entry's prefetch and its lookup */

/* Unit ids of tokens toks[0..n) into b->units: hashes first, with the slots prefetched, then
   lookups with each entry prefetched a few tokens ahead (the table lives in RAM, not cache). */
static lk_status token_units(lk_bow *b, const char *const *toks, size_t tok_stride,
                             const size_t *lens, size_t len_stride, size_t n)
{
    lk_idbuf *u = &b->units;
    u->n = 0;
    lk_status st = lk_grow((void **)&u->v, &u->cap, n ? n : 1, sizeof *u->v);
    if (st != LK_OK) return st;
    lk_termtab *t = &b->tab;
    uint32_t *h = u->v; /* hashes, replaced by ids in place */
    for (size_t i = 0; i < n; i++) {
        h[i] = lk_termtab_unit_hash(*(const char *const *)((const char *)toks + i * tok_stride),
                                    *(const size_t *)((const char *)lens + i * len_stride));
        lk_termtab_prefetch_slot(t, h[i]);
    }
    for (size_t i = 0; i < n; i++) {
        if (i + PREFETCH_AHEAD < n) lk_termtab_prefetch_entry(t, h[i + PREFETCH_AHEAD]);
        const char *s = *(const char *const *)((const char *)toks + i * tok_stride);
        size_t len = *(const size_t *)((const char *)lens + i * len_stride);
        if ((st = lk_termtab_unit_hashed(t, s, len, h[i], !b->fixed, &h[i])) != LK_OK) return st;
    }
    u->n = n;
    return LK_OK;
}

/* The tokens that are not stop words, copied into b->kept; *toks points there. */
static lk_status drop_stop_words(lk_bow *b, const lk_token **toks, size_t *n)
{
    lk_status st = lk_grow((void **)&b->kept, &b->kept_cap, *n, sizeof *b->kept);
    if (st != LK_OK) return st;
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (lk_vocab_find(b->stop, (*toks)[i].text, (*toks)[i].text_len) == LK_ID_NONE)
            b->kept[k++] = (*toks)[i];
    *toks = b->kept;
    *n = k;
    return LK_OK;
}

static lk_status add_words(lk_bow *b, const char *text, size_t len, lk_error *err)
{
    lk_status st;
    if (!b->tok && (st = make_tokenizer(b)) != LK_OK) return lk_error_set(err, st, "tokenizer");
    const lk_token *toks;
    size_t n;
    if ((st = lk_tokenize(b->tok, text, len, &toks, &n, err)) != LK_OK) return st;
    if (n && b->stop && (st = drop_stop_words(b, &toks, &n)) != LK_OK)
        return lk_error_set(err, st, "out of memory");
    if (n && (st = token_units(b, &toks[0].text, sizeof *toks, &toks[0].text_len, sizeof *toks, n)) != LK_OK)
        return lk_error_set(err, st, "%s", lk_status_str(st));
    if (!n) b->units.n = 0;
    return lk_ngram_all(&b->tab, !b->fixed, b->cfg.ngram_min, b->cfg.ngram_max, b->units.v,
                        b->units.n, &b->grams);
}

lk_status lk_bow_add_text(lk_bow *b, const char *text, size_t len, lk_error *err)
{
    if (!b || (!text && len)) return lk_error_set(err, LK_ERR_ARG, "bad arguments");
    if (b->finished) return lk_error_set(err, LK_ERR_STATE, "vectorizer already finished");
    if (b->cfg.given_terms)
        return lk_error_set(err, LK_ERR_STATE, "this vectorizer takes terms, not text");
    b->grams.n = 0;
    lk_status st = b->cfg.analyzer == LK_ANALYZER_WORD ? add_words(b, text, len, err)
                                                       : add_chars(b, text, len, err);
    if (st == LK_OK) st = count_doc(b);
    if (st != LK_OK && err && err->code == LK_OK) lk_error_set(err, st, "%s", lk_status_str(st));
    return st;
}

lk_status lk_bow_add_tokens(lk_bow *b, const char *const *toks, const size_t *lens, size_t n,
                            lk_error *err)
{
    if (!b || (n && (!toks || !lens))) return lk_error_set(err, LK_ERR_ARG, "bad arguments");
    if (b->cfg.analyzer != LK_ANALYZER_WORD)
        return lk_error_set(err, LK_ERR_ARG, "tokens need the word analyzer");
    if (b->finished) return lk_error_set(err, LK_ERR_STATE, "vectorizer already finished");
    if (b->cfg.given_terms)
        return lk_error_set(err, LK_ERR_STATE, "this vectorizer takes terms, not tokens");
    lk_status st;
    b->units.n = 0;
    b->grams.n = 0;
    for (size_t i = 0; i < n; i++)
        if (memchr(toks[i], PY_SPACE, lens[i]))
            return lk_error_set(err, LK_ERR_ARG, "token %zu contains a space", i);
    if (n && (st = token_units(b, toks, sizeof *toks, lens, sizeof *lens, n)) != LK_OK)
        return lk_error_set(err, st, "%s", lk_status_str(st));
    st = lk_ngram_all(&b->tab, !b->fixed, b->cfg.ngram_min, b->cfg.ngram_max, b->units.v,
                      b->units.n, &b->grams);
    if (st == LK_OK) st = count_doc(b);
    if (st != LK_OK) return lk_error_set(err, st, "%s", lk_status_str(st));
    return LK_OK;
}

lk_status lk_bow_add_terms(lk_bow *b, const char *const *terms, const size_t *lens, size_t n,
                           lk_error *err)
{
    if (!b || (n && (!terms || !lens))) return lk_error_set(err, LK_ERR_ARG, "bad arguments");
    if (!b->cfg.given_terms)
        return lk_error_set(err, LK_ERR_STATE, "this vectorizer takes text, not terms");
    if (b->finished) return lk_error_set(err, LK_ERR_STATE, "vectorizer already finished");
    lk_status st = LK_OK;
    b->units.n = 0;
    b->grams.n = 0;
    if (n && (st = token_units(b, terms, sizeof *terms, lens, sizeof *lens, n)) != LK_OK)
        return lk_error_set(err, st, "%s", lk_status_str(st));
    /* the terms are the document's grams; in transform mode unknown ones (LK_TERM_NONE)
       are left out */
    lk_idbuf *u = &b->units, *g = &b->grams;
    if (n && (st = lk_grow((void **)&g->v, &g->cap, n, sizeof *g->v)) != LK_OK)
        return lk_error_set(err, st, "%s", lk_status_str(st));
    for (size_t i = 0; i < u->n; i++)
        if (u->v[i] != LK_TERM_NONE) g->v[g->n++] = u->v[i];
    if ((st = count_doc(b)) != LK_OK) return lk_error_set(err, st, "%s", lk_status_str(st));
    return LK_OK;
}
