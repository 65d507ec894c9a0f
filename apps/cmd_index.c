/* cmd_index.c: `lexkit index`: build a BM25 index directory from a document collection. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "features/search/bm25_info.h"
#include "features/search/bm25_store.h"
#include "features/search/bm25_text.h"
#include "text/fileio.h"

#define CMD "index"

static void help(FILE *out)
{
    fprintf(out,
            "usage: lexkit index [--input DOCS] --index DIR [options]\n"
            "       lexkit index --info --index DIR [--doc ID] [--term TEXT] [--indexed-term TERM]\n"
            "Build an on-disk BM25 index (DIR/index.lkbx); an existing index in DIR is replaced\n"
            "atomically, and only when the new one is complete. --add writes DOCS as a new\n"
            "segment of the index in DIR (--upsert: an id already there replaces that document);\n"
            "--delete-file (or --delete) removes the documents whose ids IDS lists (one per line),\n"
            "--delete-id ID (repeatable) the document ID; all change DIR in place, atomically.\n"
            "--merge rewrites all segments into one (alone: only that). --info describes DIR.\n");
}

typedef struct {
    const char **ids; /* --delete-id values */
    size_t n_ids;
    const char *input, *index, *stopwords, *doc, *term, *indexed_term, *id_prefix;
    char model_buf[4096]; /* --zh-model zh: the shipped model's path */
    bool progress, quiet, stats, info;
    lk_bm25_index_config cfg;
} opts;

static void help_cb(void *u)
{
    (void)u;
    help(stdout);
}

static bool delete_id_opt(void *u, const char *cmd, const char *name, const char *val)
{
    opts *o = u;
    const char **p = realloc(o->ids, (o->n_ids + 1) * sizeof *p);
    if (!p) {
        lk_cli_usage_error(cmd, "%s: out of memory", name);
        return false;
    }
    o->ids = p;
    o->ids[o->n_ids++] = val;
    return true;
}

static int parse(int argc, char **argv, opts *o)
{
    static const char *const langs[] = {"auto", "en", "zh", NULL};                  /* lk_lang */
    static const char *const formats[] = {"jsonl", "text", NULL};
    static const char *const kinds[] = {"plain", "english", NULL}; /* lk_analyzer_kind */
    static const char *const terms[] = {"words", "words+chars", "words+bigrams", NULL}; /* enum */
    lk_analyzer_config *an = &o->cfg.analyzer;
    int lang = (int)an->lang, format = 0, kind = (int)an->kind, zh_terms = (int)an->zh_terms,
        zh_script = (int)an->zh_script;
    bool script_set = false;
    static const char *const scripts[] = {"auto", "simplified", "traditional", NULL};
    double mem_mb = (double)o->cfg.build.mem_limit / 1048576.0;
    long max_segments = (long)o->cfg.max_segments, threads = o->cfg.threads;
    bool format_set = false, lang_set = false, terms_set = false, store_set = false, kind_set = false, pos_set = false,
         tw_set = false;
    long title_weight = 1;
    const lk_cli_option table[] = {
        LKO_INPUT("--input", &o->input, "DOCS", "documents to index, or a directory: one document "
                  "per .txt/.md/.html file (default: standard input)"),
        LKO_STR("--id-prefix", &o->id_prefix, "PREFIX", "prepended to generated ids (line "
                "numbers of --input-format text, paths of a directory; default: none)"),
        {.name = "--input-format", .kind = LK_OPT_CHOICE, .dst = &format, .choices = formats,
         .seen = &format_set, .help = "jsonl {\"id\", \"title\", \"text\"} or text (one "
         "document per line, id = line number); a file or standard input only: a directory is "
         "read by file extension"},
        LKO_STR("--index", &o->index, "DIR", "index directory (required)"),
        {.name = "--lang", .kind = LK_OPT_CHOICE, .dst = &lang, .choices = langs, .seen = &lang_set,
         .help = "auto and zh: Han unigrams + bigrams; en: unigrams only"},
        {.name = "--analyzer", .kind = LK_OPT_CHOICE, .dst = &kind, .choices = kinds,
         .seen = &kind_set, .help = "english: as Lucene's EnglishAnalyzer (hyphens split, Latin "
         "accents folded, possessive 's dropped, Lucene's stop list unless --stopwords, Snowball "
         "stemming; the default, unless --stem/--stopwords are given without --analyzer); plain: only "
         "what --stem/--stopwords ask (the default before)"},
        LKO_FLAG("--stem", &an->stem, "Snowball English stemming"),
        LKO_STR("--stopwords", &o->stopwords, "FILE", "stop words, one per line, '#' comments "
                "(default: none)"),
        LKO_STR("--zh-model", &an->zh_model, "MODEL", "segment Han text into words with a "
                "`--unit char` tagger model (a file, or zh: the shipped one), copied into DIR "
                "(default: none)"),
        {.name = "--zh-terms", .kind = LK_OPT_CHOICE, .dst = &zh_terms, .choices = terms,
         .seen = &terms_set, .help = "terms of segmented Han text"},
        {.name = "--zh-script", .kind = LK_OPT_CHOICE, .dst = &zh_script, .choices = scripts,
         .seen = &script_set, .help = "map traditional Han text to simplified (OpenCC t2s, per "
         "character) in documents and queries, so that 長江大橋 finds 长江大桥: with --zh-model, "
         "auto decides per text; without it, auto and traditional map every character; "
         "simplified never maps"},
        {.name = "--title-weight", .kind = LK_OPT_LONG, .dst = &title_weight, .lmin = 1,
         .lmax = LK_ANALYZER_TITLE_WEIGHT_MAX, .seen = &tw_set, .arg = "N", .help = "a title "
         "word counts N times in its document (term frequency and length: BM25F with integer "
         "field weights, see docs/search.md)"},
        LKO_DOUBLE("--mem-limit", &mem_mb, 0.004, 1e6, "MB of postings buffered before a sorted "
                   "run is spilled"),
        LKO_LONG("--threads", &threads, 1, 2, "2: analysis and inversion in parallel"),
        LKO_FLAG("--add", &o->cfg.add, "add DOCS to the index as a new segment"),
        LKO_STR("--delete", &o->cfg.delete_path, "IDS", "remove the documents listed (one id per "
                "line; default: none)"),
        LKO_STR("--delete-file", &o->cfg.delete_path, "IDS", "the same as --delete"),
        {.name = "--delete-id", .kind = LK_OPT_CUSTOM, .parse = delete_id_opt, .arg = "ID",
         .help = "remove the document ID (repeatable; default: none)"},
        LKO_FLAG("--upsert", &o->cfg.upsert, "with --add: an id already in the index replaces "
                 "that document"),
        {.name = "--store", .kind = LK_OPT_STR, .dst = &o->cfg.build.store, .seen = &store_set,
         .arg = "all|none|F1,F2", .help = "fields kept for search --fields/--snippet: all "
         "(title, text, every string/number member; default), none, or names"},
        {.name = "--positions", .kind = LK_OPT_FLAG, .dst = &o->cfg.build.positions,
         .seen = &pos_set, .help = "store term positions: phrase and title:/text: queries "
         "without re-reading stored text (a bigger index; see docs/search.md)"},
        LKO_FLAG("--merge", &o->cfg.merge, "rewrite all segments into one"),
        LKO_LONG("--max-segments", &max_segments, 1, 1000, "--add merges the newest segments "
                 "beyond N"),
        LKO_FLAG("--progress", &o->progress, "progress on stderr even when it is not a terminal"),
        LKO_FLAG("--quiet", &o->quiet, "no progress"),
        LKO_FLAG("--stats", &o->stats, "print documents, MB/s and time split to standard error"),
        LKO_FLAG("--info", &o->info, "describe the index in DIR (documents, segments, terms, "
                 "analyzer, stored fields)"),
        LKO_STR("--doc", &o->doc, "ID", "with --info: that document's stored fields as JSON"),
        LKO_STR("--term", &o->term, "TEXT", "with --info: TEXT analyzed as a query is; each term: "
                "its document frequency and first 10 documents (id:tf)"),
        LKO_STR("--indexed-term", &o->indexed_term, "TERM", "with --info: as --term, for TERM "
                "exactly as the index holds it (no analysis)"),
        LKO_ALIAS("--format", "--input-format"),
    };
    int rc = lk_cli_parse(CMD, argc, argv, table, LK_OPTS_N(table), help_cb, o);
    if (rc >= 0) return rc;
    o->cfg.delete_ids = o->ids;
    o->cfg.n_delete_ids = o->n_ids;
    if (o->cfg.upsert && !o->cfg.add) return lk_cli_usage_error(CMD, "--upsert needs --add");
    an->lang = (lk_lang)lang;
    /* english is the default for new indexes (issue 13); --stem/--stopwords without --analyzer
     * keep their old meaning (plain plus what they ask), so scripts that pass them see the same
     * index as before. --add/--delete/--merge take the analyzer recorded in the index. */
    if (!kind_set && !an->stem && !o->stopwords) kind = (int)LK_ANALYZER_ENGLISH;
    /* the plain analyzer is the one of before (byte for byte): no traditional -> simplified
       mapping of Han characters unless --zh-script or --zh-model asks for it */
    if (kind == (int)LK_ANALYZER_PLAIN && !script_set && !an->zh_model)
        zh_script = (int)LK_ZH_SCRIPT_SIMPLIFIED;
    an->kind = (lk_analyzer_kind)kind;
    an->zh_terms = (lk_zh_terms)zh_terms;
    an->zh_script = (lk_zh_script)zh_script;
    an->title_weight = (int)title_weight;
    o->cfg.format = format == 1 ? LK_DOCS_TEXT : LK_DOCS_JSONL;
    struct stat sb;
    if (o->input && strcmp(o->input, "-") != 0 && stat(o->input, &sb) == 0 && S_ISDIR(sb.st_mode))
        o->cfg.format = LK_DOCS_DIR;
    if (format_set && o->cfg.format == LK_DOCS_DIR) /* it would be ignored: say so */
        return lk_cli_usage_error(CMD, "--input-format %s: --input %s is a directory, read as "
                                       "one document per .txt/.md/.html file by extension; "
                                       "--input-format is for a file or standard input",
                                  formats[format], o->input);
    if (o->id_prefix && o->cfg.format == LK_DOCS_JSONL)
        return lk_cli_usage_error(CMD, "--id-prefix is for generated ids: --input-format text "
                                       "or a directory (JSON Lines give their ids)");
    o->cfg.id_prefix = o->id_prefix;
    o->cfg.build.mem_limit = (size_t)(mem_mb * 1048576.0);
    o->cfg.max_segments = (size_t)max_segments;
    o->cfg.threads = (int)threads;
    if (!o->index) return lk_cli_usage_error(CMD, "--index DIR is required");
    if ((o->doc || o->term || o->indexed_term) && !o->info)
        return lk_cli_usage_error(CMD, "--doc/--term/--indexed-term need --info");
    if (o->info && (o->input || o->cfg.add || o->cfg.delete_path || o->n_ids || o->cfg.merge))
        return lk_cli_usage_error(CMD, "--info only reads the index: no --input/--add/--delete/"
                                       "--merge");
    if ((o->cfg.add || o->cfg.delete_path || o->n_ids || o->cfg.merge) &&
        (o->stopwords || an->stem || lang_set || an->zh_model || terms_set || store_set ||
         script_set || kind_set || pos_set || tw_set))
        return lk_cli_usage_error(CMD, "%s uses the index's analyzer, stored fields and positions: "
                                       "no --analyzer/--lang/--stem/--stopwords/--zh-model/--store/"
                                       "--positions/--title-weight",
                                  o->cfg.add ? "--add"
                                  : o->cfg.delete_path || o->n_ids ? "--delete"
                                                                   : "--merge");
    const char *why = lk_bm25_store_spec_check(o->cfg.build.store);
    if (why) return lk_cli_usage_error(CMD, "--store: %s", why);
    if (terms_set && !an->zh_model) return lk_cli_usage_error(CMD, "--zh-terms needs --zh-model");
    if (an->zh_model) { /* --zh-model zh: the shipped model, as `tag --model zh` */
        lk_error e;
        lk_error_clear(&e);
        if (!(an->zh_model = lk_cli_model_arg(an->zh_model, o->model_buf, sizeof o->model_buf, &e)))
            return lk_cli_fail(CMD, LK_ERR_IO, &e);
    }
    if (an->zh_model && an->lang == LK_LANG_EN)
        return lk_cli_usage_error(CMD, "--zh-model needs --lang zh or auto");
    return -1;
}

/* --info: describe the index (or one document / term) on standard output. */
static int info(const opts *o)
{
    lk_error err;
    lk_error_clear(&err);
    lk_bm25_index *idx = NULL;
    lk_status st = lk_bm25_index_open(o->index, &idx, &err);
    if (st == LK_OK && o->doc) st = lk_bm25_index_print_doc(idx, o->doc, stdout, &err);
    if (st == LK_OK && o->term) {
        st = lk_bm25_index_print_term(idx, o->term, strlen(o->term), stdout, &err);
        if (st == LK_ERR_PARSE) lk_error_prefix(&err, "--term: ");
    }
    if (st == LK_OK && o->indexed_term)
        st = lk_bm25_index_print_indexed_term(idx, o->indexed_term, strlen(o->indexed_term),
                                              stdout, &err);
    if (st == LK_OK && !o->doc && !o->term && !o->indexed_term)
        st = lk_bm25_index_describe(idx, o->index, stdout, &err);
    lk_bm25_index_free(idx);
    if (st == LK_OK) st = lk_cli_stdout_check(&err);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(CMD, st, &err);
}

/* A directory's files that were not indexed, then those indexed as empty documents: one
   line on standard error. */
static void report_skips(const char *dir, const lk_docs_skipped *k)
{
    uint64_t n = k->binary + k->bad_utf8 + k->unreadable + k->loops + k->bad_html;
    if (!n && !k->empty) return;
    fprintf(stderr, "lexkit %s: %s:", CMD, dir);
    if (n) fprintf(stderr, " skipped %llu file(s):", (unsigned long long)n);
    const char *sep = "";
    if (k->binary)
        fprintf(stderr, "%s %llu binary (%s)", sep, (unsigned long long)k->binary, k->first_binary), sep = ";";
    if (k->bad_utf8)
        fprintf(stderr, "%s %llu invalid UTF-8 in name or text (%s)", sep,
                (unsigned long long)k->bad_utf8, k->first_bad_utf8), sep = ";";
    if (k->unreadable)
        fprintf(stderr, "%s %llu unreadable (%s)", sep, (unsigned long long)k->unreadable,
                k->first_unreadable), sep = ";";
    if (k->loops)
        fprintf(stderr, "%s %llu symbolic link loop(s) not followed (%s)", sep,
                (unsigned long long)k->loops, k->first_loop), sep = ";";
    if (k->bad_html)
        fprintf(stderr, "%s %llu HTML the parser could not read to the end (%s)", sep,
                (unsigned long long)k->bad_html, k->first_bad_html), sep = ";";
    if (k->empty)
        fprintf(stderr, "%s indexed %llu empty document%s (%s)", sep, (unsigned long long)k->empty,
                k->empty == 1 ? "" : "s", k->first_empty);
    fputc('\n', stderr);
}

static int lk_cmd_index(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.cfg = lk_bm25_index_config_default();
    int rc = parse(argc, argv, &o);
    if (rc >= 0 || o.info) {
        free(o.ids);
        return rc >= 0 ? rc : info(&o);
    }
    lk_error err;
    lk_error_clear(&err);
    struct stat sb; /* --delete t1, meaning the document t1: say which option takes an id */
    const char *del = o.cfg.delete_path;
    if (del && strcmp(del, "-") != 0 && stat(del, &sb) != 0 && errno == ENOENT) {
        lk_error_set(&err, LK_ERR_IO, "%s: %s (--delete names a file of ids, one per line; to "
                     "delete by id use --delete-id %s)", del, strerror(ENOENT), del);
        free(o.ids);
        return lk_cli_fail(CMD, LK_ERR_IO, &err);
    }
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
        o.input ? o.input
                : (o.cfg.delete_path || o.n_ids || (o.cfg.merge && !o.cfg.add) ? NULL : "-");
    if (st == LK_OK) st = lk_bm25_index_build(input, o.index, &o.cfg, &s, &err);
    free(stop);
    free(o.ids);
    /* after a complete pass only (a success, or a folder without documents): a build that
       stopped early (the index directory could not be created) counted only some files */
    if (st == LK_OK || (st == LK_ERR_PARSE && s.n_docs == 0)) report_skips(o.input, &s.skipped);
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
