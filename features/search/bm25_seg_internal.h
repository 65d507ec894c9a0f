/* bm25_seg_internal.h: one segment of a BM25 index, i.e. one LKBX file (layout in
   bm25_index_internal.h), mmap'd or in memory and fully checked on open: the dictionary
   (with a sampled first-level lookup), postings, document ids and lengths, stored fields and
   positions. A segment knows nothing of manifests or of other segments: bm25_index.c lists
   them. Read-only once open; may be shared by threads. */
#ifndef LK_FEATURES_BM25_SEG_INTERNAL_H
#define LK_FEATURES_BM25_SEG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/search/bm25_index.h"
#include "features/search/bm25_positions_internal.h"
#include "features/search/bm25_store_internal.h"
#include "features/search/postings.h"
#include "text/fileio.h"

struct lk_bm25__seg {
    const unsigned char *base; /* payload */
    void *map;                 /* mmap'd file, or NULL for an image in memory */
    size_t map_len;
    uint32_t n_docs;
    uint64_t n_terms, total_len;
    const unsigned char *settings, *doclens, *idoffs, *idblob, *dict, *termblob, *post;
    uint64_t settings_len, idblob_len, termblob_len, post_len;
    uint64_t *skey;            /* first-level dictionary index: the key (term_key) of every
                                  DICT_SAMPLE-th term, n_skey of them */
    uint64_t n_skey;
    char *file;                /* the file, or NULL for an image in memory */
    lk_bm25__store store;      /* stored fields (v3), valid when has_store */
    bool has_store;
    lk_bm25__pos pos;          /* term positions (v4), valid when has_pos */
    bool has_pos;
};

/* Open the LKBX file `file` (mmap) / the image buf[0..n) (borrowed: it must outlive the
   segment): magic, version, checksum and every section bound are checked; errors name the
   file ("<memory>" for an image). */
lk_status lk_bm25__seg_open(const char *file, lk_bm25__seg **out, lk_error *err);
lk_status lk_bm25__seg_open_mem(const void *buf, size_t n, lk_bm25__seg **out, lk_error *err);
void lk_bm25__seg_free(lk_bm25__seg *s); /* NULL is a no-op */

/* The segment's file ("<memory>" for an image; borrowed). */
const char *lk_bm25__seg_file(const lk_bm25__seg *s);

/* Id of document doc (< n_docs; borrowed, not NUL-terminated) and its length in terms. */
static inline const char *lk_bm25__seg_doc_id(const lk_bm25__seg *s, uint32_t doc, size_t *len)
{
    uint64_t a = lk_get_u64(s->idoffs + 8u * (uint64_t)doc);
    uint64_t b = lk_get_u64(s->idoffs + 8u * ((uint64_t)doc + 1));
    *len = (size_t)(b - a);
    return (const char *)s->idblob + a;
}

static inline uint32_t lk_bm25__seg_doc_len(const lk_bm25__seg *s, uint32_t doc)
{
    return lk_get_u32(s->doclens + 4u * (uint64_t)doc);
}

/* Dictionary index of a term, or -1; the first term not below s[0..len) in byte order
   (n_terms if none): the terms starting with a prefix are a run. */
int64_t lk_bm25__seg_find(const lk_bm25__seg *s, const char *term, size_t len);
uint64_t lk_bm25__seg_lower_bound(const lk_bm25__seg *s, const char *term, size_t len);
/* The terms of s that start with p[0..len): [*first, *end) (two binary searches). */
void lk_bm25__seg_prefix_range(const lk_bm25__seg *s, const char *p, size_t len,
                               uint64_t *first, uint64_t *end);
/* The terms a prefix* clause matches in s, as one or two runs: those starting with p->s
   ([*first, *end)), and p->alt exactly when p->alt_len > 0 ([*alt_first, *alt_end): that
   one term, or empty). */
void lk_bm25__seg_prefix_runs(const lk_bm25__seg *s, const lk_bm25_prefix *p, uint64_t *first,
                              uint64_t *end, uint64_t *alt_first, uint64_t *alt_end);

/* Term t (< n_terms): its bytes, postings bytes and df (borrowed). */
void lk_bm25__seg_term(const lk_bm25__seg *s, uint64_t t, const char **term, size_t *len,
                       const unsigned char **post, size_t *post_len, uint32_t *df);
/* Postings bytes and df of term t. */
void lk_bm25__seg_postings(const lk_bm25__seg *s, uint64_t t, const unsigned char **post,
                           size_t *post_len, uint32_t *df);
uint32_t lk_bm25__seg_df(const lk_bm25__seg *s, uint64_t t);

/* The largest tf part over the bound summary of term t's postings (params p, mean length
   avgdl); false if the postings are corrupt. */
bool lk_bm25__seg_term_best(const lk_bm25__seg *s, uint64_t t, const lk_bm25_params *p,
                            double avgdl, double *best);
double lk_bm25__frontier_best(const lk_tf_dl *pairs, size_t np, const lk_bm25_params *p,
                              double avgdl);

/* The stored fields / positions of the segment, or NULL if it has none. */
const lk_bm25__store *lk_bm25__seg_store(const lk_bm25__seg *s);
const lk_bm25__pos *lk_bm25__seg_pos(const lk_bm25__seg *s);

/* ---- prefix terms (bm25_prefix.c) ------------------------------------------------------- */

/* A query term made of several terms of a segment, scored as one (a synonym, as Xapian's
   OP_SYNONYM; a prefix*): its postings (postings.h), encoded like the dictionary's and
   followed by `slack` readable bytes, and its number of documents (df 0: none). */
typedef struct {
    const unsigned char *post;
    size_t len, slack;
    uint32_t df;
} lk_bm25__vterm;

typedef struct lk_bm25__prefix_ws lk_bm25__prefix_ws; /* scratch of lk_bm25__seg_prefix */
lk_status lk_bm25__prefix_ws_create(lk_bm25__prefix_ws **out);
void lk_bm25__prefix_ws_free(lk_bm25__prefix_ws *w); /* NULL is a no-op */

/* The postings of the synonym of every term of segment s that prefix p matches, into out
   (its contents replaced; *v points into it until out changes): each live document (not in
   `deleted`, a bitmap or NULL) holding one of those terms, its tf the sum of their tfs.
   LK_ERR_FORMAT naming the file if a postings list is corrupt; LK_ERR_NOMEM. */
lk_status lk_bm25__seg_prefix(const lk_bm25__seg *s, const uint64_t *deleted,
                              const lk_bm25_prefix *p, lk_bm25__prefix_ws *w, lk_bytes *out,
                              lk_bm25__vterm *v, lk_error *err);

/* ---- searching one segment (bm25_seg_search.c) ----------------------------------------- */

/* Collection statistics for searching one segment of an index. */
typedef struct {
    double n_docs;           /* live documents of the whole collection (N) */
    double avgdl;            /* their mean length */
    const uint32_t *df;      /* live df in the collection of each query term */
    const double *best;      /* largest tf_part of each query term over the collection's
                                bound summaries (max over segments): the scoring order;
                                NULL for one segment (its own bounds are the collection's) */
    const int64_t *tix;      /* the segment's dictionary index of each query term, or -1;
                                the segment's n_terms + j for a synonym: vt[j] */
    const lk_bm25__vterm *vt; /* the query's synonyms in the segment (NULL: none) */
    const uint64_t *deleted; /* the segment's deleted documents (bitmap), or NULL */
    uint32_t doc_base;       /* the segment's first document number in the index */
    double floor;            /* k documents of other segments score at least this: lower
                                scores cannot enter the top k (-HUGE_VAL: none) */
} lk_bm25__coll;

typedef struct lk_bm25__seg_ws lk_bm25__seg_ws; /* per-thread search scratch of a segment */
lk_status lk_bm25__seg_ws_create(const lk_bm25__seg *s, lk_bm25__seg_ws **out);
void lk_bm25__seg_ws_free(lk_bm25__seg_ws *ws); /* NULL is a no-op */

/* The top k (opts) of the segment for n_terms query terms (g->df, g->tix: n_terms each),
   scored with the collection's statistics g: hits carry the segment's doc numbers, g's
   deleted documents and scores below g->floor are never returned. *hits is borrowed from
   ws until its next search; LK_ERR_FORMAT if a postings list is corrupt. */
lk_status lk_bm25__seg_search(lk_bm25__seg_ws *ws, size_t n_terms,
                              const lk_bm25_search_opts *opts, const lk_bm25__coll *g,
                              const lk_bm25_hit **hits, size_t *n_hits, lk_error *err);

#endif
