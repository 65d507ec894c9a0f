/* cmd_embed.c: `lexkit embed`: train word vectors (models/embed.h) and write them. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "models/embed.h"

static const char *USAGE =
    "usage: lexkit embed --input CORPUS --output VECTORS [--model skipgram|cbow] [--dim 100]\n"
    "         [--window 5] [--negative 5] [--hs] [--sample 1e-3] [--min-count 5]\n"
    "         [--max-vocab N] [--epochs 5] [--alpha A] [--threads N] [--subwords 3:6]\n"
    "         [--buckets 2000000] [--format text|bin|lkem] [--save-model MODEL.lkem]\n"
    "         [--resume MODEL.lkem] [--tokenize] [--seed N] [--progress] [--quiet]\n"
    "CORPUS: one sentence or paragraph per line, tokens separated by spaces (--tokenize:\n"
    "raw text through the lexkit tokenizer, lowercased). VECTORS: word2vec text or binary,\n"
    "or an LKEM model (--format lkem) that can resume training and compose unseen words.\n";

static volatile sig_atomic_t g_cancel;

static void on_signal(int sig)
{
    (void)sig;
    g_cancel = 1;
}

typedef struct {
    const char *in, *out, *fmt, *resume, *save;
    bool progress, quiet;
} embed_args;

/* Parse argv into c and a; returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, lk_embed_config *cfg, embed_args *a)
{
    const char *cmd = "embed", *v;
    lk_embed_config c = *cfg;
    long x, lo, hi;
    double d;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            fputs(USAGE, stdout);
            return LK_EXIT_OK;
        }
        if (!strcmp(s, "--hs")) c.loss = LK_LOSS_HS;
        else if (!strcmp(s, "--tokenize")) c.tokenize = true;
        else if (!strcmp(s, "--progress")) a->progress = true;
        else if (!strcmp(s, "--quiet")) a->quiet = true;
        else if (lk_cli_opt(argc, argv, &i, "--input", &v)) a->in = v;
        else if (lk_cli_opt(argc, argv, &i, "--output", &v)) a->out = v;
        else if (lk_cli_opt(argc, argv, &i, "--format", &v)) a->fmt = v ? v : "";
        else if (lk_cli_opt(argc, argv, &i, "--resume", &v)) a->resume = v;
        else if (lk_cli_opt(argc, argv, &i, "--save-model", &v)) a->save = v;
        else if (lk_cli_opt(argc, argv, &i, "--model", &v)) {
            if (v && !strcmp(v, "skipgram")) c.arch = LK_EMBED_SKIPGRAM;
            else if (v && !strcmp(v, "cbow")) c.arch = LK_EMBED_CBOW;
            else return lk_cli_usage_error(cmd, "--model: expected skipgram or cbow");
        } else if (lk_cli_opt(argc, argv, &i, "--dim", &v)) {
            if (!lk_cli_long(cmd, "--dim", v, 1, 100000, &x)) return LK_EXIT_USAGE;
            c.dim = (int32_t)x;
        } else if (lk_cli_opt(argc, argv, &i, "--window", &v)) {
            if (!lk_cli_long(cmd, "--window", v, 1, 1000, &x)) return LK_EXIT_USAGE;
            c.window = (int32_t)x;
        } else if (lk_cli_opt(argc, argv, &i, "--negative", &v)) {
            if (!lk_cli_long(cmd, "--negative", v, 1, 1000, &x)) return LK_EXIT_USAGE;
            c.negative = (int32_t)x;
        } else if (lk_cli_opt(argc, argv, &i, "--epochs", &v)) {
            if (!lk_cli_long(cmd, "--epochs", v, 1, 100000, &x)) return LK_EXIT_USAGE;
            c.epochs = (int32_t)x;
        } else if (lk_cli_opt(argc, argv, &i, "--threads", &v)) {
            if (!lk_cli_long(cmd, "--threads", v, 1, 1024, &x)) return LK_EXIT_USAGE;
            c.threads = (int32_t)x;
        } else if (lk_cli_opt(argc, argv, &i, "--min-count", &v)) {
            if (!lk_cli_long(cmd, "--min-count", v, 1, 1000000000L, &x)) return LK_EXIT_USAGE;
            c.min_count = x;
        } else if (lk_cli_opt(argc, argv, &i, "--max-vocab", &v)) {
            if (!lk_cli_long(cmd, "--max-vocab", v, 0, 2147483647L, &x)) return LK_EXIT_USAGE;
            c.max_vocab = (int32_t)x;
        } else if (lk_cli_opt(argc, argv, &i, "--buckets", &v)) {
            if (!lk_cli_long(cmd, "--buckets", v, 1, 100000000L, &x)) return LK_EXIT_USAGE;
            c.buckets = (int32_t)x;
        } else if (lk_cli_opt(argc, argv, &i, "--cbow-batch", &v)) {
            if (!lk_cli_long(cmd, "--cbow-batch", v, 1, 1024, &x)) return LK_EXIT_USAGE;
            c.cbow_batch = (int32_t)x;
        } else if (lk_cli_opt(argc, argv, &i, "--seed", &v)) {
            if (!lk_cli_long(cmd, "--seed", v, 0, 2147483647L, &x)) return LK_EXIT_USAGE;
            c.seed = (uint64_t)x;
        } else if (lk_cli_opt(argc, argv, &i, "--sample", &v)) {
            if (!lk_cli_double(cmd, "--sample", v, 0, 0.999, &d)) return LK_EXIT_USAGE;
            c.sample = d;
        } else if (lk_cli_opt(argc, argv, &i, "--alpha", &v)) {
            if (!lk_cli_double(cmd, "--alpha", v, 1e-9, 1, &d)) return LK_EXIT_USAGE;
            c.alpha = d;
        } else if (lk_cli_opt(argc, argv, &i, "--subwords", &v)) {
            if (!lk_cli_range(cmd, "--subwords", v, 1, 64, &lo, &hi)) return LK_EXIT_USAGE;
            c.minn = (int32_t)lo;
            c.maxn = (int32_t)hi;
        } else {
            return lk_cli_usage_error(cmd, "unknown option '%s'", s);
        }
    }
    if (!a->in) return lk_cli_usage_error(cmd, "--input CORPUS is required");
    if (!a->out && !a->save) return lk_cli_usage_error(cmd, "--output VECTORS is required");
    if (strcmp(a->fmt, "text") && strcmp(a->fmt, "bin") && strcmp(a->fmt, "lkem"))
        return lk_cli_usage_error(cmd, "--format: expected text, bin or lkem");
    const char *why = lk_embed_config_check(&c);
    if (why) return lk_cli_usage_error(cmd, "%s", why);
    *cfg = c;
    return -1;
}

int lk_cmd_embed(int argc, char **argv);
int lk_cmd_embed(int argc, char **argv)
{
    const char *cmd = "embed";
    lk_embed_config c = lk_embed_config_default();
    embed_args a = {NULL, NULL, "text", NULL, NULL, false, false};
    int rc = parse_args(argc, argv, &c, &a);
    if (rc >= 0) return rc;
    const char *in = a.in, *out = a.out, *fmt = a.fmt, *resume = a.resume, *save = a.save;

    lk_progress p;
    lk_progress_init(&p, "words", a.progress, a.quiet);
    c.log = lk_cli_log;
    c.log_user = &p;
    c.cancel = &g_cancel;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    lk_error err = {0};
    lk_embed_model *m = NULL;
    lk_vectors *vec = NULL;
    lk_embed_stats stats;
    lk_status st = resume ? lk_embed_model_load(resume, &m, &err) : LK_OK;
    if (st == LK_OK) st = lk_embed_train(&c, in, &m, &stats, &err);
    if (st == LK_OK && g_cancel) st = lk_error_set(&err, LK_ERR_STATE, "training interrupted");
    if (st == LK_OK) {
        char msg[200];
        snprintf(msg, sizeof msg, "embed: %lld words in %.2fs (%.0f words/s), loss %.4f",
                 (long long)stats.words, stats.seconds, stats.words_per_sec, stats.loss);
        lk_cli_log(&p, LK_LOG_INFO, msg);
    }
    if (st == LK_OK && save) st = lk_embed_model_save(m, save, &err);
    if (st == LK_OK && out) {
        if (!strcmp(fmt, "lkem")) {
            st = lk_embed_model_save(m, out, &err);
        } else {
            st = lk_embed_model_vectors(m, &vec);
            if (st == LK_OK)
                st = lk_vectors_write(vec, out, !strcmp(fmt, "bin") ? LK_VEC_BIN : LK_VEC_TEXT,
                                      &err);
        }
    }
    lk_vectors_free(vec);
    lk_embed_model_free(m);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(cmd, st, &err);
}

const lk_command lk_cmd_def_embed = {"embed", lk_cmd_embed, "train word vectors (word2vec/fastText)"};
