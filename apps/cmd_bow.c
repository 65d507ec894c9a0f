/* cmd_bow.c: `lexkit bow` (CountVectorizer) and, through lk_features_main, the options
   shared with `lexkit tfidf` (TfidfVectorizer). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "apps/features_opts.h"
#include "features/sparse/vectorize.h"
#include "text/fileio.h"
#include "text/stopwords.h"

typedef struct {
    const char *cmd;
    bool progress, quiet;
    lk_vectorize_job job;
    const char *stop_words;  /* "english" or a file */
    char *stop_text;         /* the file's contents; stop_list points into it */
    const char **stop_list;
} opts;

static void help(const opts *o)
{
    printf("usage: lexkit %s [--input DOCS] [--output MATRIX] [options]\n"
           "Document-term matrix of a collection (JSONL id/title/text, doc = title + ' ' + text,\n"
           "or one document per line) as svmlight rows `0 col:val ...` or Matrix Market;\n"
           "columns are the vocabulary sorted bytewise, as scikit-learn.\n",
           o->cmd);
}

/* "2" is a document count, "0.5" (or "1e-3") a proportion: sklearn's int and float. */
static bool parse_df(const char *cmd, const char *opt, const char *val, lk_df_bound *d)
{
    char *end;
    errno = 0;
    if (!val || !*val) return lk_cli_usage_error(cmd, "%s: missing value", opt), false;
    d->is_count = strpbrk(val, ".eE") == NULL;
    if (d->is_count) {
        long v = strtol(val, &end, 10);
        if (*val && !*end && !errno && v >= 0 && v <= INT32_MAX) {
            d->value = (double)v;
            return true;
        }
    } else {
        double v = strtod(val, &end);
        if (*val && !*end && !errno && v >= 0 && v <= 1) {
            d->value = v;
            return true;
        }
    }
    lk_cli_usage_error(cmd, "%s: '%s' is not a count or a proportion (a number of documents "
                       "from 0 to %d, or with '.' a proportion from 0 to 1: 2, 0.5)", opt, val,
                       INT32_MAX);
    return false;
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

static bool variant_opt(void *u, const char *cmd, const char *name, const char *val)
{
    if (lk_bm25_variant_parse(val, &((opts *)u)->job.bm25_params.variant)) return true;
    lk_cli_usage_error(cmd, "%s must be lucene, robertson, atire, bm25l, bm25plus or xapian, "
                       "not '%s'", name, val);
    return false;
}

/* --stop-words english|FILE into the bow config (FILE: lk_stop_words_parse). */
static lk_status load_stop_words(opts *o, lk_error *err)
{
    lk_bow_config *c = &o->job.bow;
    if (!o->stop_words) return LK_OK;
    if (strcmp(o->stop_words, "english") == 0) {
        c->stop_words = lk_stop_words_english(&c->n_stop_words);
        return LK_OK;
    }
    size_t len = 0, n = 0;
    lk_status st = lk_read_file(o->stop_words, &o->stop_text, &len, err);
    if (st == LK_OK)
        st = lk_stop_words_parse(o->stop_text, len, o->stop_words, &o->stop_list, &n, err);
    if (st != LK_OK) return st;
    c->stop_words = o->stop_list;
    c->n_stop_words = n;
    return LK_OK;
}

/* Parse argv into o; returns -1 to go on, else an exit status. */
static int parse(int argc, char **argv, opts *o)
{
    static const char *const fmts[] = {"svmlight", "mm", NULL}, *const ins[] = {"jsonl", "text", NULL},
                              *const ans[] = {"word", "char", "char_wb", NULL}, /* enum order */
                              *const toks[] = {"lexkit", "sklearn", "space", "ud-en", NULL}, /* enum order */
                              *const norms[] = {"l2", "l1", "none", NULL},         /* enum order */
                              *const idfs[] = {"smooth", "plain", "textbook", "none", NULL},
                              *const blanks[] = {"empty", "skip", NULL},
                              *const weightings[] = {"tfidf", "bm25", NULL};
    lk_vectorize_job *j = &o->job;
    int fmt = 0, in = 0, an = (int)j->bow.analyzer, tok = 0, norm = (int)j->tf.norm,
        idf = (int)j->tf.idf;
    long ngram[2] = {j->bow.ngram_min, j->bow.ngram_max}, max_features = j->bow.max_features;
    bool sublinear = false, no_smooth = false, idf_seen = false, norm_seen = false;
    int blank = j->blank_rows ? 0 : 1, weighting = 0;
    const lk_cli_option table[] = {
        LKO_INPUT("--input", &j->input, "DOCS", "collection to read (default: standard input)"),
        LKO_CHOICE("--input-format", &in, ins, "jsonl: {\"id\", \"title\", \"text\"} lines; "
                   "text: one document per line"),
        LKO_STR("--output", &j->output, "MATRIX", "written atomically (default: standard output)"),
        LKO_CHOICE("--output-format", &fmt, fmts, "svmlight (0-based columns) or Matrix Market"),
        LKO_FLAG("--one-based", &j->write.one_based, "svmlight columns from 1 (libsvm/liblinear)"),
        LKO_STR("--vocab-out", &j->vocab_out, "FILE", "write the vocabulary: `#n_docs<TAB>N`, "
                "then `term<TAB>column<TAB>df` lines"),
        LKO_STR("--vocab-in", &j->vocab_in, "FILE", "fixed vocabulary (a --vocab-out file): "
                "transform only"),
        LKO_CHOICE("--analyzer", &an, ans, "word, character or word-bounded character n-grams"),
        LKO_RANGE("--ngram", ngram, 1, 64, "n-gram lengths"),
        LKO_CHOICE("--tokenizer", &tok, toks, "word analyzer: lexkit rules, sklearn's "
                   "(?u)\\b\\w\\w+\\b, space (pre-tokenized text) or ud-en "
                   "(English split as UD EWT: do n't, it 's)"),
        LKO_FLAG("--lower", &j->bow.lower, "lowercase before analysis"),
        LKO_NOFLAG("--no-lower", &j->bow.lower, "keep the case"),
        LKO_CUSTOM("--min-df", min_df, "X", "keep terms in >= X documents (integer: count, "
                   "with '.': proportion; default 1)"),
        LKO_CUSTOM("--max-df", max_df, "X", "keep terms in <= X documents (default 1.0)"),
        LKO_LONG("--max-features", &max_features, 1, INT32_MAX, "keep the N terms most frequent "
                 "in the collection (default: all)"),
        LKO_FLAG("--binary", &j->bow.binary, "counts become 1"),
        LKO_STR("--stop-words", &o->stop_words, "english|FILE", "word analyzer: drop these "
                "tokens before n-grams (english: scikit-learn's 318 words; FILE: one per line)"),
        LKO_CHOICE("--blank-lines", &blank, blanks, "text input: a blank line is an empty row "
                   "(row i = line i+1) or skipped; JSONL blank lines are never documents"),
        LKO_STR("--ids-out", &j->ids_out, "FILE", "write each row's document id, one per line "
                "(text input: the line number)"),
        LKO_FLAG("--progress", &o->progress, "progress on stderr even when it is not a terminal"),
        LKO_FLAG("--quiet", &o->quiet, "no progress"),
        LKO_ALIAS("--format", "--output-format"),
        /* tfidf only: */
        {.name = "--norm", .kind = LK_OPT_CHOICE, .dst = &norm, .choices = norms, .seen = &norm_seen,
         .help = "row normalization (default: l2; none with --weighting bm25)"},
        LKO_CHOICE("--weighting", &weighting, weightings, "tf-idf (scikit-learn) or BM25: "
                   "idf * tf_part(tf, |d|) as `lexkit search` scores a term"),
        LKO_CUSTOM("--variant", variant_opt, "lucene|robertson|atire|bm25l|bm25plus|xapian",
                   "BM25 formula (default: lucene)"),
        LKO_DOUBLE("--k1", &j->bm25_params.k1, 0, 1e6, "BM25 term-frequency saturation"),
        LKO_DOUBLE("--b", &j->bm25_params.b, 0, 1, "BM25 length normalization"),
        LKO_DOUBLE("--delta", &j->bm25_params.delta, 0, 1e6, "bm25l / bm25plus delta (default: "
                   "0.5 / 1.0)"),
        {.name = "--idf", .kind = LK_OPT_CHOICE, .dst = &idf, .choices = idfs, .seen = &idf_seen,
         .help = "smooth ln((1+N)/(1+df))+1, plain ln(N/df)+1, textbook ln(N/(1+df)), none"},
        LKO_FLAG("--sublinear-tf", &sublinear, "tf = 1 + ln(tf)"),
        LKO_FLAG("--no-smooth-idf", &no_smooth, "same as --idf plain"),
    };
    size_t n = LK_OPTS_N(table) - (j->tfidf ? 0 : 9);
    int rc = lk_cli_parse(o->cmd, argc, argv, table, n, help_cb, o);
    if (rc >= 0) return rc;
    j->matrix_market = fmt == 1;
    j->input_format = in == 1 ? LK_DOCS_TEXT : LK_DOCS_JSONL;
    j->bow.analyzer = (lk_bow_analyzer)an;
    j->bow.tokenizer = (lk_tok_mode)tok;
    j->bow.ngram_min = (int32_t)ngram[0];
    j->bow.ngram_max = (int32_t)ngram[1];
    j->bow.max_features = (int32_t)max_features;
    j->tf.norm = (lk_row_norm)norm;
    j->tf.sublinear_tf = j->tf.sublinear_tf || sublinear;
    j->tf.idf = no_smooth && !idf_seen ? LK_IDF_PLAIN : (lk_idf_kind)idf;
    j->blank_rows = blank == 0;
    j->bm25 = weighting == 1;
    if (j->bm25 && !norm_seen) j->tf.norm = LK_ROWNORM_NONE;
    if (j->bm25 && (sublinear || idf_seen || no_smooth))
        return lk_cli_usage_error(o->cmd, "--sublinear-tf, --idf and --no-smooth-idf are tf-idf "
                                  "options, not --weighting bm25");
    const lk_cli_output outs[] = {{"--output", j->output ? j->output : "-"},
                                  {"--vocab-out", j->vocab_out},
                                  {"--ids-out", j->ids_out}};
    const bool stop_file = o->stop_words && strcmp(o->stop_words, "english") != 0;
    const lk_cli_output inputs[] = {{"--input", j->input},
                                    {"--vocab-in", j->vocab_in},
                                    {"--stop-words", stop_file ? o->stop_words : NULL}};
    if ((rc = lk_cli_check_outputs(o->cmd, outs, LK_OPTS_N(outs), inputs, LK_OPTS_N(inputs))) >= 0)
        return rc;
    lk_error err;
    if (lk_bow_config_check(&j->bow, &err) != LK_OK) return lk_cli_usage_error(o->cmd, "%s", err.msg);
    if (j->bm25 && lk_bm25_params_check(&j->bm25_params, &err) != LK_OK)
        return lk_cli_usage_error(o->cmd, "%s", err.msg);
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
    o.job.log = lk_cli_log; /* progress when enabled; warnings always */
    o.job.log_user = &pr;
    lk_error err;
    lk_error_clear(&err);
    int64_t n_docs = 0, nnz = 0;
    int32_t n_terms = 0;
    lk_status st = load_stop_words(&o, &err);
    if (st == LK_OK) st = lk_vectorize(&o.job, &n_docs, &n_terms, &nnz, &err);
    free(o.stop_list);
    free(o.stop_text);
    if (st != LK_OK) return lk_cli_fail(o.cmd, st, &err);
    char extra[96];
    snprintf(extra, sizeof extra, "%d terms, %lld non-zeros", (int)n_terms, (long long)nnz);
    lk_progress_finish(&pr, (double)n_docs, extra);
    return LK_EXIT_OK;
}

static int run_bow(int argc, char **argv) { return lk_features_main(argc, argv, false); }

const lk_command lk_cmd_def_bow = {"bow", run_bow, "bag-of-words / n-gram count matrix (like CountVectorizer)"};
