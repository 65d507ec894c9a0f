/* embed.h: word2vec-style word embeddings: skip-gram and CBOW with negative sampling or
   hierarchical softmax, frequent-word subsampling, dynamic windows, linear learning-rate
   decay, optional fastText-style subword n-grams, multi-threaded (hogwild) training over
   file chunks, and lexkit's own model file (LKEM) that can resume training and compose
   vectors for unseen words. A trained model is read-only for queries (thread-safe). */
#ifndef LK_MODELS_EMBED_H
#define LK_MODELS_EMBED_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/embed_loss.h"
#include "models/vectors.h"
#include "text/error.h"
#include "text/vocab.h"

#define LK_EMBED_MAGIC "LKEM"
#define LK_EMBED_VERSION 1u
#define LK_EMBED_MAX_SENTENCE 10000  /* longer lines are cut into pieces of this many words */
#define LK_EMBED_MIN_ALPHA_RATIO 1e-4 /* the learning rate decays linearly to alpha * this */
#define LK_EMBED_DEFAULT_BUCKETS 2000000

typedef enum { LK_EMBED_SKIPGRAM = 0, LK_EMBED_CBOW = 1 } lk_embed_arch;

/* Training progress, passed to lk_embed_config.progress at each progress report (about
   once a second, from the first worker thread). */
typedef struct {
    double fraction;      /* of the planned words done, in [0, 1] */
    double words_per_sec; /* since training started */
    double loss;          /* mean loss per scored pair since the last report */
    double alpha;         /* the current learning rate */
    double eta_seconds;   /* estimated time left; < 0 when unknown */
} lk_embed_progress;

typedef void (*lk_embed_progress_fn)(void *user, const lk_embed_progress *p);

typedef struct {
    lk_embed_arch arch;
    lk_loss_kind loss;  /* LK_LOSS_NS (default) or LK_LOSS_HS */
    int32_t dim;        /* 100 */
    int32_t window;     /* 5: the maximal window; each position draws one in [1, window] */
    int32_t negative;   /* 5 samples (negative sampling) */
    int32_t epochs;     /* 5 */
    int32_t threads;    /* 1 */
    double sample;      /* 1e-3; 0 disables subsampling */
    double alpha;       /* 0 = 0.025 for skip-gram, 0.05 for CBOW */
    int64_t min_count;  /* 5 */
    int32_t max_vocab;  /* 0 = no limit */
    int32_t minn, maxn; /* subword n-gram lengths in characters; maxn 0 = no subwords */
    int32_t buckets;    /* hashed n-gram rows; 0 (default) = 4 x the distinct n-grams of the
                           vocabulary, at most LK_EMBED_DEFAULT_BUCKETS (fastText's 2M) */
    int32_t cbow_batch; /* CBOW positions updated together with shared negatives (1) */
    uint64_t seed;      /* 1; thread t draws from seed + t */
    bool tokenize;      /* run the lexkit tokenizer (lowercase; words, numbers, Han) */
    bool keep_case;     /* with tokenize: don't lowercase (default false) */
    lk_log_fn log;      /* progress (LK_LOG_PROGRESS) and notes; NULL = silent */
    void *log_user;
    lk_embed_progress_fn progress; /* the progress figures, typed; NULL = none */
    void *progress_user;
    const volatile sig_atomic_t *cancel; /* set and nonzero: training stops (LK_ERR_STATE) */
} lk_embed_config;

typedef struct {
    int64_t words;       /* corpus words (in vocabulary) processed over all epochs */
    int64_t corpus_words; /* in-vocabulary words in one pass over the corpus */
    double seconds;      /* training time, without the vocabulary pass */
    double words_per_sec;
    double loss;         /* mean loss per scored pair over the last stretch */
} lk_embed_stats;

lk_embed_config lk_embed_config_default(void);

/* True when byte ch separates the tokens of a corpus line (without c->tokenize): ASCII
   white space, ' ', '\t', '\n', '\v', '\f', '\r' ('\n' also ends the line). Other bytes,
   UTF-8's multi-byte sequences and Unicode spaces among them, are part of a token. */
bool lk_embed_is_separator(unsigned char ch);

/* LK_OK if the config is usable, else LK_ERR_ARG with a message naming the field
   ("dim must be in [1, 100000] (got 0)"). err may be NULL. */
lk_status lk_embed_config_check(const lk_embed_config *c, lk_error *err);

typedef struct lk_embed_model lk_embed_model;

/* Train on `corpus` (a regular file; one sentence or paragraph per line, tokens separated
   by spaces unless c->tokenize). If *model is NULL, a vocabulary is built and a new model
   is returned in *model. Otherwise *model is trained further in place: its vocabulary,
   dim, loss, subword settings and tokenization (tokenize, keep_case: the corpus is read as
   the model's was) are kept, the other fields of c apply (on failure it may
   be partly updated). Errors: an empty corpus or no word reaching min_count
   (LK_ERR_PARSE naming the file), cancellation (LK_ERR_STATE), I/O. `stats` may be NULL. */
lk_status lk_embed_train(const lk_embed_config *c, const char *corpus, lk_embed_model **model,
                         lk_embed_stats *stats, lk_error *err);

void lk_embed_model_free(lk_embed_model *m); /* NULL is a no-op */

/* Save as LKEM (vocabulary with counts, config, input and output matrices), atomically. */
lk_status lk_embed_model_save(const lk_embed_model *m, const char *path, lk_error *err);

/* The same LKEM file image in memory: *out (*n bytes) is malloc'd, free it with free(). */
lk_status lk_embed_model_to_mem(const lk_embed_model *m, unsigned char **out, size_t *n,
                                lk_error *err);

/* The same LKEM bytes to an open stream (for lk_write_atomic_all with other outputs). */
lk_status lk_embed_model_write_fp(const lk_embed_model *m, FILE *fp, lk_error *err);

/* Save in fastText's .bin format (v12: args, dictionary, input and output matrices) so that
   `fasttext print-word-vectors` and gensim's load_facebook_model read it; atomically. */
lk_status lk_embed_model_save_fasttext(const lk_embed_model *m, const char *path, lk_error *err);
/* The same fastText .bin bytes to an open stream (for lk_write_atomic_all). */
lk_status lk_embed_model_write_fasttext_fp(const lk_embed_model *m, FILE *fp, lk_error *err);

/* Load a fastText .bin model (skipgram/cbow, ns/hs, not quantized or supervised; those are
   LK_ERR_FORMAT with the reason). Vectors of words and n-grams equal fastText's. */
lk_status lk_embed_model_load_fasttext(const char *path, lk_embed_model **out, lk_error *err);

/* True when p[0..n) starts with fastText's model magic. */
bool lk_embed_is_fasttext_magic(const unsigned char *p, size_t n);

/* Load an LKEM file (or a fastText .bin, by its magic); bad magic, newer version, checksum or size mismatch: LK_ERR_FORMAT. */
lk_status lk_embed_model_load(const char *path, lk_embed_model **out, lk_error *err);

/* The same from a file image buf[0..n) in memory (not kept); messages name `name`. */
lk_status lk_embed_model_from_mem(const void *buf, size_t n, const char *name,
                                  lk_embed_model **out, lk_error *err);

const lk_embed_config *lk_embed_model_config(const lk_embed_model *m); /* borrowed */
const lk_vocab *lk_embed_model_vocab(const lk_embed_model *m);          /* borrowed */
int32_t lk_embed_model_dim(const lk_embed_model *m);
/* The input rows (borrowed): (V, dim) words' own rows in vocabulary order, then (buckets,
   dim) n-gram rows when the model has subwords. */
const float *lk_embed_model_input(const lk_embed_model *m);

/* Vector of w into out (dim floats): a vocabulary word's vector (with subwords the mean of
   its own and its n-gram rows, as fastText); an unseen word's is the mean of its n-gram
   rows. *found is false (out zeroed) when the word is unseen and has no n-grams. */
void lk_embed_model_word_vector(const lk_embed_model *m, const char *w, size_t len, float *out,
                                bool *found);

/* lk_vec_oov_fn over a model (ctx = const lk_embed_model *): an unseen word's vector
   composed from its n-grams (false without subwords or known n-grams). */
bool lk_embed_oov_vector(void *model, const char *w, size_t len, float *out);

/* The vocabulary's vectors (count order) as a new table; free with lk_vectors_free. */
lk_status lk_embed_model_vectors(const lk_embed_model *m, lk_vectors **out);

/* Open a vectors file of any kind: LKEM or fastText .bin (then *model is set too, for
   unseen words) or
   word2vec text/binary (*model = NULL). `max_words` > 0 keeps only the first words. */
lk_status lk_embed_open_vectors(const char *path, int32_t max_words, lk_vectors **vec,
                                lk_embed_model **model, lk_error *err);

/* The same from a file image buf[0..n) in memory (not kept); messages name `name`. */
lk_status lk_embed_open_vectors_mem(const void *buf, size_t n, const char *name,
                                    int32_t max_words, lk_vectors **vec, lk_embed_model **model,
                                    lk_error *err);

/* word2vec's subsampling: probability of keeping a word of `count` among `total`
   (1 when sample is 0 or the word is rare enough). */
double lk_embed_keep_prob(int64_t count, int64_t total, double sample);

#endif
