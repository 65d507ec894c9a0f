/* bow_docs.c: feeding a document collection file to lk_bow. */
#include "features/sparse/bow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/features_internal.h"
#include "text/corpus.h"

#define PROGRESS_EVERY 4096 /* documents between progress messages */

static void report(lk_log_fn log, void *user, const lk_docs_reader *r, int64_t n)
{
    char msg[128];
    uint64_t size = lk_docs_size(r);
    if (size)
        snprintf(msg, sizeof msg, "%5.1f%%  %lld docs", 100.0 * (double)lk_docs_offset(r) / (double)size,
                 (long long)n);
    else
        snprintf(msg, sizeof msg, "%lld docs", (long long)n);
    log(user, LK_LOG_PROGRESS, msg);
}

/* Parse errors of the analyzer ("COL: ...") get the document's "path:line:" prefix. */
static lk_status add_doc(lk_bow *b, const lk_doc *d, char **join, size_t *join_cap,
                         const char *path, lk_error *err)
{
    const char *text = d->text;
    size_t len = d->text_len;
    if (d->title_len) {
        size_t need = d->title_len + 1 + d->text_len;
        lk_status st = lk_grow((void **)join, join_cap, need, 1);
        if (st != LK_OK) return lk_error_set(err, st, "out of memory");
        memcpy(*join, d->title, d->title_len);
        (*join)[d->title_len] = ' ';
        memcpy(*join + d->title_len + 1, d->text, d->text_len);
        text = *join;
        len = need;
    }
    lk_status st = lk_bow_add_text(b, text, len, err);
    lk_error_locate(err, path, d->line);
    return st;
}

#define MAX_RESERVE ((uint64_t)1 << 31) /* entries */

/* An upper bound of the count matrix's entries from the input size: at most one token per
   2 bytes (a character and a separator), one code point per byte for the char analyzers,
   times the number of n-gram lengths. Only a hint: the matrix still grows past it. */
static size_t nnz_bound(const lk_bow_config *c, uint64_t bytes)
{
    uint64_t units = c->analyzer == LK_ANALYZER_WORD ? bytes / 2 : bytes;
    uint64_t lengths = (uint64_t)(c->ngram_max - c->ngram_min + 1);
    uint64_t n = units > MAX_RESERVE / lengths ? MAX_RESERVE : units * lengths;
    return (size_t)n;
}

/* An upper bound of the n-gram strings' bytes: each n-gram occurrence is at most n times
   the bytes of its longest unit, summed over the n-gram lengths. */
static size_t arena_bound(const lk_bow_config *c, uint64_t bytes)
{
    uint64_t sum_n = 0;
    for (int32_t n = c->ngram_min; n <= c->ngram_max; n++) sum_n += (uint64_t)n;
    uint64_t limit = MAX_RESERVE * 8;
    return (size_t)(bytes > limit / sum_n ? limit : bytes * sum_n);
}

/* Append id (escaped) and '\n' to the ids buffer. */
static lk_status push_id(const lk_bow_file_opts *o, const char *id, size_t len)
{
    lk_status st = lk_grow((void **)o->ids, o->ids_cap, *o->ids_len + 2 * len + 1, 1);
    if (st != LK_OK) return st;
    char *p = *o->ids + *o->ids_len;
    for (size_t i = 0; i < len; i++) {
        char c = id[i];
        char e = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\\' ? '\\' : 0;
        if (e) *p++ = '\\', *p++ = e;
        else *p++ = c;
    }
    *p++ = '\n';
    *o->ids_len = (size_t)(p - *o->ids);
    return LK_OK;
}

/* Empty documents for the blank lines from line `from` to line `to` (inclusive). */
static lk_status blank_docs(lk_bow *b, const lk_bow_file_opts *o, int64_t from, int64_t to,
                            lk_error *err)
{
    lk_status st = LK_OK;
    for (int64_t line = from; line <= to && st == LK_OK; line++) {
        st = lk_bow_add_text(b, "", 0, err);
        if (st == LK_OK && o->ids) {
            char id[24];
            int n = snprintf(id, sizeof id, "%lld", (long long)line);
            if ((st = push_id(o, id, (size_t)n)) != LK_OK) lk_error_set(err, st, "out of memory");
        }
    }
    return st;
}

lk_status lk_bow_add_file_opts(lk_bow *b, const char *path, lk_docs_format fmt,
                               const lk_bow_file_opts *o, lk_error *err)
{
    if (!b || !path || !o) return lk_error_set(err, LK_ERR_ARG, "bad arguments");
    lk_docs_reader *r = NULL;
    lk_status st = lk_docs_open(path, fmt, &r, err);
    if (st != LK_OK) return st;
    uint64_t size = lk_docs_size(r);
    if (size > 0) { /* hints: allocation failures here are not errors */
        size_t bound = nnz_bound(&b->cfg, size);
        (void)lk_bow_reserve_nnz(b, bound);
        if (!b->fixed) (void)lk_termtab_reserve(&b->tab, bound, arena_bound(&b->cfg, size));
    }
    bool blanks = o->blank_rows && fmt == LK_DOCS_TEXT;
    char *join = NULL;
    size_t join_cap = 0;
    int64_t n = 0, last_line = 0;
    for (;;) {
        lk_doc d;
        bool got;
        if ((st = lk_docs_next(r, &d, &got, err)) != LK_OK || !got) break;
        if (blanks && (st = blank_docs(b, o, last_line + 1, d.line - 1, err)) != LK_OK) break;
        last_line = d.line;
        if ((st = add_doc(b, &d, &join, &join_cap, path, err)) != LK_OK) break;
        if (o->ids && (st = push_id(o, d.id, d.id_len)) != LK_OK) {
            lk_error_set(err, st, "out of memory");
            break;
        }
        if (o->log && ++n % PROGRESS_EVERY == 0) report(o->log, o->log_user, r, n);
    }
    if (st == LK_OK && blanks) st = blank_docs(b, o, last_line + 1, lk_docs_lines(r), err);
    if (st == LK_OK && o->log) report(o->log, o->log_user, r, n);
    free(join);
    lk_docs_free(r);
    return st;
}

lk_status lk_bow_add_file(lk_bow *b, const char *path, lk_docs_format fmt, lk_log_fn log,
                          void *log_user, lk_error *err)
{
    lk_bow_file_opts o = {.log = log, .log_user = log_user};
    return lk_bow_add_file_opts(b, path, fmt, &o, err);
}
