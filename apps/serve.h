/* serve.h: the pieces of `lexkit serve`: served indexes with reference-counted snapshots
   (reopened when the index directory changes; a search in flight keeps its snapshot),
   searches answered as JSON, writes through the crash-safe segment code of `lexkit index`
   (--add/--delete/--merge), and a growable byte buffer for the responses. */
#ifndef LK_APPS_SERVE_H
#define LK_APPS_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/search/bm25_index.h"
#include "text/error.h"

/* A growable byte buffer (NUL-terminated when non-empty); OOM sets `oom` and drops bytes. */
typedef struct {
    char *data;
    size_t len, cap;
    bool oom;
} lk_sbuf;

void lk_sbuf_put(lk_sbuf *b, const char *s, size_t n);
void lk_sbuf_puts(lk_sbuf *b, const char *s);
void lk_sbuf_printf(lk_sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* s[0..n) as a JSON string literal (quotes, escapes; UTF-8 passed through). */
void lk_sbuf_json_str(lk_sbuf *b, const char *s, size_t n);
void lk_sbuf_free(lk_sbuf *b);

typedef struct lk_serve_index lk_serve_index;

/* Open the index in `dir` to serve it as `name` (both copied), with one search workspace
   made (its analyzers, a Chinese model included, loaded now, not by the first request).
   tmpdir: a private directory for the temporary files of writes (borrowed). */
lk_status lk_serve_index_open(const char *dir, const char *name, const char *tmpdir,
                              lk_serve_index **out, lk_error *err);
void lk_serve_index_free(lk_serve_index *x); /* NULL is a no-op; no request may be running */
const char *lk_serve_index_name(const lk_serve_index *x);

typedef struct {
    const char *q;          /* query text (UTF-8, checked) */
    size_t q_len;
    lk_bm25_search_opts so; /* k, variant, ... */
    const char *fields;     /* comma-separated stored fields per hit, or NULL */
    bool snippet;           /* a highlighted passage per hit */
} lk_serve_query;

/* Search one snapshot of x and append {"hits": [...], "query": ..., "index": ...,
   "took_ms": ...} to out. Bad query text is LK_ERR_PARSE. */
lk_status lk_serve_search(lk_serve_index *x, const lk_serve_query *q, lk_sbuf *out,
                          lk_error *err);

/* Append {"name", "dir", "documents", "segments", "terms", "avgdl", "settings"} of the
   current snapshot to out. */
lk_status lk_serve_info(lk_serve_index *x, lk_sbuf *out, lk_error *err);

/* Add or replace (same id) the JSON Lines documents of body[0..len): the replaced ones are
   tombstoned and the body written as a new segment in one atomic commit (as `lexkit index
   --add --delete`). Errors name the body as "body:LINE:COL". Visible to the next search
   when this returns LK_OK. */
lk_status lk_serve_add(lk_serve_index *x, const char *body, size_t len, size_t *n_added,
                       size_t *n_replaced, lk_error *err);

/* Delete the document with id[0..len): *found false (and LK_OK) when there is none. */
lk_status lk_serve_delete(lk_serve_index *x, const char *id, size_t len, bool *found,
                          lk_error *err);

/* Rewrite every segment into one (`lexkit index --merge`). */
lk_status lk_serve_merge(lk_serve_index *x, lk_error *err);

/* Snapshots opened since start (1 + reopenings), for tests via /info. */
uint64_t lk_serve_index_generation(lk_serve_index *x);
/* Search workspaces made since start (1 at open; another for each request that found none
   idle, or after the analyzer settings changed), each loading the index's analyzers. */
uint64_t lk_serve_index_workspaces(lk_serve_index *x);

#endif
