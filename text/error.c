#define _POSIX_C_SOURCE 200809L
#include "text/error.h"

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
}

lk_status lk_error_set(lk_error *err, lk_status code, const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    err->line = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

lk_status lk_error_at(lk_error *err, const char *path, int64_t line, int64_t col,
                      const char *fmt, ...)
{
    if (!err) return LK_ERR_PARSE;
    err->code = LK_ERR_PARSE;
    err->line = line > 0 ? line : 1;
    int n;
    if (col > 0)
        n = snprintf(err->msg, sizeof err->msg, "%s:%lld:%lld: ", path ? path : "-",
                     (long long)line, (long long)col);
    else
        n = snprintf(err->msg, sizeof err->msg, "%s:%lld: ", path ? path : "-", (long long)line);
    if (n < 0) n = 0;
    if ((size_t)n < sizeof err->msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return LK_ERR_PARSE;
}

void lk_error_locate(lk_error *err, const char *path, int64_t line)
{
    if (!err || err->code != LK_ERR_PARSE || err->line > 0) return;
    lk_error_prefix(err, "%s:%lld:", path ? path : "-", (long long)line);
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
    size_t plen = (size_t)n < sizeof pre ? (size_t)n : sizeof pre - 1;
    size_t cap = sizeof err->msg;
    if (plen >= cap) plen = cap - 1;
    size_t olen = strnlen(err->msg, cap - 1);
    if (olen > cap - 1 - plen) olen = cap - 1 - plen;
    memmove(err->msg + plen, err->msg, olen);
    memcpy(err->msg, pre, plen);
    err->msg[plen + olen] = '\0';
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
