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

/* Analyze text[0..len) as a query's words are (the index's analyzer: lowercasing,
   folding, stemming, stop words, Han bigrams or words), then write one line per distinct
   resulting term, in the order the terms come:
   "term<TAB>df<TAB>postings", df = its live document frequency, postings = its first 10 live
   documents as id:tf (document order; tf counts a title occurrence title_weight times),
   separated by spaces, then "+N more" for the others (empty when df is 0). When the text
   gives no term, one line saying so. Invalid UTF-8: LK_ERR_PARSE "COL: ...". */
lk_status lk_bm25_index_print_term(const lk_bm25_index *idx, const char *text, size_t len,
                                   FILE *fp, lk_error *err);

/* The line of lk_bm25_index_print_term for term[0..len) taken exactly as the index holds
   it (no analysis). */
lk_status lk_bm25_index_print_indexed_term(const lk_bm25_index *idx, const char *term,
                                           size_t len, FILE *fp, lk_error *err);

#endif
