/* bm25_info.h: describing an open BM25 index for people (lexkit index --info): documents,
   segments, terms, analyzer settings, stored fields; one stored document; one term. */
#ifndef LK_FEATURES_BM25_INFO_H
#define LK_FEATURES_BM25_INFO_H

#include <stdio.h>

#include "features/search/bm25_index.h"
#include "text/error.h"

/* Write the summary of idx (path: as the user named it) to fp: "name: value" lines. */
lk_status lk_bm25_index_describe(const lk_bm25_index *idx, const char *path, FILE *fp,
                                 lk_error *err);

/* Write the live document with this id as one JSON object line {"id": ..., fields...}
   (the stored fields; only the id when nothing is stored). LK_ERR_PARSE if no live document
   has the id. */
lk_status lk_bm25_index_print_doc(const lk_bm25_index *idx, const char *id, FILE *fp,
                                  lk_error *err);

/* Write "term<TAB>df" for the (already analyzed) term: its live document frequency. */
lk_status lk_bm25_index_print_term(const lk_bm25_index *idx, const char *term, FILE *fp,
                                   lk_error *err);

#endif
