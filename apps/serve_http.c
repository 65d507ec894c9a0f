/* serve_http.c: libmicrohttpd front end of `lexkit serve` (see serve_http.h). */
#define _POSIX_C_SOURCE 200809L
#include "apps/serve_http.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "features/bm25.h"
#include "features/search/bm25_text.h"
#include "text/fileio.h"
#include "text/utf8.h"

#define MAX_FIELDS_PARAM 1024u

typedef struct {
    const char *url;  /* as requested */
    const char *file; /* in the web directory */
    const char *ctype;
} asset_def;

static const asset_def ASSETS[] = {
    {"/", "index.html", "text/html; charset=utf-8"},
    {"/app.js", "app.js", "text/javascript; charset=utf-8"},
    {"/style.css", "style.css", "text/css; charset=utf-8"},
};
#define N_ASSETS (sizeof ASSETS / sizeof ASSETS[0])

struct lk_server {
    lk_serve_config cfg;
    struct MHD_Daemon *d;
    char *assets[N_ASSETS];
    size_t asset_len[N_ASSETS];
    atomic_uint in_flight;
};

typedef struct {
    lk_sbuf body;
    bool started;     /* the handler has seen the request (early checks done) */
    bool nul_in_url;  /* the raw URL holds %00: a path segment or argument has a NUL */
    bool too_large;
    bool answered; /* a response was queued early (auth, size) */
} request;

/* ---- responses ---------------------------------------------------------------------- */

/* Queue b (freed) as the answer; allow: the Allow header of a 405 answer (NULL: none). */
static enum MHD_Result reply_buf(struct MHD_Connection *c, unsigned status, const char *ctype,
                                 lk_sbuf *b, const char *allow)
{
    struct MHD_Response *r;
    if (b->oom) {
        lk_sbuf_free(b);
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        lk_sbuf_puts(b, "{\"error\": \"out of memory\", \"status\": 500}");
    }
    if (b->len == 0 || b->oom) {
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else {
        lk_sbuf_put(b, "\n", 1);
        r = MHD_create_response_from_buffer(b->len, b->data, MHD_RESPMEM_MUST_FREE);
        if (r) b->data = NULL; /* owned by the response now */
    }
    lk_sbuf_free(b);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (allow) MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result reply_json(struct MHD_Connection *c, unsigned status, lk_sbuf *b)
{
    return reply_buf(c, status, "application/json; charset=utf-8", b, NULL);
}

/* An error answer. The message may quote what the client sent (an id, an index name): bytes
   that are not UTF-8 are written as \xNN (lk_utf8_printable), so every answer is valid JSON. */
static enum MHD_Result reply_error_allow(struct MHD_Connection *c, unsigned status,
                                         const char *msg, const char *allow)
{
    char text[4 * LK_ERROR_MSG_MAX + 1];
    lk_utf8_printable(msg, strlen(msg), text, sizeof text);
    lk_sbuf b = {0};
    lk_sbuf_puts(&b, "{\"error\": ");
    lk_sbuf_json_str(&b, text, strlen(text));
    lk_sbuf_printf(&b, ", \"status\": %u}", status);
    return reply_buf(c, status, "application/json; charset=utf-8", &b, allow);
}

static enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    return reply_error_allow(c, status, msg, NULL);
}

/* The HTTP status of a library failure and its message (the CLI's text). */
static enum MHD_Result reply_status(struct MHD_Connection *c, lk_status st, const lk_error *err)
{
    unsigned code = MHD_HTTP_INTERNAL_SERVER_ERROR;
    if (st == LK_ERR_PARSE || st == LK_ERR_ARG || st == LK_ERR_RANGE) code = MHD_HTTP_BAD_REQUEST;
    if (st == LK_ERR_BUSY) code = MHD_HTTP_CONFLICT;
    return reply_error(c, code, err->msg[0] ? err->msg : lk_status_str(st));
}

/* ---- requests ----------------------------------------------------------------------- */

/* Constant-time check of "Bearer TOKEN" against want (time independent of where they differ). */
static bool token_ok(const char *want, const char *header)
{
    static const char prefix[] = "Bearer ";
    if (!header || strncmp(header, prefix, sizeof prefix - 1) != 0) return false;
    const char *got = header + sizeof prefix - 1;
    size_t gl = strlen(got), wl = strlen(want);
    unsigned diff = gl != wl;
    for (size_t i = 0; i < wl; i++)
        diff |= (unsigned)((unsigned char)want[i] ^ (unsigned char)(i < gl ? got[i] : 0));
    return diff == 0;
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static lk_serve_index *find_index(lk_server *s, struct MHD_Connection *c)
{
    const char *name = arg(c, "index");
    if (!name || !*name) return s->cfg.indexes[0];
    for (size_t i = 0; i < s->cfg.n_indexes; i++)
        if (strcmp(lk_serve_index_name(s->cfg.indexes[i]), name) == 0) return s->cfg.indexes[i];
    return NULL;
}

static enum MHD_Result no_index(struct MHD_Connection *c)
{
    char msg[LK_ERROR_MSG_MAX];
    snprintf(msg, sizeof msg, "no index named '%.200s'", arg(c, "index"));
    return reply_error(c, MHD_HTTP_NOT_FOUND, msg);
}

static bool fields_valid(const char *f)
{
    if (strlen(f) > MAX_FIELDS_PARAM) return false;
    for (const char *p = f; *p; p++)
        if (!(*p == ',' || *p == '_' || *p == '-' || *p == '.' || (*p >= '0' && *p <= '9') ||
              (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return false;
    return true;
}

/* A boolean argument: 1 or true, 0 or false (docs/serve.md); false for anything else. */
static bool bool_arg(const char *v, bool *out)
{
    *out = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
    return *out || strcmp(v, "0") == 0 || strcmp(v, "false") == 0;
}

static enum MHD_Result do_search(lk_server *s, struct MHD_Connection *c)
{
    lk_serve_index *x = find_index(s, c);
    if (!x) return no_index(c);
    lk_serve_query q;
    memset(&q, 0, sizeof q);
    q.so = lk_bm25_search_opts_default();
    char msg[LK_ERROR_MSG_MAX];
    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "q", 1, &q.q, &q.q_len) !=
            MHD_YES ||
        !q.q)
        return reply_error(c, MHD_HTTP_BAD_REQUEST, "q is required");
    size_t bad;
    if (!lk_utf8_valid(q.q, q.q_len, &bad)) {
        snprintf(msg, sizeof msg, "the query is not valid UTF-8 (byte %zu)", bad + 1);
        return reply_error(c, MHD_HTTP_BAD_REQUEST, msg);
    }
    if (q.q_len > s->cfg.max_query) {
        snprintf(msg, sizeof msg, "q is longer than %zu bytes", s->cfg.max_query);
        return reply_error(c, MHD_HTTP_BAD_REQUEST, msg);
    }
    const char *k = arg(c, "k");
    if (k) {
        char *end;
        errno = 0;
        long v = strtol(k, &end, 10);
        if (!*k || *end || errno || v < 0 || (unsigned long)v > s->cfg.max_k) {
            snprintf(msg, sizeof msg, "k must be an integer from 0 to %zu, not '%.100s'",
                     s->cfg.max_k, k);
            return reply_error(c, MHD_HTTP_BAD_REQUEST, msg);
        }
        q.so.k = (size_t)v;
    }
    const char *variant = arg(c, "variant");
    if (variant && !lk_bm25_variant_parse(variant, &q.so.params.variant)) {
        snprintf(msg, sizeof msg, "variant must be lucene, robertson, atire, bm25l, bm25plus or "
                                  "xapian, not '%.100s'", variant);
        return reply_error(c, MHD_HTTP_BAD_REQUEST, msg);
    }
    q.fields = arg(c, "fields");
    if (q.fields && (!fields_valid(q.fields) || lk_bm25_fields_check(q.fields)))
        return reply_error(c, MHD_HTTP_BAD_REQUEST,
                           "fields must be comma-separated distinct field names (letters, "
                           "digits, _ - .)");
    const char *snip = arg(c, "snippet");
    if (snip && !bool_arg(snip, &q.snippet)) {
        snprintf(msg, sizeof msg, "snippet must be 1, true, 0 or false, not '%.100s'", snip);
        return reply_error(c, MHD_HTTP_BAD_REQUEST, msg);
    }
    lk_error err;
    lk_error_clear(&err);
    lk_sbuf out = {0};
    lk_status st = lk_serve_search(x, &q, &out, &err);
    if (st != LK_OK) {
        lk_sbuf_free(&out);
        return reply_status(c, st, &err);
    }
    return reply_json(c, MHD_HTTP_OK, &out);
}

static enum MHD_Result do_info(lk_server *s, struct MHD_Connection *c)
{
    lk_sbuf out = {0};
    lk_error err;
    lk_error_clear(&err);
    lk_sbuf_puts(&out, "{\"version\": ");
    lk_sbuf_json_str(&out, lk_version(), strlen(lk_version()));
    lk_sbuf_printf(&out, ", \"threads\": %d, \"limits\": {\"max_body\": %zu, \"max_query\": %zu, "
                         "\"max_k\": %zu, \"max_connections\": %u}, \"writable\": %s, "
                         "\"indexes\": [",
                   s->cfg.threads, s->cfg.max_body, s->cfg.max_query, s->cfg.max_k,
                   s->cfg.max_connections, s->cfg.write_token ? "true" : "false");
    for (size_t i = 0; i < s->cfg.n_indexes; i++) {
        if (i) lk_sbuf_puts(&out, ", ");
        lk_status st = lk_serve_info(s->cfg.indexes[i], &out, &err);
        if (st != LK_OK) {
            lk_sbuf_free(&out);
            return reply_status(c, st, &err);
        }
    }
    lk_sbuf_puts(&out, "]}");
    return reply_json(c, MHD_HTTP_OK, &out);
}

static enum MHD_Result do_add(lk_server *s, struct MHD_Connection *c, request *r)
{
    lk_serve_index *x = find_index(s, c);
    if (!x) return no_index(c);
    lk_error err;
    lk_error_clear(&err);
    size_t added, replaced;
    lk_status st = lk_serve_add(x, r->body.data ? r->body.data : "", r->body.len, &added,
                                &replaced, &err);
    if (st != LK_OK) return reply_status(c, st, &err);
    lk_sbuf out = {0};
    lk_sbuf_printf(&out, "{\"added\": %zu, \"replaced\": %zu}", added, replaced);
    return reply_json(c, MHD_HTTP_OK, &out);
}

/* For an id the client may have sent as it is written (a folder's ids percent-encode
   spaces, controls and %: text/docdir.c): a reminder that the path is decoded once. */
static const char *decoded_hint(const char *id)
{
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '%')
            return " (ids in the path are percent-decoded once: write % as %25)";
    return "";
}

static enum MHD_Result do_delete(lk_server *s, struct MHD_Connection *c, const char *id)
{
    lk_serve_index *x = find_index(s, c);
    if (!x) return no_index(c);
    lk_error err;
    lk_error_clear(&err);
    bool found;
    lk_status st = lk_serve_delete(x, id, strlen(id), &found, &err);
    if (st != LK_OK) return reply_status(c, st, &err);
    if (!found) {
        char msg[LK_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "document id \"%.300s\" is not in the index%s", id,
                 decoded_hint(id));
        return reply_error(c, MHD_HTTP_NOT_FOUND, msg);
    }
    lk_sbuf out = {0};
    lk_sbuf_puts(&out, "{\"deleted\": 1}");
    return reply_json(c, MHD_HTTP_OK, &out);
}

static enum MHD_Result do_merge(lk_server *s, struct MHD_Connection *c)
{
    lk_serve_index *x = find_index(s, c);
    if (!x) return no_index(c);
    lk_error err;
    lk_error_clear(&err);
    lk_status st = lk_serve_merge(x, &err);
    if (st != LK_OK) return reply_status(c, st, &err);
    lk_sbuf out = {0};
    lk_sbuf_puts(&out, "{\"merged\": true}");
    return reply_json(c, MHD_HTTP_OK, &out);
}

static enum MHD_Result do_asset(lk_server *s, struct MHD_Connection *c, size_t i)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(s->asset_len[i], s->assets[i],
                                                             MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ASSETS[i].ctype);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self'; script-src 'self'");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

typedef enum { R_READ, R_WRITE, R_OPEN } route_kind;

#define ALLOW_GET "GET, HEAD"

/* The methods a path answers (its Allow header), NULL for an unknown path. */
static const char *allow_of(const char *url)
{
    if (strcmp(url, "/documents") == 0 || strcmp(url, "/merge") == 0) return "POST";
    if (strncmp(url, "/documents/", 11) == 0) return "DELETE";
    if (strcmp(url, "/search") == 0 || strcmp(url, "/info") == 0 || strcmp(url, "/health") == 0)
        return ALLOW_GET;
    for (size_t i = 0; i < N_ASSETS; i++)
        if (strcmp(url, ASSETS[i].url) == 0) return ALLOW_GET;
    return NULL;
}

static bool allows(const char *allow, const char *method)
{
    if (strcmp(allow, ALLOW_GET) == 0)
        return strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, "HEAD") == 0;
    return strcmp(method, allow) == 0;
}

/* Which token a request that routes (allows(allow_of(url), method)) needs: writes the write
   token, searches and info the read token, the rest (health, the page) none. */
static route_kind kind_of(const char *method, const char *url)
{
    if (strcmp(method, MHD_HTTP_METHOD_POST) == 0 || strcmp(method, MHD_HTTP_METHOD_DELETE) == 0)
        return R_WRITE;
    if (strcmp(url, "/search") == 0 || strcmp(url, "/info") == 0) return R_READ;
    return R_OPEN;
}

static enum MHD_Result route(lk_server *s, struct MHD_Connection *c, const char *url,
                             const char *method, request *r)
{
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    if (strcmp(url, "/search") == 0 && get) return do_search(s, c);
    if (strcmp(url, "/info") == 0 && get) return do_info(s, c);
    if (strcmp(url, "/health") == 0 && get) {
        lk_sbuf out = {0};
        lk_sbuf_puts(&out, "{\"status\": \"ok\"}");
        return reply_json(c, MHD_HTTP_OK, &out);
    }
    if (strcmp(url, "/documents") == 0 && post) return do_add(s, c, r);
    if (strcmp(url, "/merge") == 0 && post) return do_merge(s, c);
    if (strncmp(url, "/documents/", 11) == 0 && strcmp(method, MHD_HTTP_METHOD_DELETE) == 0)
        return do_delete(s, c, url + 11);
    for (size_t i = 0; i < N_ASSETS; i++)
        if (strcmp(url, ASSETS[i].url) == 0 && get) return do_asset(s, c, i);
    return reply_error(c, MHD_HTTP_NOT_FOUND, "not found"); /* early_checks answered it */
}

/* The first call of a request: the route (404 for an unknown path, 405 with an Allow header
   for a method the path does not answer: whatever the token, since no token can make them
   succeed), then auth and the declared body size, answered before any body is read. Returns
   true when a response was queued. */
static bool early_checks(lk_server *s, struct MHD_Connection *c, const request *r,
                         const char *url, const char *method, enum MHD_Result *ret)
{
    if (r->nul_in_url) { /* an id or argument would end at the NUL: DELETE d3%00x is not d3 */
        *ret = reply_error(c, MHD_HTTP_BAD_REQUEST,
                           "the URL holds a NUL byte (%00) in its path or an argument");
        return true;
    }
    const char *allow = allow_of(url);
    if (!allow) {
        *ret = reply_error(c, MHD_HTTP_NOT_FOUND, "not found");
        return true;
    }
    if (!allows(allow, method)) {
        *ret = reply_error_allow(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", allow);
        return true;
    }
    route_kind k = kind_of(method, url);
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_AUTHORIZATION);
    if (k == R_WRITE && !s->cfg.write_token) {
        *ret = reply_error(c, MHD_HTTP_FORBIDDEN, "writes are disabled (start lexkit serve "
                                                  "with --write-token-file FILE)");
        return true;
    }
    const char *want = k == R_WRITE ? s->cfg.write_token : k == R_READ ? s->cfg.read_token : NULL;
    if (want && !token_ok(want, auth)) {
        *ret = reply_error(c, MHD_HTTP_UNAUTHORIZED,
                           auth ? "invalid token" : "missing token (Authorization: Bearer TOKEN)");
        return true;
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (*end || errno || n > s->cfg.max_body) {
            char msg[LK_ERROR_MSG_MAX];
            snprintf(msg, sizeof msg, "request body larger than %zu bytes", s->cfg.max_body);
            *ret = reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, msg);
            return true;
        }
    }
    return false;
}

static request *new_request(lk_server *s, const char *raw_uri)
{
    request *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->nul_in_url = raw_uri && strstr(raw_uri, "%00");
    atomic_fetch_add(&s->in_flight, 1);
    return r;
}

/* Called by libmicrohttpd with the URL as received, before it decodes the path and the
   arguments (MHD_OPTION_URI_LOG_CALLBACK): the one place that sees %00 before a decoded
   string ends at it. The request it returns is the handler's *con_cls. */
static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)c;
    return new_request(cls, uri);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    (void)version;
    lk_server *s = cls;
    request *r = *con_cls;
    if (!r) { /* uri_logged could not allocate */
        if (!(r = new_request(s, NULL))) return MHD_NO;
        *con_cls = r;
    }
    if (!r->started) {
        r->started = true;
        enum MHD_Result ret;
        if (early_checks(s, c, r, url, method, &ret)) {
            r->answered = true;
            return ret;
        }
        return MHD_YES;
    }
    if (*upload_size) { /* body data (chunked bodies have no Content-Length to check) */
        if (!r->answered && !r->too_large) {
            if (r->body.len + *upload_size > s->cfg.max_body) {
                r->too_large = true;
                lk_sbuf_free(&r->body);
            } else {
                lk_sbuf_put(&r->body, upload, *upload_size);
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->answered) return MHD_YES;
    r->answered = true;
    if (r->too_large) {
        char msg[LK_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "request body larger than %zu bytes", s->cfg.max_body);
        return reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, msg);
    }
    return route(s, c, url, method, r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    lk_server *s = cls;
    request *r = *con_cls;
    if (!r) return;
    lk_sbuf_free(&r->body);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

/* ---- start and stop ------------------------------------------------------------------ */

static lk_status load_assets(lk_server *s, lk_error *err)
{
    for (size_t i = 0; i < N_ASSETS; i++) {
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", s->cfg.web_dir, ASSETS[i].file) >=
            sizeof path)
            return lk_error_set(err, LK_ERR_RANGE, "%s: path too long", s->cfg.web_dir);
        lk_status st = lk_read_file(path, &s->assets[i], &s->asset_len[i], err);
        if (st != LK_OK) return st;
    }
    return LK_OK;
}

static lk_status resolve(const char *listen, struct sockaddr_storage *sa, socklen_t *sa_len,
                         bool *v6, lk_error *err)
{
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen)
        return lk_error_set(err, LK_ERR_ARG, "--listen must be HOST:PORT, not '%s'", listen);
    char host[256];
    size_t hl = (size_t)(colon - listen);
    if (listen[0] == '[' && hl >= 2 && listen[hl - 1] == ']') { /* [::1]:8080 */
        listen++;
        hl -= 2;
    }
    if (hl >= sizeof host) return lk_error_set(err, LK_ERR_ARG, "--listen: host too long");
    memcpy(host, listen, hl);
    host[hl] = '\0';
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0)
        return lk_error_set(err, LK_ERR_ARG, "--listen %s: %s", listen, gai_strerror(rc));
    memcpy(sa, res->ai_addr, res->ai_addrlen);
    *sa_len = res->ai_addrlen;
    *v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return LK_OK;
}

lk_status lk_server_start(const lk_serve_config *cfg, lk_server **out, unsigned *port,
                          lk_error *err)
{
    lk_server *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s) return LK_ERR_NOMEM;
    s->cfg = *cfg;
    atomic_init(&s->in_flight, 0);
    struct sockaddr_storage sa;
    socklen_t sa_len;
    bool v6 = false;
    lk_status st = load_assets(s, err);
    if (st == LK_OK) st = resolve(cfg->listen, &sa, &sa_len, &v6, err);
    if (st != LK_OK) {
        lk_server_stop(s, 0);
        return st;
    }
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
    if (v6) flags |= MHD_USE_IPv6;
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR,
                            (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
                            (unsigned)(cfg->threads > 1 ? cfg->threads : 0),
                            MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
                            MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, s,
                            MHD_OPTION_URI_LOG_CALLBACK, uri_logged, s, MHD_OPTION_END);
    if (!s->d) {
        int e = errno;
        lk_server_stop(s, 0);
        return lk_error_set(err, LK_ERR_IO, "cannot listen on %s: %s", cfg->listen,
                            e ? strerror(e) : "libmicrohttpd could not start");
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    *out = s;
    return LK_OK;
}

unsigned lk_server_stop(lk_server *s, double wait_s)
{
    if (!s) return 0;
    unsigned left = 0;
    if (s->d) {
        /* No new connections from here on: the listening socket is shut down at once (new
           clients are refused) but closed only after MHD_stop_daemon, as libmicrohttpd asks
           (its threads drop it from their polling sets with some delay; closing it earlier
           raced with their epoll_ctl, which ThreadSanitizer reported). */
        MHD_socket lsock = MHD_quiesce_daemon(s->d);
        if (lsock != MHD_INVALID_SOCKET) shutdown(lsock, SHUT_RDWR);
        struct timespec tick = {0, 10 * 1000 * 1000};
        for (double waited = 0; waited < wait_s && atomic_load(&s->in_flight) > 0; waited += 0.01)
            nanosleep(&tick, NULL);
        left = atomic_load(&s->in_flight);
        MHD_stop_daemon(s->d);
        if (lsock != MHD_INVALID_SOCKET) close(lsock);
    }
    for (size_t i = 0; i < N_ASSETS; i++) free(s->assets[i]);
    free(s);
    return left;
}
