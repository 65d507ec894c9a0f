/* fileio.h: safe file I/O shared by all modules: a streaming line reader (any line
   length, CRLF, UTF-8 BOM, last line without newline), the one atomic-write helper
   (temp file, fsync, rename, fsync dir), CRC32 and little-endian field encoding. */
#ifndef LK_TEXT_FILEIO_H
#define LK_TEXT_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "text/error.h"

/* ---- line reader ------------------------------------------------------------ */

typedef struct lk_line_reader lk_line_reader;

/* Open `path` for reading lines; "-" or NULL reads standard input. A directory, a missing
   or unreadable file gives LK_ERR_IO with "path: reason". */
lk_status lk_line_reader_open(const char *path, lk_line_reader **out, lk_error *err);

/* lk_line_reader_open, with messages about the lines naming `name` instead of the path
   (e.g. "body" for a request body spooled to a temporary file); NULL = the path. A failure
   to open still names the path. */
lk_status lk_line_reader_open_as(const char *path, const char *name, lk_line_reader **out,
                                 lk_error *err);

/* Read lines from an already open stream (not closed by lk_line_reader_free). `name` is
   used in messages and is copied. */
lk_status lk_line_reader_from_file(FILE *fp, const char *name, lk_line_reader **out,
                                   lk_error *err);

/* Next line without its "\n" or "\r\n"; a UTF-8 BOM at the start of the file is dropped.
   *line is borrowed until the next call (it is NUL-terminated at line[*len]); *got is
   false at end of input. Lines of any length are returned whole. */
lk_status lk_line_reader_next(lk_line_reader *r, const char **line, size_t *len, bool *got,
                              lk_error *err);

/* Whether a lone "\r" (not followed by "\n") ends a line too, as in files written by old
   Mac tools (and as Python's universal newlines read them); off by default. The raw-text
   readers of `lexkit tag` and `lexkit tokenize` turn it on; CoNLL-U, JSONL and the other
   formats keep "\n" and "\r\n" only. */
void lk_line_reader_set_lone_cr(lk_line_reader *r, bool on);

/* The line that starts s[0..len) as the line reader splits raw text: its length without
   the line break (*line_len) and the offset where the next line starts (*next; len when it
   is the last line). A line ends at "\n" or "\r\n"; with lone_cr, at a "\r" not followed
   by "\n" too. */
void lk_line_span(const char *s, size_t len, bool lone_cr, size_t *line_len, size_t *next);

/* 1-based number of the line last returned (0 before the first). */
int64_t lk_line_reader_lineno(const lk_line_reader *r);

/* Bytes consumed so far (for progress). */
uint64_t lk_line_reader_offset(const lk_line_reader *r);

/* Total size of the input in bytes if it is a regular file, else 0. */
uint64_t lk_line_reader_size(const lk_line_reader *r);

/* Name used in messages ("-" for stdin). Borrowed. */
const char *lk_line_reader_path(const lk_line_reader *r);

void lk_line_reader_free(lk_line_reader *r); /* NULL is a no-op; closes the file it opened */

/* ---- whole files -------------------------------------------------------------- */

/* Read a whole file ("-" = stdin) into a malloc'd buffer (NUL-terminated; *len excludes the
   NUL). Free with free(). */
lk_status lk_read_file(const char *path, char **buf, size_t *len, lk_error *err);

/* malloc'd "dir/name" (no second '/' when dir ends with one; name alone when dir is empty);
   NULL when out of memory. */
char *lk_path_join(const char *dir, const char *name);

/* Column (1-based, in code points) of byte offset `off` within line `s`. */
int64_t lk_utf8_column(const char *s, size_t off);

/* Validate a line of a text file: a NUL byte is LK_ERR_PARSE "path:line:col: NUL byte"
   followed by nul_what (the caller's words, e.g. " (expected a text file)"), then as
   lk_utf8_check_line. */
lk_status lk_text_check_line(const char *s, size_t len, const char *path, int64_t line,
                             const char *nul_what, lk_error *err);

/* ---- atomic write ------------------------------------------------------------- */

/* Writer callback: write the whole content to `fp`; return LK_OK or an error (with err). */
typedef lk_status (*lk_write_fn)(FILE *fp, void *ctx, lk_error *err);

/* Write `path` by the one output rule (docs/CLI.md, "Output files"):
   - a regular file, a symlink to one (the link is kept, its target replaced) or a new file
     is replaced atomically: temp file TARGET.tmp.PID.N beside the target, fflush+fsync,
     rename, fsync dir; the target's mode (and owner, when root) is kept; temp files of
     killed writers (PID gone) are removed; on any failure the old file is untouched;
   - NULL, "-", /dev/stdout, /dev/fd/N, /proc/self/fd/N, devices, FIFOs and sockets are
     written directly: no temp file, no rename, never replaced.
   Messages name `path`, never the temp file. */
lk_status lk_write_atomic(const char *path, lk_write_fn fn, void *ctx, lk_error *err);

/* Several outputs of one command, committed all or none: every path is opened (validated)
   before any writer runs, every file is written and synced before any rename. Only a
   rename failing midway (the directory changing under us) can leave some replaced. */
typedef struct {
    const char *path;
    lk_write_fn fn;
    void *ctx;
} lk_write_job;
lk_status lk_write_atomic_all(const lk_write_job *jobs, size_t n, lk_error *err);

/* Check early (before a long job) that `path` can be written by the rule above, creating
   nothing: LK_ERR_IO naming `path` for a directory, a missing or unwritable parent
   directory, or a closed /dev/fd/N. */
lk_status lk_output_check(const char *path, lk_error *err);

/* What writing `path` by the rule above writes to, as a key two outputs can be compared by
   (equal keys: the same file), into buf: "i:DEV:INO" for an existing file, FIFO or
   directory (standard output's, for "-" or /dev/stdout, when it is no device), "stdout"
   for a terminal or other device on standard output, "p:REALDIR/NAME" for a file not there
   yet (dangling symlinks followed, as the writer follows them), "" for another device
   (/dev/null: never a conflict). */
void lk_output_key(const char *path, char *buf, size_t cap);

/* True when writing `path` replaces a file (temp + rename), false when it is written
   directly (standard output, a device, a FIFO, /dev/fd/N). */
bool lk_output_replaces(const char *path);

/* The same protocol for writers that keep the FILE open across many calls:
   lk_atomic_open gives a FILE for `path` (a temp beside it, or the path itself when it is
   written directly), lk_atomic_commit flushes, fsyncs and renames it over `path`,
   lk_atomic_abort removes the temp. Both free `f`. lk_atomic_commit_all commits several
   all or none (as lk_write_atomic_all) and frees them all. */
/* Temp-file hook: fn(user, tmp, true) runs just before a temp file TARGET.tmp.PID.N is
   created and fn(user, tmp, false) once it is renamed or removed, so that a program can
   remove the temp files in progress when it is killed by a signal (the CLI does, from its
   signal handler: docs/CLI.md). `tmp` is borrowed for the call. This is the library's one
   process-wide setting (the library installs no signal handler itself): set it once, before
   any writer runs, and from one place (main); NULL removes it. fn may be called from any
   thread that writes. */
typedef void (*lk_temp_fn)(void *user, const char *tmp, bool live);
void lk_atomic_set_temp_hook(lk_temp_fn fn, void *user);

typedef struct lk_atomic_file lk_atomic_file;
lk_status lk_atomic_open(const char *path, lk_atomic_file **out, lk_error *err);
FILE *lk_atomic_fp(lk_atomic_file *f);
lk_status lk_atomic_commit(lk_atomic_file *f, lk_error *err); /* frees f */
lk_status lk_atomic_commit_all(lk_atomic_file **fs, size_t n, lk_error *err);
void lk_atomic_abort(lk_atomic_file *f);                       /* frees f; NULL is a no-op */

/* fsync the directory containing `path` (after a rename). */
lk_status lk_fsync_dir_of(const char *path, lk_error *err);

/* Checked fwrite: LK_ERR_IO with a message naming `what` on a short write. */
lk_status lk_fwrite_all(FILE *fp, const void *buf, size_t n, const char *what, lk_error *err);

/* ---- checksums and little-endian fields ----------------------------------------- */

/* CRC-32 (IEEE 802.3, as zlib's crc32): start with crc = 0. */
uint32_t lk_crc32(uint32_t crc, const void *buf, size_t n);

static inline void lk_put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}
static inline uint32_t lk_get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static inline void lk_put_u64(unsigned char *p, uint64_t v)
{
    lk_put_u32(p, (uint32_t)v);
    lk_put_u32(p + 4, (uint32_t)(v >> 32));
}
static inline uint64_t lk_get_u64(const unsigned char *p)
{
    return (uint64_t)lk_get_u32(p) | ((uint64_t)lk_get_u32(p + 4) << 32);
}
void lk_put_f32(unsigned char *p, float v);
float lk_get_f32(const unsigned char *p);
void lk_put_f64(unsigned char *p, double v);
double lk_get_f64(const unsigned char *p);

/* A read cursor over a byte buffer of little-endian fields. lk_rd_have(r, n) checks that n
   bytes remain; lk_rd_u32/u64/f64 then take a field without a check (call lk_rd_have for the
   whole group first); lk_rd_get_u32/u64 check and take in one call (false when short). */
typedef struct {
    const unsigned char *p, *end;
} lk_rd;

static inline bool lk_rd_have(const lk_rd *r, uint64_t n) { return (uint64_t)(r->end - r->p) >= n; }
static inline uint32_t lk_rd_u32(lk_rd *r)
{
    uint32_t v = lk_get_u32(r->p);
    r->p += 4;
    return v;
}
static inline uint64_t lk_rd_u64(lk_rd *r)
{
    uint64_t v = lk_get_u64(r->p);
    r->p += 8;
    return v;
}
static inline double lk_rd_f64(lk_rd *r)
{
    double v = lk_get_f64(r->p);
    r->p += 8;
    return v;
}
static inline bool lk_rd_get_u32(lk_rd *r, uint32_t *v)
{
    if (!lk_rd_have(r, 4)) return false;
    *v = lk_rd_u32(r);
    return true;
}
static inline bool lk_rd_get_u64(lk_rd *r, uint64_t *v)
{
    if (!lk_rd_have(r, 8)) return false;
    *v = lk_rd_u64(r);
    return true;
}

/* A write cursor into a buffer sized beforehand (the caller computed the total). */
typedef struct {
    unsigned char *p;
} lk_wr;

static inline void lk_wr_u32(lk_wr *w, uint32_t v)
{
    lk_put_u32(w->p, v);
    w->p += 4;
}
static inline void lk_wr_u64(lk_wr *w, uint64_t v)
{
    lk_put_u64(w->p, v);
    w->p += 8;
}
static inline void lk_wr_f32(lk_wr *w, float v)
{
    lk_put_f32(w->p, v);
    w->p += 4;
}
static inline void lk_wr_f64(lk_wr *w, double v)
{
    lk_put_f64(w->p, v);
    w->p += 8;
}

/* ---- the common binary envelope (STYLE 2.9) --------------------------------------
   magic[4] | u32 version | u32 flags | u64 payload_bytes | payload | u32 crc32(all before) */

#define LK_ENVELOPE_HEADER 20u

/* Check an in-memory file image: magic, version <= max_version, payload size against
   the bytes present, and CRC. On success payload, payload_len, version and flags are set
   (payload points into buf). `path` is used in messages. */
lk_status lk_envelope_check(const unsigned char *buf, size_t n, const char magic[4],
                            uint32_t max_version, const char *path, const unsigned char **payload,
                            uint64_t *payload_len, uint32_t *version, uint32_t *flags,
                            lk_error *err);

/* Complete a file image whose payload is already at buf + LK_ENVELOPE_HEADER: the header
   in front and the crc after it (buf holds LK_ENVELOPE_HEADER + payload_len + 4 bytes). */
void lk_envelope_seal(unsigned char *buf, const char magic[4], uint32_t version, uint32_t flags,
                      uint64_t payload_len);

/* Write header + payload + crc to fp (payload in memory). */
lk_status lk_envelope_write(FILE *fp, const char magic[4], uint32_t version, uint32_t flags,
                            const void *payload, uint64_t payload_len, lk_error *err);

#endif
