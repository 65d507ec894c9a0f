/* cmd_train_tagger.c: `lexkit train-tagger`: train an RNN/LSTM/GRU tagger on CoNLL-U. */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
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

/* Parse one option at argv[*i]; returns 0 ok, else an exit code. */
static int parse_opt(int argc, char **argv, int *i, lk_tagger_train_config *c,
                     const char **paths, bool *progress, bool *quiet)
{
    const char *o = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    long n;
    double x;
    static const char *const path_opts[] = {"--train", "--dev", "--output", "--embeddings"};
    for (int k = 0; k < 4; k++) {
        if (strcmp(o, path_opts[k]) != 0) continue;
        if (!v) return lk_cli_usage_error(CMD, "%s: missing value", o);
        paths[k] = v;
        (*i)++;
        return 0;
    }
    lk_tagger_config *m = &c->model;
    if (!strcmp(o, "--bidirectional")) m->bidirectional = true;
    else if (!strcmp(o, "--unidirectional")) m->bidirectional = false;
    else if (!strcmp(o, "--crf")) m->crf = true;
    else if (!strcmp(o, "--resume")) c->resume = true;
    else if (!strcmp(o, "--compact")) c->compact = true;
    else if (!strcmp(o, "--progress")) *progress = true;
    else if (!strcmp(o, "--quiet")) *quiet = true;
    else if (!v) return lk_cli_usage_error(CMD, "unknown option or missing value: %s", o);
    else {
        (*i)++;
        if (!strcmp(o, "--column") && (!strcmp(v, "upos") || !strcmp(v, "xpos")))
            m->column = !strcmp(v, "xpos") ? LK_TAGGER_XPOS : LK_TAGGER_UPOS;
        else if (!strcmp(o, "--unit") && (!strcmp(v, "word") || !strcmp(v, "char")))
            m->unit = !strcmp(v, "char") ? LK_TAGGER_CHAR : LK_TAGGER_WORD;
        else if (!strcmp(o, "--optimizer") && (!strcmp(v, "adam") || !strcmp(v, "sgd")))
            c->optimizer = !strcmp(v, "adam");
        else if (!strcmp(o, "--cell")) {
            if (strlen(v) >= sizeof m->cell) return lk_cli_usage_error(CMD, "--cell: bad value");
            snprintf(m->cell, sizeof m->cell, "%s", v);
        }
#define INTOPT(name, lo, hi, dst) \
    else if (!strcmp(o, name)) { if (!lk_cli_long(CMD, name, v, lo, hi, &n)) return 2; dst = n; }
#define DBLOPT(name, lo, hi, dst) \
    else if (!strcmp(o, name)) { if (!lk_cli_double(CMD, name, v, lo, hi, &x)) return 2; dst = x; }
        INTOPT("--hidden", 1, 4096, m->hidden)
        INTOPT("--layers", 1, 8, m->layers)
        INTOPT("--word-dim", 1, 4096, m->word_dim)
        INTOPT("--char-dim", 0, 4096, m->char_dim)
        INTOPT("--epochs", 1, 100000, c->epochs)
        INTOPT("--batch", 1, 100000, c->batch)
        INTOPT("--patience", 0, 100000, c->patience)
        INTOPT("--min-feature-count", 1, 1000000, m->min_feature_count)
        INTOPT("--bptt", 0, 1000000, c->bptt)
        INTOPT("--threads", 1, 64, c->threads)
        INTOPT("--seed", 0, 2147483647L, c->seed)
        DBLOPT("--lr", 1e-30, 1e30, c->lr)
        DBLOPT("--clip", 0, 1e30, c->clip)
        DBLOPT("--dropout", 0, 0.99, c->dropout)
        DBLOPT("--word-dropout", 0, 1e6, c->word_dropout)
        else return lk_cli_usage_error(CMD, "unknown option or bad value: %s %s", o, v);
    }
    return 0;
}

static int run(int argc, char **argv)
{
    lk_tagger_train_config c = lk_tagger_train_config_default();
    const char *paths[4] = {NULL, NULL, NULL, NULL}; /* train, dev, output, embeddings */
    bool progress = false, quiet = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            help();
            return LK_EXIT_OK;
        }
        int rc = parse_opt(argc, argv, &i, &c, paths, &progress, &quiet);
        if (rc) return rc;
    }
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
