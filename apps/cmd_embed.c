/* cmd_embed.c: `lexkit embed`: train word vectors (models/embed.h) and write them. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "apps/cli.h"
#include "apps/svg.h"
#include "apps/cli_opts.h"
#include "models/embed.h"
#include "models/vectors.h"
#include "text/fileio.h"

static const char *USAGE =
    "usage: lexkit embed --input CORPUS --output VECTORS [options]\n"
    "Train word vectors (skip-gram or CBOW, negative sampling or hierarchical softmax,\n"
    "optional fastText subwords). CORPUS: one sentence or paragraph per line, tokens\n"
    "separated by spaces (--tokenize: raw text through the lexkit tokenizer, lowercased).\n"
    "VECTORS: word2vec text or binary, an LKEM model (resumable; composes unseen words\n"
    "from subwords) or a fastText .bin model.\n";

static volatile sig_atomic_t g_cancel;

static void on_signal(int sig)
{
    (void)sig;
    g_cancel = 1;
}

static const char *const FORMATS[] = {"text", "bin", "lkem", "fasttext", NULL};
enum { FMT_TEXT, FMT_BIN, FMT_LKEM, FMT_FASTTEXT };

/* The model options given on the command line (a resumed model keeps its own: they must
   agree with it). */
typedef struct {
    bool arch, hs, dim, subwords, buckets, min_count, max_vocab, tokenize, lower;
} model_opts_given;

typedef struct {
    const char *in, *out, *resume, *save, *plot;
    int fmt;
    bool progress, quiet;
    model_opts_given given;
} embed_args;

/* --plot: the training loss of the trainer's progress reports (lk_embed_progress), the last
   value seen in each PLOT_BINS-th of the run. */
#define PLOT_BINS 20
typedef struct {
    double loss[PLOT_BINS];
} loss_curve;

static void curve_progress(void *user, const lk_embed_progress *p)
{
    loss_curve *c = user;
    if (!(p->fraction >= 0)) return;
    int b = (int)(p->fraction * PLOT_BINS);
    c->loss[b >= PLOT_BINS ? PLOT_BINS - 1 : b] = p->loss;
}

static void help(void *user)
{
    (void)user;
    fputs(USAGE, stdout);
}

/* The --output format a name implies when --output-format is not given: .bin word2vec
   binary (fastText's .bin needs --output-format fasttext), .lkem LKEM, anything else text. */
static int format_of_name(const char *path)
{
    size_t n = strlen(path);
    if (n >= 4 && strcmp(path + n - 4, ".bin") == 0) return FMT_BIN;
    if (n >= 5 && strcmp(path + n - 5, ".lkem") == 0) return FMT_LKEM;
    return FMT_TEXT;
}

/* Parse argv into c and a; returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, lk_embed_config *cfg, embed_args *a)
{
    static const char *const archs[] = {"skipgram", "cbow", NULL};
    const char *cmd = "embed";
    lk_embed_config c = *cfg;
    int arch = c.arch == LK_EMBED_CBOW;
    long min_count = c.min_count, seed = (long)c.seed, sub[2] = {c.minn, c.maxn};
    bool hs = false, lower = !c.keep_case, lower_seen = false, fmt_seen = false;
    model_opts_given *g = &a->given; /* the model options given (the .seen flags) */
    const lk_cli_option opts[] = {
        LKO_STR("--input", &a->in, "CORPUS", "training text (required)"),
        LKO_STR("--output", &a->out, "VECTORS", "vectors or model file, written atomically "
                "(required unless --save-model)"),
        {.name = "--output-format", .kind = LK_OPT_CHOICE, .dst = &a->fmt, .choices = FORMATS,
         .seen = &fmt_seen, .help = "word2vec text or binary, LKEM model, fastText .bin model "
         "(default: from the --output name: .bin binary, .lkem LKEM, else text)"},
        LKO_STR("--save-model", &a->save, "MODEL.lkem", "also save the LKEM model there"),
        LKO_STR("--resume", &a->resume, "MODEL", "continue training an LKEM or fastText .bin model"),
        LKO_CHOICE("--model", &arch, archs, "architecture", &g->arch),
        LKO_I32("--dim", &c.dim, 1, 100000, "vector size", &g->dim),
        LKO_I32("--window", &c.window, 1, 1000, "maximal context window"),
        LKO_I32("--negative", &c.negative, 1, 1000, "negative samples"),
        LKO_FLAG("--hs", &hs, "hierarchical softmax instead of negative sampling", &g->hs),
        LKO_DOUBLE("--sample", &c.sample, 0, 0.999, "subsampling threshold of frequent words"),
        LKO_LONG("--min-count", &min_count, 1, 1000000000L, "drop rarer words", &g->min_count),
        LKO_I32("--max-vocab", &c.max_vocab, 0, INT32_MAX,
                "keep the N most frequent words (0 = all)", &g->max_vocab),
        LKO_I32("--epochs", &c.epochs, 1, 100000, "passes over the corpus"),
        LKO_DOUBLE("--alpha", &c.alpha, 1e-9, 1, "starting learning rate (default 0.025 "
                   "skip-gram, 0.05 CBOW)"),
        LKO_RANGE("--subwords", sub, 1, 64, "character n-gram lengths of fastText subwords "
                  "(default: none)", &g->subwords),
        LKO_I32("--buckets", &c.buckets, 1, 100000000L, "hashed n-gram rows (default: 2000000, "
                "fewer for a small vocabulary)", &g->buckets),
        LKO_I32("--cbow-batch", &c.cbow_batch, 1, 1024, "CBOW positions updated together with "
                "shared negatives"),
        LKO_FLAG("--tokenize", &c.tokenize, "raw text: lexkit tokenizer, lowercased unless "
                 "--no-lower", &g->tokenize),
        {.name = "--lower", .kind = LK_OPT_FLAG, .dst = &lower, .seen = &lower_seen,
         .help = "with --tokenize: lowercase (default: on with --tokenize; a pre-tokenized "
                 "corpus is used as it is)"},
        {.name = "--no-lower", .kind = LK_OPT_FLAG, .dst = &lower, .negate = true,
         .seen = &lower_seen, .help = "with --tokenize: keep the case"},
        LKO_I32("--threads", &c.threads, 1, 1024, "training threads"),
        LKO_LONG("--seed", &seed, 0, INT32_MAX, "random seed (thread t uses seed + t)"),
        LKO_STR("--plot", &a->plot, "FILE.svg", "draw the training loss over the run (20 points, "
                "each the loss last reported in its 5% of the words; default: none)"),
        LKO_FLAG("--progress", &a->progress, "progress on stderr even when it is not a terminal"),
        LKO_FLAG("--quiet", &a->quiet, "no progress or summary"),
        LKO_ALIAS("--format", "--output-format"),
    };
    int rc = lk_cli_parse(cmd, argc, argv, opts, LK_OPTS_N(opts), help, NULL);
    if (rc >= 0) return rc;
    g->lower = lower_seen;
    if (lower_seen && !c.tokenize && !a->resume) /* resumed: the model says (check_resume) */
        return lk_cli_usage_error(cmd, "--lower/--no-lower apply to --tokenize (a pre-tokenized "
                                       "corpus is used as it is; `lexkit tokenize --lower` folds it)");
    c.keep_case = !lower;
    c.arch = arch ? LK_EMBED_CBOW : LK_EMBED_SKIPGRAM;
    if (hs) c.loss = LK_LOSS_HS;
    c.min_count = min_count;
    c.seed = (uint64_t)seed;
    c.minn = (int32_t)sub[0];
    c.maxn = (int32_t)sub[1];
    if (!a->in) return lk_cli_usage_error(cmd, "--input CORPUS is required");
    if (!a->out && !a->save) return lk_cli_usage_error(cmd, "--output VECTORS is required");
    if (!fmt_seen && a->out) a->fmt = format_of_name(a->out);
    const lk_cli_output outs[] = {{"--output", a->out}, {"--save-model", a->save},
                                  {"--plot", a->plot}};
    const lk_cli_output corpus[] = {{"--input", a->in}};
    if ((rc = lk_cli_check_outputs(cmd, outs, LK_OPTS_N(outs), corpus, 1)) >= 0) return rc;
    /* a model output may replace the --resume model (it is read whole before training: the
       model is updated in place); vectors or a plot over it may not */
    bool out_model = a->fmt == FMT_LKEM || a->fmt == FMT_FASTTEXT;
    const lk_cli_output not_model[] = {{"--output", out_model ? NULL : a->out},
                                       {"--plot", a->plot}},
                        resumed[] = {{"--resume", a->resume}};
    if ((rc = lk_cli_check_outputs(cmd, not_model, LK_OPTS_N(not_model), resumed, 1)) >= 0)
        return rc;
    lk_error err;
    lk_error_clear(&err);
    if (lk_embed_config_check(&c, &err) != LK_OK) return lk_cli_usage_error(cmd, "%s", err.msg);
    *cfg = c;
    return -1;
}

/* A resumed model keeps its architecture, loss, dim, vocabulary (min-count, max-vocab),
   subwords and tokenization (--tokenize and its case, taken from the model when not given):
   an option given on the command line that disagrees is a usage error naming both values.
   Returns -1 when they agree. */
static int check_resume(const char *cmd, const lk_embed_config *c, const model_opts_given *g,
                        const lk_embed_model *m)
{
    static const char *const archs[] = {"skipgram", "cbow"};
    const lk_embed_config *k = lk_embed_model_config(m);
    const char *what = "conflicts with the resumed model's";
    if (g->arch && c->arch != k->arch)
        return lk_cli_usage_error(cmd, "--model %s %s --model %s", archs[c->arch == LK_EMBED_CBOW],
                                  what, archs[k->arch == LK_EMBED_CBOW]);
    if (g->hs && c->loss != k->loss)
        return lk_cli_usage_error(cmd, "--hs %s loss (negative sampling)", what);
    if (g->dim && c->dim != k->dim)
        return lk_cli_usage_error(cmd, "--dim %d %s dim %d", (int)c->dim, what, (int)k->dim);
    if (g->subwords && (c->minn != k->minn || c->maxn != k->maxn)) {
        char have[32] = "none";
        if (k->maxn > 0) snprintf(have, sizeof have, "%d:%d", (int)k->minn, (int)k->maxn);
        return lk_cli_usage_error(cmd, "--subwords %d:%d %s subwords %s", (int)c->minn,
                                  (int)c->maxn, what, have);
    }
    if (g->buckets && c->buckets != k->buckets)
        return lk_cli_usage_error(cmd, "--buckets %d %s buckets %d", (int)c->buckets, what,
                                  (int)k->buckets);
    if (g->min_count && c->min_count != k->min_count)
        return lk_cli_usage_error(cmd, "--min-count %lld %s min-count %lld (its vocabulary is "
                                  "kept)", (long long)c->min_count, what, (long long)k->min_count);
    if (g->max_vocab && c->max_vocab != k->max_vocab)
        return lk_cli_usage_error(cmd, "--max-vocab %d %s max-vocab %d (its vocabulary is kept)",
                                  (int)c->max_vocab, what, (int)k->max_vocab);
    if (g->tokenize && !k->tokenize)
        return lk_cli_usage_error(cmd, "--tokenize %s pre-tokenized corpus", what);
    if (g->lower && !k->tokenize)
        return lk_cli_usage_error(cmd, "%s %s pre-tokenized corpus (it was trained without "
                                  "--tokenize)", c->keep_case ? "--no-lower" : "--lower", what);
    if (g->lower && k->tokenize && c->keep_case != k->keep_case)
        return lk_cli_usage_error(cmd, "%s %s %s", c->keep_case ? "--no-lower" : "--lower", what,
                                  k->keep_case ? "--no-lower" : "--lower");
    return -1;
}

/* A word2vec vectors file (detected as `lexkit info` does) has only the input vectors: no
   output weights or word counts to go on training from. LK_ERR_FORMAT saying so, else LK_OK
   (lk_embed_model_load reports other files). Standard input and pipes are not looked at. */
static lk_status resumable(const char *path, lk_error *err)
{
    unsigned char head[64];
    size_t n = 0;
    struct stat sb; /* a regular file only: a pipe's bytes are for lk_embed_model_load */
    bool regular = strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
    FILE *fp = regular ? fopen(path, "rb") : NULL;
    if (fp) {
        n = fread(head, 1, sizeof head, fp);
        fclose(fp);
    }
    if (!lk_vectors_head_is_word2vec(head, n)) return LK_OK;
    return lk_error_set(err, LK_ERR_FORMAT, "%s: word2vec vectors cannot be resumed (they have no "
                        "output weights or vocabulary counts): --resume needs an LKEM model "
                        "(written by --save-model or --output-format lkem) or a fastText .bin",
                        path);
}

/* The outputs' writers, for lk_write_atomic_all. */
typedef struct {
    const lk_embed_model *m;
    const lk_vectors *vec; /* the vectors of m, for --format text|bin */
    int fmt;
} out_ctx;

static lk_status write_lkem(FILE *fp, void *ctx, lk_error *err)
{
    return lk_embed_model_write_fp(((const out_ctx *)ctx)->m, fp, err);
}

static lk_status write_fasttext(FILE *fp, void *ctx, lk_error *err)
{
    return lk_embed_model_write_fasttext_fp(((const out_ctx *)ctx)->m, fp, err);
}

static lk_status write_vec(FILE *fp, void *ctx, lk_error *err)
{
    const out_ctx *c = ctx;
    return lk_vectors_write_fp(c->vec, fp, c->fmt == FMT_BIN ? LK_VEC_BIN : LK_VEC_TEXT, err);
}

int lk_cmd_embed(int argc, char **argv);
int lk_cmd_embed(int argc, char **argv)
{
    const char *cmd = "embed";
    lk_embed_config c = lk_embed_config_default();
    embed_args a = {.fmt = FMT_TEXT};
    int rc = parse_args(argc, argv, &c, &a);
    if (rc >= 0) return rc;
    const char *in = a.in, *out = a.out, *resume = a.resume, *save = a.save;

    lk_progress p;
    lk_progress_init(&p, "words", a.progress, a.quiet);
    loss_curve curve;
    for (int b = 0; b < PLOT_BINS; b++) curve.loss[b] = NAN;
    c.log = lk_cli_log;
    c.log_user = &p;
    c.progress = curve_progress;
    c.progress_user = &curve;
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
    if (st == LK_OK && a.plot) st = lk_output_check(a.plot, &err);
    if (st == LK_OK && resume) st = resumable(resume, &err);
    if (st == LK_OK && resume) st = lk_embed_model_load(resume, &m, &err);
    if (st == LK_OK && resume && (rc = check_resume(cmd, &c, &a.given, m)) >= 0) {
        lk_embed_model_free(m);
        return rc;
    }
    if (st == LK_OK && resume) { /* the corpus is read as the model's was */
        c.tokenize = lk_embed_model_config(m)->tokenize;
        c.keep_case = lk_embed_model_config(m)->keep_case;
    }
    if (st == LK_OK) st = lk_embed_train(&c, in, &m, &stats, &err);
    if (st == LK_OK && g_cancel) st = lk_error_set(&err, LK_ERR_STATE, "training interrupted");
    if (st == LK_OK) {
        char msg[200];
        snprintf(msg, sizeof msg, "embed: %lld words in %.2fs (%.0f words/s), loss %.4f",
                 (long long)stats.words, stats.seconds, stats.words_per_sec, stats.loss);
        lk_cli_log(&p, LK_LOG_INFO, msg);
    }
    if (isnan(curve.loss[PLOT_BINS - 1]))
        curve.loss[PLOT_BINS - 1] = stats.loss; /* none reported: the run's mean loss */
    lk_svg_series ser = {"training loss", curve.loss, 0};
    lk_svg_lines_plot plot = {"lexkit embed", "5% of the training words", &ser, 1, PLOT_BINS};
    /* --save-model, --output and --plot are committed together: all or none */
    out_ctx oc = {m, NULL, a.fmt};
    lk_write_job jobs[3];
    size_t n_jobs = 0;
    if (a.plot) jobs[n_jobs++] = (lk_write_job){a.plot, lk_svg_write_lines, &plot};
    if (save) jobs[n_jobs++] = (lk_write_job){save, write_lkem, &oc};
    if (out && a.fmt == FMT_LKEM) jobs[n_jobs++] = (lk_write_job){out, write_lkem, &oc};
    else if (out && a.fmt == FMT_FASTTEXT) jobs[n_jobs++] = (lk_write_job){out, write_fasttext, &oc};
    else if (out) jobs[n_jobs++] = (lk_write_job){out, write_vec, &oc};
    if (st == LK_OK && out && a.fmt != FMT_LKEM && a.fmt != FMT_FASTTEXT)
        st = lk_embed_model_vectors(m, &vec);
    oc.vec = vec;
    if (st == LK_OK) st = lk_write_atomic_all(jobs, n_jobs, &err);
    lk_vectors_free(vec);
    lk_embed_model_free(m);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(cmd, st, &err);
}

const lk_command lk_cmd_def_embed = {"embed", lk_cmd_embed, "train word vectors (word2vec/fastText)"};
