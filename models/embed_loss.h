/* embed_loss.h: the output layer of word2vec-style training. Negative sampling (a
   unigram^0.75 table) and hierarchical softmax (a Huffman tree) share one interface: for a
   batch of R input rows with one target word each, the loss picks S output rows and an
   (R, S) label matrix; one batched kernel then does the SGD step as small dense products
   (HogBatch, Ji et al. 2016). A built loss is read-only and shared by training threads. */
#ifndef LK_MODELS_EMBED_LOSS_H
#define LK_MODELS_EMBED_LOSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/rng.h"
#include "text/error.h"

#define LK_UNIGRAM_TABLE_SIZE 10000000 /* slots of the negative-sampling table */
#define LK_UNIGRAM_POWER 0.75
#define LK_SIGMOID_TABLE_SIZE 1000     /* entries over [-LK_SIGMOID_MAX, LK_SIGMOID_MAX] */
#define LK_SIGMOID_MAX 6.0f
#define LK_LABEL_SKIP (-1.0f)          /* label of an (input, output) pair that is not scored */

typedef enum { LK_LOSS_NS = 0, LK_LOSS_HS = 1 } lk_loss_kind;

/* Sigmoid and log-sigmoid by table lookup (clamped beyond +-LK_SIGMOID_MAX). */
typedef struct {
    float *sig;    /* (size + 1) values of sigmoid */
    float *logsig; /* (size + 1) values of log(sigmoid) */
    int32_t size;
    float scale;   /* size / (2 * max) */
} lk_sigmoid_table;

lk_status lk_sigmoid_table_init(lk_sigmoid_table *t, int32_t size);
void lk_sigmoid_table_free(lk_sigmoid_table *t); /* NULL or zeroed is a no-op */

/* Output rows and labels chosen by a loss for one batch; grown as needed, reused. */
typedef struct {
    int32_t n_rows;   /* R */
    int32_t n_out;    /* S */
    int32_t *out_ids; /* (S) rows of the output matrix */
    float *label;     /* (R, S): 1 = positive, 0 = negative, LK_LABEL_SKIP = not scored */
    int32_t *row_col; /* (R) scratch: column of each row's target */
    int32_t *col_of;  /* HS scratch: column of each inner node, -1 when absent */
    size_t cap_out, cap_label, cap_rows, cap_col_of;
} lk_loss_batch;

void lk_loss_batch_free(lk_loss_batch *b); /* frees the buffers, not b */

typedef struct lk_embed_loss lk_embed_loss;

/* Negative sampling over words 0..V-1 with `counts` (V values): `negative` samples per
   batch drawn from a table of `table_size` slots filled in proportion to count^power. */
lk_status lk_embed_loss_create_ns(const int64_t *counts, int32_t V, int32_t negative,
                                  double power, int32_t table_size, lk_embed_loss **out);

/* Hierarchical softmax: a Huffman tree over `counts` (V >= 2 values, sorted descending),
   built as word2vec.c builds it, so codes and inner-node ids match its output. */
lk_status lk_embed_loss_create_hs(const int64_t *counts, int32_t V, lk_embed_loss **out);

void lk_embed_loss_free(lk_embed_loss *l); /* NULL is a no-op */

lk_loss_kind lk_embed_loss_kind(const lk_embed_loss *l);

/* Rows the output matrix needs: V for negative sampling, V - 1 inner nodes for HS. */
int32_t lk_embed_loss_out_rows(const lk_embed_loss *l);

/* Fill b for R inputs whose targets are targets[0..R): NS: the distinct targets plus
   `negative` shared samples (a sample equal to a row's target is skipped for that row);
   HS: the union of the targets' Huffman paths. Draws from `rng`. */
lk_status lk_embed_loss_prepare(const lk_embed_loss *l, const int32_t *targets, int32_t R,
                                lk_rng *rng, lk_loss_batch *b);

/* One SGD step on a prepared batch. x: R pointers to input rows of D floats (read only);
   out: the output matrix (rows of D floats), updated in place at b->out_ids by
   alpha * G^T X; dx: (R, D) overwritten with the input step alpha * G Y (the caller adds it
   to whatever rows made up each input); g: scratch of R*S floats. Returns the summed
   negative log-likelihood of the scored pairs. */
double lk_embed_loss_step(const lk_loss_batch *b, const float *const *x, int32_t D, float *out,
                          float alpha, const lk_sigmoid_table *t, float *dx, float *g);

/* For tests: the Huffman code (0/1 bytes, root first) and inner nodes of word w. */
lk_status lk_embed_loss_hs_path(const lk_embed_loss *l, int32_t w, const uint8_t **code,
                                const int32_t **points, int32_t *len);

/* For tests: the negative-sampling table. */
lk_status lk_embed_loss_ns_table(const lk_embed_loss *l, const int32_t **table, int32_t *size);

/* Dot product of n floats (written so the compiler vectorizes it). */
float lk_embed_dot(const float *a, const float *b, int32_t n);

/* y += a * x over n floats. */
void lk_embed_axpy(float a, const float *x, float *y, int32_t n);

#endif
