/* embed_internal.h: the model layout and helpers shared by embed.c (config, vocabulary,
   model), embed_train.c (the trainer) and embed_io.c (LKEM files). Not installed. */
#ifndef LK_MODELS_EMBED_INTERNAL_H
#define LK_MODELS_EMBED_INTERNAL_H

#include "models/embed.h"
#include "text/tokenize.h"

struct lk_embed_model {
    lk_embed_config cfg; /* structural fields (arch, loss, dim, minn, maxn, buckets) rule */
    lk_vocab *vocab;     /* ids in count order; id = row of `in` and (NS) of `out` */
    int32_t V;
    int64_t *counts;     /* (V) */
    int64_t total;       /* sum of counts */
    int32_t n_in, n_out; /* rows: V (+ buckets) inputs; V (NS) or V - 1 (HS) outputs */
    float *in;           /* (n_in, dim) word rows, then n-gram bucket rows */
    float *out;          /* (n_out, dim) */
    int32_t *sub_off;    /* (V + 1): input rows of word w are sub_rows[sub_off[w]..sub_off[w+1]) */
    int32_t *sub_rows;   /* the word's own row first, then its n-gram rows */
    int64_t epochs_done;
};

typedef struct {
    uint32_t *h;
    size_t n, cap;
    lk_status st;
} lk_hash_list;

/* fastText's end-of-line word: it gets no n-grams (fastText's initNgrams). */
#define LK_EMBED_EOS "</s>"
#define LK_EMBED_AUTO_BUCKETS_PER_NGRAM 4 /* auto buckets: 4 x distinct n-grams ... */
#define LK_EMBED_MIN_AUTO_BUCKETS 1024    /* ... at least this, at most the default 2M */

/* Buckets for --buckets 0: LK_EMBED_AUTO_BUCKETS_PER_NGRAM x the distinct n-gram hashes of
   the vocabulary's words, within [LK_EMBED_MIN_AUTO_BUCKETS, LK_EMBED_DEFAULT_BUCKETS]. */
lk_status lk_embed_auto_buckets(const lk_vocab *vocab, int32_t minn, int32_t maxn, int32_t *buckets,
                                int64_t *distinct);

static inline bool lk_embed_has_subwords(const lk_embed_config *c) { return c->maxn > 0; }

/* Callback for each token of a line. */
typedef lk_status (*lk_embed_token_fn)(void *ctx, const char *w, size_t len);

/* The tokenizer c->tokenize asks for (NULL when tokens are space-separated). */
lk_status lk_embed_tokenizer_open(const lk_embed_config *c, lk_tokenizer **out);

/* Call fn on each token of a line (lineno is used in tokenizer errors). */
lk_status lk_embed_each_token(lk_tokenizer *tok, const char *line, size_t len, const char *path,
                              int64_t lineno, lk_embed_token_fn fn, void *ctx, lk_error *err);

/* Count the corpus and prune to min_count / max_vocab, sorted by count. */
lk_status lk_embed_build_vocab(const lk_embed_config *c, const char *path, lk_vocab **out,
                               lk_error *err);

/* New randomly initialised model over vocab (taken over, also on failure). */
lk_status lk_embed_model_create(const lk_embed_config *c, lk_vocab *vocab, lk_embed_model **out);

/* Allocate in/out/counts for m->V, n_in, n_out, cfg.dim and build the subword rows. */
lk_status lk_embed_model_alloc(lk_embed_model *m);

/* Parse a fastText .bin model held in memory (buf, n bytes); messages name `path`. */
lk_status lk_embed_fasttext_from_mem(const unsigned char *buf, size_t n, const char *path,
                                     lk_embed_model **out, lk_error *err);

/* out = mean of the input rows rows[0..n) of in (rows of D floats). */
void lk_embed_mean_rows(const float *in, int32_t D, const int32_t *rows, int32_t n, float *out);

#endif
