/* tfidf.h: TF-IDF weighting of a count matrix, as scikit-learn 1.2's TfidfTransformer:
   tf (raw, or sublinear 1 + ln tf), times idf (smooth ln((1+N)/(1+df)) + 1, plain
   ln(N/df) + 1, textbook ln(N/(1+df)), or none), then each row normalized (l2, l1, none).
   All arithmetic in double. */
#ifndef LK_FEATURES_TFIDF_H
#define LK_FEATURES_TFIDF_H

#include <stdbool.h>
#include <stdint.h>

#include "features/bm25.h"
#include "features/sparse/pool.h"
#include "features/sparse/sparse.h"
#include "text/error.h"

typedef enum {
    LK_IDF_SMOOTH = 0, /* ln((1 + N) / (1 + df)) + 1  (sklearn smooth_idf=True, default) */
    LK_IDF_PLAIN,      /* ln(N / df) + 1              (sklearn smooth_idf=False) */
    LK_IDF_TEXTBOOK,   /* ln(N / (1 + df))            (extension; can be <= 0) */
    LK_IDF_NONE,       /* 1                           (sklearn use_idf=False) */
} lk_idf_kind;

typedef enum {
    LK_ROWNORM_L2 = 0, /* default */
    LK_ROWNORM_L1,
    LK_ROWNORM_NONE,
} lk_row_norm;

typedef struct {
    lk_idf_kind idf;
    bool sublinear_tf;
    lk_row_norm norm;
    int32_t threads; /* lk_tfidf_apply on 2 threads, its pool's (shares of the entries; the
                        same result) or 1 (default; 0 = 1) */
} lk_tfidf_config;

lk_tfidf_config lk_tfidf_config_default(void); /* smooth idf, raw tf, l2 */

/* idf of a term found in df of n_docs documents. LK_IDF_PLAIN with df = 0 gives +inf, as
   numpy does (only possible with a fixed vocabulary). */
double lk_idf(lk_idf_kind kind, int64_t df, int64_t n_docs);

/* Weight m in place: m->data[k] = tf(m->data[k]) * idf[col], then normalize each row
   (rows of zero norm are left as they are). idf has m->n_cols entries (NULL = all 1).
   Row by row (weighted and normalized while in cache); with c->threads == 2 and the job's
   pool (NULL: this thread only) the rows are split in shares of about equal entries that
   its two threads take (the same result). */
lk_status lk_tfidf_apply(const lk_tfidf_config *c, const double *idf, lk_csr *m, lk_pool *pool);

/* BM25 weights (a BM25 document-term matrix): m->data[k] = idf[col] * tf_part(tf, |d|) of
   variant p (features/bm25.h; the same formulas as `lexkit search`), |d| = the row's sum of
   counts, avgdl = the mean |d| over the rows of m; then each row normalized as `norm`.
   idf has m->n_cols entries (lk_bm25_idf of the fitting collection). */
lk_status lk_bm25_weight_apply(const lk_bm25_params *p, const double *idf, lk_row_norm norm,
                               lk_csr *m);

#endif
