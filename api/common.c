/* common.c: status names, error messages and the version of the public API. */
#include "include/lexkit/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"

_Static_assert((int)LEXKIT_ERR_STATE == (int)LK_ERR_STATE, "public and internal codes agree");
_Static_assert((int)LEXKIT_ERR_BUSY == (int)LK_ERR_BUSY, "public and internal codes agree");
_Static_assert(LEXKIT_ERROR_MSG_MAX == LK_ERROR_MSG_MAX, "message sizes agree");

LK_API const char *lexkit_status_str(lexkit_status s) { return lk_status_str((lk_status)s); }

LK_API const char *lexkit_error_message(const lexkit_error *e)
{
    if (!e) return "no error";
    return e->msg[0] ? e->msg : lk_status_str((lk_status)e->code);
}

LK_API const char *lexkit_version(void) { return lk_version(); }

lexkit_status lk_api_err(lexkit_error *out, lk_status st, const lk_error *in)
{
    if (!out) return (lexkit_status)st;
    out->code = (lexkit_status)st;
    out->msg[0] = '\0';
    out->line = out->col = 0;
    out->loc_len = 0;
    if (st == LK_OK || !in || in->code != st) return (lexkit_status)st;
    const char *end = memchr(in->msg, '\0', sizeof in->msg);
    size_t n = end ? (size_t)(end - in->msg) : sizeof in->msg - 1;
    memcpy(out->msg, in->msg, n);
    out->msg[n] = '\0';
    out->loc_len = in->loc_len <= n ? in->loc_len : n;
    if (out->loc_len > 0) {
        out->line = in->line;
        out->col = in->col;
    }
    return (lexkit_status)st;
}

lexkit_status lk_api_set(lexkit_error *out, lexkit_status st, const char *fmt, ...)
{
    if (out) {
        va_list ap;
        va_start(ap, fmt);
        out->code = st;
        out->line = out->col = 0;
        out->loc_len = 0;
        vsnprintf(out->msg, sizeof out->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}
