/* layers.h: feed-forward pieces of the tagger, each a forward/backward pair: embedding
   lookup, embedding bag (for hashed character n-gram word features), column concat, linear,
   softmax cross-entropy and dropout. Backward functions ADD into their d* outputs (callers
   zero gradients with lk_params_zero_grad); weights are read-only in forward/backward.
   N = rows (tokens), E = embedding size, V = table rows, C = classes. */
#ifndef LK_MODELS_LAYERS_H
#define LK_MODELS_LAYERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/blas.h"
#include "models/rng.h"
#include "text/error.h"

/* ---- embedding lookup ---------------------------------------------------------------- */

/* out (N, E) row i = table (V, E) row ids[i]; an id < 0 (LK_ID_NONE, padding) gives a zero
   row. ids must be < V (asserted). */
void lk_embedding_forward(const lk_mat *table, const int32_t *ids, int32_t n, lk_real *out);

/* Sparse gradient: dtable row ids[i] += dout row i for each i with ids[i] >= 0; other rows
   untouched. */
void lk_embedding_backward(lk_mat *dtable, const int32_t *ids, int32_t n, const lk_real *dout);

/* ---- character n-gram bag ------------------------------------------------------------ */
/* Word features for rare and unknown words (fastText-style subwords): the word's code
   points are wrapped as '<' w '>' and every n-gram with min_n <= n <= max_n code points is
   hashed (FNV-1a over the code points, plus n) into [0, buckets); the bag of their
   embeddings (mean) is the word's char feature. Chosen over a char BiLSTM because it costs
   one gather per n-gram instead of a recurrent pass per character, and suffix/prefix
   n-grams carry most of the part-of-speech signal. */

/* Hashed n-gram ids of the word cps (n code points) into ids (up to cap). Returns the number
   of n-grams the word has (may exceed cap: then only the first cap were written and the
   caller retries with a bigger buffer). 1 <= min_n <= max_n, buckets >= 1. */
int32_t lk_char_ngrams(const int32_t *cps, int32_t n, int32_t min_n, int32_t max_n,
                       uint32_t buckets, int32_t *ids, int32_t cap);

/* out (N, E): row i = mean (or sum if !mean) of table rows ids[offsets[i] .. offsets[i+1]);
   an empty bag gives a zero row. offsets (N+1), nondecreasing, offsets[0] = 0. */
void lk_embag_forward(const lk_mat *table, const int32_t *ids, const int32_t *offsets,
                      int32_t n, bool mean, lk_real *out);

/* dtable row ids[k] += dout row i (divided by the bag size if mean) for k in bag i. */
void lk_embag_backward(lk_mat *dtable, const int32_t *ids, const int32_t *offsets, int32_t n,
                       bool mean, const lk_real *dout);

/* ---- concat -------------------------------------------------------------------------- */

/* out (N, sum of cols) = [parts[0] | parts[1] | ...]; every part has N rows (asserted). */
void lk_concat_forward(const lk_mat *parts, int32_t k, lk_mat *out);

/* dparts[j] += the matching column block of dout; a part with data == NULL is skipped. */
void lk_concat_backward(lk_mat *dparts, int32_t k, const lk_mat *dout);

/* ---- linear -------------------------------------------------------------------------- */

/* y (N, O) = x (N, I) @ w^T + b, with w (O, I), b (O) or NULL. Writes y. */
void lk_linear_forward(const lk_mat *w, const lk_real *b, const lk_mat *x, lk_mat *y);

/* dw += dy^T x, db += column sums of dy (if db), dx += dy w (if dx). Rows of dy that are
   zero (masked tokens) contribute nothing. */
void lk_linear_backward(const lk_mat *w, const lk_mat *x, const lk_mat *dy, lk_mat *dw,
                        lk_real *db, lk_mat *dx);

/* ---- softmax cross-entropy ----------------------------------------------------------- */

/* probs (N, C) = softmax of logits rows; returns the summed loss -log probs[i][targets[i]]
   in double over rows with targets[i] >= 0 (a negative target masks the row: padding).
   *n_counted (may be NULL) = rows counted. probs may alias logits. */
double lk_softmax_xent_forward(const lk_mat *logits, const int32_t *targets, lk_mat *probs,
                               int32_t *n_counted);

/* dlogits += scale * (probs - onehot(target)) on unmasked rows (scale = 1/n_counted for a
   mean loss). */
void lk_softmax_xent_backward(const lk_mat *probs, const int32_t *targets, lk_real scale,
                              lk_mat *dlogits);

/* out (N) = column index of each row's maximum (first one on ties). */
void lk_argmax_rows(const lk_mat *m, int32_t *out);

/* ---- dropout (inverted: kept units are scaled by 1/(1-p) at training time) ------------ */

/* mask (n): 1 with probability 1-p, else 0; 0 <= p < 1. */
void lk_dropout_mask(size_t n, float p, lk_rng *rng, uint8_t *mask);

/* y (n) = x * mask / (1-p); y may alias x. At inference time do nothing (identity). */
void lk_dropout_forward(const lk_real *x, size_t n, float p, const uint8_t *mask, lk_real *y);

/* dx (n) += dy * mask / (1-p). */
void lk_dropout_backward(const lk_real *dy, size_t n, float p, const uint8_t *mask,
                         lk_real *dx);

#endif
