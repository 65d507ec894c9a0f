/* cmd_search.c: `lexkit search`: top-k BM25 search of an index, TREC/TSV/JSON output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "features/bm25_snippet.h"
#include "features/bm25_text.h"
#include "text/fileio.h"

#define CMD "search"

static void help(FILE *out)
{
    fprintf(out,
            "usage: lexkit search --index DIR (--query TEXT | --queries FILE) [--k 10]\n"
            "                     [--k1 1.2] [--b 0.75] [--delta D] [--exhaustive] [--timing]\n"
            "                     [--variant lucene|robertson|atire|bm25l|bm25plus]\n"
            "                     [--format trec|tsv|json|text] [--output FILE]\n"
            "                     [--fields F1,F2] [--snippet] [--snippet-field F]\n"
            "                     [--snippet-chars N] [--syntax auto|on|off]\n"
            "  --query TEXT    one query (qid q)     --queries FILE  qid<TAB>text lines\n"
            "  --k N           results per query (default 10)\n"
            "  --delta D       bm25l / bm25plus delta (defaults 0.5 / 1.0)\n"
            "  --exhaustive    score every posting (reference path) instead of MaxScore\n"
            "  --timing        print queries/s of the search loop to standard error\n"
            "  --format F      trec (qid Q0 docid rank score lexkit), tsv (qid rank docid\n"
            "                  score), json (one object per query per line) or text (for\n"
            "                  people: rank, id, score, title, snippet). Default: text on a\n"
            "                  terminal, trec otherwise (pipes and files)\n"
            "  --fields F      stored fields to print (tsv: extra columns, json: \"fields\")\n"
            "  --snippet       the best passage of the snippet field, query terms marked\n"
            "                  ([term]; ANSI bold on a terminal; json: code-point offsets)\n"
            "  --snippet-field F  stored field for snippets (default text)\n"
            "  --snippet-chars N  passage length in characters (default 160)\n"
            "  --syntax S      auto (default: on for --query, off for --queries), on or off:\n"
            "                  +required -excluded \"a phrase\" field:term (phrases and\n"
            "                  field: are checked on the stored fields)\n");
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
    lk_cli_usage_error(cmd, "%s must be lucene, robertson, atire, bm25l or bm25plus, not '%s'",
                       name, val);
    return false;
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
        LKO_STR("--index", &o->index),
        LKO_STR("--query", &o->query),
        LKO_STR("--queries", &o->queries),
        LKO_STR("--output", &o->output),
        LKO_LONG("--k", &k, 0, 100000000),
        LKO_DOUBLE("--k1", &o->so.params.k1, 0, 1e6),
        LKO_DOUBLE("--b", &o->so.params.b, 0, 1),
        LKO_DOUBLE("--delta", &o->so.params.delta, 0, 1e6),
        LKO_CUSTOM("--variant", variant_opt),
        LKO_CUSTOM("--format", format_opt),
        LKO_FLAG("--exhaustive", &o->so.exhaustive),
        LKO_FLAG("--timing", &o->timing),
        LKO_STR("--fields", &o->out.fields),
        LKO_FLAG("--snippet", &o->out.snippet),
        LKO_STR("--snippet-field", &o->out.snippet_field),
        LKO_LONG("--snippet-chars", &chars, 1, 100000),
        LKO_CHOICE("--syntax", &syntax, syntaxes),
    };
    int rc = lk_cli_parse(CMD, argc, argv, table, LK_OPTS_N(table), help_cb, o);
    if (rc >= 0) return rc;
    o->so.k = (size_t)k;
    o->out.snippet_chars = (size_t)chars;
    o->out.syntax = syntax == 1 || (syntax == 0 && o->query);
    if (!o->index) return lk_cli_usage_error(CMD, "--index DIR is required");
    if (!o->query == !o->queries)
        return lk_cli_usage_error(CMD, "give exactly one of --query TEXT and --queries FILE");
    bool to_tty = (!o->output || strcmp(o->output, "-") == 0) && isatty(STDOUT_FILENO);
    if (!o->format_set && to_tty) o->out.fmt = LK_BM25_FMT_TEXT; /* pipes keep TREC runs */
    o->out.ansi = to_tty && o->out.fmt == LK_BM25_FMT_TEXT && !getenv("NO_COLOR");
    const char *why = lk_bm25_output_check(&o->out);
    if (why) return lk_cli_usage_error(CMD, "%s", why);
    return -1;
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
    if (st == LK_OK && to_stdout && fflush(stdout) != 0)
        st = lk_error_set(&err, LK_ERR_IO, "standard output: write error");
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
