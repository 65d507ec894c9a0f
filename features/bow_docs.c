/* bow_docs.c: feeding a document collection file to lk_bow. */
#include "features/bow.h"

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
    if (st == LK_ERR_PARSE) lk_error_prefix(err, "%s:%lld:", path, (long long)d->line);
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

lk_status lk_bow_add_file(lk_bow *b, const char *path, lk_docs_format fmt, lk_log_fn log,
                          void *log_user, lk_error *err)
{
    if (!b || !path) return lk_error_set(err, LK_ERR_ARG, "bad arguments");
    lk_docs_reader *r = NULL;
    lk_status st = lk_docs_open(path, fmt, &r, err);
    if (st != LK_OK) return st;
    uint64_t size = lk_docs_size(r);
    if (size > 0) { /* hints: allocation failures here are not errors */
        size_t bound = nnz_bound(&b->cfg, size);
        (void)lk_bow_reserve_nnz(b, bound);
        if (!b->fixed) (void)lk_termtab_reserve(&b->tab, bound, arena_bound(&b->cfg, size));
    }
    char *join = NULL;
    size_t join_cap = 0;
    int64_t n = 0;
    for (;;) {
        lk_doc d;
        bool got;
        if ((st = lk_docs_next(r, &d, &got, err)) != LK_OK || !got) break;
        if ((st = add_doc(b, &d, &join, &join_cap, path, err)) != LK_OK) break;
        if (log && ++n % PROGRESS_EVERY == 0) report(log, log_user, r, n);
    }
    if (st == LK_OK && log) report(log, log_user, r, n);
    free(join);
    lk_docs_free(r);
    return st;
}
