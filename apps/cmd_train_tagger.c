/* cmd_train_tagger.c: `lexkit train-tagger`: train an RNN/LSTM/GRU tagger on CoNLL-U. */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "models/blas.h"
#include "models/tagger.h"

#define CMD "train-tagger"

static void help(void)
{
    printf("usage: lexkit train-tagger --train CONLLU --dev CONLLU --output MODEL [options]\n"
           "  --column upos|xpos       tag column (upos)\n"
           "  --unit word|char         word tagger, or joint Chinese segmentation+tagging (word)\n"
           "  --cell lstm|gru|rnn|rnn-relu   recurrent cell (lstm)\n"
           "  --hidden N --layers N    units per direction (64), stacked layers (1)\n"
           "  --bidirectional | --unidirectional   (bidirectional)\n"
           "  --crf                    CRF output layer (softmax by default)\n"
           "  --embeddings VECTORS     initialise word embeddings from a word2vec text file\n"
           "  --word-dim N --char-dim N   word and affix/bigram feature sizes (100, 50)\n"
           "  --epochs N --batch N --patience N   (20, 32, 5; patience 0 = never stop early)\n"
           "  --optimizer adam|sgd --lr X --clip X   (adam, 2e-3 | 0.1, 5)\n"
           "  --bptt N --dropout X --word-dropout X  (0 = full BPTT, 0.33, 0.25)\n"
           "  --threads N --seed N     worker threads (1), seed (1)\n"
           "  --min-feature-count N    drop rarer affix/bigram features (2)\n"
           "  --resume                 continue from MODEL.ckpt\n"
           "  --compact                write the model with 16-bit weights (half the size)\n"
           "  --progress | --quiet\n");
}

static void help_cb(void *u)
{
    (void)u;
    help();
}

static bool cell_opt(void *u, const char *cmd, const char *name, const char *val)
{
    lk_tagger_config *m = u;
    if (strlen(val) >= sizeof m->cell) {
        lk_cli_usage_error(cmd, "%s: unknown cell '%s'", name, val);
        return false;
    }
    snprintf(m->cell, sizeof m->cell, "%s", val); /* checked by lk_tagger_train_config_check */
    return true;
}

static int run(int argc, char **argv)
{
    static const char *const columns[] = {"upos", "xpos", NULL}, *const units[] = {"word", "char", NULL},
                              *const optimizers[] = {"sgd", "adam", NULL}; /* enum/flag order */
    lk_tagger_train_config c = lk_tagger_train_config_default();
    lk_tagger_config *m = &c.model;
    const char *paths[4] = {NULL, NULL, NULL, NULL}; /* train, dev, output, embeddings */
    bool progress = false, quiet = false;
    int column = (int)m->column, unit = (int)m->unit;
    long seed = (long)c.seed;
    double lr = c.lr, clip = c.clip, dropout = c.dropout, word_dropout = c.word_dropout;
    const lk_cli_option opts[] = {
        LKO_STR("--train", &paths[0]),          LKO_STR("--dev", &paths[1]),
        LKO_STR("--output", &paths[2]),         LKO_STR("--embeddings", &paths[3]),
        LKO_CHOICE("--column", &column, columns), LKO_CHOICE("--unit", &unit, units),
        LKO_CHOICE("--optimizer", &c.optimizer, optimizers),
        {.name = "--cell", .kind = LK_OPT_CUSTOM, .parse = cell_opt},
        LKO_FLAG("--bidirectional", &m->bidirectional), LKO_NOFLAG("--unidirectional", &m->bidirectional),
        LKO_FLAG("--crf", &m->crf),             LKO_FLAG("--resume", &c.resume),
        LKO_FLAG("--compact", &c.compact),      LKO_FLAG("--progress", &progress),
        LKO_FLAG("--quiet", &quiet),
        LKO_I32("--hidden", &m->hidden, 1, 4096), LKO_I32("--layers", &m->layers, 1, 8),
        LKO_I32("--word-dim", &m->word_dim, 1, 4096), LKO_I32("--char-dim", &m->char_dim, 0, 4096),
        LKO_I32("--epochs", &c.epochs, 1, 100000), LKO_I32("--batch", &c.batch, 1, 100000),
        LKO_I32("--patience", &c.patience, 0, 100000),
        LKO_I32("--min-feature-count", &m->min_feature_count, 1, 1000000),
        LKO_I32("--bptt", &c.bptt, 0, 1000000), LKO_I32("--threads", &c.threads, 1, 64),
        LKO_LONG("--seed", &seed, 0, INT32_MAX),
        LKO_DOUBLE("--lr", &lr, 1e-30, 1e30),   LKO_DOUBLE("--clip", &clip, 0, 1e30),
        LKO_DOUBLE("--dropout", &dropout, 0, 0.99), LKO_DOUBLE("--word-dropout", &word_dropout, 0, 1e6),
    };
    int rc = lk_cli_parse(CMD, argc, argv, opts, LK_OPTS_N(opts), help_cb, m);
    if (rc >= 0) return rc;
    m->column = (lk_tagger_column)column;
    m->unit = (lk_tagger_unit)unit;
    c.seed = (uint64_t)seed;
    c.lr = (float)lr;
    c.clip = (float)clip;
    c.dropout = (float)dropout;
    c.word_dropout = (float)word_dropout;
    if (!paths[0] || !paths[2]) return lk_cli_usage_error(CMD, "--train and --output are required");
    c.vectors = paths[3];
    lk_error err;
    lk_error_clear(&err);
    lk_status st = lk_tagger_train_config_check(&c, &err);
    if (st != LK_OK) return lk_cli_usage_error(CMD, "%s", err.msg);
    lk_progress prog;
    lk_progress_init(&prog, "tokens", progress, quiet);
    c.log = lk_cli_log;
    c.log_user = &prog;
    lk_blas_set_threads(1); /* parallelism comes from the training workers */
    lk_tagged_corpus train, dev;
    memset(&train, 0, sizeof train);
    memset(&dev, 0, sizeof dev);
    lk_tagger_train_result res;
    st = lk_tagged_corpus_load(paths[0], LK_TAGGED_CONLLU, &train, &err);
    if (st == LK_OK && paths[1]) st = lk_tagged_corpus_load(paths[1], LK_TAGGED_CONLLU, &dev, &err);
    if (st == LK_OK && paths[1] && dev.n_tokens == 0)
        st = lk_error_set(&err, LK_ERR_PARSE, "%s: the dev set is empty (no tokens)", paths[1]);
    if (st == LK_OK) st = lk_tagger_train(&c, &train, paths[1] ? &dev : NULL, paths[2], &res, &err);
    lk_tagged_corpus_free(&train);
    lk_tagged_corpus_free(&dev);
    if (st != LK_OK) return lk_cli_fail(CMD, st, &err);
    if (!quiet)
        fprintf(stderr, "lexkit %s: best epoch %d, dev %.4f, %.0f tokens/s; model in %s\n", CMD,
                res.best_epoch, res.best_dev, res.train_tokens_per_s, paths[2]);
    return LK_EXIT_OK;
}

const lk_command lk_cmd_def_train_tagger = {"train-tagger", run,
                                            "train an RNN/LSTM/GRU part-of-speech tagger"};
