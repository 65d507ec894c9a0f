/* vectorize.h: one call from a document collection file to a matrix file: read (JSONL or
   text), count (lk_bow), weight (TF-IDF, optional), write svmlight or Matrix Market and the
   vocabulary, atomically. What `lexkit bow` and `lexkit tfidf` run. */
#ifndef LK_FEATURES_VECTORIZE_H
#define LK_FEATURES_VECTORIZE_H

#include <stdbool.h>

#include "features/sparse/bow.h"
#include "features/sparse/sparse.h"
#include "features/sparse/tfidf.h"
#include "text/corpus.h"
#include "text/error.h"

typedef struct {
    const char *input;        /* collection ("-" or NULL = stdin) */
    lk_docs_format input_format;
    const char *output;       /* matrix ("-" or NULL = stdout) */
    bool matrix_market;       /* else svmlight */
    lk_csr_write_opts write;  /* one_based, precision, ... (integer is set from tfidf) */
    const char *vocab_in;     /* fixed vocabulary TSV, or NULL to fit */
    const char *vocab_out;    /* vocabulary TSV to write, or NULL */
    lk_bow_config bow;
    bool tfidf;               /* weight with `tf` (else raw counts) */
    lk_tfidf_config tf;
    bool bm25;                /* with tfidf: BM25 weights (bm25 params, tf.norm) instead */
    lk_bm25_params bm25_params;
    bool blank_rows;          /* text input: blank lines are empty rows (lk_bow_file_opts) */
    const char *ids_out;      /* file of the rows' document ids, one per line, or NULL */
    lk_log_fn log;            /* progress (LK_LOG_PROGRESS) and warnings (LK_LOG_WARN: no
                                 term of vocab_in occurs in the input), may be NULL */
    void *log_user;
} lk_vectorize_job;

lk_vectorize_job lk_vectorize_job_default(void);

/* Run the job. With vocab_in, idf uses the df and document count stored in the vocabulary
   file (the fitting collection) when it has them, else the input's. On failure no output
   file is replaced. Summary counts go to *n_docs / *n_terms / *nnz (any may be NULL). */
lk_status lk_vectorize(const lk_vectorize_job *job, int64_t *n_docs, int32_t *n_terms,
                       int64_t *nnz, lk_error *err);

#endif
