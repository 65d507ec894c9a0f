/* serve_http.h: the HTTP side of `lexkit serve` on libmicrohttpd (a thread pool, each
   worker polling its own connections): routing, the JSON API, bearer tokens, limits, the
   web page's three files (read into memory at start; nothing else is ever served) and a
   graceful stop that lets requests in flight finish. */
#ifndef LK_APPS_SERVE_HTTP_H
#define LK_APPS_SERVE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apps/serve.h"
#include "text/error.h"

typedef struct {
    lk_serve_index **indexes; /* borrowed; the first is the default */
    size_t n_indexes;
    const char *listen;       /* "HOST:PORT" (PORT 0: any free port) */
    int threads;              /* worker threads (>= 1) */
    const char *write_token;  /* required for POST/DELETE; NULL: writes refused (403) */
    const char *read_token;   /* required for GET /search, /info; NULL: open */
    const char *web_dir;      /* index.html, app.js, style.css */
    size_t max_body;          /* bytes of a request body (413 above) */
    size_t max_query;         /* bytes of q (400 above) */
    size_t max_k;             /* largest k (400 above) */
    unsigned max_connections;
    unsigned timeout_s;       /* idle connections are closed after this (slow clients) */
} lk_serve_config;

typedef struct lk_server lk_server;

/* Bind and start serving; *port is the bound port. */
lk_status lk_server_start(const lk_serve_config *cfg, lk_server **out, unsigned *port,
                          lk_error *err);

/* Stop accepting, wait (at most wait_s seconds) for requests in flight, then stop and free.
   Returns the number of requests still running when the wait ran out. */
unsigned lk_server_stop(lk_server *s, double wait_s);

#endif
