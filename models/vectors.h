/* vectors.h: a table of word vectors (word -> float[dim]) with word2vec's text and binary
   formats (also fastText .vec), cosine nearest neighbours, analogy accuracy (3CosAdd over
   the top-N words, like word2vec's compute-accuracy) and word-similarity evaluation
   (Spearman). Reads are not thread-safe with writes; queries on a const table are. */
#ifndef LK_MODELS_VECTORS_H
#define LK_MODELS_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "text/error.h"

typedef enum {
    LK_VEC_AUTO = 0, /* reading: detect text or binary from the first record */
    LK_VEC_TEXT,     /* "V D\n" then "word v1 ... vD\n" (%.9g) */
    LK_VEC_BIN,      /* "V D\n" then "word " + D little-endian float32 + "\n" */
} lk_vec_format;

typedef struct lk_vectors lk_vectors;

lk_status lk_vectors_create(int32_t dim, lk_vectors **out);
void lk_vectors_free(lk_vectors *v); /* NULL is a no-op */

/* Append word w (len bytes, no spaces or newlines) with vec (dim floats). An empty or
   duplicate word, or one with whitespace or a NUL byte (words are read back as C strings),
   is LK_ERR_ARG. */
lk_status lk_vectors_add(lk_vectors *v, const char *w, size_t len, const float *vec);

int32_t lk_vectors_size(const lk_vectors *v);
int32_t lk_vectors_dim(const lk_vectors *v);
const char *lk_vectors_word(const lk_vectors *v, int32_t id); /* borrowed; NULL if bad id */
const float *lk_vectors_row(const lk_vectors *v, int32_t id); /* borrowed; NULL if bad id */
int32_t lk_vectors_find(const lk_vectors *v, const char *w, size_t len); /* or LK_ID_NONE */

/* Whether a file's first bytes h[0..n) (64 are enough) start as a word2vec file, text or
   binary: "WORDS DIM", then a newline (after a UTF-8 BOM, which the readers skip). */
bool lk_vectors_head_is_word2vec(const unsigned char *h, size_t n);

#define LK_VECTORS_MAX_EMPTY_DIM 100000 /* the largest dim of a "0 DIM" header (no words) */

/* Read a word2vec text or binary file ("-" = stdin). Standard input, pipes and other
   files that cannot seek are read into memory first, so the format is detected there too
   (LK_VEC_AUTO). max_words > 0 stops after that many words. A "0 DIM" header is an empty
   table (as gensim writes and reads it). Truncation, a header that disagrees with the body, bad numbers and
   duplicate words are LK_ERR_PARSE "path:line:col: ..." (binary: "path: word N ..."). */
lk_status lk_vectors_read(const char *path, lk_vec_format fmt, int32_t max_words,
                          lk_vectors **out, lk_error *err);

/* The same from the file's bytes in memory (buf, n); messages name `name`. */
lk_status lk_vectors_read_mem(const char *buf, size_t n, const char *name, lk_vec_format fmt,
                              int32_t max_words, lk_vectors **out, lk_error *err);

/* Write as text or binary, atomically ("-" = stdout). A NaN or infinite value is LK_ERR_ARG
   naming the word (nothing is written): the readers would refuse the file. */
lk_status lk_vectors_write(const lk_vectors *v, const char *path, lk_vec_format fmt,
                           lk_error *err);

/* The same to an open stream (for lk_write_atomic_all with other outputs). */
lk_status lk_vectors_write_fp(const lk_vectors *v, FILE *fp, lk_vec_format fmt, lk_error *err);

/* The k words most cosine-similar to query (dim floats) among the first `limit` words
   (0 = all), best first, skipping the ids in exclude[0..n_exclude). *n_found <= k. */
void lk_vectors_nearest(const lk_vectors *v, const float *query, int32_t k, int32_t limit,
                        const int32_t *exclude, int32_t n_exclude, int32_t *ids, float *scores,
                        int32_t *n_found);

typedef struct {
    char *name;            /* section name from the ": name" line ("" before any) */
    int64_t correct, seen, total;
} lk_analogy_section;

typedef struct {
    lk_analogy_section *sections;
    size_t n_sections;
    int64_t correct, seen, total;
} lk_analogy_result;

/* 3CosAdd analogy accuracy of a file of "a b c d" lines with ": section" headers:
   d is predicted as the word nearest to b - a + c (unit vectors) among the first
   `restrict_n` words (0 = all), excluding a, b, c. Questions with a word outside those
   words are skipped (counted in total, not in seen). Words are lowercased (ASCII) when
   `lower`. Free the result with lk_analogy_result_free. */
lk_status lk_vectors_analogy(const lk_vectors *v, const char *questions, int32_t restrict_n,
                             bool lower, lk_analogy_result *res, lk_error *err);
void lk_analogy_result_free(lk_analogy_result *r);

typedef struct {
    double spearman; /* over the covered pairs (NaN if fewer than 2) */
    int64_t found, total;
} lk_similarity_result;

/* Vector for a word missing from a table (e.g. composed from subwords): fill out (dim
   floats) and return true, or return false. */
typedef bool (*lk_vec_oov_fn)(void *ctx, const char *w, size_t len, float *out);

/* Spearman correlation between the scores of a "w1<TAB>w2<TAB>score" file (spaces also
   separate) and the cosine similarities of the covered pairs. Words missing from v are
   asked of `oov` (may be NULL). */
lk_status lk_vectors_similarity(const lk_vectors *v, const char *pairs, bool lower,
                                lk_vec_oov_fn oov, void *oov_ctx, lk_similarity_result *res,
                                lk_error *err);

/* Spearman rank correlation of x and y (n values each); ties get average ranks. NaN when
   n < 2 or a side is constant. */
double lk_spearman(const double *x, const double *y, size_t n);

/* Cosine similarity of two dim-vectors (0 if either is zero). */
float lk_cosine(const float *a, const float *b, int32_t dim);

/* 2-D PCA of n rows (each dim floats, rows[i * dim ..]) after scaling each row to unit
   length: x[i], y[i] are row i's coordinates on the first two principal axes (each axis'
   sign fixed so its largest coordinate is positive). n <= 512, else LK_ERR_RANGE. */
lk_status lk_vectors_pca2(const float *rows, int32_t n, int32_t dim, double *x, double *y);

#endif
