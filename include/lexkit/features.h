/* features.h: bag-of-words and TF-IDF sparse matrices, as scikit-learn's CountVectorizer and
   TfidfVectorizer (same vocabulary order and values, word tokens by sklearn's pattern).
   Fitting writes the vectorizer: one thread. A fitted vectorizer is read-only:
   lexkit_vectorizer_transform may run on it from several threads at once. */
#ifndef LEXKIT_FEATURES_H
#define LEXKIT_FEATURES_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LEXKIT_WORD = 0, LEXKIT_CHAR, LEXKIT_CHAR_WB } lexkit_analyzer;
typedef enum { LEXKIT_NORM_L2 = 0, LEXKIT_NORM_L1, LEXKIT_NORM_NONE } lexkit_norm;

/* A document-frequency bound: a count of documents (is_count) or a proportion in [0, 1]. */
typedef struct {
    double value;
    int is_count;
} lexkit_df;

/* Defaults (lexkit_vectorizer_config_default) are scikit-learn's. */
typedef struct {
    lexkit_analyzer analyzer;     /* LEXKIT_WORD */
    int32_t ngram_min, ngram_max; /* 1, 1 */
    int lowercase;                /* 1 */
    int stop_words_english;       /* 0; 1 = sklearn's stop_words='english' (with a list
                                     below too: LEXKIT_ERR_ARG, as sklearn takes one) */
    lexkit_df min_df, max_df;     /* count 1, proportion 1.0 */
    int32_t max_features;         /* 0 = all */
    int binary;                   /* 0 */
    int tfidf;                    /* 0 = counts (CountVectorizer); 1 = TF-IDF below */
    int use_idf, smooth_idf, sublinear_tf; /* 1, 1, 0 */
    lexkit_norm norm;             /* LEXKIT_NORM_L2 */
    int32_t threads;              /* 1; 2: a fit counts the documents on two threads (each
                                     round of documents split in two, the second half's
                                     terms merged into the first's); the result is the same
                                     bit for bit. 0 = 1 */
    const char *const *stop_words; /* NULL; sklearn's stop_words=[...]: word tokens equal to
                                     one of stop_words[0..n_stop_words) (NUL-terminated
                                     UTF-8, compared as given, not lowercased) are dropped
                                     after lowercasing and before n-grams are formed; the
                                     char analyzers ignore them (as sklearn). Copied by
                                     lexkit_vectorizer_create: the caller may free them
                                     afterwards. A NULL word is LEXKIT_ERR_ARG. */
    size_t n_stop_words;          /* 0 */
    const char *const *vocabulary; /* NULL; sklearn's vocabulary=: the columns, in order
                                     (UTF-8, vocabulary_lens[i] bytes each). A fit then
                                     counts only these terms and learns their df (and idf)
                                     from its documents, without min_df, max_df or
                                     max_features. Copied by lexkit_vectorizer_create; a
                                     duplicate term, or one the analyzer cannot produce
                                     (empty, a stray space), is LEXKIT_ERR_ARG. */
    const size_t *vocabulary_lens;
    size_t n_vocabulary;          /* 0; > 0 with vocabulary */
    int terms_given;              /* 0; 1: documents come as their terms, the output of an
                                     analyzer run by the caller (fit_add_terms,
                                     transform_terms; the text functions then fail with
                                     LEXKIT_ERR_STATE): each term is a column as it is, and
                                     analyzer, ngram range, lowercase and stop words are
                                     unused */
} lexkit_vectorizer_config;

/* A CSR matrix as scipy's: row r is entries indptr[r] .. indptr[r+1]-1, columns increasing.
   Owned by the caller: lexkit_csr_free releases the arrays. */
typedef struct {
    int32_t n_rows, n_cols;
    int64_t *indptr;  /* n_rows + 1 */
    int32_t *indices; /* nnz = indptr[n_rows] */
    double *data;     /* nnz */
} lexkit_csr;

typedef struct lexkit_vectorizer lexkit_vectorizer;

LK_API lexkit_vectorizer_config lexkit_vectorizer_config_default(void);
/* A new unfitted vectorizer; a bad config is LEXKIT_ERR_ARG naming the field. */
LK_API lexkit_status lexkit_vectorizer_create(const lexkit_vectorizer_config *c,
                                              lexkit_vectorizer **out, lexkit_error *err);
/* NULL is a no-op. */
LK_API void lexkit_vectorizer_free(lexkit_vectorizer *v);
/* Learn the vocabulary (and idf) of docs[0..n) (UTF-8, lens[i] bytes) and fill *out with
   their matrix. Refitting replaces the vocabulary. Errors as sklearn's ("empty vocabulary",
   ...) or invalid UTF-8 naming the document; on failure v is unfitted. */
LK_API lexkit_status lexkit_vectorizer_fit_transform(lexkit_vectorizer *v,
                                                     const char *const *docs,
                                                     const size_t *lens, size_t n,
                                                     lexkit_csr *out, lexkit_error *err);
/* The same fit with the documents given in batches, so that they need not all be in memory
   at once: fit_begin (unfits v), fit_add for each batch in order, fit_end for the matrix of
   all of them (as lexkit_vectorizer_fit_transform of the concatenated batches). After a
   failed fit_add, fit_end fails too; fit_begin starts over. */
LK_API lexkit_status lexkit_vectorizer_fit_begin(lexkit_vectorizer *v, lexkit_error *err);
LK_API lexkit_status lexkit_vectorizer_fit_add(lexkit_vectorizer *v, const char *const *docs,
                                               const size_t *lens, size_t n,
                                               lexkit_error *err);
LK_API lexkit_status lexkit_vectorizer_fit_end(lexkit_vectorizer *v, lexkit_csr *out,
                                               lexkit_error *err);
/* fit_add for a vectorizer with terms_given: document i of the batch is its terms
   terms[doc_off[i] .. doc_off[i+1]) (lens likewise; any bytes, may be empty), doc_off
   holding n_docs + 1 non-decreasing offsets. All are read during the call only. */
LK_API lexkit_status lexkit_vectorizer_fit_add_terms(lexkit_vectorizer *v,
                                                     const char *const *terms,
                                                     const size_t *lens, const size_t *doc_off,
                                                     size_t n_docs, lexkit_error *err);
/* The matrix of docs with the fitted vocabulary (unknown terms ignored); LEXKIT_ERR_STATE
   before a fit. Thread-safe on a fitted vectorizer. */
LK_API lexkit_status lexkit_vectorizer_transform(const lexkit_vectorizer *v,
                                                 const char *const *docs, const size_t *lens,
                                                 size_t n, lexkit_csr *out, lexkit_error *err);
/* transform for a vectorizer with terms_given, the documents as in fit_add_terms. */
LK_API lexkit_status lexkit_vectorizer_transform_terms(const lexkit_vectorizer *v,
                                                       const char *const *terms,
                                                       const size_t *lens,
                                                       const size_t *doc_off, size_t n_docs,
                                                       lexkit_csr *out, lexkit_error *err);
/* Fit from a saved vocabulary: column i = terms[i] with document frequency df[i] among
   n_docs documents (df may be NULL without idf). A duplicate term is LEXKIT_ERR_ARG. */
LK_API lexkit_status lexkit_vectorizer_set_vocabulary(lexkit_vectorizer *v,
                                                      const char *const *terms,
                                                      const size_t *lens, size_t n,
                                                      const int64_t *df, int64_t n_docs,
                                                      lexkit_error *err);
/* After a fit: number of columns (0 before), term of a column (borrowed, *len bytes, not
   NUL-terminated; NULL out of range), its document frequency, and the documents fitted. */
LK_API int32_t lexkit_vectorizer_n_features(const lexkit_vectorizer *v);
LK_API const char *lexkit_vectorizer_feature(const lexkit_vectorizer *v, int32_t col, size_t *len);
LK_API int64_t lexkit_vectorizer_df(const lexkit_vectorizer *v, int32_t col);
LK_API int64_t lexkit_vectorizer_n_docs(const lexkit_vectorizer *v);
/* idf of every column (n_features values, borrowed), or NULL without tfidf/use_idf. */
LK_API const double *lexkit_vectorizer_idf(const lexkit_vectorizer *v);
/* After a fit without a fixed vocabulary: the terms min_df, max_df and max_features left
   out (scikit-learn's stop_words_), n_pruned of them in bytewise order; term i is borrowed
   (*len bytes, not NUL-terminated) until the next fit, NULL when out of range. 0 before a
   fit, after set_vocabulary, and when nothing was left out. */
LK_API size_t lexkit_vectorizer_n_pruned(const lexkit_vectorizer *v);
LK_API const char *lexkit_vectorizer_pruned(const lexkit_vectorizer *v, size_t i, size_t *len);
/* scikit-learn's English stop words (ENGLISH_STOP_WORDS, *n of them, NUL-terminated; a
   static table, never freed), the list stop_words_english applies. */
LK_API const char *const *lexkit_stop_words_english(size_t *n);
/* Free the arrays of m and zero it. NULL is a no-op. */
LK_API void lexkit_csr_free(lexkit_csr *m);

#ifdef __cplusplus
}
#endif
#endif
