/* cmd_embed.c: `lexkit embed`: train word vectors (models/embed.h) and write them. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "models/embed.h"
#include "models/vectors.h"
#include "text/fileio.h"

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

static void help(void *user)
{
    (void)user;
    fputs(USAGE, stdout);
}

/* Parse argv into c and a; returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, lk_embed_config *cfg, embed_args *a)
{
    static const char *const archs[] = {"skipgram", "cbow", NULL};
    const char *cmd = "embed";
    lk_embed_config c = *cfg;
    int arch = c.arch == LK_EMBED_CBOW;
    long min_count = c.min_count, seed = (long)c.seed, sub[2] = {c.minn, c.maxn};
    bool hs = false;
    const lk_cli_option opts[] = {
        LKO_STR("--input", &a->in),
        LKO_STR("--output", &a->out),
        LKO_STR("--format", &a->fmt),
        LKO_STR("--resume", &a->resume),
        LKO_STR("--save-model", &a->save),
        LKO_CHOICE("--model", &arch, archs),
        LKO_I32("--dim", &c.dim, 1, 100000),
        LKO_I32("--window", &c.window, 1, 1000),
        LKO_I32("--negative", &c.negative, 1, 1000),
        LKO_I32("--epochs", &c.epochs, 1, 100000),
        LKO_I32("--threads", &c.threads, 1, 1024),
        LKO_LONG("--min-count", &min_count, 1, 1000000000L),
        LKO_I32("--max-vocab", &c.max_vocab, 0, INT32_MAX),
        LKO_I32("--buckets", &c.buckets, 1, 100000000L),
        LKO_I32("--cbow-batch", &c.cbow_batch, 1, 1024),
        LKO_LONG("--seed", &seed, 0, INT32_MAX),
        LKO_DOUBLE("--sample", &c.sample, 0, 0.999),
        LKO_DOUBLE("--alpha", &c.alpha, 1e-9, 1),
        LKO_RANGE("--subwords", sub, 1, 64),
        LKO_FLAG("--hs", &hs),
        LKO_FLAG("--tokenize", &c.tokenize),
        LKO_FLAG("--progress", &a->progress),
        LKO_FLAG("--quiet", &a->quiet),
    };
    int rc = lk_cli_parse(cmd, argc, argv, opts, LK_OPTS_N(opts), help, NULL);
    if (rc >= 0) return rc;
    c.arch = arch ? LK_EMBED_CBOW : LK_EMBED_SKIPGRAM;
    if (hs) c.loss = LK_LOSS_HS;
    c.min_count = min_count;
    c.seed = (uint64_t)seed;
    c.minn = (int32_t)sub[0];
    c.maxn = (int32_t)sub[1];
    if (!a->in) return lk_cli_usage_error(cmd, "--input CORPUS is required");
    if (!a->out && !a->save) return lk_cli_usage_error(cmd, "--output VECTORS is required");
    if (strcmp(a->fmt, "text") && strcmp(a->fmt, "bin") && strcmp(a->fmt, "lkem"))
        return lk_cli_usage_error(cmd, "--format must be text, bin or lkem, not '%s'", a->fmt);
    const char *why = lk_embed_config_check(&c);
    if (why) return lk_cli_usage_error(cmd, "%s", why);
    *cfg = c;
    return -1;
}

typedef struct {
    const lk_embed_model *m;
    const lk_vectors *vec;
    lk_vec_format fmt;
} out_ctx;

static lk_status write_model_job(FILE *fp, void *ctx, lk_error *err)
{
    return lk_embed_model_write_fp(((const out_ctx *)ctx)->m, fp, err);
}

static lk_status write_vectors_job(FILE *fp, void *ctx, lk_error *err)
{
    const out_ctx *c = ctx;
    return lk_vectors_write_fp(c->vec, fp, c->fmt, err);
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
    lk_status st = LK_OK;
    if (out) st = lk_output_check(out, &err); /* before training, not after */
    if (st == LK_OK && save) st = lk_output_check(save, &err);
    if (st == LK_OK && resume) st = lk_embed_model_load(resume, &m, &err);
    if (st == LK_OK) st = lk_embed_train(&c, in, &m, &stats, &err);
    if (st == LK_OK && g_cancel) st = lk_error_set(&err, LK_ERR_STATE, "training interrupted");
    if (st == LK_OK) {
        char msg[200];
        snprintf(msg, sizeof msg, "embed: %lld words in %.2fs (%.0f words/s), loss %.4f",
                 (long long)stats.words, stats.seconds, stats.words_per_sec, stats.loss);
        lk_cli_log(&p, LK_LOG_INFO, msg);
    }
    /* --save-model and --output are committed together: both or neither. */
    out_ctx oc = {m, NULL, !strcmp(fmt, "bin") ? LK_VEC_BIN : LK_VEC_TEXT};
    lk_write_job jobs[2];
    size_t n_jobs = 0;
    if (save) jobs[n_jobs++] = (lk_write_job){save, write_model_job, &oc};
    if (out && !strcmp(fmt, "lkem")) jobs[n_jobs++] = (lk_write_job){out, write_model_job, &oc};
    else if (out) jobs[n_jobs++] = (lk_write_job){out, write_vectors_job, &oc};
    if (st == LK_OK && out && strcmp(fmt, "lkem") != 0) {
        st = lk_embed_model_vectors(m, &vec);
        if (st != LK_OK) lk_error_set(&err, st, "out of memory");
        oc.vec = vec;
    }
    if (st == LK_OK) st = lk_write_atomic_all(jobs, n_jobs, &err);
    lk_vectors_free(vec);
    lk_embed_model_free(m);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(cmd, st, &err);
}

const lk_command lk_cmd_def_embed = {"embed", lk_cmd_embed, "train word vectors (word2vec/fastText)"};
