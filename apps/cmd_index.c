/* cmd_index.c: `lexkit index`: build a BM25 index directory from a document collection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "features/bm25_text.h"
#include "text/fileio.h"

#define CMD "index"

static void help(FILE *out)
{
    fprintf(out,
            "usage: lexkit index [--input DOCS] --index DIR [options]\n"
            "Build an on-disk BM25 index (DIR/index.lkbx); an existing index in DIR is replaced\n"
            "atomically, and only when the new one is complete. --add writes DOCS as a new\n"
            "segment of the index in DIR; --delete removes the documents whose ids IDS lists (one\n"
            "per line); both change DIR in place, atomically. --merge rewrites all segments into\n"
            "one (alone: only that).\n");
}

typedef struct {
    const char *input, *index, *stopwords;
    bool progress, quiet, stats;
    lk_bm25_index_config cfg;
} opts;

static void help_cb(void *u)
{
    (void)u;
    help(stdout);
}

static int parse(int argc, char **argv, opts *o)
{
    static const char *const langs[] = {"auto", "en", "zh", NULL};                  /* lk_lang */
    static const char *const formats[] = {"jsonl", "text", NULL};
    static const char *const terms[] = {"words", "words+chars", "words+bigrams", NULL}; /* enum */
    lk_analyzer_config *an = &o->cfg.analyzer;
    int lang = (int)an->lang, format = 0, zh_terms = (int)an->zh_terms;
    double mem_mb = (double)o->cfg.build.mem_limit / 1048576.0;
    long max_segments = (long)o->cfg.max_segments, threads = o->cfg.threads;
    bool lang_set = false, terms_set = false;
    const lk_cli_option table[] = {
        LKO_INPUT("--input", &o->input, "DOCS", "documents to index (default: standard input)"),
        LKO_CHOICE("--input-format", &format, formats, "jsonl {\"id\", \"title\", \"text\"} or "
                   "text (one document per line, id = line number)"),
        LKO_STR("--index", &o->index, "DIR", "index directory (required)"),
        {.name = "--lang", .kind = LK_OPT_CHOICE, .dst = &lang, .choices = langs, .seen = &lang_set,
         .help = "auto and zh: Han unigrams + bigrams; en: unigrams only"},
        LKO_FLAG("--stem", &an->stem, "Snowball English stemming"),
        LKO_STR("--stopwords", &o->stopwords, "FILE", "stop words, one per line, '#' comments "
                "(default: none)"),
        LKO_STR("--zh-model", &an->zh_model, "MODEL", "segment Han text into words with a "
                "`--unit char` tagger model, copied into DIR (default: none)"),
        {.name = "--zh-terms", .kind = LK_OPT_CHOICE, .dst = &zh_terms, .choices = terms,
         .seen = &terms_set, .help = "terms of segmented Han text"},
        LKO_DOUBLE("--mem-limit", &mem_mb, 0.004, 1e6, "MB of postings buffered before a sorted "
                   "run is spilled"),
        LKO_LONG("--threads", &threads, 1, 2, "2: analysis and inversion in parallel"),
        LKO_FLAG("--add", &o->cfg.add, "add DOCS to the index as a new segment"),
        LKO_STR("--delete", &o->cfg.delete_path, "IDS", "remove the documents listed (one id per "
                "line; default: none)"),
        LKO_FLAG("--merge", &o->cfg.merge, "rewrite all segments into one"),
        LKO_LONG("--max-segments", &max_segments, 1, 1000, "--add merges the newest segments "
                 "beyond N"),
        LKO_FLAG("--progress", &o->progress, "progress on stderr even when it is not a terminal"),
        LKO_FLAG("--quiet", &o->quiet, "no progress"),
        LKO_FLAG("--stats", &o->stats, "print documents, MB/s and time split to standard error"),
        LKO_ALIAS("--format", "--input-format"),
    };
    int rc = lk_cli_parse(CMD, argc, argv, table, LK_OPTS_N(table), help_cb, NULL);
    if (rc >= 0) return rc;
    an->lang = (lk_lang)lang;
    an->zh_terms = (lk_zh_terms)zh_terms;
    o->cfg.format = format == 1 ? LK_DOCS_TEXT : LK_DOCS_JSONL;
    o->cfg.build.mem_limit = (size_t)(mem_mb * 1048576.0);
    o->cfg.max_segments = (size_t)max_segments;
    o->cfg.threads = (int)threads;
    if (!o->index) return lk_cli_usage_error(CMD, "--index DIR is required");
    if ((o->cfg.add || o->cfg.delete_path || o->cfg.merge) &&
        (o->stopwords || an->stem || lang_set || an->zh_model || terms_set))
        return lk_cli_usage_error(CMD, "%s uses the index's analyzer: no --lang/--stem/"
                                       "--stopwords/--zh-model",
                                  o->cfg.add ? "--add" : o->cfg.delete_path ? "--delete" : "--merge");
    if (terms_set && !an->zh_model) return lk_cli_usage_error(CMD, "--zh-terms needs --zh-model");
    if (an->zh_model && an->lang == LK_LANG_EN)
        return lk_cli_usage_error(CMD, "--zh-model needs --lang zh or auto");
    return -1;
}

static int lk_cmd_index(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.cfg = lk_bm25_index_config_default();
    int rc = parse(argc, argv, &o);
    if (rc >= 0) return rc;
    lk_error err;
    lk_error_clear(&err);
    lk_progress prog;
    lk_progress_init(&prog, "docs", o.progress, o.quiet);
    o.cfg.build.log = lk_cli_log;
    o.cfg.build.log_user = &prog;
    char *stop = NULL;
    size_t stop_len = 0;
    lk_status st = LK_OK;
    if (o.stopwords) st = lk_read_file(o.stopwords, &stop, &stop_len, &err);
    o.cfg.analyzer.stopwords = stop;
    o.cfg.analyzer.stopwords_len = stop_len;
    o.cfg.analyzer.stopwords_path = o.stopwords;
    lk_bm25_build_stats s;
    const char *input =
        o.input ? o.input : (o.cfg.delete_path || (o.cfg.merge && !o.cfg.add) ? NULL : "-");
    if (st == LK_OK) st = lk_bm25_index_build(input, o.index, &o.cfg, &s, &err);
    free(stop);
    if (st != LK_OK) return lk_cli_fail(CMD, st, &err);
    if (o.stats)
        fprintf(stderr,
                "indexed %llu docs, %.1f MB in %.3f s (%.2f MB/s); analysis busy %.3f s, "
                "inversion busy %.3f s\n",
                (unsigned long long)s.n_docs, (double)s.bytes / 1e6, s.total_seconds,
                s.total_seconds > 0 ? (double)s.bytes / 1e6 / s.total_seconds : 0.0,
                s.analyze_seconds, s.invert_seconds);
    return LK_EXIT_OK;
}

const lk_command lk_cmd_def_index = {"index", lk_cmd_index, "build a BM25 index from documents"};
