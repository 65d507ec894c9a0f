/* ireval.h: retrieval effectiveness with trec_eval's conventions: MAP, nDCG@10
   (ndcg_cut_10: gain = relevance grade, log2 discount, ideal ranking from the qrels),
   P@10, R@100 and MRR (recip_rank) from a TREC qrels file and a TREC run. */
#ifndef LK_FEATURES_IREVAL_H
#define LK_FEATURES_IREVAL_H

#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

typedef struct {
    double map, ndcg10, p10, r100, mrr; /* means over the evaluated queries */
    size_t n_queries;                   /* queries with >= 1 relevant document in the qrels */
    size_t n_missing;                   /* of those, queries absent from the run (scored 0) */
} lk_ireval_result;

/* Evaluate run file `run_path` (`qid Q0 docid rank score tag`; the rank column is ignored:
   like trec_eval, documents are ordered by score descending, ties by docid descending
   bytewise) against `qrels_path` (`qid iter docid rel`; rel >= 1 is relevant). Queries
   whose qrels hold no relevant document are skipped; queries in the qrels but not in the
   run count as 0 (trec_eval -c). A malformed line or a document listed twice for one query
   gives LK_ERR_PARSE "path:line:col: ...". */
lk_status lk_ireval_files(const char *qrels_path, const char *run_path, lk_ireval_result *out,
                          lk_error *err);

#endif
