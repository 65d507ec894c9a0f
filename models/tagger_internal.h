/* tagger_internal.h: the tagger's fields and the network pieces shared by tagger.c and
   tagger_train.c. Never installed. */
#ifndef LK_MODELS_TAGGER_INTERNAL_H
#define LK_MODELS_TAGGER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/blas.h"
#include "models/cell.h"
#include "models/crf.h"
#include "models/lexicon.h"
#include "models/optim.h"
#include "models/rng.h"
#include "models/seq.h"
#include "models/tagger.h"
#include "text/vocab.h"

#define LK_TAGGER_UNK 1   /* id of <unk> in the word vocabulary (0 is <pad>) */
#define LK_TAGGER_MAX_FEATS 16 /* features per position */
#define LK_TAGGER_KEY_MAX 256  /* bytes of a feature string */
#define LK_TAGGER_MAX_GROUPS 3 /* feature groups, each its own bag: prefixes, suffixes, shape */

struct lk_tagger {
    lk_tagger_config cfg;
    lk_cell_type cell_type;
    lk_vocab *words;   /* main unit: lowercased words or characters; <pad>, <unk> first */
    lk_vocab *feats;   /* affix / shape / character n-gram features */
    lk_vocab *labels;  /* output labels: tags (word unit) or "B-TAG" (char unit) */
    lk_vocab *tags;    /* the tag set (char unit; for word models the same as labels) */
    int32_t *label_pos, *label_tag; /* (L) char unit: B/M/E/S and tag of each label */
    lk_params params;
    /* lk_tagger_load: the weights never change after loading, and this is the model file's
       CRC (0: not loaded that way, e.g. in training); workspaces key their inference tables
       (transposed weights, bag table) on it and build them once instead of on every call */
    uint32_t fixed_crc;
    lk_seq seq;
    lk_crf_layout crf;
    size_t v_wemb, v_femb, v_out_w, v_out_b;
    int32_t n_groups;   /* feature bags per position: 3 (word unit), 1 (char unit) */
    uint8_t *feat_group; /* (Vf) bag of each feature */
    int32_t input_dim;  /* word_dim + n_groups * char_dim */
    lk_lexicon *lex;    /* char unit, CF_LEXICON: lexicon words and their proper prefixes, keyed
                           like characters, with tag + 1 (0 = none) */
    lk_vocab *lex_tags; /* tags of lexicon words */
    int32_t lex_words;  /* entries with LK_LEX_WORD */
    char *train_info;   /* "key=value" lines on how the model was trained, or NULL (optional
                           trailer of the file, flag LK_TG_FLAG_INFO) */
};


/* Featurized sentences: positions (words or characters) with a main id, features and gold
   label (LK_ID_NONE when unknown). Sentence s covers positions [off[s], off[s + 1]). */
typedef struct {
    size_t n_sents, n_pos;
    size_t *off;       /* (n_sents + 1) */
    int32_t *main;     /* (n_pos) */
    int32_t *foff;     /* (n_pos + 1) offsets into feats */
    int32_t *feats;
    int32_t *gold;     /* (n_pos) */
    size_t cap_pos, cap_feats, cap_sents;
} lk_tg_data;

void lk_tg_data_free(lk_tg_data *d);

/* Featurize a corpus with m's vocabularies (gold labels from the configured column).
   Char unit: characters of the concatenated words, labels from word boundaries. */
lk_status lk_tg_data_from_corpus(const lk_tagger *m, const lk_tagged_corpus *c, lk_tg_data *d,
                                 int64_t *n_unknown_tags, lk_error *err);

/* Empty d (keeps its buffers). */
void lk_tg_data_reset(lk_tg_data *d);

/* Append one tokenized sentence (word models); unknown gold tags are counted. */
lk_status lk_tg_data_add_tokens(const lk_tagger *m, lk_tg_data *d, const lk_tagged_token *toks,
                                size_t n, int64_t *n_unknown_tags);

/* Append one sentence of n characters text[starts[i] .. + lens[i]) (char models). */
lk_status lk_tg_data_add_chars(const lk_tagger *m, lk_tg_data *d, const char *text,
                               const size_t *starts, const size_t *lens, int32_t n);

/* Per-thread scratch for forward/backward and decoding; buffers grow on demand. */
struct lk_tagger_ws {
    lk_seq_ws *seq;
    lk_crf_ws *crf;
    lk_real *x, *ew, *ef, *out, *logits, *probs, *dlogits, *dout, *dx;
    size_t cap_x, cap_ew, cap_ef, cap_out, cap_logits, cap_probs, cap_dlogits, cap_dout, cap_dx;
    uint8_t *xmask, *omask;
    size_t cap_xmask, cap_omask;
    int32_t *lengths, *main, *gold, *pred, *fids, *foff, *labels;
    size_t fstride;           /* fids entries per feature group */
    float feat_dropout;       /* training: probability of leaving out a position's bag 0 (0) */
    size_t cap_lengths, cap_main, cap_gold, cap_pred, cap_fids, cap_foff, cap_labels;
    size_t *order, *starts, *clens, *span_off;
    size_t cap_order, cap_starts, cap_clens, cap_span_off;
    uint8_t *cflags;          /* (chars) decoding constraints of the lines (LK_SEG_C_*) */
    uint64_t *ctags;          /* (chars) allowed tags, 0 = any */
    size_t cap_cflags, cap_ctags;
    uint8_t *cls;             /* (chars) cut class of each character of the lines */
    int32_t *pieces;          /* lengths of the pieces the lines are decoded in */
    size_t *piece_off;        /* (lines + 1) line i is pieces [piece_off[i], piece_off[i+1]) */
    size_t *pline, *pstart;   /* piece p: its line, and its first character ((pieces + 1)) */
    size_t cap_cls, cap_pieces, cap_piece_off, cap_pline, cap_pstart;
    lk_tagger_span *spans;
    size_t cap_spans;
    lk_seg_word *words;
    size_t cap_words;
    void *vwork;
    size_t cap_vwork;
    float *vscores;
    size_t cap_vscores;
    lk_tg_data data;          /* featurized input being tagged */
    /* inference weights (lk_tg_label_data): the encoder with transposed copies for
       lk_gemm_kn, and the output layer transposed (DH, L); rebuilt on every call, except for
       a loaded model (fixed_crc): then once per workspace (wt_crc) */
    lk_real *wt;
    size_t cap_wt;
    lk_seq_weights fast;
    const lk_real *out_wt;
    bool use_fast;
    /* per-id first-layer projections of the ids being tagged (build_ptab): ptab/pslot view
       ptab_buf/pslot_buf, or in a helper its caller's (read-only); ptab NULL = not used */
    const lk_real *ptab;
    const int32_t *pslot;
    lk_real *ptab_buf, *xw0;
    int32_t *pslot_buf, *pids;
    int32_t gh;
    size_t ptab_n;            /* ids in ptab: rows (d * ptab_n + slot) */
    /* char models: first-layer projections of each feature of the small bags (category,
       lexicon): row (d * btab_n + bslot[f]) = F[f] W_x[:, bag columns]^T of direction d; a
       bag's projection is then the mean of its features' rows (no product per position).
       btab_on[g]: bag g uses it. Borrowed by helpers like ptab. */
    const lk_real *btab;
    const int32_t *bslot;
    size_t btab_n;
    bool btab_on[LK_TAGGER_MAX_GROUPS];
    uint32_t wt_crc, btab_crc; /* fixed_crc of the model wt / btab_buf were built for (0: none) */
    lk_real *btab_buf, *bacc;
    int32_t *bslot_buf;
    size_t cap_btab, cap_bslot, cap_bacc;
    size_t cap_ptab, cap_xw0, cap_pslot, cap_pids;
    lk_tagger_ws *helpers[LK_TAGGER_MAX_THREADS - 1]; /* workspaces of the extra threads */
    int32_t n_helpers;
    /* the last forward: */
    int32_t T, B;
    float dropout;
    bool train;
    const lk_tg_data *d;
    const size_t *idx;
};

/* Forward sentences idx[0..B) of d (borrowed until the next forward). train: dropout and
   word dropout (rare words -> <unk> with probability alpha/(alpha+count)) drawn from rng,
   caches kept for lk_tg_loss_backward. Leaves logits (T, B, L) in ws. */
lk_status lk_tg_forward(const lk_tagger *m, lk_tagger_ws *ws, const lk_tg_data *d,
                        const size_t *idx, int32_t B, bool train, float dropout,
                        float word_dropout, lk_rng *rng);

/* Loss of the last forward (sum over positions or sequences); if grad is not NULL, ADDS
   scale * gradient into grad (a buffer with m->params' layout). Needs a train forward. */
lk_status lk_tg_loss_backward(const lk_tagger *m, lk_tagger_ws *ws, lk_real *grad, lk_real scale,
                              double *loss);

/* Decode the last forward into ws->pred (T, B) label ids; cons (char models, arrays indexed
   by data position, or NULL) constrains the words and tags. */
lk_status lk_tg_decode(const lk_tagger *m, lk_tagger_ws *ws, const lk_seg_cons *cons);

/* Labels of every position of d (n_pos entries), batched by length. */
lk_status lk_tg_label_data(const lk_tagger *m, lk_tagger_ws *ws, const lk_tg_data *d,
                           const lk_seg_cons *cons, int32_t *labels);

/* Evaluate featurized data d of corpus test (accuracy or segmentation counts). */
lk_status lk_tg_evaluate_data(const lk_tagger *m, lk_tagger_ws *ws, const lk_tagged_corpus *test,
                              const lk_tg_data *d, lk_tagger_eval_result *res);

/* Write a model (with an optional training state, or else with 16-bit weights if half) to
   `path` atomically. */
typedef struct {
    int32_t epoch, best_epoch, bad_epochs;
    double best_dev;
    uint64_t rng_state;
    int64_t optim_steps;
    const lk_real *optim_state;
    size_t n_optim_state;
} lk_tg_train_state;

/* The divergence rule of training (one place, unit-tested). A step has diverged when
   - its loss or gradient norm is NaN or infinite, or
   - its loss (mean per position) exceeds LK_TG_DIVERGE_FACTOR times the larger of the run's
     first finite step loss (ref_loss; < 0 when not known yet) and ln(n_labels), the loss of a
     uniform guess: the model then gives the right label a probability below n_labels^-100
     on average, which no converging run does.
   Returns a short reason (static string) or NULL. Whether huge weights become inf/NaN
   depends on the BLAS kernel; the loss-explosion test and the parameter check after each
   update (lk_tg_all_finite) do not. */
#define LK_TG_DIVERGE_FACTOR 100.0
const char *lk_tg_diverged(double loss, double grad_norm, double ref_loss, int32_t n_labels);

/* True when every x[0..n) is finite. */
bool lk_tg_all_finite(const lk_real *x, size_t n);

lk_status lk_tg_save(const lk_tagger *m, const lk_tg_train_state *st, const char *path,
                     bool half, lk_error *err);
/* The same, committed together with `extra` other outputs, all or none. */
lk_status lk_tg_save_with(const lk_tagger *m, const lk_tg_train_state *st, const char *path,
                          bool half, const lk_write_job *extra, size_t n_extra, lk_error *err);

/* Load; if the file has a training state and st is not NULL, st->optim_state is a malloc'd
   copy (free with free()). */
lk_status lk_tg_load(const char *path, lk_tagger **out, lk_tg_train_state *st, lk_error *err);

#endif
