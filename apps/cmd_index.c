/* cmd_index.c: `lexkit index`: build a BM25 index directory from a document collection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "features/bm25_text.h"
#include "text/fileio.h"

#define CMD "index"

static void help(FILE *out)
{
    fprintf(out,
            "usage: lexkit index --input DOCS --index DIR [--lang auto|en|zh] [--stem]\n"
            "                    [--stopwords FILE] [--format jsonl|text] [--mem-limit MB]\n"
            "                    [--threads 1|2] [--add] [--delete IDS] [--merge]\n"
            "                    [--max-segments N] [--progress] [--quiet] [--stats]\n"
            "Build an on-disk BM25 index (DIR/index.lkbx); an existing index in DIR is replaced\n"
            "atomically, and only when the new one is complete. --add writes DOCS as a new\n"
            "segment of the index in DIR; --delete removes the documents whose ids IDS lists (one\n"
            "per line); both change DIR in place, atomically. --merge rewrites all segments into\n"
            "one (alone: only that).\n"
            "  --input DOCS      JSON Lines {\"id\", \"title\", \"text\"} (default: standard input)\n"
            "  --lang L          auto (default) or zh: Han unigrams + bigrams; en: unigrams only\n"
            "  --stem            Snowball English stemming\n"
            "  --stopwords FILE  stop words, one per line ('#' comments)\n"
            "  --format F        jsonl (default) or text (one document per line, id = line number)\n"
            "  --mem-limit MB    postings buffered before a sorted run is spilled (default 256)\n"
            "  --threads N       2 (default): analysis and inversion in parallel; 1: one thread\n"
            "  --max-segments N  --add merges the newest segments beyond N (default 8)\n"
            "  --stats           print documents, MB/s and time split to standard error\n");
}

typedef struct {
    const char *input, *index, *stopwords;
    bool progress, quiet, stats, lang_set;
    lk_bm25_index_config cfg;
} opts;

static bool is_flag(const char *n)
{
    return !strcmp(n, "--stem") || !strcmp(n, "--progress") || !strcmp(n, "--quiet") ||
           !strcmp(n, "--stats") || !strcmp(n, "--add") || !strcmp(n, "--merge");
}

static int set_opt(opts *o, const char *name, const char *val)
{
    long v;
    if (!strcmp(name, "--input")) o->input = val;
    else if (!strcmp(name, "--index")) o->index = val;
    else if (!strcmp(name, "--stopwords")) o->stopwords = val;
    else if (!strcmp(name, "--delete")) o->cfg.delete_path = val;
    else if (!strcmp(name, "--lang")) {
        if (!lk_lang_parse(val, &o->cfg.analyzer.lang))
            return lk_cli_usage_error(CMD, "--lang must be auto, en or zh, not '%s'", val);
        o->lang_set = true;
    } else if (!strcmp(name, "--format")) {
        if (!strcmp(val, "jsonl")) o->cfg.format = LK_DOCS_JSONL;
        else if (!strcmp(val, "text")) o->cfg.format = LK_DOCS_TEXT;
        else return lk_cli_usage_error(CMD, "--format must be jsonl or text, not '%s'", val);
    } else if (!strcmp(name, "--mem-limit")) {
        double mb;
        if (!lk_cli_double(CMD, name, val, 0.004, 1e6, &mb)) return LK_EXIT_USAGE;
        o->cfg.build.mem_limit = (size_t)(mb * 1048576.0);
    } else if (!strcmp(name, "--max-segments")) {
        if (!lk_cli_long(CMD, name, val, 1, 1000, &v)) return LK_EXIT_USAGE;
        o->cfg.max_segments = (size_t)v;
    } else if (!strcmp(name, "--threads")) {
        if (!lk_cli_long(CMD, name, val, 1, 2, &v)) return LK_EXIT_USAGE;
        o->cfg.threads = (int)v;
    } else return lk_cli_usage_error(CMD, "unknown option '%s'", name);
    return -1;
}

static bool known(const char *name)
{
    static const char *const names[] = {"--input",     "--index",   "--stopwords",
                                        "--lang",      "--format",  "--delete",
                                        "--mem-limit", "--threads", "--max-segments"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(name, names[i])) return true;
    return false;
}

static int parse(int argc, char **argv, opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char name[32];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help(stdout);
            return LK_EXIT_OK;
        }
        const char *eq;
        int split = lk_cli_split(CMD, a, name, sizeof name, &eq);
        if (split >= 0) return split;
        if (is_flag(name)) {
            if (eq) return lk_cli_usage_error(CMD, "%s takes no value", name);
            if (!strcmp(name, "--stem")) o->cfg.analyzer.stem = true;
            else if (!strcmp(name, "--progress")) o->progress = true;
            else if (!strcmp(name, "--quiet")) o->quiet = true;
            else if (!strcmp(name, "--add")) o->cfg.add = true;
            else if (!strcmp(name, "--merge")) o->cfg.merge = true;
            else o->stats = true;
            continue;
        }
        if (!known(name)) return lk_cli_usage_error(CMD, "unknown option '%s'", name);
        const char *val = lk_cli_value(argc, argv, &i, eq);
        if (!val) return lk_cli_usage_error(CMD, "%s needs a value", name);
        int rc = set_opt(o, name, val);
        if (rc >= 0) return rc;
    }
    if (!o->index) return lk_cli_usage_error(CMD, "--index DIR is required");
    if ((o->cfg.add || o->cfg.delete_path || o->cfg.merge) &&
        (o->stopwords || o->cfg.analyzer.stem || o->lang_set))
        return lk_cli_usage_error(CMD, "--add uses the index's analyzer: no --lang/--stem/--stopwords");
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
