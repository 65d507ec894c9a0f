/* cmd_serve.c: `lexkit serve`: BM25 search over HTTP (JSON API and a search page). */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "apps/serve.h"
#include "apps/serve_http.h"
#include "text/fileio.h"

#define CMD "serve"
#define MAX_INDEXES 64

static void help(FILE *out)
{
    fprintf(out,
            "usage: lexkit serve --index DIR [--index DIR2 ...] [--listen HOST:PORT] [options]\n"
            "Serve BM25 search over HTTP: GET /search?q=...&k=10, GET /info, GET /health,\n"
            "POST /documents (JSON Lines: add or replace), DELETE /documents/ID, POST /merge,\n"
            "and a search page at /. Binds to loopback unless told otherwise; writes need\n"
            "--write-token-file. Stops on SIGTERM/SIGINT after the requests in flight.\n"
            "See docs/serve.md.\n");
}

typedef struct {
    const char *indexes[MAX_INDEXES];
    size_t n_indexes;
    const char *write_token_file, *read_token_file, *web_dir;
    lk_serve_config cfg;
} opts;

static void help_cb(void *u)
{
    (void)u;
    help(stdout);
}

static bool index_opt(void *u, const char *cmd, const char *name, const char *val)
{
    opts *o = u;
    if (o->n_indexes == MAX_INDEXES) {
        lk_cli_usage_error(cmd, "at most %d %s options", MAX_INDEXES, name);
        return false;
    }
    o->indexes[o->n_indexes++] = val;
    return true;
}

/* --listen HOST:PORT checked before anything starts: a host (a name, an IPv4 address or
   [IPv6]) and a port 0..65535 in decimal (0: any free port). Returns a usage error's exit
   status, or -1 when valid. */
static int listen_check(const char *v)
{
    static const char form[] = "HOST:PORT (127.0.0.1:8080, localhost:8080, [::1]:8080; port 0: "
                               "any free port)";
    const char *colon = strrchr(v, ':');
    if (v[0] == '[') {
        const char *close = strchr(v, ']');
        if (!close || close[1] != ':' || close == v + 1)
            return lk_cli_usage_error(CMD, "--listen must be %s, not '%s'", form, v);
        colon = close + 1;
    } else if (colon && memchr(v, ':', (size_t)(colon - v))) {
        return lk_cli_usage_error(CMD, "--listen: an IPv6 address goes in brackets ([::1]:8080), "
                                       "not '%s'", v);
    }
    if (!colon || colon == v)
        return lk_cli_usage_error(CMD, "--listen must be %s, not '%s'", form, v);
    const char *port = colon + 1;
    size_t n = strlen(port);
    bool digits = n > 0 && n <= 5;
    for (size_t i = 0; i < n && digits; i++) digits = port[i] >= '0' && port[i] <= '9';
    if (!digits || atol(port) > 65535)
        return lk_cli_usage_error(CMD, "--listen: port '%s' is not an integer in [0, 65535]",
                                  port);
    return -1;
}

static int parse(int argc, char **argv, opts *o)
{
    long threads = o->cfg.threads, max_body = (long)o->cfg.max_body,
         max_query = (long)o->cfg.max_query, max_k = (long)o->cfg.max_k,
         max_conn = o->cfg.max_connections, timeout = o->cfg.timeout_s;
    const lk_cli_option table[] = {
        LKO_CUSTOM("--index", index_opt, "DIR", "index directory to serve (required; repeat "
                   "for more: ?index=NAME picks one by its directory's name, the first is the "
                   "default)"),
        LKO_STR("--listen", &o->cfg.listen, "HOST:PORT", "address to bind (port 0: any free "
                "port, printed at start)"),
        LKO_LONG("--threads", &threads, 1, 256, "worker threads (default: the online cores)"),
        LKO_STR("--write-token-file", &o->write_token_file, "FILE", "bearer token for POST and "
                "DELETE (default: none, writes refused)"),
        LKO_STR("--read-token-file", &o->read_token_file, "FILE", "bearer token for /search and "
                "/info (default: none, open)"),
        LKO_LONG("--max-body", &max_body, 1, 1L << 30, "bytes of a request body"),
        LKO_LONG("--max-query", &max_query, 1, 1L << 20, "bytes of a query"),
        LKO_LONG("--max-k", &max_k, 1, 100000, "largest k of a search"),
        LKO_LONG("--max-connections", &max_conn, 1, 100000, "open connections"),
        LKO_LONG("--timeout", &timeout, 1, 3600, "seconds before an idle or slow connection is "
                 "closed"),
        LKO_STR("--web-dir", &o->web_dir, "DIR", "the search page's files (default: installed "
                "with lexkit, or web/ of the source tree)"),
    };
    int rc = lk_cli_parse(CMD, argc, argv, table, LK_OPTS_N(table), help_cb, o);
    if (rc >= 0) return rc;
    if (!o->n_indexes) return lk_cli_usage_error(CMD, "--index DIR is required");
    if ((rc = listen_check(o->cfg.listen)) >= 0) return rc;
    o->cfg.threads = (int)threads;
    o->cfg.max_body = (size_t)max_body;
    o->cfg.max_query = (size_t)max_query;
    o->cfg.max_k = (size_t)max_k;
    o->cfg.max_connections = (unsigned)max_conn;
    o->cfg.timeout_s = (unsigned)timeout;
    return -1;
}

/* The token in `path`: its first line, trailing white space removed; must not be empty. */
static lk_status read_token(const char *path, char **out, lk_error *err)
{
    size_t len;
    lk_status st = lk_read_file(path, out, &len, err);
    if (st != LK_OK) return st;
    char *nl = memchr(*out, '\n', len);
    if (nl) len = (size_t)(nl - *out);
    while (len && ((*out)[len - 1] == ' ' || (*out)[len - 1] == '\t' || (*out)[len - 1] == '\r'))
        len--;
    (*out)[len] = '\0';
    if (len == 0 || memchr(*out, '\0', len)) {
        free(*out);
        *out = NULL;
        return lk_error_set(err, LK_ERR_PARSE, "%s:1:1: empty token", path);
    }
    return LK_OK;
}

/* --web-dir, else share/lexkit/web beside the executable's bin/, else the source tree's. */
static const char *web_dir(const char *given, char *buf, size_t cap)
{
    if (given) return given;
    const char *found = lk_cli_find_data("web", LK_WEB_SOURCE_DIR, "index.html", buf, cap);
    return found ? found : LK_WEB_SOURCE_DIR;
}

/* Open every --index, named by its directory's last component (names must differ). */
static lk_status open_indexes(const opts *o, const char *tmpdir, lk_serve_index **xs,
                              lk_error *err)
{
    for (size_t i = 0; i < o->n_indexes; i++) {
        char name[256];
        const char *d = o->indexes[i];
        size_t len = strlen(d);
        while (len > 1 && d[len - 1] == '/') len--;
        size_t start = len;
        while (start > 0 && d[start - 1] != '/') start--;
        snprintf(name, sizeof name, "%.*s", (int)(len - start), d + start);
        for (size_t j = 0; j < i; j++)
            if (strcmp(lk_serve_index_name(xs[j]), name) == 0)
                return lk_error_set(err, LK_ERR_ARG, "two indexes named '%s' (%s, %s)", name,
                                    o->indexes[j], d);
        lk_status st = lk_serve_index_open(d, name, tmpdir, &xs[i], err);
        if (st != LK_OK) return st;
    }
    return LK_OK;
}

static int run(opts *o, sigset_t *sigs)
{
    lk_error err;
    lk_error_clear(&err);
    lk_serve_index *xs[MAX_INDEXES] = {0};
    char *wtok = NULL, *rtok = NULL, webbuf[PATH_MAX];
    char tmpdir[PATH_MAX];
    const char *tbase = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/lexkit-serve-XXXXXX", tbase && *tbase ? tbase : "/tmp");
    lk_server *srv = NULL;
    unsigned port = 0;
    bool have_tmp = mkdtemp(tmpdir) != NULL;
    lk_status st = have_tmp ? LK_OK : lk_error_set(&err, LK_ERR_IO, "%s: cannot create", tmpdir);
    if (st == LK_OK && o->write_token_file) st = read_token(o->write_token_file, &wtok, &err);
    if (st == LK_OK && o->read_token_file) st = read_token(o->read_token_file, &rtok, &err);
#if defined(__GLIBC__)
    /* A fixed mmap threshold: blocks of 1 MB and more (index builds' tables, vocabularies'
       huge-page blocks, workspaces of a new snapshot) are mapped and unmapped on their own.
       With glibc's default the threshold rises to the largest block freed, after which such
       blocks come from the heaps and stay resident: on the sample index with a write every
       250 requests, RssAnon went between 1 and 32 MB over 15,000 requests; with this, 1-2 MB. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
    if (st == LK_OK) st = open_indexes(o, tmpdir, xs, &err);
    if (st == LK_OK) {
        o->cfg.indexes = xs;
        o->cfg.n_indexes = o->n_indexes;
        o->cfg.write_token = wtok;
        o->cfg.read_token = rtok;
        o->cfg.web_dir = web_dir(o->web_dir, webbuf, sizeof webbuf);
        st = lk_server_start(&o->cfg, &srv, &port, &err);
    }
    if (st == LK_OK) {
        const char *colon = strrchr(o->cfg.listen, ':');
        fprintf(stderr, "lexkit serve: listening on http://%.*s:%u/ (%d threads, %zu %s)\n",
                (int)(colon - o->cfg.listen), o->cfg.listen, port, o->cfg.threads, o->n_indexes,
                o->n_indexes == 1 ? "index" : "indexes");
        fflush(stderr);
        int sig = 0;
        sigwait(sigs, &sig);
        fprintf(stderr, "lexkit serve: %s, finishing requests in flight\n",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
        unsigned left = lk_server_stop(srv, (double)o->cfg.timeout_s);
        if (left) fprintf(stderr, "lexkit serve: %u requests cut off\n", left);
        fprintf(stderr, "lexkit serve: stopped\n");
    }
    for (size_t i = 0; i < o->n_indexes; i++) lk_serve_index_free(xs[i]);
    if (have_tmp) rmdir(tmpdir);
    free(wtok);
    free(rtok);
    if (st != LK_OK) return lk_cli_fail(CMD, st, &err);
    return LK_EXIT_OK;
}

static int lk_cmd_serve(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.cfg.listen = "127.0.0.1:8080";
    o.cfg.threads = lk_cli_default_threads(64);
    o.cfg.max_body = 16u << 20;
    o.cfg.max_query = 4096;
    o.cfg.max_k = 1000;
    o.cfg.max_connections = 256;
    o.cfg.timeout_s = 30;
    int rc = parse(argc, argv, &o);
    if (rc >= 0) return rc;
    /* SIGTERM/SIGINT are taken by sigwait in this thread only: the server's threads,
       started after this, inherit the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    return run(&o, &sigs);
}

const lk_command lk_cmd_def_serve = {"serve", lk_cmd_serve,
                                     "BM25 search over HTTP: JSON API and a search page"};
