/* bm25_index_internal.h: the LKBX v2/v3 payload layout shared by bm25_index.c (reader) and
   bm25_build.c (writer). All values little-endian; offsets are relative to the payload.
   meta: u64 fields in the order of the META_* indexes below, then the sections:
     settings   settings_len bytes (analyzer settings, text)
     doclens    n_docs x u32
     idoffs     (n_docs + 1) x u64 offsets into idblob
     idblob     document ids, concatenated
     dict       n_terms x DICT_ENTRY: u64 term_off, u64 post_off, u32 df, u32 term_len
                (terms sorted bytewise; postings of term i end where term i+1's begin)
     termblob   term strings, concatenated
     postings   postings lists (postings.h)
     store      v3: stored fields (bm25_store_internal.h); v2 has neither the section nor
                its two meta fields (the v2 layout is written when nothing is stored)
     positions  v4: term positions (bm25_positions_internal.h), written with --positions
                (v4 = v3 + this section and its two meta fields; its store section may be
                empty: nothing stored) */
#ifndef LK_FEATURES_BM25_INDEX_INTERNAL_H
#define LK_FEATURES_BM25_INDEX_INTERNAL_H

enum {
    META_N_DOCS = 0,
    META_N_TERMS,
    META_TOTAL_LEN,
    META_SETTINGS_OFF,
    META_SETTINGS_LEN,
    META_DOCLENS_OFF,
    META_IDOFFS_OFF,
    META_IDBLOB_OFF,
    META_IDBLOB_LEN,
    META_DICT_OFF,
    META_TERMBLOB_OFF,
    META_TERMBLOB_LEN,
    META_POST_OFF,
    META_POST_LEN,
    META_STORE_OFF, /* v3 only: the stored-fields section (bm25_store_internal.h) */
    META_STORE_LEN,
    META_POS_OFF, /* v4 only: the positions section (bm25_positions_internal.h) */
    META_POS_LEN,
    META_N_FIELDS
};

#define META_N_FIELDS_V2 (META_STORE_OFF)
#define META_BYTES_V2 (META_N_FIELDS_V2 * 8u)
#define META_N_FIELDS_V3 (META_POS_OFF)
#define META_BYTES (META_N_FIELDS * 8u)
#define LK_BM25_INDEX_VERSION_PLAIN 2u /* written when nothing is stored: the v2 layout */
#define LK_BM25_INDEX_VERSION_STORE 3u /* stored fields, no positions: the v3 layout */
#define DICT_ENTRY 24u

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/search/bm25_index.h"

/* Term t (< n_terms) of an open one-file index: its bytes, postings bytes and df (borrowed). */
void lk_bm25__index_term(const lk_bm25_index *x, uint64_t t, const char **s, size_t *len,
                         const unsigned char **post, size_t *post_len, uint32_t *df);

/* Sum of the document lengths of a one-file index. */
uint64_t lk_bm25__index_total_len(const lk_bm25_index *x);

/* Number of terms of a one-file index, and the first term (dictionary index) not below
   s[0..len) in byte order (n_terms if none): the terms starting with a prefix are a run. */
uint64_t lk_bm25__index_n_terms(const lk_bm25_index *x);
uint64_t lk_bm25__index_lower_bound(const lk_bm25_index *x, const char *s, size_t len);

/* Dictionary index of a term in a one-file index, or -1. */
int64_t lk_bm25__index_find(const lk_bm25_index *x, const char *term, size_t len);

/* The file an index was opened from ("<memory>" for open_mem); borrowed. */
const char *lk_bm25__index_file(const lk_bm25_index *x);

struct lk_bm25__segset;
/* The segments of an index opened from a manifest, or NULL for a one-file index. */
const struct lk_bm25__segset *lk_bm25__index_segs(const lk_bm25_index *idx);

/* Largest tf_part (params p, mean length avgdl) over the bound summary of term t of a
   one-file index; false if its postings are corrupt. */
bool lk_bm25__term_best(const lk_bm25_index *x, uint64_t t, const lk_bm25_params *p,
                        double avgdl, double *best);

/* Collection statistics for searching one segment of a segmented index. */
typedef struct {
    double n_docs;           /* live documents of the whole collection (N) */
    double avgdl;            /* their mean length */
    const uint32_t *df;      /* live df in the collection of each query term (as terms[]) */
    const double *best;      /* largest tf_part of each query term over the collection's
                                bound summaries (max over segments): the scoring order */
    const uint64_t *deleted; /* the segment's deleted documents (bitmap), or NULL */
    uint32_t doc_base;       /* the segment's first document number in the index */
    double floor;            /* k documents of other segments score at least this: lower
                                scores cannot enter the top k (-HUGE_VAL: none) */
} lk_bm25__global;

/* lk_bm25_search_terms on one one-file index (segment), with the statistics of g (NULL:
   the segment's own); g's deleted documents and scores below g->floor are never returned. */
lk_status lk_bm25__search_segment(const lk_bm25_index *idx, lk_bm25_ws *ws, const lk_term *terms,
                                  size_t n_terms, const lk_bm25_search_opts *opts,
                                  const lk_bm25__global *g, const lk_bm25_hit **hits,
                                  size_t *n_hits, lk_error *err);

#endif
