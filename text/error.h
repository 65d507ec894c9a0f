/* error.h: status codes, error messages with file:line:col context, checked size
   arithmetic and the logging callback type shared by every lexkit module.
   The library never exits or prints; it returns an lk_status and fills an lk_error. */
#ifndef LK_TEXT_ERROR_H
#define LK_TEXT_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    LK_OK = 0,
    LK_ERR_NOMEM,  /* allocation failed */
    LK_ERR_ARG,    /* the caller broke a documented precondition */
    LK_ERR_IO,     /* open/read/write/fsync/rename failed; strerror text in msg */
    LK_ERR_PARSE,  /* bad input text; msg starts with "path:line:col: " */
    LK_ERR_FORMAT, /* bad magic, unsupported version, checksum mismatch */
    LK_ERR_RANGE,  /* id or size out of range, overflow, buffer too small */
    LK_ERR_STATE,  /* the operation is not valid now (e.g. training diverged) */
    LK_ERR_BUSY,   /* another process holds the resource (an index's write lock); retry later */
} lk_status;

#define LK_ERROR_MSG_MAX 512

typedef struct {
    lk_status code;
    char msg[LK_ERROR_MSG_MAX];
    int64_t line; /* > 0: msg starts with "path:line:" (set by lk_error_at / lk_error_locate);
                     0: the message carries no input location */
    int64_t col;  /* > 0: the location has this column */
    size_t loc_len; /* bytes of msg's leading location ("path:line:col: ", "path:line: ",
                       "path: ", or "col: " before lk_error_locate); msg + loc_len is the
                       message a caller may print under its own name for the input. 0: none */
} lk_error;

#define LK_ID_NONE ((int32_t)-1)

/* Log levels for lk_log_fn. */
enum { LK_LOG_ERROR = 0, LK_LOG_WARN = 1, LK_LOG_INFO = 2, LK_LOG_PROGRESS = 3 };

/* Logging callback carried in configs; NULL means silent. */
typedef void (*lk_log_fn)(void *user, int level, const char *msg);

/* Short constant name of a status ("out of memory", ...). */
const char *lk_status_str(lk_status s);

/* Clear `err` (code LK_OK, empty message). err may be NULL. */
void lk_error_clear(lk_error *err);

/* Set code and printf-style message; returns `code`. err may be NULL. */
lk_status lk_error_set(lk_error *err, lk_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Set LK_ERR_PARSE with message "path:line:col: ..." (line/col 1-based; a col <= 0 is
   left out, giving "path:line: ..."). Returns LK_ERR_PARSE. err may be NULL. */
lk_status lk_error_at(lk_error *err, const char *path, int64_t line, int64_t col,
                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Set code and message "path: ..." naming the input it is about (loc_len covers "path: ").
   Returns `code`. err may be NULL. */
lk_status lk_error_in(lk_error *err, lk_status code, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Set LK_ERR_PARSE with message "col: ..." for a reader of one line or string that does not
   know its path or line (lk_error_locate completes it). Returns LK_ERR_PARSE. */
lk_status lk_error_col(lk_error *err, int64_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Give a located-less LK_ERR_PARSE error its input location: prefix "path:line:" (a message
   from lk_error_col, "col: ...", becomes "path:line:col: ...", another "path:line: ...") and
   set err->line. An error that already has a line, or another code, is left alone. err may
   be NULL. */
void lk_error_locate(lk_error *err, const char *path, int64_t line);

/* Prepend "prefix" to an existing message (e.g. a path); keeps the code, and a location's
   loc_len grows to take in the prefix. */
void lk_error_prefix(lk_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* *out = a * b; LK_ERR_RANGE on overflow. */
lk_status lk_mul_size(size_t a, size_t b, size_t *out);

/* *out = a + b; LK_ERR_RANGE on overflow. */
lk_status lk_add_size(size_t a, size_t b, size_t *out);

/* Grow *buf (element size `elem`) so it holds at least `need` elements; *cap is updated.
   Amortised doubling; LK_ERR_NOMEM / LK_ERR_RANGE on failure with *buf unchanged. */
lk_status lk_grow(void **buf, size_t *cap, size_t need, size_t elem);

/* lk_grow for a typed array: pp is the address of any object pointer (int32_t **, char **,
   ...), so callers need no cast through void **. */
lk_status lk_grow_ptr(void *pp, size_t *cap, size_t need, size_t elem);

/* Version string of the library, e.g. "0.1.0". */
const char *lk_version(void);

#endif
