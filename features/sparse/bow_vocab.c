/* bow_vocab.c: fixed vocabularies for lk_bow (transform mode): set from memory, copied from
   a fitted vectorizer, loaded from and saved to TSV. */
#include "features/sparse/bow.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "features/features_internal.h"
#include "text/fileio.h"
#include "text/utf8.h"

#define VOCAB_HEADER "#n_docs"
#define ANALYZER_HEADER "#analyzer"
#define DESCRIBE_CAP 160

/* Id chain of one vocabulary term: its units (words split at ' ', or code points), then
   one pair per further unit; with given terms, the term as one unit. */
static lk_status term_id(lk_bow *b, const char *s, size_t len, uint32_t *id, lk_error *err)
{
    lk_termtab *t = &b->tab;
    lk_status st;
    uint32_t cur = LK_TERM_NONE, u;
    if (b->cfg.given_terms) {
        if ((st = lk_termtab_unit(t, s, len, true, &cur)) != LK_OK) return st;
    } else if (b->cfg.analyzer == LK_ANALYZER_WORD) {
        size_t i = 0;
        for (;;) {
            const char *sp = memchr(s + i, PY_SPACE, len - i);
            size_t e = sp ? (size_t)(sp - s) : len;
            if (e == i) /* a leading, trailing or doubled space: no token is empty */
                return lk_error_set(err, LK_ERR_PARSE, "term '%.*s' has a stray space (word "
                                    "n-grams are tokens joined by one space)",
                                    (int)(len < 80 ? len : 80), s);
            if ((st = lk_termtab_unit(t, s + i, e - i, true, &u)) != LK_OK) return st;
            if (cur == LK_TERM_NONE) cur = u;
            else if ((st = lk_termtab_pair(t, cur, u, true, &cur)) != LK_OK) return st;
            if (!sp) break;
            i = e + 1;
        }
    } else {
        for (size_t i = 0; i < len;) {
            int32_t cp;
            size_t k = lk_utf8_decode(s + i, len - i, &cp);
            if (k == 0) return lk_error_set(err, LK_ERR_PARSE, "invalid UTF-8 in term");
            if ((st = lk_termtab_unit(t, s + i, k, true, &u)) != LK_OK) return st;
            if (cur == LK_TERM_NONE) cur = u;
            else if ((st = lk_termtab_pair(t, cur, u, true, &cur)) != LK_OK) return st;
            i += k;
        }
    }
    *id = cur;
    return LK_OK;
}

/* Give column `col` to term s[0..len); a duplicate is LK_ERR_ARG. */
static lk_status add_term(lk_bow *b, const char *s, size_t len, int32_t col, lk_error *err)
{
    if (len == 0 && !b->cfg.given_terms) return lk_error_set(err, LK_ERR_ARG, "empty term");
    uint32_t id = 0;
    lk_status st = term_id(b, s, len, &id, err);
    if (st != LK_OK) return (err && err->code != LK_OK) ? st : lk_error_set(err, st, "%s", lk_status_str(st));
    if (b->tab.col[id] >= 0)
        return lk_error_set(err, LK_ERR_ARG, "duplicate term '%.*s' (also column %d)",
                            (int)(len < 80 ? len : 80), s, (int)b->tab.col[id]);
    b->tab.col[id] = col;
    if ((size_t)col >= b->terms_cap) {
        size_t cap = b->terms_cap, cap2 = cap;
        if (lk_grow((void **)&b->col_id, &cap, (size_t)col + 1, sizeof *b->col_id) != LK_OK ||
            lk_grow((void **)&b->df, &cap2, (size_t)col + 1, sizeof *b->df) != LK_OK)
            return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
        b->terms_cap = cap < cap2 ? cap : cap2;
    }
    b->col_id[col] = id;
    b->df[col] = 0;
    return LK_OK;
}

static lk_status begin_vocab(lk_bow *b, lk_error *err)
{
    if (b->fixed || b->finished || b->n_docs > 0)
        return lk_error_set(err, LK_ERR_STATE, "a vocabulary must be set before any document");
    return LK_OK;
}

lk_status lk_bow_set_vocab(lk_bow *b, const char *const *terms, const size_t *lens, size_t n,
                           const int64_t *df, int64_t fit_n_docs, lk_error *err)
{
    if (!b || (n && (!terms || !lens))) return lk_error_set(err, LK_ERR_ARG, "bad arguments");
    lk_status st = begin_vocab(b, err);
    if (st != LK_OK) return st;
    if (n == 0 || n > INT32_MAX) return lk_error_set(err, LK_ERR_ARG, "empty vocabulary");
    /* col_id/df grow with lk_grow: give them exact room up front */
    b->col_id = malloc(n * sizeof *b->col_id);
    b->df = malloc(n * sizeof *b->df);
    if (df) b->fit_df = malloc(n * sizeof *b->fit_df);
    if (!b->col_id || !b->df || (df && !b->fit_df)) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    b->terms_cap = n;
    for (size_t i = 0; i < n; i++) {
        if ((st = add_term(b, terms[i], lens[i], (int32_t)i, err)) != LK_OK) {
            lk_error_prefix(err, "vocabulary entry %zu: ", i + 1);
            return st;
        }
        if (df) b->fit_df[i] = df[i];
    }
    b->n_terms = (int32_t)n;
    b->fit_n_docs = fit_n_docs;
    b->fixed = true;
    return LK_OK;
}

lk_status lk_bow_create_transform(const lk_bow *fitted, lk_bow **out)
{
    *out = NULL;
    if (!fitted || !fitted->finished || fitted->n_terms == 0) return LK_ERR_ARG;
    size_t n = (size_t)fitted->n_terms;
    const char **terms = malloc(n * sizeof *terms);
    size_t *lens = malloc(n * sizeof *lens);
    int64_t *df = malloc(n * sizeof *df);
    lk_bow *b = NULL;
    lk_status st = LK_ERR_NOMEM;
    if (!terms || !lens || !df) goto done;
    for (size_t c = 0; c < n; c++) {
        terms[c] = lk_bow_term(fitted, (int32_t)c, &lens[c]);
        df[c] = lk_bow_fit_df(fitted, (int32_t)c);
    }
    if ((st = lk_bow_create(&fitted->cfg, &b)) != LK_OK) goto done;
    st = lk_bow_set_vocab(b, terms, lens, n, df, lk_bow_fit_n_docs(fitted), NULL);
done:
    free(terms);
    free(lens);
    free(df);
    if (st != LK_OK) lk_bow_free(b);
    else *out = b;
    return st;
}

/* ---- TSV ---------------------------------------------------------------------------- */

/* Undo the \t \n \r \\ escapes in place; returns the new length, or (size_t)-1 with *bad
   the offset of a bad escape. */
static size_t unescape(char *s, size_t len, size_t *bad)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\') {
            s[o++] = s[i];
            continue;
        }
        char c = i + 1 < len ? s[i + 1] : '\0';
        char r = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == '\\' ? '\\' : 0;
        if (!r) {
            *bad = i;
            return (size_t)-1;
        }
        s[o++] = r;
        i++;
    }
    return o;
}

static bool parse_i64(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || len > 19) return false;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* A word2vec text file's first line "WORDS DIM": two integers, nothing else. */
static bool is_vectors_header(const char *s, size_t len)
{
    size_t i = 0, fields = 0;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\r')) len--;
    while (i < len) {
        size_t d = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++;
        if (i == d || ++fields > 2) return false;
        if (i < len && s[i++] != ' ') return false;
    }
    return fields == 2;
}

/* Whether this run's analyzer can make the term t[0..len) (unescaped): NULL, or why not
   with *off the byte offset of the first character it cannot make. Word n-grams are 1 to
   ngram_max words joined by spaces, without tabs or line breaks; character n-grams have at
   most ngram_max code points. Given terms are taken as they are. */
static const char *impossible_term(const lk_bow_config *c, const char *t, size_t len,
                                   size_t *off)
{
    if (c->given_terms) return NULL;
    if (c->analyzer != LK_ANALYZER_WORD) {
        size_t chars = 0;
        for (size_t i = 0; i < len; i++)
            if (((unsigned char)t[i] & 0xC0) != 0x80 && ++chars > (size_t)c->ngram_max) {
                *off = i;
                return "more characters than the longest n-gram of this run";
            }
        return NULL;
    }
    int32_t words = 0; /* a stray space is term_id's error */
    for (size_t i = 0; i < len; i++) {
        if (t[i] == '\t' || t[i] == '\n' || t[i] == '\r') {
            *off = i;
            return "a tab or line break inside a word term";
        }
        if (t[i] == ' ' || (i > 0 && t[i - 1] != ' ')) continue;
        *off = i;
        if (++words > c->ngram_max) return "more words than the longest n-gram of this run";
    }
    return NULL;
}

typedef struct {
    lk_bow *b;
    const char *path;
    int64_t lineno;
    int32_t n;
    bool have_df, have_header;
    size_t df_cap;
} vocab_reader;

/* One line of the vocabulary file. */
static lk_status vocab_line(vocab_reader *v, char *line, size_t len, lk_error *err)
{
    char *f[4];
    size_t fl[4], nf = 0, s = 0;
    for (size_t i = 0; i <= len && nf < 4; i++) {
        if (i == len || line[i] == '\t') {
            f[nf] = line + s;
            fl[nf++] = i - s;
            s = i + 1;
        }
    }
    if (v->lineno == 1 && nf == 2 && fl[0] == strlen(VOCAB_HEADER) &&
        memcmp(f[0], VOCAB_HEADER, fl[0]) == 0) {
        if (!parse_i64(f[1], fl[1], &v->b->fit_n_docs))
            return lk_error_at(err, v->path, v->lineno, (int64_t)fl[0] + 2, "bad document count");
        v->have_header = true;
        return LK_OK;
    }
    if (v->lineno == 2 && v->have_header && nf == 2 && fl[0] == strlen(ANALYZER_HEADER) &&
        memcmp(f[0], ANALYZER_HEADER, fl[0]) == 0) {
        char mine[DESCRIBE_CAP];
        lk_bow_config_describe(&v->b->cfg, mine, sizeof mine);
        if (fl[1] != strlen(mine) || memcmp(f[1], mine, fl[1]) != 0)
            return lk_error_set(err, LK_ERR_ARG,
                                "%s:2: the vocabulary was made with %.*s; this run uses %s (the "
                                "same analyzer, ngram_min/max, lower, tokenizer, stop_words)",
                                v->path, (int)(fl[1] < 200 ? fl[1] : 200), f[1], mine);
        return LK_OK;
    }
    if (v->lineno == 1 && nf == 1 && is_vectors_header(line, len))
        return lk_error_at(err, v->path, 1, 1,
                           "this looks like the 'WORDS DIM' header of word2vec vectors, not a "
                           "vocabulary (`term` or `term<TAB>column<TAB>df` lines, as --vocab-out "
                           "writes)");
    if (nf != 1 && nf != 3)
        return lk_error_at(err, v->path, v->lineno, 1,
                           "expected `term` or `term<TAB>column<TAB>df`, got %zu fields", nf);
    if (v->n == 0) v->have_df = nf == 3;
    if ((nf == 3) != v->have_df)
        return lk_error_at(err, v->path, v->lineno, 1, "inconsistent number of fields");
    size_t bad = 0, tl = unescape(f[0], fl[0], &bad);
    if (tl == (size_t)-1)
        return lk_error_at(err, v->path, v->lineno, lk_utf8_column(line, bad),
                           "bad escape (use \\t \\n \\r \\\\)");
    size_t at = 0;
    const char *why = impossible_term(&v->b->cfg, f[0], tl, &at);
    if (why) {
        char shown[64];
        lk_utf8_printable(f[0], tl, shown, sizeof shown);
        char ngram[32];
        snprintf(ngram, sizeof ngram, ", ngram %d:%d", (int)v->b->cfg.ngram_min,
                 (int)v->b->cfg.ngram_max);
        /* the column in the line: exact unless an escape came before `at` */
        int64_t col = lk_utf8_column(line, at < fl[0] ? at : fl[0]);
        return lk_error_at(err, v->path, v->lineno, col,
                           "'%s' cannot be a term of this run (%s analyzer%s: %s); is this a "
                           "vocabulary (`term` or `term<TAB>column<TAB>df` lines, as "
                           "--vocab-out writes)?", shown,
                           v->b->cfg.analyzer == LK_ANALYZER_WORD ? "word"
                           : v->b->cfg.analyzer == LK_ANALYZER_CHAR ? "char" : "char_wb",
                           ngram, why);
    }
    int64_t col = v->n, df = 0;
    if (nf == 3) {
        int64_t c1 = lk_utf8_column(line, (size_t)(f[1] - line));
        if (!parse_i64(f[1], fl[1], &col) || col != v->n)
            return lk_error_at(err, v->path, v->lineno, c1, "column must be %d (line order)",
                               (int)v->n);
        if (!parse_i64(f[2], fl[2], &df))
            return lk_error_at(err, v->path, v->lineno, lk_utf8_column(line, (size_t)(f[2] - line)),
                               "bad document frequency");
        if (lk_grow((void **)&v->b->fit_df, &v->df_cap, (size_t)v->n + 1, sizeof *v->b->fit_df))
            return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
        v->b->fit_df[v->n] = df;
    }
    lk_status st = add_term(v->b, f[0], tl, v->n, err);
    if (st != LK_OK) {
        lk_error temp = *err;
        return lk_error_at(err, v->path, v->lineno, 1, "%s", temp.msg);
    }
    if (v->n == INT32_MAX - 1) return lk_error_at(err, v->path, v->lineno, 1, "too many terms");
    v->b->n_terms = ++v->n;
    return LK_OK;
}

lk_status lk_bow_load_vocab(lk_bow *b, const char *path, lk_error *err)
{
    if (!b || !path) return lk_error_set(err, LK_ERR_ARG, "bad arguments");
    lk_status st = begin_vocab(b, err);
    if (st != LK_OK) return st;
    lk_line_reader *r = NULL;
    if ((st = lk_line_reader_open(path, &r, err)) != LK_OK) return st;
    vocab_reader v = {.b = b, .path = path};
    for (;;) {
        const char *line;
        size_t len;
        bool got;
        if ((st = lk_line_reader_next(r, &line, &len, &got, err)) != LK_OK || !got) break;
        v.lineno = lk_line_reader_lineno(r);
        if ((st = lk_utf8_check_line(line, len, path, v.lineno, err)) != LK_OK) break;
        if ((st = vocab_line(&v, (char *)line, len, err)) != LK_OK) break;
    }
    lk_line_reader_free(r);
    if (st == LK_OK && v.n == 0) st = lk_error_set(err, LK_ERR_PARSE, "%s: empty vocabulary", path);
    if (st == LK_OK && v.have_df && !v.have_header) {
        free(b->fit_df); /* df without the collection size cannot give an idf */
        b->fit_df = NULL;
    }
    if (st == LK_OK && !v.have_df) {
        free(b->fit_df);
        b->fit_df = NULL;
    }
    if (st == LK_OK) b->fixed = true;
    return st;
}

typedef struct {
    const lk_bow *b;
} vocab_writer;

static lk_status write_escaped(FILE *fp, const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        const char *e = c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\\' ? "\\\\" : NULL;
        if (!e) continue;
        if (fwrite(s + run, 1, i - run, fp) != i - run || fputs(e, fp) == EOF) return LK_ERR_IO;
        run = i + 1;
    }
    return fwrite(s + run, 1, len - run, fp) == len - run ? LK_OK : LK_ERR_IO;
}

static lk_status write_vocab(FILE *fp, void *ctx, lk_error *err)
{
    const lk_bow *b = ((vocab_writer *)ctx)->b;
    char desc[DESCRIBE_CAP];
    lk_bow_config_describe(&b->cfg, desc, sizeof desc);
    if (fprintf(fp, "%s\t%" PRId64 "\n%s\t%s\n", VOCAB_HEADER, lk_bow_fit_n_docs(b),
                ANALYZER_HEADER, desc) < 0)
        goto fail;
    for (int32_t c = 0; c < b->n_terms; c++) {
        size_t len;
        const char *s = lk_bow_term(b, c, &len);
        if (write_escaped(fp, s, len) != LK_OK) goto fail;
        if (fprintf(fp, "\t%d\t%" PRId64 "\n", (int)c, lk_bow_fit_df(b, c)) < 0) goto fail;
    }
    return LK_OK;
fail:
    return lk_error_set(err, LK_ERR_IO, "vocabulary: write error: %s", strerror(errno));
}

lk_status lk_bow_write_vocab(const lk_bow *b, FILE *fp, lk_error *err)
{
    if (!b || b->n_terms == 0)
        return lk_error_set(err, LK_ERR_ARG, "no vocabulary to save (finish first)");
    vocab_writer w = {b};
    return write_vocab(fp, &w, err);
}

lk_status lk_bow_save_vocab(const lk_bow *b, const char *path, lk_error *err)
{
    if (!b || !path || b->n_terms == 0)
        return lk_error_set(err, LK_ERR_ARG, "no vocabulary to save (finish first)");
    vocab_writer w = {b};
    return lk_write_atomic(path, write_vocab, &w, err);
}
