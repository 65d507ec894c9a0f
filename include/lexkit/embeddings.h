/* embeddings.h: word vectors: train word2vec skip-gram/CBOW on a text file, load and save
   word2vec text and binary files (and read lexkit/fastText models), nearest words.
   A loaded table is read-only: queries may run from several threads. */
#ifndef LEXKIT_EMBEDDINGS_H
#define LEXKIT_EMBEDDINGS_H

#include <signal.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int cbow;           /* 0 = skip-gram */
    int hs;             /* 0 = negative sampling, 1 = hierarchical softmax */
    int32_t dim;        /* 100 */
    int32_t window;     /* 5 */
    int32_t negative;   /* 5 */
    int32_t epochs;     /* 5 */
    int32_t threads;    /* 1 (results depend on it beyond 1) */
    int64_t min_count;  /* 5 */
    double sample;      /* 1e-3 */
    double alpha;       /* 0 = word2vec's default for the architecture */
    int32_t minn, maxn; /* subword lengths; maxn 0 = no subwords */
    uint64_t seed;      /* 1 */
    int tokenize;       /* 0: tokens are separated by spaces; 1: lexkit tokenizer, lowercased */
    /* NULL (default), or a flag that a signal handler or another thread may set: once it is
       nonzero, training stops within about 10000 words per thread and returns
       LEXKIT_ERR_STATE "training interrupted" (no vectors). */
    const volatile sig_atomic_t *cancel;
} lexkit_embed_config;

typedef enum { LEXKIT_VEC_AUTO = 0, LEXKIT_VEC_TEXT, LEXKIT_VEC_BINARY } lexkit_vec_format;

typedef struct lexkit_vectors lexkit_vectors;

LK_API lexkit_embed_config lexkit_embed_config_default(void);
/* 1 when byte ch separates tokens in a corpus read without `tokenize` (ASCII white space:
   ' ', \t, \n, \v, \f, \r), else 0: a token holding one would be read as several. */
LK_API int lexkit_embed_is_separator(int ch);
/* Train on `corpus` (a file, one sentence per line) and return the vocabulary's vectors,
   most frequent word first. Bad config: LEXKIT_ERR_ARG naming the field. */
LK_API lexkit_status lexkit_vectors_train(const char *corpus, const lexkit_embed_config *c,
                                          lexkit_vectors **out, lexkit_error *err);
/* Read word2vec text/binary (or a lexkit .lkem / fastText .bin model's vocabulary vectors). */
LK_API lexkit_status lexkit_vectors_load(const char *path, lexkit_vec_format fmt,
                                         lexkit_vectors **out, lexkit_error *err);
/* The same from a file's bytes buf[0..len) in memory (read, not kept); messages name
   "<memory>". A truncated or corrupt LKEM image is LEXKIT_ERR_FORMAT. */
LK_API lexkit_status lexkit_vectors_load_mem(const void *buf, size_t len, lexkit_vec_format fmt,
                                             lexkit_vectors **out, lexkit_error *err);
/* Write word2vec text (%.9g) or binary, atomically (LEXKIT_VEC_AUTO = text). */
LK_API lexkit_status lexkit_vectors_save(const lexkit_vectors *v, const char *path,
                                         lexkit_vec_format fmt, lexkit_error *err);
/* An empty table of dim columns, filled with lexkit_vectors_add (word non-empty, without
   whitespace or NUL, unique, copied with its dim floats; else LEXKIT_ERR_ARG). */
LK_API lexkit_status lexkit_vectors_create(int32_t dim, lexkit_vectors **out);
LK_API lexkit_status lexkit_vectors_add(lexkit_vectors *v, const char *w, size_t len,
                                        const float *vec);
LK_API void lexkit_vectors_free(lexkit_vectors *v); /* NULL is a no-op */
LK_API int32_t lexkit_vectors_size(const lexkit_vectors *v);
LK_API int32_t lexkit_vectors_dim(const lexkit_vectors *v);
/* Word of id (borrowed) or NULL; id of a word or -1. */
LK_API const char *lexkit_vectors_word(const lexkit_vectors *v, int32_t id);
LK_API int32_t lexkit_vectors_find(const lexkit_vectors *v, const char *w, size_t len);
/* All vectors, row-major (size x dim floats, contiguous, borrowed until v is modified). */
LK_API const float *lexkit_vectors_data(const lexkit_vectors *v);
/* The k words nearest (cosine) to the sum of the unit vectors of positive[] minus those of
   negative[], excluding those words, best first, as gensim's most_similar: ids[0..*n_found)
   and scores. An unseen word of a subword model is composed from its n-grams (as gensim's
   FastTextKeyedVectors); another unknown word is LEXKIT_ERR_ARG naming it. */
LK_API lexkit_status lexkit_vectors_most_similar(const lexkit_vectors *v,
                                                 const char *const *positive, size_t n_pos,
                                                 const char *const *negative, size_t n_neg,
                                                 int32_t k, int32_t *ids, float *scores,
                                                 int32_t *n_found, lexkit_error *err);

/* 1 when v was loaded (LEXKIT_VEC_AUTO) from an LKEM or fastText .bin model with subword
   n-grams, or trained with them (maxn > 0): unseen words are then composed from n-grams. */
LK_API int lexkit_vectors_has_subwords(const lexkit_vectors *v);
/* The vector of w (len bytes) into out (dim floats): its row, or for an unseen word of a
   subword model the mean of its n-gram rows (fastText's, gensim FastTextKeyedVectors').
   Otherwise LEXKIT_ERR_ARG "word '...' not in vocabulary". No lowercasing. */
LK_API lexkit_status lexkit_vectors_word_vector(const lexkit_vectors *v, const char *w, size_t len,
                                                float *out, lexkit_error *err);

/* A subword model's n-gram setup and rows (borrowed from v): the words' own input rows
   (size x dim; a word's vector is the mean of its row and its n-grams' rows) and the
   n-gram rows (buckets x dim), fastText's hash modulo buckets picking the row. */
typedef struct {
    int32_t minn, maxn, buckets;
    const float *word_rows;
    const float *ngram_rows;
} lexkit_subwords;
/* Fill out for a subword model; LEXKIT_ERR_STATE when v has no subwords. */
LK_API lexkit_status lexkit_vectors_subwords(const lexkit_vectors *v, lexkit_subwords *out);
/* Save a subword model (LKEM, atomically); LEXKIT_ERR_STATE when v has none. Loading the
   file (LEXKIT_VEC_AUTO) gives the same vectors and composition. */
LK_API lexkit_status lexkit_vectors_save_model(const lexkit_vectors *v, const char *path,
                                               lexkit_error *err);
/* The same LKEM bytes in memory: *buf (*len bytes) is allocated; free it with free(). */
LK_API lexkit_status lexkit_vectors_save_model_mem(const lexkit_vectors *v, void **buf,
                                                   size_t *len, lexkit_error *err);

#ifdef __cplusplus
}
#endif
#endif
