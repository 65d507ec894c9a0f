#define _POSIX_C_SOURCE 200809L
#include "text/error.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LK_VERSION_STRING
#define LK_VERSION_STRING "0.1.0"
#endif

const char *lk_version(void) { return LK_VERSION_STRING; }

const char *lk_status_str(lk_status s)
{
    switch (s) {
    case LK_OK: return "ok";
    case LK_ERR_NOMEM: return "out of memory";
    case LK_ERR_ARG: return "invalid argument";
    case LK_ERR_IO: return "input/output error";
    case LK_ERR_PARSE: return "parse error";
    case LK_ERR_FORMAT: return "bad file format";
    case LK_ERR_RANGE: return "value out of range";
    case LK_ERR_STATE: return "invalid state";
    case LK_ERR_BUSY: return "resource busy";
    }
    return "unknown error";
}

void lk_error_clear(lk_error *err)
{
    if (!err) return;
    err->code = LK_OK;
    err->msg[0] = '\0';
    err->line = 0;
    err->col = 0;
    err->loc_len = 0;
}

lk_status lk_error_set(lk_error *err, lk_status code, const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    err->line = 0;
    err->col = 0;
    err->loc_len = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

/* msg = the location `n` bytes already in err->msg (snprintf's count), then fmt; loc_len is
   the part of the location that fit. */
static void set_located(lk_error *err, int n, const char *fmt, va_list ap)
{
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof err->msg) n = (int)sizeof err->msg - 1;
    err->loc_len = (size_t)n;
    vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
}

lk_status lk_error_in(lk_error *err, lk_status code, const char *path, const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    err->line = 0;
    err->col = 0;
    va_list ap;
    va_start(ap, fmt);
    set_located(err, snprintf(err->msg, sizeof err->msg, "%s: ", path ? path : "-"), fmt, ap);
    va_end(ap);
    return code;
}

lk_status lk_error_col(lk_error *err, int64_t col, const char *fmt, ...)
{
    if (!err) return LK_ERR_PARSE;
    err->code = LK_ERR_PARSE;
    err->line = 0;
    err->col = col > 0 ? col : 1;
    va_list ap;
    va_start(ap, fmt);
    set_located(err, snprintf(err->msg, sizeof err->msg, "%lld: ", (long long)err->col), fmt, ap);
    va_end(ap);
    return LK_ERR_PARSE;
}

lk_status lk_error_at(lk_error *err, const char *path, int64_t line, int64_t col,
                      const char *fmt, ...)
{
    if (!err) return LK_ERR_PARSE;
    err->code = LK_ERR_PARSE;
    err->line = line > 0 ? line : 1;
    err->col = col > 0 ? col : 0;
    int n;
    if (col > 0)
        n = snprintf(err->msg, sizeof err->msg, "%s:%lld:%lld: ", path ? path : "-",
                     (long long)line, (long long)col);
    else
        n = snprintf(err->msg, sizeof err->msg, "%s:%lld: ", path ? path : "-", (long long)line);
    va_list ap;
    va_start(ap, fmt);
    set_located(err, n, fmt, ap);
    va_end(ap);
    return LK_ERR_PARSE;
}

/* Insert pre[0..plen) before err->msg (clipped to fit); returns the bytes inserted. */
static size_t prepend(lk_error *err, const char *pre, size_t plen)
{
    size_t cap = sizeof err->msg;
    if (plen >= cap) plen = cap - 1;
    size_t olen = strnlen(err->msg, cap - 1);
    if (olen > cap - 1 - plen) olen = cap - 1 - plen;
    memmove(err->msg + plen, err->msg, olen);
    memcpy(err->msg, pre, plen);
    err->msg[plen + olen] = '\0';
    return plen;
}

void lk_error_locate(lk_error *err, const char *path, int64_t line)
{
    if (!err || err->code != LK_ERR_PARSE || err->line > 0) return;
    bool has_col = err->col > 0 && err->loc_len > 0; /* "col: ..." from lk_error_col */
    char pre[LK_ERROR_MSG_MAX];
    int n = snprintf(pre, sizeof pre, has_col ? "%s:%lld:" : "%s:%lld: ", path ? path : "-",
                     (long long)line);
    size_t plen = n <= 0 ? 0 : (size_t)n < sizeof pre ? (size_t)n : sizeof pre - 1;
    size_t ins = prepend(err, pre, plen);
    err->loc_len = has_col ? err->loc_len + ins : ins;
    size_t len = strnlen(err->msg, sizeof err->msg);
    if (err->loc_len > len) err->loc_len = len;
    err->line = line > 0 ? line : 1;
}

void lk_error_prefix(lk_error *err, const char *fmt, ...)
{
    if (!err) return;
    char pre[LK_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    size_t ins = prepend(err, pre, (size_t)n < sizeof pre ? (size_t)n : sizeof pre - 1);
    if (err->loc_len > 0) {
        size_t len = strnlen(err->msg, sizeof err->msg);
        err->loc_len = err->loc_len + ins > len ? len : err->loc_len + ins;
    }
}

lk_status lk_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a) return LK_ERR_RANGE;
    *out = a * b;
    return LK_OK;
}

lk_status lk_add_size(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a) return LK_ERR_RANGE;
    *out = a + b;
    return LK_OK;
}

lk_status lk_grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return LK_OK;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) { ncap = need; break; }
        ncap *= 2;
    }
    size_t bytes;
    if (lk_mul_size(ncap, elem, &bytes) != LK_OK) return LK_ERR_RANGE;
    void *p = realloc(*buf, bytes);
    if (!p) return LK_ERR_NOMEM;
    *buf = p;
    *cap = ncap;
    return LK_OK;
}

lk_status lk_grow_ptr(void *pp, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return LK_OK;
    void *p;
    memcpy(&p, pp, sizeof p);
    lk_status st = lk_grow(&p, cap, need, elem);
    memcpy(pp, &p, sizeof p);
    return st;
}
