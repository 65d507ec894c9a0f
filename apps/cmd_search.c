/* cmd_search.c: `lexkit search`: top-k BM25 search of an index, TREC/TSV/JSON/text output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "features/search/analyzer.h"
#include "features/search/bm25_query.h"
#include "features/search/bm25_snippet.h"
#include "features/search/bm25_text.h"
#include "text/fileio.h"

#define CMD "search"

static void help(FILE *out)
{
    fprintf(out,
            "usage: lexkit search --index DIR (--query TEXT | --queries FILE) [options]\n"
            "Top-k BM25 search. Output: a TREC run `qid Q0 docid rank score lexkit` (qid q for\n"
            "--query; the default when standard output is not a terminal), tsv `qid rank docid\n"
            "score`, json one object per query, or text for people (rank, id, score, title,\n"
            "snippet; the default on a terminal). Query syntax (--syntax): +required -excluded\n"
            "\"a phrase\" field:term prefix*; phrases and field: are checked on the stored fields.\n");
}

typedef struct {
    const char *index, *query, *queries, *output;
    bool timing;
    bool format_set;
    lk_bm25_output out;
    lk_bm25_search_opts so;
} opts;

static void help_cb(void *u)
{
    (void)u;
    help(stdout);
}

static bool variant_opt(void *u, const char *cmd, const char *name, const char *val)
{
    if (lk_bm25_variant_parse(val, &((opts *)u)->so.params.variant)) return true;
    lk_cli_usage_error(cmd, "%s must be lucene, robertson, atire, bm25l, bm25plus or xapian, "
                       "not '%s'", name, val);
    return false;
}

/* --query: any text, the empty one too (it finds nothing, as a query of stop words). */
static bool query_opt(void *u, const char *cmd, const char *name, const char *val)
{
    (void)cmd;
    (void)name;
    ((opts *)u)->query = val;
    return true;
}

static bool format_opt(void *u, const char *cmd, const char *name, const char *val)
{
    ((opts *)u)->format_set = true;
    if (lk_bm25_format_parse(val, &((opts *)u)->out.fmt)) return true;
    lk_cli_usage_error(cmd, "%s must be trec, tsv, json or text, not '%s'", name, val);
    return false;
}

static int parse(int argc, char **argv, opts *o)
{
    static const char *const syntaxes[] = {"auto", "on", "off", NULL};
    int syntax = 0;
    long k = (long)o->so.k, chars = (long)o->out.snippet_chars;
    const lk_cli_option table[] = {
        LKO_STR("--index", &o->index, "DIR", "index directory (required)"),
        LKO_CUSTOM("--query", query_opt, "TEXT", "one query, qid q (an empty one finds nothing)"),
        LKO_STR("--queries", &o->queries, "FILE", "qid<TAB>text lines"),
        LKO_STR("--output", &o->output, "FILE", "written atomically (default: standard output)"),
        LKO_CUSTOM("--output-format", format_opt, "trec|tsv|json|text",
                   "result format (default: text on a terminal, else trec)"),
        LKO_LONG("--k", &k, 0, 100000000, "results per query"),
        LKO_DOUBLE("--k1", &o->so.params.k1, 0, 1e6, "BM25 term-frequency saturation"),
        LKO_DOUBLE("--b", &o->so.params.b, 0, 1, "BM25 length normalization"),
        LKO_CUSTOM("--variant", variant_opt, "lucene|robertson|atire|bm25l|bm25plus|xapian",
                   "BM25 formula (default: lucene)"),
        LKO_DOUBLE("--delta", &o->so.params.delta, 0, 1e6, "bm25l / bm25plus delta (default: 0.5 / "
                   "1.0)"),
        LKO_FLAG("--exhaustive", &o->so.exhaustive, "score every posting (reference path) instead "
                 "of MaxScore"),
        LKO_FLAG("--timing", &o->timing, "print queries/s of the search loop to standard error"),
        LKO_STR("--fields", &o->out.fields, "F1,F2",
                "stored fields to print (tsv: columns, json: \"fields\", text: lines; not id: the id "
                "is always printed)"),
        LKO_FLAG("--snippet", &o->out.snippet, "the best passage of the snippet field, query "
                 "terms marked ([ ], ANSI bold on a terminal; json: code-point offsets) "
                 "(default: on for --format text when the index stores the field, else off)"),
        LKO_STR("--snippet-field", &o->out.snippet_field, "F", "stored field of the snippets "
                "(default: text)"),
        LKO_LONG("--snippet-chars", &chars, 1, 100000, "snippet length in characters"),
        LKO_CHOICE("--syntax", &syntax, syntaxes, "query syntax: auto (default: on for --query, "
                   "off for --queries), on or off"),
        LKO_ALIAS("--format", "--output-format"),
    };
    int rc = lk_cli_parse(CMD, argc, argv, table, LK_OPTS_N(table), help_cb, o);
    if (rc >= 0) return rc;
    o->so.k = (size_t)k;
    o->out.snippet_chars = (size_t)chars;
    o->out.syntax = syntax == 1 || (syntax == 0 && o->query);
    if (!o->index) return lk_cli_usage_error(CMD, "--index DIR is required");
    if (!o->query == !o->queries)
        return lk_cli_usage_error(CMD, "give exactly one of --query TEXT and --queries FILE");
    const lk_cli_output outs[] = {{"--output", o->output}}, ins[] = {{"--queries", o->queries}};
    if ((rc = lk_cli_check_outputs(CMD, outs, 1, ins, 1)) >= 0) return rc;
    bool to_tty = (!o->output || strcmp(o->output, "-") == 0) && isatty(STDOUT_FILENO);
    if (!o->format_set && to_tty) o->out.fmt = LK_BM25_FMT_TEXT; /* pipes keep TREC runs */
    o->out.ansi = to_tty && o->out.fmt == LK_BM25_FMT_TEXT && !getenv("NO_COLOR");
    const char *why = lk_bm25_output_check(&o->out);
    if (why) return lk_cli_usage_error(CMD, "%s", why);
    return -1;
}

/* Why a query finds nothing though it is not empty, for the notes (NULL: it has terms). */
static const char *why_termless(lk_query_searchable_kind k)
{
    switch (k) {
    case LK_QUERY_NO_TERMS: return "stop words and punctuation are not indexed";
    case LK_QUERY_ONLY_EXCLUDED:
        return "only excluded ones: -word drops documents that the other terms find";
    default: return NULL;
    }
}

/* After a search: a note on stderr for the queries that had nothing to search for, as they
   print no hits and would look like queries that matched nothing: the query itself for
   --query, a count per reason for --queries (lines as the search read them: qid<TAB>text).
   With the query syntax on, a query is read as its clauses (lk_query_searchable). */
static void note_termless(const lk_bm25_index *idx, const opts *o)
{
    lk_error err;
    lk_analyzer *an = NULL;
    lk_line_reader *r = NULL;
    lk_query_searchable_kind k = LK_QUERY_HAS_TERMS;
    bool got;
    const char *line;
    size_t len, n_why[LK_QUERY_ONLY_EXCLUDED + 1] = {0};
    lk_error_clear(&err);
    if (lk_bm25_index_analyzer(idx, &an, &err) != LK_OK) return;
    size_t qlen = o->query ? strlen(o->query) : 0;
    if (o->query && strspn(o->query, " \t\r\n") == qlen)
        fprintf(stderr, "lexkit %s: the query is empty\n", CMD);
    else if (o->query && lk_query_searchable(an, o->query, qlen, o->out.syntax, &k, &err) == LK_OK &&
             why_termless(k))
        fprintf(stderr, "lexkit %s: the query '%s' has no searchable terms (%s)\n", CMD, o->query,
                why_termless(k));
    if (o->queries && lk_line_reader_open(o->queries, &r, &err) == LK_OK) {
        while (lk_line_reader_next(r, &line, &len, &got, &err) == LK_OK && got) {
            const char *tab = memchr(line, '\t', len);
            if (!tab) continue;
            size_t at = (size_t)(tab - line) + 1;
            if (lk_query_searchable(an, line + at, len - at, o->out.syntax, &k, &err) == LK_OK)
                n_why[k]++;
        }
        for (int i = LK_QUERY_NO_TERMS; i <= LK_QUERY_ONLY_EXCLUDED; i++)
            if (n_why[i] > 0)
                fprintf(stderr, "lexkit %s: %zu %s had no searchable terms (%s)\n", CMD, n_why[i],
                        n_why[i] == 1 ? "query" : "queries",
                        why_termless((lk_query_searchable_kind)i));
    }
    lk_line_reader_free(r);
    lk_analyzer_free(an);
}

static int lk_cmd_search(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.so = lk_bm25_search_opts_default();
    o.out = lk_bm25_output_default();
    int rc = parse(argc, argv, &o);
    if (rc >= 0) return rc;
    lk_error err;
    lk_error_clear(&err);
    lk_status st = lk_bm25_params_check(&o.so.params, &err);
    if (st != LK_OK) return lk_cli_usage_error(CMD, "%s", err.msg);
    lk_bm25_index *idx = NULL;
    lk_atomic_file *af = NULL;
    lk_bm25_run_stats rs = {0, 0.0, 0.0};
    st = lk_bm25_index_open(o.index, &idx, &err);
    bool to_stdout = !o.output || strcmp(o.output, "-") == 0;
    if (st == LK_OK && !to_stdout) st = lk_atomic_open(o.output, &af, &err);
    FILE *fp = af ? lk_atomic_fp(af) : stdout;
    if (st == LK_OK)
        st = lk_bm25_run_queries_out(idx, &o.so, o.query, o.queries, &o.out, fp, &rs, &err);
    if (st == LK_OK && af) {
        st = lk_atomic_commit(af, &err);
        af = NULL;
    }
    if (st == LK_OK && to_stdout) st = lk_cli_stdout_check(&err);
    if (st == LK_OK) note_termless(idx, &o);
    lk_atomic_abort(af);
    lk_bm25_index_free(idx);
    if (st != LK_OK) return lk_cli_fail(CMD, st, &err);
    if (o.timing)
        fprintf(stderr, "searched %zu queries in %.6f s (%.1f queries/s; CPU %.6f s, %.1f queries/s)\n",
                rs.n_queries, rs.seconds, rs.seconds > 0 ? (double)rs.n_queries / rs.seconds : 0.0,
                rs.cpu_seconds, rs.cpu_seconds > 0 ? (double)rs.n_queries / rs.cpu_seconds : 0.0);
    return LK_EXIT_OK;
}

const lk_command lk_cmd_def_search = {"search", lk_cmd_search, "top-k BM25 search of an index"};
