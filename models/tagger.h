/* tagger.h: the recurrent sequence tagger: vocabularies (words or characters, affix/bigram
   features, tags), a (bi)RNN/LSTM/GRU encoder with a softmax or CRF output, training with
   early stopping, decoding, and the LKTG model file. `--unit char` models label characters
   with B/M/E/S x TAG and decode to words (joint Chinese segmentation and tagging).
   A loaded tagger is read-only: threads share it, each with its own lk_tagger_ws. */
#ifndef LK_MODELS_TAGGER_H
#define LK_MODELS_TAGGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/segment.h"
#include "text/corpus.h"
#include "text/error.h"
#include "text/fileio.h"

#define LK_TAGGER_MAGIC "LKTG"
#define LK_TAGGER_VERSION 2u /* v2 adds char_feats and the lexicon; v1 files still load */

/* Input features of char models (lk_tagger_config.char_feats bits). */
#define LK_TAGGER_CF_NFKC 1u    /* keys NFKC/width-folded (ＡＢＣ１２３ and ，keyed as ABC000 ,) */
#define LK_TAGGER_CF_CLASS 2u   /* Unicode category of the char and its neighbours, own bag */
#define LK_TAGGER_CF_LEXICON 4u /* dictionary matches (begin/inside/end of a 2/3/4+ char word,
                                   tag of the longest match), own bag; needs a lexicon */
#define LK_TAGGER_CF_DEFAULT (LK_TAGGER_CF_NFKC | LK_TAGGER_CF_CLASS)
#define LK_TAGGER_PIECE_MAX 256 /* characters: longer raw lines are decoded in pieces cut
                                   after sentence marks (docs/tagger.md) */
#define LK_TAGGER_LEX_MAX_CHARS 8
#define LK_TAGGER_CKPT_SUFFIX ".ckpt" /* training checkpoint: "<output>.ckpt" (lk_tagger_train);
                                         lk_tagger_load reads it as a model */ /* longest lexicon word used, in characters */

typedef enum { LK_TAGGER_WORD = 0, LK_TAGGER_CHAR = 1 } lk_tagger_unit;
typedef enum { LK_TAGGER_UPOS = 0, LK_TAGGER_XPOS = 1 } lk_tagger_column;

/* Network and feature settings, stored in the model file. */
typedef struct {
    lk_tagger_unit unit;     /* words (gold tokens) or characters (raw text) */
    lk_tagger_column column; /* which CoNLL-U column is the tag */
    char cell[16];           /* "lstm" | "gru" | "rnn" (= rnn-tanh) | "rnn-relu" */
    int32_t hidden;          /* hidden units per direction (64) */
    int32_t layers;          /* stacked layers (1) */
    bool bidirectional;      /* (true) */
    bool crf;                /* CRF output layer instead of softmax (false) */
    int32_t word_dim;        /* word (or character) embedding size (100) */
    int32_t char_dim;        /* affix / bigram feature embedding size, 0 = none (50) */
    int32_t min_feature_count; /* features seen fewer times in training are dropped (2) */
    uint32_t char_feats;     /* char unit: LK_TAGGER_CF_* (LK_TAGGER_CF_DEFAULT; v1 files: 0) */
    int32_t min_word_count;  /* word unit, training only (not stored): training words seen
                                fewer times get no embedding of their own (<unk>) (1) */
} lk_tagger_config;

/* The defaults in the comments above (LSTM, word unit, UPOS). */
lk_tagger_config lk_tagger_config_default(void);

/* LK_ERR_ARG with a readable reason ("hidden must be > 0") for a bad config. */
lk_status lk_tagger_config_check(const lk_tagger_config *c, lk_error *err);

typedef struct lk_tagger lk_tagger;
typedef struct lk_tagger_ws lk_tagger_ws; /* per-thread scratch for tagging */

/* Build an untrained model from `train`: vocabularies, tag set and randomly initialised
   parameters (seeded). `vectors` (NULL or a word2vec text file) adds its words to the word
   vocabulary and initialises their embeddings; its dimension must equal word_dim.
   An empty corpus or a token without a tag is an error. */
lk_status lk_tagger_create(const lk_tagger_config *c, const lk_tagged_corpus *train,
                           const char *vectors, uint64_t seed, lk_tagger **out, lk_error *err);

/* As lk_tagger_create; `lexicon` (NULL = none; char models with LK_TAGGER_CF_LEXICON) is a
   word list, one entry per line: the word, then optionally whitespace and a tag. Words of
   2..LK_TAGGER_LEX_MAX_CHARS characters are kept (others ignored) and stored in the model.
   Invalid UTF-8 is LK_ERR_PARSE naming file:line:col. */
lk_status lk_tagger_create_lex(const lk_tagger_config *c, const lk_tagged_corpus *train,
                               const char *vectors, const char *lexicon, uint64_t seed,
                               lk_tagger **out, lk_error *err);

/* Number of words in the model's lexicon (0 without one). */
int32_t lk_tagger_lexicon_size(const lk_tagger *m);
/* Whether text s[0..len) is a word of m's lexicon, compared as the model sees characters
   (NFKC if the model normalizes). False without a lexicon or for a key too long. */
bool lk_tagger_lexicon_has(const lk_tagger *m, const char *s, size_t len);
/* As lk_tagger_lexicon_has; for a word, *tag (if tag is not NULL) is its tag in the word list
   the model was made with (borrowed from m; "" when the line had none). */
bool lk_tagger_lexicon_word(const lk_tagger *m, const char *s, size_t len, const char **tag);

/* Feature strings of the characters of `text` (len bytes, valid UTF-8) as the model computes
   them, for tests and inspection: one line per character, features separated by spaces, in
   a malloc'd NUL-terminated string (free with free()). */
lk_status lk_tagger_char_features(const lk_tagger *m, const char *text, size_t len, char **out);

void lk_tagger_free(lk_tagger *m); /* NULL is a no-op */

/* Settings and sizes of a model. */
const lk_tagger_config *lk_tagger_get_config(const lk_tagger *m);
int32_t lk_tagger_n_tags(const lk_tagger *m);
const char *lk_tagger_tag_name(const lk_tagger *m, int32_t tag); /* borrowed; NULL if bad */
int32_t lk_tagger_tag_find(const lk_tagger *m, const char *tag, size_t len); /* or LK_ID_NONE */
size_t lk_tagger_n_params(const lk_tagger *m);

/* How the model was trained: "key=value" lines (epochs, optimizer, lr, dropout, data sizes,
   best dev score, ...) as written by lk_tagger_train, or NULL for models saved without them
   (older files). Borrowed. */
const char *lk_tagger_train_info(const lk_tagger *m);

/* Replace the training record saved with the model (NULL clears it). LK_ERR_NOMEM. */
lk_status lk_tagger_set_train_info(lk_tagger *m, const char *text);

/* Save atomically as LKTG v2 (magic, version, flags, payload, crc32). */
lk_status lk_tagger_save(const lk_tagger *m, const char *path, lk_error *err);

/* Save with the weights rounded to 16-bit floats (half the size; for shipped models). */
lk_status lk_tagger_save_compact(const lk_tagger *m, const char *path, lk_error *err);

/* Load an LKTG file. A newer format version, a truncated file or a checksum mismatch is
   LK_ERR_FORMAT with a message naming the file. */
lk_status lk_tagger_load(const char *path, lk_tagger **out, lk_error *err);
/* As lk_tagger_load, from the file's bytes buf[0..n) (read whole from a pipe, say; not
   kept); `name` names them in messages. */
lk_status lk_tagger_load_mem(const void *buf, size_t n, const char *name, lk_tagger **out,
                             lk_error *err);

lk_status lk_tagger_ws_create(lk_tagger_ws **out);
void lk_tagger_ws_free(lk_tagger_ws *ws); /* NULL is a no-op */

#define LK_TAGGER_MAX_THREADS 64

/* Tag and segment with n threads (1..LK_TAGGER_MAX_THREADS; 1, the default, uses only the
   calling thread). The labels do not depend on n. LK_ERR_ARG or LK_ERR_NOMEM (then the
   thread count is somewhere between the old and the new one). */
lk_status lk_tagger_ws_set_threads(lk_tagger_ws *ws, int32_t n);

/* Tag n sentences (word models) by their FORMs: tags gets one tag id per token, sentence
   after sentence (sum of sents[i].n entries). Sentences of any length, including empty. */
lk_status lk_tagger_tag_sentences(const lk_tagger *m, lk_tagger_ws *ws, const lk_sentence *sents,
                                  size_t n, int32_t *tags, lk_error *err);

/* A word found in raw text: bytes [start, start + len) of its line, with its tag. */
typedef struct {
    size_t start, len;
    int32_t tag;
} lk_tagger_span;

/* Segment and tag n lines of raw text (char models). White space, controls and format
   characters (lk_is_ignorable: ZWSP, ZWJ, BOM, NUL, ...) separate words and are not part of
   any word (with constraints, one JOINed to the word before it stays in it: an emoji ZWJ
   sequence). The words of line i are (*spans)[(*span_off)[i] .. (*span_off)[i+1]);
   both arrays are borrowed from ws until its next use. */
lk_status lk_tagger_segment_lines(const lk_tagger *m, lk_tagger_ws *ws, const char *const *texts,
                                  const size_t *lens, size_t n, const lk_tagger_span **spans,
                                  const size_t **span_off, lk_error *err);

/* lk_tagger_segment_lines under decoding constraints: cons[i] (cons may be NULL) holds
   arrays of lens[i] entries indexed by BYTE offset in line i, read at the first byte of
   each character (see lk_seg_cons): a word starts at START characters, runs on through
   JOIN characters, and takes an allowed tag. White space still separates words (a JOIN
   after it is ignored), and so does an ignorable character that is not JOIN itself. Long lines are never cut into decoding pieces before a
   JOIN character unless a joined span exceeds the piece size. */
lk_status lk_tagger_segment_lines_cons(const lk_tagger *m, lk_tagger_ws *ws,
                                       const char *const *texts, const size_t *lens,
                                       const lk_seg_cons *cons, size_t n,
                                       const lk_tagger_span **spans, const size_t **span_off,
                                       lk_error *err);

/* What a long raw line may be cut into decoding pieces after: a sentence mark (。！？；…
   full-width, half-width and ASCII ! ? ;), past the closing quotes and brackets that follow
   it; else a clause mark (，、 ,). A line of more than LK_TAGGER_PIECE_MAX characters is
   cut after every sentence mark followed by a character that may start a word. */
typedef enum {
    LK_TAGGER_CUT_NONE = 0,
    LK_TAGGER_CUT_CLOSER,
    LK_TAGGER_CUT_CLAUSE,
    LK_TAGGER_CUT_SENTENCE,
} lk_tagger_cut;
lk_tagger_cut lk_tagger_cut_class(int32_t cp);

/* Where a gold sentence's raw text comes from when a char model is evaluated. */
typedef enum {
    LK_TAGGER_RAW_TEXT = 0,    /* its "# text = " comment */
    LK_TAGGER_RAW_SPACE_AFTER, /* its FORMs, a space after each but those with SpaceAfter=No
                                  (the file has SpaceAfter annotation) */
    LK_TAGGER_RAW_JOINED,      /* its FORMs joined without spaces (no annotation) */
    LK_TAGGER_RAW_SOURCES
} lk_tagger_raw_source;

/* Evaluation on a gold corpus. Word models: token accuracy; a gold tag unknown to the model
   counts as an error and in n_unknown_tags. Char models: the sentence text is the
   concatenation of the gold words, segmented by the model alone; segmentation and joint
   word+tag matches by span. (lk_zhseg_evaluate, models/zhseg.h, scores a char model from
   the sentences' raw text as `lexkit tag` segments it.) */
typedef struct {
    int64_t tokens, correct, n_unknown_tags;
    double accuracy;
    lk_seg_counts seg;
    lk_prf seg_prf, joint_prf;
    double seconds;
    int64_t raw_sents[LK_TAGGER_RAW_SOURCES]; /* char models: sentences by raw text source */
    int64_t text_mismatch; /* char models: sentences whose `# text` has other characters than
                              their FORMs (scored from the FORMs instead) */
    bool zhseg;            /* char models: segmented as `lexkit tag` does (lk_zhseg_evaluate);
                              false: by the model alone (lk_tagger_evaluate) */
} lk_tagger_eval_result;

lk_status lk_tagger_evaluate(const lk_tagger *m, const lk_tagged_corpus *test,
                             lk_tagger_eval_result *res, lk_error *err);

/* ---- training ------------------------------------------------------------------------ */

/* The figures of one finished training epoch, passed to lk_tagger_train_config.on_epoch
   (after the epoch's model or checkpoint is written). */
typedef struct {
    int32_t epoch, epochs; /* 1-based epoch; the planned number */
    double loss;           /* mean training loss per position */
    double tokens_per_sec;
    double dev;            /* dev score kept for the epoch (accuracy; joint F1 for char models;
                              the mean of the last epochs' weights when that scored higher);
                              NaN without a dev set */
    bool best;             /* the epoch's weights (or their mean) are the best so far (saved) */
} lk_tagger_epoch;

typedef void (*lk_tagger_epoch_fn)(void *user, const lk_tagger_epoch *e);

typedef struct {
    lk_tagger_config model;
    int32_t epochs;       /* max epochs (20) */
    int32_t batch;        /* sentences per minibatch (32) */
    int optimizer;        /* 0 = sgd (momentum 0.9), 1 = adam (1) */
    float lr;             /* 0 = optimizer default: adam 2e-3, sgd 0.1 */
    float clip;           /* max global gradient norm, 0 = off (5) */
    int32_t bptt;         /* truncated BPTT length, 0 = full (0) */
    float dropout;        /* on embeddings and encoder outputs (0.33) */
    float word_dropout;   /* rare-word <unk> replacement alpha/(alpha+count) (0.25) */
    float feat_dropout;   /* probability of emptying a position's first feature bag (char
                             models: the n-grams; word models: the prefixes) (0) */
    int32_t patience;     /* stop after this many epochs without dev gain, 0 = never (5) */
    int32_t threads;      /* worker threads for a minibatch (1) */
    uint64_t seed;        /* (1) */
    const char *vectors;  /* word2vec text file, or NULL */
    const char *lexicon;  /* char models: word list for dictionary features, or NULL */
    bool resume;          /* continue from "<output>.ckpt" if present */
    bool compact;         /* write the best model with 16-bit weights */
    const lk_write_job *with_model; /* other outputs (e.g. the CLI's --plot) committed together */
    size_t n_with_model;            /* with the model, all or none; their writers run then */
                                    /* (at most LK_TAGGER_MAX_WITH_MODEL) */
    int32_t average;      /* > 1: also score the mean of the last N epochs' weights on dev and
                             keep it when it is the best (0) */
    lk_log_fn log;        /* progress and messages (NULL = silent) */
    void *log_user;
    lk_tagger_epoch_fn on_epoch; /* each finished epoch's figures, typed (NULL = none) */
    void *epoch_user;
} lk_tagger_train_config;

#define LK_TAGGER_MAX_WITH_MODEL 4

lk_tagger_train_config lk_tagger_train_config_default(void);
lk_status lk_tagger_train_config_check(const lk_tagger_train_config *c, lk_error *err);

typedef struct {
    int32_t epochs_run, best_epoch;
    double best_dev;     /* dev accuracy (word) or joint F1 (char) of the saved model */
    double train_tokens_per_s;
    bool diverged;       /* stopped by the divergence rule (see lk_tagger_train) */
} lk_tagger_train_result;

/* Train on `train`, select by `dev` (may be NULL: the last epoch is kept) and write the best
   model to `output` atomically once, when the run ends (together with c->with_model, all or
   none); "<output>.ckpt" (last epoch + optimizer state) and "<output>.ckpt.best" are written
   after each epoch for resume, so an interrupted run leaves `output` as it was. A diverged step stops training with LK_ERR_STATE
   and res->diverged; the best model written so far (if any) stays in place, untouched.
   A step has diverged when its loss or gradient norm is NaN/inf, when its loss exceeds
   100 x max(first step loss, ln(number of labels)), or when the update leaves a NaN/inf
   parameter. The rule does not depend on how the BLAS kernel rounds huge values. */
lk_status lk_tagger_train(const lk_tagger_train_config *c, const lk_tagged_corpus *train,
                          const lk_tagged_corpus *dev, const char *output,
                          lk_tagger_train_result *res, lk_error *err);

#endif
