/* cmd_bow.c: `lexkit bow` (CountVectorizer) and, through lk_features_main, the options
   shared with `lexkit tfidf` (TfidfVectorizer). */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
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

/* Index of val in names (NULL-terminated), or -1 after a usage error. */
static int choice(const opts *o, const char *opt, const char *val, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(val, names[i]) == 0) return i;
    lk_cli_usage_error(o->cmd, "%s: unknown value '%s'", opt, val);
    return -1;
}

/* "2" is a document count, "0.5" (or "1e-3") a proportion: sklearn's int and float. */
static bool parse_df(const opts *o, const char *opt, const char *val, lk_df_bound *d)
{
    long v;
    d->is_count = strpbrk(val, ".eE") == NULL;
    if (!d->is_count) return lk_cli_double(o->cmd, opt, val, 0, 1, &d->value);
    if (!lk_cli_long(o->cmd, opt, val, 0, INT32_MAX, &v)) return false;
    d->value = (double)v;
    return true;
}

static bool flag(opts *o, const char *name)
{
    lk_vectorize_job *j = &o->job;
    if (strcmp(name, "--binary") == 0) j->bow.binary = true;
    else if (strcmp(name, "--lower") == 0) j->bow.lower = true;
    else if (strcmp(name, "--no-lower") == 0) j->bow.lower = false;
    else if (strcmp(name, "--one-based") == 0) j->write.one_based = true;
    else if (strcmp(name, "--progress") == 0) o->progress = true;
    else if (strcmp(name, "--quiet") == 0) o->quiet = true;
    else if (j->tfidf && strcmp(name, "--sublinear-tf") == 0) j->tf.sublinear_tf = true;
    else if (j->tfidf && strcmp(name, "--no-smooth-idf") == 0) j->tf.idf = LK_IDF_PLAIN;
    else return false;
    return true;
}

static bool valued(opts *o, const char *name, const char *val)
{
    static const char *const fmts[] = {"svmlight", "mm", NULL}, *const ins[] = {"jsonl", "text", NULL},
                              *const ans[] = {"word", "char", "char_wb", NULL},
                              *const toks[] = {"lexkit", "sklearn", NULL},
                              *const norms[] = {"l2", "l1", "none", NULL},
                              *const idfs[] = {"smooth", "plain", "textbook", "none", NULL};
    lk_vectorize_job *j = &o->job;
    int k = 0;
    long a, b;
    if (strcmp(name, "--input") == 0) j->input = val;
    else if (strcmp(name, "--output") == 0) j->output = val;
    else if (strcmp(name, "--vocab-out") == 0) j->vocab_out = val;
    else if (strcmp(name, "--vocab-in") == 0) j->vocab_in = val;
    else if (strcmp(name, "--format") == 0) j->matrix_market = (k = choice(o, name, val, fmts)) == 1;
    else if (strcmp(name, "--input-format") == 0)
        j->input_format = (k = choice(o, name, val, ins)) == 1 ? LK_DOCS_TEXT : LK_DOCS_JSONL;
    else if (strcmp(name, "--analyzer") == 0) j->bow.analyzer = (lk_analyzer)(k = choice(o, name, val, ans));
    else if (strcmp(name, "--tokenizer") == 0)
        j->bow.tokenizer = (k = choice(o, name, val, toks)) == 1 ? LK_TOKMODE_SKLEARN : LK_TOKMODE_LEXKIT;
    else if (strcmp(name, "--ngram") == 0) {
        if (!lk_cli_range(o->cmd, name, val, 1, 64, &a, &b)) return false;
        j->bow.ngram_min = (int32_t)a;
        j->bow.ngram_max = (int32_t)b;
    } else if (strcmp(name, "--min-df") == 0) return parse_df(o, name, val, &j->bow.min_df);
    else if (strcmp(name, "--max-df") == 0) return parse_df(o, name, val, &j->bow.max_df);
    else if (strcmp(name, "--max-features") == 0) {
        if (!lk_cli_long(o->cmd, name, val, 1, INT32_MAX, &a)) return false;
        j->bow.max_features = (int32_t)a;
    } else if (j->tfidf && strcmp(name, "--norm") == 0) j->tf.norm = (lk_row_norm)(k = choice(o, name, val, norms));
    else j->tf.idf = (lk_idf_kind)(k = choice(o, name, val, idfs)); /* --idf (is_valued) */
    return k >= 0;
}

static bool is_valued(const opts *o, const char *name)
{
    static const char *const names[] = {"--input", "--output", "--vocab-out", "--vocab-in",
                                        "--format", "--input-format", "--analyzer", "--tokenizer",
                                        "--ngram", "--min-df", "--max-df", "--max-features", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0) return true;
    return o->job.tfidf && (strcmp(name, "--norm") == 0 || strcmp(name, "--idf") == 0);
}

/* Parse argv into o; returns -1 to go on, else an exit status. */
static int parse(int argc, char **argv, opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char name[32];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(o);
            return LK_EXIT_OK;
        }
        const char *eq;
        int split = lk_cli_split(o->cmd, a, name, sizeof name, &eq);
        if (split >= 0) return split;
        if (!eq && flag(o, name)) continue;
        const char *val = lk_cli_value(argc, argv, &i, eq);
        if (!is_valued(o, name)) return lk_cli_usage_error(o->cmd, "unknown option '%s'", name);
        if (!val) return lk_cli_usage_error(o->cmd, "%s needs a value", name);
        if (!valued(o, name, val)) return LK_EXIT_USAGE;
    }
    lk_error err;
    if (lk_bow_config_check(&o->job.bow, &err) != LK_OK) return lk_cli_usage_error(o->cmd, "%s", err.msg);
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
