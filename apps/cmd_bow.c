/* cmd_bow.c: `lexkit bow` (CountVectorizer) and, through lk_features_main, the options
   shared with `lexkit tfidf` (TfidfVectorizer). */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "apps/features_opts.h"
#include "features/vectorize.h"

typedef struct {
    const char *cmd;
    bool progress, quiet;
    lk_vectorize_job job;
} opts;

static void help(const opts *o)
{
    printf("usage: lexkit %s --input DOCS --output MATRIX [options]\n"
           "  --input DOCS            collection: JSONL id/title/text (doc = title + ' ' + text)\n"
           "  --input-format F        jsonl (default) or text (one document per line)\n"
           "  --output MATRIX         written atomically (default: standard output)\n"
           "  --format F              svmlight (default: `0 col:val ...`, 0-based) or mm\n"
           "  --one-based             svmlight columns from 1 (libsvm/liblinear)\n"
           "  --vocab-out FILE        `term<TAB>column<TAB>df` lines after `#n_docs<TAB>N`\n"
           "  --vocab-in FILE         fixed vocabulary (a --vocab-out file): transform only\n"
           "  --analyzer A            word (default), char or char_wb\n"
           "  --ngram A:B             n-gram lengths (default 1:1)\n"
           "  --tokenizer T           lexkit (default) or sklearn ((?u)\\b\\w\\w+\\b)\n"
           "  --lower | --no-lower    lowercase first (default --lower)\n"
           "  --min-df X, --max-df X  df bounds: integer = document count, with '.' = proportion\n"
           "  --max-features N        keep the N terms most frequent in the collection\n"
           "  --binary                counts become 1\n",
           o->cmd);
    if (o->job.tfidf)
        printf("  --norm N                l2 (default), l1 or none\n"
               "  --sublinear-tf          tf = 1 + ln(tf)\n"
               "  --no-smooth-idf         idf = ln(N/df) + 1 (default ln((1+N)/(1+df)) + 1)\n"
               "  --idf K                 smooth, plain, textbook (ln(N/(1+df))) or none\n");
    printf("  --progress | --quiet    progress on stderr (default: when it is a terminal)\n");
}

/* "2" is a document count, "0.5" (or "1e-3") a proportion: sklearn's int and float. */
static bool parse_df(const char *cmd, const char *opt, const char *val, lk_df_bound *d)
{
    long v;
    d->is_count = strpbrk(val, ".eE") == NULL;
    if (!d->is_count) return lk_cli_double(cmd, opt, val, 0, 1, &d->value);
    if (!lk_cli_long(cmd, opt, val, 0, INT32_MAX, &v)) return false;
    d->value = (double)v;
    return true;
}

static bool min_df(void *u, const char *cmd, const char *name, const char *val)
{
    return parse_df(cmd, name, val, &((opts *)u)->job.bow.min_df);
}

static bool max_df(void *u, const char *cmd, const char *name, const char *val)
{
    return parse_df(cmd, name, val, &((opts *)u)->job.bow.max_df);
}

static void help_cb(void *u) { help(u); }

/* Parse argv into o; returns -1 to go on, else an exit status. */
static int parse(int argc, char **argv, opts *o)
{
    static const char *const fmts[] = {"svmlight", "mm", NULL}, *const ins[] = {"jsonl", "text", NULL},
                              *const ans[] = {"word", "char", "char_wb", NULL}, /* enum order */
                              *const toks[] = {"lexkit", "sklearn", NULL},
                              *const norms[] = {"l2", "l1", "none", NULL},         /* enum order */
                              *const idfs[] = {"smooth", "plain", "textbook", "none", NULL};
    lk_vectorize_job *j = &o->job;
    int fmt = 0, in = 0, an = (int)j->bow.analyzer, tok = 0, norm = (int)j->tf.norm,
        idf = (int)j->tf.idf;
    long ngram[2] = {j->bow.ngram_min, j->bow.ngram_max}, max_features = j->bow.max_features;
    bool sublinear = false, no_smooth = false, idf_seen = false;
    const lk_cli_option table[] = {
        LKO_STR("--input", &j->input),           LKO_STR("--output", &j->output),
        LKO_STR("--vocab-out", &j->vocab_out),   LKO_STR("--vocab-in", &j->vocab_in),
        LKO_CHOICE("--format", &fmt, fmts),      LKO_CHOICE("--input-format", &in, ins),
        LKO_CHOICE("--analyzer", &an, ans),      LKO_CHOICE("--tokenizer", &tok, toks),
        LKO_RANGE("--ngram", ngram, 1, 64),      LKO_CUSTOM("--min-df", min_df),
        LKO_CUSTOM("--max-df", max_df),          LKO_LONG("--max-features", &max_features, 1, INT32_MAX),
        LKO_FLAG("--binary", &j->bow.binary),    LKO_FLAG("--lower", &j->bow.lower),
        LKO_NOFLAG("--no-lower", &j->bow.lower), LKO_FLAG("--one-based", &j->write.one_based),
        LKO_FLAG("--progress", &o->progress),    LKO_FLAG("--quiet", &o->quiet),
        /* tfidf only: */
        LKO_CHOICE("--norm", &norm, norms),      {.name = "--idf", .kind = LK_OPT_CHOICE, .dst = &idf, .choices = idfs, .seen = &idf_seen},
        LKO_FLAG("--sublinear-tf", &sublinear),  LKO_FLAG("--no-smooth-idf", &no_smooth),
    };
    size_t n = LK_OPTS_N(table) - (j->tfidf ? 0 : 4);
    int rc = lk_cli_parse(o->cmd, argc, argv, table, n, help_cb, o);
    if (rc >= 0) return rc;
    j->matrix_market = fmt == 1;
    j->input_format = in == 1 ? LK_DOCS_TEXT : LK_DOCS_JSONL;
    j->bow.analyzer = (lk_bow_analyzer)an;
    j->bow.tokenizer = tok == 1 ? LK_TOKMODE_SKLEARN : LK_TOKMODE_LEXKIT;
    j->bow.ngram_min = (int32_t)ngram[0];
    j->bow.ngram_max = (int32_t)ngram[1];
    j->bow.max_features = (int32_t)max_features;
    j->tf.norm = (lk_row_norm)norm;
    j->tf.sublinear_tf = j->tf.sublinear_tf || sublinear;
    j->tf.idf = no_smooth && !idf_seen ? LK_IDF_PLAIN : (lk_idf_kind)idf;
    lk_error err;
    if (lk_bow_config_check(&j->bow, &err) != LK_OK) return lk_cli_usage_error(o->cmd, "%s", err.msg);
    return -1;
}

int lk_features_main(int argc, char **argv, bool tfidf)
{
    opts o = {.cmd = tfidf ? "tfidf" : "bow", .job = lk_vectorize_job_default()};
    o.job.tfidf = tfidf;
    int rc = parse(argc, argv, &o);
    if (rc >= 0) return rc;
    lk_progress pr;
    lk_progress_init(&pr, "docs", o.progress, o.quiet);
    if (pr.enabled) {
        o.job.log = lk_cli_log;
        o.job.log_user = &pr;
    }
    lk_error err;
    lk_error_clear(&err);
    int64_t n_docs = 0, nnz = 0;
    int32_t n_terms = 0;
    lk_status st = lk_vectorize(&o.job, &n_docs, &n_terms, &nnz, &err);
    if (st != LK_OK) return lk_cli_fail(o.cmd, st, &err);
    char extra[96];
    snprintf(extra, sizeof extra, "%d terms, %lld non-zeros", (int)n_terms, (long long)nnz);
    lk_progress_finish(&pr, (double)n_docs, extra);
    return LK_EXIT_OK;
}

static int run_bow(int argc, char **argv) { return lk_features_main(argc, argv, false); }

const lk_command lk_cmd_def_bow = {"bow", run_bow, "bag-of-words / n-gram count matrix (like CountVectorizer)"};
