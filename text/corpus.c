/* corpus.c: the document reader (JSON Lines or plain text) and the UTF-8 check shared
   by all corpus readers. The JSON parser is in jsonl.c, CoNLL-U and word/TAG in conllu.c. */
#include "text/corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/corpus_internal.h"
#include "text/docdir.h"
#include "text/fileio.h"
#include "text/utf8.h"

#define ASCII_HIGHS 0x8080808080808080ull

lk_status lk_corpus_check_utf8(const char *s, size_t len, const char *path, int64_t line,
                               lk_error *err)
{
    size_t i = 0;
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & ASCII_HIGHS) break;
        i += 8;
    }
    while (i < len && (unsigned char)s[i] < 0x80) i++;
    if (i == len) return LK_OK;
    return lk_utf8_check_line(s, len, path, line, err);
}

lk_status lk_corpus_next_line(lk_line_reader *r, bool skip_blank, bool check_utf8,
                              const char **line, size_t *len, int64_t *lineno, bool *got,
                              lk_error *err)
{
    for (;;) {
        lk_status st = lk_line_reader_next(r, line, len, got, err);
        if (st != LK_OK || !*got) return st;
        if (skip_blank && lk_corpus_is_blank(*line, *len)) continue;
        *lineno = lk_line_reader_lineno(r);
        return check_utf8 ? lk_corpus_check_utf8(*line, *len, lk_line_reader_path(r), *lineno, err)
                          : LK_OK;
    }
}

/* ---- documents ------------------------------------------------------------------- */

#define DOC_ID_MAX 24 /* decimal int64 plus NUL */

struct lk_docs_reader {
    lk_line_reader *lines;
    lk_docdir *dir;           /* LK_DOCS_DIR */
    lk_docs_format fmt;
    lk_jsonl_scratch *scratch;
    const char *prefix;       /* lk_docs_set_id_prefix, or NULL */
    char *id;                 /* prefix + generated id */
    size_t id_cap;
    lk_docs_skipped none;     /* all zero: the skips of a file reader */
    char line_id[DOC_ID_MAX]; /* id of a plain-text document */
};

lk_status lk_docs_open(const char *path, lk_docs_format fmt, lk_docs_reader **out, lk_error *err)
{
    return lk_docs_open_as(path, NULL, fmt, out, err);
}

lk_status lk_docs_open_as(const char *path, const char *name, lk_docs_format fmt,
                          lk_docs_reader **out, lk_error *err)
{
    *out = NULL;
    if (fmt != LK_DOCS_JSONL && fmt != LK_DOCS_TEXT && fmt != LK_DOCS_DIR)
        return lk_error_set(err, LK_ERR_ARG, "unknown document format %d", (int)fmt);
    lk_docs_reader *r = calloc(1, sizeof *r);
    if (!r) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    r->fmt = fmt;
    lk_status st = fmt == LK_DOCS_DIR ? lk_docdir_open(path, &r->dir, err)
                                      : lk_line_reader_open_as(path, name, &r->lines, err);
    if (st == LK_OK && fmt == LK_DOCS_JSONL) {
        st = lk_jsonl_scratch_create(&r->scratch);
        if (st != LK_OK) lk_error_set(err, st, "out of memory");
    }
    if (st != LK_OK) {
        lk_docs_free(r);
        return st;
    }
    *out = r;
    return LK_OK;
}

lk_status lk_docs_set_id_prefix(lk_docs_reader *r, const char *prefix)
{
    if (r->fmt == LK_DOCS_JSONL && prefix) return LK_ERR_ARG;
    r->prefix = prefix && *prefix ? prefix : NULL;
    return LK_OK;
}

const lk_docs_skipped *lk_docs_skips(const lk_docs_reader *r)
{
    return r->dir ? lk_docdir_skips(r->dir) : &r->none;
}

/* doc->id = r->prefix + doc->id. */
static lk_status add_prefix(lk_docs_reader *r, lk_doc *doc)
{
    size_t pl = strlen(r->prefix), need = pl + doc->id_len + 1;
    if (need > r->id_cap) {
        void *p = r->id;
        lk_status st = lk_grow(&p, &r->id_cap, need, 1);
        if (st != LK_OK) return st;
        r->id = p;
    }
    memcpy(r->id, r->prefix, pl);
    memcpy(r->id + pl, doc->id, doc->id_len + 1);
    doc->id = r->id;
    doc->id_len += pl;
    return LK_OK;
}

static lk_status next_doc(lk_docs_reader *r, lk_doc *doc, bool *got, lk_error *err);

lk_status lk_docs_next(lk_docs_reader *r, lk_doc *doc, bool *got, lk_error *err)
{
    lk_status st = r->dir ? lk_docdir_next(r->dir, doc, got, err) : next_doc(r, doc, got, err);
    if (st == LK_OK && *got && r->prefix) st = add_prefix(r, doc);
    return st;
}

static lk_status next_doc(lk_docs_reader *r, lk_doc *doc, bool *got, lk_error *err)
{
    const char *line;
    size_t len;
    int64_t lineno;
    lk_status st = lk_corpus_next_line(r->lines, true, r->fmt != LK_DOCS_JSONL, &line, &len,
                                       &lineno, got, err);
    if (st != LK_OK || !*got) {
        *got = false;
        return st;
    }
    if (r->fmt == LK_DOCS_JSONL) {
        st = lk_jsonl_parse_doc(r->scratch, line, len, doc, lk_line_reader_path(r->lines), lineno, err);
        if (st != LK_OK) {
            *got = false;
            return st;
        }
        return LK_OK;
    }
    int n = snprintf(r->line_id, sizeof r->line_id, "%lld", (long long)lineno);
    doc->id = r->line_id;
    doc->id_len = (size_t)n;
    doc->title = "";
    doc->title_len = 0;
    doc->text = line;
    doc->text_len = len;
    doc->line = lineno;
    doc->fields = NULL;
    doc->n_fields = 0;
    return LK_OK;
}

uint64_t lk_docs_offset(const lk_docs_reader *r)
{
    return r->dir ? lk_docdir_offset(r->dir) : lk_line_reader_offset(r->lines);
}
uint64_t lk_docs_size(const lk_docs_reader *r)
{
    return r->dir ? lk_docdir_size(r->dir) : lk_line_reader_size(r->lines);
}

int64_t lk_docs_lines(const lk_docs_reader *r) { return r->lines ? lk_line_reader_lineno(r->lines) : 0; }

void lk_docs_free(lk_docs_reader *r)
{
    if (!r) return;
    lk_line_reader_free(r->lines);
    lk_docdir_free(r->dir);
    free(r->id);
    lk_jsonl_scratch_free(r->scratch);
    free(r);
}
