/* api_internal.h: helpers shared by the api/ wrappers (never installed). */
#ifndef LK_API_INTERNAL_H
#define LK_API_INTERNAL_H

#include "include/lexkit/status.h"
#include "text/error.h"

/* Copy an internal error into a public one (err may be NULL), its input location
   included; returns the public status. */
lexkit_status lk_api_err(lexkit_error *out, lk_status st, const lk_error *in);

/* A public error with a formatted message. */
lexkit_status lk_api_set(lexkit_error *out, lexkit_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
