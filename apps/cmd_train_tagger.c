/* cmd_train_tagger.c: `lexkit train-tagger`: train an RNN/LSTM/GRU tagger on CoNLL-U. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "apps/svg.h"
#include "models/blas.h"
#include "models/tagger.h"

#define CMD "train-tagger"

static void help(void)
{
    printf("usage: lexkit train-tagger --train CONLLU [--dev CONLLU] --output MODEL [options]\n"
           "Train an RNN/LSTM/GRU tagger (optionally with a CRF layer) on CoNLL-U (or word/TAG\n"
           "lines: --input-format slash); --unit char\n"
           "trains joint Chinese word segmentation + tagging on characters. With --dev, the\n"
           "model of the best dev epoch is kept (early stopping after --patience epochs);\n"
           "without it, the last epoch's.\n");
}

/* Per-epoch figures for --plot, from the trainer's lk_tagger_epoch reports. */
typedef struct {
    double *loss, *dev; /* (epochs), NaN until seen */
    int32_t epochs, last;
} curves;

static void curve_epoch(void *user, const lk_tagger_epoch *ep)
{
    curves *c = user;
    if (ep->epoch < 1 || ep->epoch > c->epochs) return;
    c->loss[ep->epoch - 1] = ep->loss;
    c->dev[ep->epoch - 1] = ep->dev;
    if (ep->epoch > c->last) c->last = ep->epoch;
}

/* --plot's writer, run when the model is written (lk_tagger_train_config.with_model): the
   epochs seen so far, committed together with the model, all or none. */
typedef struct {
    const curves *cv;
    bool dev, char_unit;
} plot_ctx;

static lk_status write_plot(FILE *fp, void *ctx, lk_error *err)
{
    const plot_ctx *p = ctx;
    lk_svg_series series[2] = {{"train loss", p->cv->loss, 0},
                               {p->char_unit ? "dev joint F1" : "dev accuracy", p->cv->dev, 1}};
    lk_svg_lines_plot plot = {"lexkit train-tagger", "epoch", series, p->dev ? 2 : 1,
                              (size_t)p->cv->last};
    return lk_svg_write_lines(fp, &plot, err);
}

static void help_cb(void *u)
{
    (void)u;
    help();
}

/* --char-features nfkc,class | none: sets m->char_feats (the lexicon bit comes from --lexicon). */
static bool char_feats_opt(void *u, const char *cmd, const char *name, const char *val)
{
    lk_tagger_config *m = u;
    uint32_t bits = 0;
    const char *p = val;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 4 && strncmp(p, "nfkc", 4) == 0)
            bits |= LK_TAGGER_CF_NFKC;
        else if (n == 5 && strncmp(p, "class", 5) == 0)
            bits |= LK_TAGGER_CF_CLASS;
        else if (!(n == 4 && strncmp(p, "none", 4) == 0)) {
            lk_cli_usage_error(cmd, "%s: unknown feature '%.*s' (use nfkc, class or none)", name,
                               (int)n, p);
            return false;
        }
        p += n;
        if (*p == ',') p++;
    }
    m->char_feats = bits;
    return true;
}

/* The model options given on the command line: a resumed model keeps its own, so a given
   one must agree with it (as embed --resume). */
typedef struct {
    bool unit, column, cell, hidden, layers, bidir, crf, word_dim, char_dim, min_feature_count,
        char_feats, min_word_count;
} model_opts_given;

static const char *const COLUMNS[] = {"upos", "xpos", NULL}, *const UNITS[] = {"word", "char", NULL};

/* --char-features bits as the option spells them ("nfkc,class", "class", "none"). */
static void feats_name(uint32_t bits, char *buf, size_t cap)
{
    bool nfkc = bits & LK_TAGGER_CF_NFKC, cls = bits & LK_TAGGER_CF_CLASS;
    snprintf(buf, cap, "%s%s%s", nfkc ? "nfkc" : "", nfkc && cls ? "," : "",
             cls ? "class" : nfkc ? "" : "none");
}

/* With --resume: the checkpoint's settings replace *m's, and an option given that disagrees
   with them is a usage error naming the option and the model's value (-1: they agree, or
   there is no checkpoint, which lk_tagger_train reports). --embeddings, --lexicon and
   --min-word-count only shape a new model: with --resume they get a note that they are not
   used (a lexicon given for a model without one is a conflict). */
static int check_resume(const char *output, const model_opts_given *g, const char *lexicon,
                        const char *vectors, lk_tagger_config *m)
{
    char ckpt[4096];
    if ((size_t)snprintf(ckpt, sizeof ckpt, "%s%s", output, LK_TAGGER_CKPT_SUFFIX) >= sizeof ckpt)
        return -1;
    FILE *fp = fopen(ckpt, "rb");
    if (!fp) return -1;
    fclose(fp);
    lk_tagger *t = NULL;
    lk_error err;
    lk_error_clear(&err);
    if (lk_tagger_load(ckpt, &t, &err) != LK_OK) return -1; /* lk_tagger_train reports it */
    lk_tagger_config k = *lk_tagger_get_config(t);
    lk_tagger_free(t);
    const char *what = "conflicts with the resumed model's";
    uint32_t feats = k.char_feats & ~LK_TAGGER_CF_LEXICON;
    if (g->unit && m->unit != k.unit)
        return lk_cli_usage_error(CMD, "--unit %s %s unit %s", UNITS[m->unit], what, UNITS[k.unit]);
    if (g->column && m->column != k.column)
        return lk_cli_usage_error(CMD, "--column %s %s column %s", COLUMNS[m->column], what,
                                  COLUMNS[k.column]);
    if (g->cell && strcmp(m->cell, k.cell) != 0)
        return lk_cli_usage_error(CMD, "--cell %s %s cell %s", m->cell, what, k.cell);
    if (g->hidden && m->hidden != k.hidden)
        return lk_cli_usage_error(CMD, "--hidden %d %s hidden %d", (int)m->hidden, what,
                                  (int)k.hidden);
    if (g->layers && m->layers != k.layers)
        return lk_cli_usage_error(CMD, "--layers %d %s layers %d", (int)m->layers, what,
                                  (int)k.layers);
    if (g->bidir && m->bidirectional != k.bidirectional)
        return lk_cli_usage_error(CMD, "%s %s %s", m->bidirectional ? "--bidirectional" :
                                  "--unidirectional", what, k.bidirectional ? "--bidirectional" :
                                  "--unidirectional");
    if (g->crf && m->crf != k.crf)
        return lk_cli_usage_error(CMD, "--crf %s softmax output", what);
    if (g->word_dim && m->word_dim != k.word_dim)
        return lk_cli_usage_error(CMD, "--word-dim %d %s word-dim %d", (int)m->word_dim, what,
                                  (int)k.word_dim);
    if (g->char_dim && m->char_dim != k.char_dim)
        return lk_cli_usage_error(CMD, "--char-dim %d %s char-dim %d", (int)m->char_dim, what,
                                  (int)k.char_dim);
    if (g->min_feature_count && m->min_feature_count != k.min_feature_count)
        return lk_cli_usage_error(CMD, "--min-feature-count %d %s min-feature-count %d (its "
                                  "features are kept)", (int)m->min_feature_count, what,
                                  (int)k.min_feature_count);
    if (g->char_feats && m->char_feats != feats) {
        char a[32], b[32];
        feats_name(m->char_feats, a, sizeof a);
        feats_name(feats, b, sizeof b);
        return lk_cli_usage_error(CMD, "--char-features %s %s char features %s", a, what, b);
    }
    if (lexicon && !(k.char_feats & LK_TAGGER_CF_LEXICON))
        return lk_cli_usage_error(CMD, "--lexicon %s model without a lexicon", what);
    if (lexicon)
        fprintf(stderr, "lexkit %s: note: --lexicon is not read when resuming (the model keeps "
                "its lexicon)\n", CMD);
    if (vectors)
        fprintf(stderr, "lexkit %s: note: --embeddings is not read when resuming (the model keeps "
                "its vocabulary and embeddings)\n", CMD);
    if (g->min_word_count)
        fprintf(stderr, "lexkit %s: note: --min-word-count is not used when resuming (the model "
                "keeps its vocabulary)\n", CMD);
    k.min_word_count = m->min_word_count; /* not stored in the model */
    *m = k;
    return -1;
}

static int run(int argc, char **argv)
{
    static const char *const optimizers[] = {"sgd", "adam", NULL}, /* enum/flag order */
                              *const in_fmts[] = {"conllu", "slash", NULL},
                              *const cells[] = {"lstm", "gru", "rnn", "rnn-tanh", "rnn-relu", NULL};
    lk_tagger_train_config c = lk_tagger_train_config_default();
    lk_tagger_config *m = &c.model;
    model_opts_given g = {0};
    const char *paths[6] = {NULL, NULL, NULL, NULL, NULL, NULL}; /* train, dev, output,
                                                                   embeddings, lexicon, plot */
    bool progress = false, quiet = false;
    int column = (int)m->column, unit = (int)m->unit, cell = 0, in_fmt = 0; /* cells[0]: the default */
    long seed = (long)c.seed;
    double lr = c.lr, clip = c.clip, dropout = c.dropout, word_dropout = c.word_dropout,
           feat_dropout = c.feat_dropout;
    const lk_cli_option opts[] = {
        LKO_STR("--train", &paths[0], "CONLLU", "training sentences (required)"),
        LKO_STR("--dev", &paths[1], "CONLLU", "dev sentences: best-epoch selection and early "
                "stopping (default: none, the last epoch is kept)"),
        LKO_STR("--output", &paths[2], "MODEL", "model file, written atomically (required)"),
        LKO_CHOICE("--input-format", &in_fmt, in_fmts, "--train and --dev files: CoNLL-U, or "
                   "word/TAG lines (one sentence per line; the tag is both UPOS and XPOS)"),
        LKO_CHOICE("--column", &column, COLUMNS, "tag column", &g.column),
        LKO_CHOICE("--unit", &unit, UNITS, "word tagger, or char: joint Chinese segmentation + "
                   "tagging", &g.unit),
        LKO_CHOICE("--cell", &cell, cells, "recurrent cell (rnn is rnn-tanh)", &g.cell),
        LKO_I32("--hidden", &m->hidden, 1, 4096, "units per direction", &g.hidden),
        LKO_I32("--layers", &m->layers, 1, 8, "stacked recurrent layers", &g.layers),
        LKO_FLAG("--bidirectional", &m->bidirectional, "read sentences both ways", &g.bidir),
        LKO_NOFLAG("--unidirectional", &m->bidirectional, "left to right only", &g.bidir),
        LKO_FLAG("--crf", &m->crf, "CRF output layer (softmax otherwise)", &g.crf),
        LKO_STR("--embeddings", &paths[3], "VECTORS", "initialise word embeddings from a "
                "word2vec text file, read once (- or a pipe will do) (default: random)"),
        LKO_I32("--word-dim", &m->word_dim, 1, 4096, "word embedding size", &g.word_dim),
        LKO_I32("--char-dim", &m->char_dim, 0, 4096, "affix/bigram feature embedding size", &g.char_dim),
        LKO_I32("--min-feature-count", &m->min_feature_count, 1, 1000000, "drop rarer "
                "affix/bigram features", &g.min_feature_count),
        LKO_I32("--min-word-count", &m->min_word_count, 1, 1000000, "word models: training "
                "words seen fewer times share the <unk> embedding (a smaller model; words in "
                "--embeddings are kept)", &g.min_word_count),
        LKO_I32("--epochs", &c.epochs, 1, 100000, "training epochs"),
        LKO_I32("--batch", &c.batch, 1, 100000, "sentences per update"),
        LKO_I32("--patience", &c.patience, 0, 100000, "stop after N epochs without dev "
                "improvement (0 = never)"),
        LKO_CHOICE("--optimizer", &c.optimizer, optimizers, "update rule"),
        LKO_DOUBLE("--lr", &lr, 1e-30, 1e30, "learning rate (default: 2e-3 adam, 0.1 sgd)"),
        LKO_DOUBLE("--clip", &clip, 0, 1e30, "gradient norm clipping"),
        LKO_I32("--bptt", &c.bptt, 0, 1000000, "truncated backpropagation length (0 = full)"),
        LKO_DOUBLE("--dropout", &dropout, 0, 0.99, "dropout on recurrent inputs/outputs"),
        LKO_DOUBLE("--word-dropout", &word_dropout, 0, 1e6, "unknown-word replacement rate "
                   "alpha/(alpha + count)"),
        LKO_DOUBLE("--feature-dropout", &feat_dropout, 0, 0.99, "probability of leaving out a "
                   "position's first feature bag (char models: the n-grams; 0 = off)"),
        LKO_I32("--threads", &c.threads, 1, 64, "training workers"),
        LKO_LONG("--seed", &seed, 0, INT32_MAX, "random seed"),
        LKO_FLAG("--resume", &c.resume, "continue from MODEL.ckpt (an error when there is none)"),
        LKO_I32("--average", &c.average, 0, 64, "also score the mean of the last N epochs' "
                "weights on dev and keep it when best (0 = off)"),
        LKO_FLAG("--compact", &c.compact, "write the model with 16-bit weights (half the size)"),
        LKO_STR("--plot", &paths[5], "FILE.svg", "draw the training loss and dev score per epoch "
                "(default: none)"),
        LKO_FLAG("--progress", &progress, "progress on stderr even when it is not a terminal"),
        LKO_FLAG("--quiet", &quiet, "no progress or summary"),
        LKO_STR("--lexicon", &paths[4], "FILE", "char models: word list (\"word [tag]\" lines) for "
                "dictionary-match features, stored in the model (default: none)"),
        {.name = "--char-features", .kind = LK_OPT_CUSTOM, .parse = char_feats_opt,
         .arg = "LIST", .help = "char models: nfkc,class (default), a subset, or none",
         .seen = &g.char_feats},
    };
    int rc = lk_cli_parse(CMD, argc, argv, opts, LK_OPTS_N(opts), help_cb, m);
    if (rc >= 0) return rc;
    m->column = (lk_tagger_column)column;
    m->unit = (lk_tagger_unit)unit;
    snprintf(m->cell, sizeof m->cell, "%s", cells[cell]);
    c.seed = (uint64_t)seed;
    c.lr = (float)lr;
    c.clip = (float)clip;
    c.dropout = (float)dropout;
    c.word_dropout = (float)word_dropout;
    c.feat_dropout = (float)feat_dropout;
    if (!paths[0] || !paths[2]) return lk_cli_usage_error(CMD, "--train and --output are required");
    const lk_cli_output outs[] = {{"--output", paths[2]}, {"--plot", paths[5]}};
    const lk_cli_output ins[] = {{"--train", paths[0]}, {"--dev", paths[1]},
                                 {"--embeddings", paths[3]}, {"--lexicon", paths[4]}};
    if ((rc = lk_cli_check_outputs(CMD, outs, LK_OPTS_N(outs), ins, LK_OPTS_N(ins))) >= 0)
        return rc;
    if (c.resume && (rc = check_resume(paths[2], &g, paths[4], paths[3], m)) >= 0) return rc;
    c.vectors = paths[3];
    c.lexicon = paths[4];
    if (c.lexicon && m->unit != LK_TAGGER_CHAR)
        return lk_cli_usage_error(CMD, "--lexicon needs --unit char");
    lk_error err;
    lk_error_clear(&err);
    lk_status st = lk_tagger_train_config_check(&c, &err);
    if (st != LK_OK) return lk_cli_usage_error(CMD, "%s", err.msg);
    if (paths[5] && (st = lk_output_check(paths[5], &err)) != LK_OK) /* before training */
        return lk_cli_fail(CMD, st, &err);
    lk_progress prog;
    lk_progress_init(&prog, "tokens", progress, quiet);
    c.log = lk_cli_log;
    c.log_user = &prog;
    curves cv = {NULL, NULL, c.epochs, 0};
    if (paths[5]) {
        cv.loss = malloc((size_t)c.epochs * sizeof *cv.loss);
        cv.dev = malloc((size_t)c.epochs * sizeof *cv.dev);
        if (!cv.loss || !cv.dev) {
            free(cv.loss);
            free(cv.dev);
            return lk_cli_fail(CMD, LK_ERR_NOMEM, NULL);
        }
        for (int32_t i = 0; i < c.epochs; i++) cv.loss[i] = cv.dev[i] = NAN;
        c.on_epoch = curve_epoch;
        c.epoch_user = &cv;
    }
    plot_ctx pc = {&cv, paths[1] != NULL, m->unit == LK_TAGGER_CHAR};
    lk_write_job plot_job = {paths[5], write_plot, &pc};
    if (paths[5]) {
        c.with_model = &plot_job;
        c.n_with_model = 1;
    }
    lk_blas_set_threads(1); /* parallelism comes from the training workers */
    lk_tagged_corpus train, dev;
    memset(&train, 0, sizeof train);
    memset(&dev, 0, sizeof dev);
    lk_tagger_train_result res;
    lk_tagged_format fmt = in_fmt == 1 ? LK_TAGGED_SLASH : LK_TAGGED_CONLLU;
    st = lk_tagged_corpus_load(paths[0], fmt, &train, &err);
    if (st == LK_OK && train.n_tokens == 0)
        st = lk_error_set(&err, LK_ERR_PARSE, "%s: the training set is empty (no tokens)", paths[0]);
    if (st == LK_OK && paths[1]) st = lk_tagged_corpus_load(paths[1], fmt, &dev, &err);
    if (st == LK_OK && paths[1] && dev.n_tokens == 0)
        st = lk_error_set(&err, LK_ERR_PARSE, "%s: the dev set is empty (no tokens)", paths[1]);
    if (st == LK_OK) st = lk_tagger_train(&c, &train, paths[1] ? &dev : NULL, paths[2], &res, &err);
    lk_tagged_corpus_free(&train);
    lk_tagged_corpus_free(&dev);
    free(cv.loss);
    free(cv.dev);
    if (st != LK_OK) return lk_cli_fail(CMD, st, &err);
    if (!quiet && paths[1])
        fprintf(stderr, "lexkit %s: best epoch %d, dev %.4f, %.0f tokens/s; model in %s\n", CMD,
                res.best_epoch, res.best_dev, res.train_tokens_per_s, paths[2]);
    else if (!quiet)
        fprintf(stderr, "lexkit %s: %d epochs (no dev set: the last is kept), %.0f tokens/s; "
                "model in %s\n", CMD, res.epochs_run, res.train_tokens_per_s, paths[2]);
    return LK_EXIT_OK;
}

const lk_command lk_cmd_def_train_tagger = {"train-tagger", run,
                                            "train an RNN/LSTM/GRU part-of-speech tagger"};
