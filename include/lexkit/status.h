/* status.h: the status codes, error message and export macro shared by every lexkit public
   header. A function that can fail returns lexkit_status and, when it reads files or user
   text, fills the caller's lexkit_error (which may be NULL). Thread-safe: no global state. */
#ifndef LEXKIT_STATUS_H
#define LEXKIT_STATUS_H

#include <stddef.h>
#include <stdint.h>

#ifndef LK_API
#if defined(__GNUC__) && __GNUC__ >= 4
#define LK_API __attribute__((visibility("default")))
#else
#define LK_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LEXKIT_OK = 0,
    LEXKIT_ERR_NOMEM,  /* allocation failed */
    LEXKIT_ERR_ARG,    /* a documented precondition was broken (NULL handle, bad option) */
    LEXKIT_ERR_IO,     /* open/read/write failed; the message has the path and strerror */
    LEXKIT_ERR_PARSE,  /* bad input text; the message starts with "path:line:col: " */
    LEXKIT_ERR_FORMAT, /* not a lexkit file of this kind, bad version or checksum */
    LEXKIT_ERR_RANGE,  /* id or size out of range, buffer too small */
    LEXKIT_ERR_STATE,  /* not valid now (e.g. transform before fit) */
    LEXKIT_ERR_BUSY,   /* another process holds the resource (an index's write lock); retry */
} lexkit_status;

#define LEXKIT_ERROR_MSG_MAX 512

/* Filled by failing calls; a value on the caller's stack, one per thread. When the message
   starts with the input it is about ("path:line:col: ", "path:line: ", "path: ", or "col: "
   for a string argument), loc_len is that prefix's length (msg + loc_len: the rest, for a
   caller that names the input its own way) and line, col its 1-based position (0 when
   absent); else all three are 0. */
typedef struct {
    lexkit_status code;
    char msg[LEXKIT_ERROR_MSG_MAX];
    int64_t line, col;
    size_t loc_len;
} lexkit_error;

/* Short constant name of a status ("out of memory", ...). */
LK_API const char *lexkit_status_str(lexkit_status s);
/* The message of e, or the status name when the message is empty; never NULL. */
LK_API const char *lexkit_error_message(const lexkit_error *e);
/* Library version, e.g. "0.1.0". */
LK_API const char *lexkit_version(void);

#ifdef __cplusplus
}
#endif
#endif
