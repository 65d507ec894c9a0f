/* cmd_search.c: `lexkit search`: top-k BM25 search of an index, TREC/TSV/JSON output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "features/bm25_text.h"
#include "text/fileio.h"

#define CMD "search"

static void help(FILE *out)
{
    fprintf(out,
            "usage: lexkit search --index DIR (--query TEXT | --queries FILE) [--k 10]\n"
            "                     [--k1 1.2] [--b 0.75] [--delta D] [--exhaustive] [--timing]\n"
            "                     [--variant lucene|robertson|atire|bm25l|bm25plus]\n"
            "                     [--format trec|tsv|json] [--output FILE]\n"
            "  --query TEXT    one query (qid q)     --queries FILE  qid<TAB>text lines\n"
            "  --k N           results per query (default 10)\n"
            "  --delta D       bm25l / bm25plus delta (defaults 0.5 / 1.0)\n"
            "  --exhaustive    score every posting (reference path) instead of MaxScore\n"
            "  --timing        print queries/s of the search loop to standard error\n"
            "  --format F      trec (qid Q0 docid rank score lexkit; default), tsv\n"
            "                  (qid rank docid score) or json (one object per query per line)\n");
}

typedef struct {
    const char *index, *query, *queries, *output;
    bool timing;
    lk_bm25_format format;
    lk_bm25_search_opts so;
} opts;

static int set_opt(opts *o, const char *name, const char *val)
{
    long v;
    if (!strcmp(name, "--index")) o->index = val;
    else if (!strcmp(name, "--query")) o->query = val;
    else if (!strcmp(name, "--queries")) o->queries = val;
    else if (!strcmp(name, "--output")) o->output = val;
    else if (!strcmp(name, "--k")) {
        if (!lk_cli_long(CMD, name, val, 0, 100000000, &v)) return LK_EXIT_USAGE;
        o->so.k = (size_t)v;
    } else if (!strcmp(name, "--k1")) {
        if (!lk_cli_double(CMD, name, val, 0, 1e6, &o->so.params.k1)) return LK_EXIT_USAGE;
    } else if (!strcmp(name, "--b")) {
        if (!lk_cli_double(CMD, name, val, 0, 1, &o->so.params.b)) return LK_EXIT_USAGE;
    } else if (!strcmp(name, "--delta")) {
        if (!lk_cli_double(CMD, name, val, 0, 1e6, &o->so.params.delta)) return LK_EXIT_USAGE;
    } else if (!strcmp(name, "--variant")) {
        if (!lk_bm25_variant_parse(val, &o->so.params.variant))
            return lk_cli_usage_error(
                CMD, "--variant must be lucene, robertson, atire, bm25l or bm25plus, not '%s'", val);
    } else if (!strcmp(name, "--format")) {
        if (!lk_bm25_format_parse(val, &o->format))
            return lk_cli_usage_error(CMD, "--format must be trec, tsv or json, not '%s'", val);
    } else return lk_cli_usage_error(CMD, "unknown option '%s'", name);
    return -1;
}

static bool known(const char *name)
{
    static const char *const names[] = {"--index", "--query", "--queries", "--output", "--k", "--k1", "--b", "--delta", "--variant", "--format"};
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
        if (!strcmp(name, "--exhaustive") || !strcmp(name, "--timing")) {
            if (eq) return lk_cli_usage_error(CMD, "%s takes no value", name);
            if (name[2] == 'e') o->so.exhaustive = true;
            else o->timing = true;
            continue;
        }
        if (!known(name)) return lk_cli_usage_error(CMD, "unknown option '%s'", name);
        const char *val = lk_cli_value(argc, argv, &i, eq);
        if (!val) return lk_cli_usage_error(CMD, "%s needs a value", name);
        int rc = set_opt(o, name, val);
        if (rc >= 0) return rc;
    }
    if (!o->index) return lk_cli_usage_error(CMD, "--index DIR is required");
    if (!o->query == !o->queries)
        return lk_cli_usage_error(CMD, "give exactly one of --query TEXT and --queries FILE");
    return -1;
}

static int lk_cmd_search(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.so = lk_bm25_search_opts_default();
    o.format = LK_BM25_FMT_TREC;
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
        st = lk_bm25_run_queries(idx, &o.so, o.query, o.queries, o.format, fp, &rs, &err);
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
