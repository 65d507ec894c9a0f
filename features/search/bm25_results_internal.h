/* bm25_results_internal.h: printing search hits with stored fields and snippets (the
   lk_bm25_output of bm25_text.h), used by bm25_text.c's query loop. */
#ifndef LK_FEATURES_BM25_RESULTS_INTERNAL_H
#define LK_FEATURES_BM25_RESULTS_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "features/search/bm25_text.h"

typedef struct lk_bm25__printer lk_bm25__printer;

/* A printer of idx's hits as `out` says (borrowed: out must outlive it). */
lk_status lk_bm25__printer_create(const lk_bm25_index *idx, const lk_bm25_output *out,
                                  lk_bm25__printer **p, lk_error *err);
void lk_bm25__printer_free(lk_bm25__printer *p); /* NULL is a no-op */
/* Whether p prints snippets (it then reads the query's terms). */
bool lk_bm25__printer_snippets(const lk_bm25__printer *p);

/* Print the hits of one query (qterms: its analyzed terms, for the snippets). */
lk_status lk_bm25__print_hits(lk_bm25__printer *p, const char *qid, size_t qid_len,
                              const lk_term *qterms, size_t nq, const lk_bm25_hit *h, size_t n,
                              FILE *fp, lk_error *err);

#endif
