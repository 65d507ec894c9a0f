#define _DEFAULT_SOURCE /* realpath, fchown, kill */
#define _POSIX_C_SOURCE 200809L
#include "text/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text/utf8.h"

#define READ_CHUNK (1u << 16)

struct lk_line_reader {
    FILE *fp;
    bool owns_fp;
    char *path;
    char *buf;       /* holds [start, end) unread bytes */
    size_t cap, start, end;
    bool eof;
    bool first;      /* BOM check pending */
    bool lone_cr;    /* a lone '\r' ends a line too (lk_line_reader_set_lone_cr) */
    int64_t lineno;
    uint64_t offset;
    uint64_t size;
    bool stream;     /* a pipe, terminal or socket: read() what has arrived, not fread()'s
                        full buffer, so a line is seen as soon as it is written */
};

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static lk_status open_check(const char *path, FILE **out, lk_error *err)
{
    struct stat sb;
    *out = NULL;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return lk_error_in(err, LK_ERR_IO, path, "is a directory");
    FILE *fp = fopen(path, "rb");
    if (!fp) return lk_error_in(err, LK_ERR_IO, path, "%s", strerror(errno));
    *out = fp;
    return LK_OK;
}

lk_status lk_line_reader_from_file(FILE *fp, const char *name, lk_line_reader **out,
                                   lk_error *err)
{
    *out = NULL;
    lk_line_reader *r = calloc(1, sizeof *r);
    if (!r) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    r->fp = fp;
    r->path = dup_str(name ? name : "-");
    r->cap = READ_CHUNK;
    r->buf = malloc(r->cap + 1);
    r->first = true;
    if (!r->path || !r->buf) {
        free(r->path);
        free(r->buf);
        free(r);
        return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    }
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode)) r->size = (uint64_t)sb.st_size;
    /* streams are read with read(2): nothing may sit in the FILE's own buffer */
    r->stream = fstat(fileno(fp), &sb) == 0 && (S_ISFIFO(sb.st_mode) || S_ISCHR(sb.st_mode) ||
                                                 S_ISSOCK(sb.st_mode));
    *out = r;
    return LK_OK;
}

lk_status lk_line_reader_open(const char *path, lk_line_reader **out, lk_error *err)
{
    return lk_line_reader_open_as(path, NULL, out, err);
}

lk_status lk_line_reader_open_as(const char *path, const char *name, lk_line_reader **out,
                                 lk_error *err)
{
    *out = NULL;
    if (!path || strcmp(path, "-") == 0)
        return lk_line_reader_from_file(stdin, name ? name : "-", out, err);
    FILE *fp;
    lk_status st = open_check(path, &fp, err);
    if (st != LK_OK) return st;
    st = lk_line_reader_from_file(fp, name ? name : path, out, err);
    if (st != LK_OK) {
        fclose(fp);
        return st;
    }
    (*out)->owns_fp = true;
    return LK_OK;
}

/* Read more bytes into the buffer, compacting and growing as needed. */
static lk_status fill(lk_line_reader *r, lk_error *err)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end < READ_CHUNK / 2) {
        size_t ncap;
        if (lk_mul_size(r->cap, 2, &ncap) != LK_OK)
            return lk_error_in(err, LK_ERR_RANGE, r->path, "line too long");
        char *nb = realloc(r->buf, ncap + 1);
        if (!nb) return lk_error_in(err, LK_ERR_NOMEM, r->path, "out of memory");
        r->buf = nb;
        r->cap = ncap;
    }
    size_t got;
    if (r->stream) {
        ssize_t n;
        do n = read(fileno(r->fp), r->buf + r->end, r->cap - r->end);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return lk_error_in(err, LK_ERR_IO, r->path, "read error: %s", strerror(errno));
        got = (size_t)n;
        if (got == 0) r->eof = true; /* a terminal's Ctrl-D is seen once: don't read again */
    } else {
        got = fread(r->buf + r->end, 1, r->cap - r->end, r->fp);
        if (got == 0 && ferror(r->fp))
            return lk_error_in(err, LK_ERR_IO, r->path, "read error: %s", strerror(errno));
        if (got == 0 || feof(r->fp)) r->eof = true;
    }
    r->end += got;
    return LK_OK;
}

/* Offset of the first line break byte in s[0..n): '\n', or also '\r' with lone_cr; n if none. */
static size_t find_break(const char *s, size_t n, bool lone_cr)
{
    if (!lone_cr) {
        const char *nl = memchr(s, '\n', n);
        return nl ? (size_t)(nl - s) : n;
    }
    size_t i = 0;
    while (i < n && s[i] != '\n' && s[i] != '\r') i++;
    return i;
}

/* Return the line of llen bytes at r->start (a "\r" before its end dropped), and move past
   it and its skip bytes of line break. */
static void take_line(lk_line_reader *r, size_t llen, size_t skip, const char **line,
                      size_t *len, bool *got)
{
    char *s = r->buf + r->start;
    r->offset += llen + skip;
    r->start += llen + skip;
    if (llen > 0 && s[llen - 1] == '\r') llen--;
    s[llen] = '\0';
    *line = s;
    *len = llen;
    *got = true;
    r->lineno++;
}

lk_status lk_line_reader_next(lk_line_reader *r, const char **line, size_t *len, bool *got,
                              lk_error *err)
{
    *got = false;
    *line = NULL;
    *len = 0;
    size_t scan = r->start;
    for (;;) {
        if (r->first && (r->end - r->start >= 3 || r->eof)) {
            r->first = false;
            if (r->end - r->start >= 3 && memcmp(r->buf + r->start, "\xEF\xBB\xBF", 3) == 0) {
                r->start += 3;
                r->offset += 3;
                if (scan < r->start) scan = r->start;
            }
        }
        if (!r->first) {
            size_t at = scan + find_break(r->buf + scan, r->end - scan, r->lone_cr);
            if (at < r->end && r->buf[at] == '\n') {
                take_line(r, at - r->start, 1, line, len, got);
                return LK_OK;
            }
            if (at < r->end && (at + 1 < r->end || r->eof)) { /* '\r': lone, or "\r\n" */
                bool crlf = at + 1 < r->end && r->buf[at + 1] == '\n';
                take_line(r, at - r->start, crlf ? 2 : 1, line, len, got);
                return LK_OK;
            }
            if (at == r->end && r->eof) {
                if (r->end == r->start) return LK_OK;
                take_line(r, r->end - r->start, 0, line, len, got);
                return LK_OK;
            }
            scan = at; /* a '\r' last in the buffer: what follows it decides */
        }
        size_t consumed = scan - r->start;
        lk_status st = fill(r, err);
        if (st != LK_OK) return st;
        scan = r->start + consumed;
    }
}

void lk_line_reader_set_lone_cr(lk_line_reader *r, bool on) { r->lone_cr = on; }

void lk_line_span(const char *s, size_t len, bool lone_cr, size_t *line_len, size_t *next)
{
    size_t i = 0;
    while (i < len && s[i] != '\n' && !(lone_cr && s[i] == '\r')) i++;
    if (i == len) { /* the last line, without a line break ("\r" at the end dropped) */
        *line_len = i > 0 && s[i - 1] == '\r' ? i - 1 : i;
        *next = len;
    } else if (s[i] == '\n') {
        *line_len = i > 0 && s[i - 1] == '\r' ? i - 1 : i;
        *next = i + 1;
    } else { /* '\r', alone or before '\n' */
        *line_len = i;
        *next = i + 1 < len && s[i + 1] == '\n' ? i + 2 : i + 1;
    }
}

int64_t lk_line_reader_lineno(const lk_line_reader *r) { return r->lineno; }
uint64_t lk_line_reader_offset(const lk_line_reader *r) { return r->offset; }
uint64_t lk_line_reader_size(const lk_line_reader *r) { return r->size; }
const char *lk_line_reader_path(const lk_line_reader *r) { return r->path; }

void lk_line_reader_free(lk_line_reader *r)
{
    if (!r) return;
    if (r->owns_fp && r->fp) fclose(r->fp);
    free(r->buf);
    free(r->path);
    free(r);
}

char *lk_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), n = strlen(name);
    char *p = malloc(a + n + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    if (a && dir[a - 1] != '/') p[a++] = '/';
    memcpy(p + a, name, n + 1);
    return p;
}

lk_status lk_read_file(const char *path, char **buf, size_t *len, lk_error *err)
{
    *buf = NULL;
    *len = 0;
    FILE *fp = stdin;
    bool own = false;
    if (path && strcmp(path, "-") != 0) {
        lk_status st = open_check(path, &fp, err);
        if (st != LK_OK) return st;
        own = true;
    } else {
        path = "-";
    }
    size_t cap = READ_CHUNK, n = 0;
    char *b = malloc(cap + 1);
    lk_status st = LK_OK;
    if (!b) { st = lk_error_set(err, LK_ERR_NOMEM, "%s: out of memory", path); goto done; }
    for (;;) {
        if (n == cap) {
            if (lk_mul_size(cap, 2, &cap) != LK_OK) {
                st = lk_error_set(err, LK_ERR_RANGE, "%s: file too large", path);
                goto done;
            }
            char *nb = realloc(b, cap + 1);
            if (!nb) { st = lk_error_set(err, LK_ERR_NOMEM, "%s: out of memory", path); goto done; }
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n, fp);
        n += got;
        if (got == 0) {
            if (ferror(fp)) st = lk_error_set(err, LK_ERR_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
    }
done:
    if (own) fclose(fp);
    if (st != LK_OK) {
        free(b);
        return st;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return LK_OK;
}

int64_t lk_utf8_column(const char *s, size_t off)
{
    return 1 + (int64_t)lk_utf8_count(s, off);
}

/* ---- atomic write ---------------------------------------------------------------- */

/* How an output path is written (see docs/CLI.md, "Output files"). */
typedef enum {
    OUT_REPLACE, /* regular file (or a symlink to one, or a new file): temp + rename */
    OUT_STDOUT,  /* "-", /dev/stdout, /dev/fd/1: the process's stdout FILE */
    OUT_DIRECT,  /* device, FIFO, socket, /dev/fd/N: opened and written in place */
} out_kind;

struct lk_atomic_file {
    FILE *fp;
    char *path;   /* the user's path: every message names it */
    char *target; /* OUT_REPLACE: the resolved file that the rename replaces */
    char *tmp;    /* OUT_REPLACE: the temp file beside target */
    out_kind kind;
};

#define TMP_TAG ".tmp."   /* temp files are TARGET.tmp.PID.N */
#define MAX_LINK_HOPS 40

lk_status lk_fsync_dir_of(const char *path, lk_error *err)
{
    char *d = dup_str(path);
    if (!d) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    char *slash = strrchr(d, '/');
    const char *dir = ".";
    if (slash == d) dir = "/";
    else if (slash) { *slash = '\0'; dir = d; }
    int fd = open(dir, O_RDONLY);
    lk_status st = LK_OK;
    if (fd < 0) {
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", dir, strerror(errno));
    } else {
        /* Some file systems refuse fsync on directories (EINVAL); that is not a failure. */
        if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
            st = lk_error_set(err, LK_ERR_IO, "%s: fsync: %s", dir, strerror(errno));
        close(fd);
    }
    free(d);
    return st;
}

/* The descriptor named by /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N, or -1. */
static int fd_of_path(const char *path)
{
    if (strcmp(path, "/dev/stdout") == 0) return 1;
    if (strcmp(path, "/dev/stderr") == 0) return 2;
    const char *num = NULL;
    if (strncmp(path, "/dev/fd/", 8) == 0) num = path + 8;
    else if (strncmp(path, "/proc/self/fd/", 14) == 0) num = path + 14;
    if (!num || *num < '0' || *num > '9') return -1;
    long v = 0;
    for (; *num; num++) {
        if (*num < '0' || *num > '9' || v > 1000000) return -1;
        v = v * 10 + (*num - '0');
    }
    return (int)v;
}

/* Directory part of `path` ("." or "/" when it has none), malloc'd. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return dup_str(".");
    if (slash == path) return dup_str("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) memcpy(d, path, n), d[n] = '\0';
    return d;
}

/* Follow a chain of symlinks whose last target does not exist yet; malloc'd result. */
static char *follow_dangling(const char *path)
{
    char *cur = dup_str(path);
    for (int hop = 0; cur && hop < MAX_LINK_HOPS; hop++) {
        struct stat sb;
        if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode)) return cur;
        char link[4096];
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0) return cur;
        link[n] = '\0';
        char *next;
        if (link[0] == '/') {
            next = dup_str(link);
        } else {
            char *d = dir_of(cur);
            size_t dl = d ? strlen(d) : 0;
            next = d ? malloc(dl + 2 + (size_t)n) : NULL;
            if (next) snprintf(next, dl + 2 + (size_t)n, "%s/%s", d, link);
            free(d);
        }
        free(cur);
        cur = next;
    }
    return cur;
}

void lk_output_key(const char *path, char *buf, size_t cap)
{
    struct stat sb;
    int fd = !path || strcmp(path, "-") == 0 ? 1 : fd_of_path(path);
    if (fd < 0) { /* a link of ours to /dev/stdout or /proc/self/fd/N counts the same */
        char link[64];
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n > 0) link[n] = '\0', fd = fd_of_path(link);
    }
    int got = fd >= 0 ? fstat(fd, &sb) : stat(path, &sb);
    if (got == 0) {
        if (!S_ISCHR(sb.st_mode) && !S_ISBLK(sb.st_mode))
            snprintf(buf, cap, "i:%llu:%llu", (unsigned long long)sb.st_dev,
                     (unsigned long long)sb.st_ino);
        else if (fd == 1)
            snprintf(buf, cap, "stdout");
        else
            buf[0] = '\0';
        return;
    }
    if (fd >= 0) { /* a closed descriptor: its name is all there is */
        snprintf(buf, cap, "fd:%d", fd);
        return;
    }
    /* a file not there yet: where the writer would create it (dangling links followed) */
    char *target = follow_dangling(path);
    char *dir = target ? dir_of(target) : NULL;
    char *real = dir ? realpath(dir, NULL) : NULL;
    const char *slash = target ? strrchr(target, '/') : NULL;
    snprintf(buf, cap, "p:%s/%s", real ? real : dir ? dir : ".",
             target ? (slash ? slash + 1 : target) : path);
    free(real);
    free(dir);
    free(target);
}

/* Classify `path` and find the file a replace would rename over. *target is malloc'd for
   OUT_REPLACE; *sb_out gets the existing target's stat (st_mode 0 for a new file). */
static lk_status classify(const char *path, out_kind *kind, char **target, struct stat *sb_out,
                          lk_error *err)
{
    *target = NULL;
    memset(sb_out, 0, sizeof *sb_out);
    if (!path || strcmp(path, "-") == 0) {
        *kind = OUT_STDOUT;
        return LK_OK;
    }
    int fd = fd_of_path(path);
    if (fd < 0) { /* a link of ours to /dev/stdout or /proc/self/fd/N counts the same */
        char link[64];
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n > 0) link[n] = '\0', fd = fd_of_path(link);
    }
    if (fd >= 0) {
        *kind = fd == 1 ? OUT_STDOUT : OUT_DIRECT;
        if (fcntl(fd, F_GETFD) < 0)
            return lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
        return LK_OK;
    }
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) return lk_error_set(err, LK_ERR_IO, "%s: is a directory", path);
        if (!S_ISREG(sb.st_mode)) {
            *kind = OUT_DIRECT;
            return LK_OK;
        }
        *kind = OUT_REPLACE;
        *sb_out = sb;
        *target = realpath(path, NULL);
        if (!*target) return lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
        return LK_OK;
    }
    if (errno != ENOENT) return lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
    *kind = OUT_REPLACE;
    *target = follow_dangling(path);
    if (!*target) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    char *dir = dir_of(*target);
    if (!dir) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    struct stat db;
    lk_status st = LK_OK;
    if (stat(dir, &db) != 0)
        st = lk_error_set(err, LK_ERR_IO, "%s: cannot create: directory %s: %s", path, dir,
                          strerror(errno));
    else if (!S_ISDIR(db.st_mode))
        st = lk_error_set(err, LK_ERR_IO, "%s: cannot create: %s is not a directory", path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        st = lk_error_set(err, LK_ERR_IO, "%s: cannot create: directory %s: %s", path, dir,
                          strerror(errno));
    free(dir);
    if (st != LK_OK) {
        free(*target);
        *target = NULL;
    }
    return st;
}

lk_status lk_output_check(const char *path, lk_error *err)
{
    out_kind kind;
    char *target;
    struct stat sb;
    lk_status st = classify(path, &kind, &target, &sb, err);
    if (st == LK_OK && kind == OUT_REPLACE) {
        char *dir = dir_of(target);
        if (!dir) st = lk_error_set(err, LK_ERR_NOMEM, "out of memory");
        else if (access(dir, W_OK | X_OK) != 0)
            st = lk_error_set(err, LK_ERR_IO, "%s: cannot replace: directory %s: %s", path, dir,
                              strerror(errno));
        free(dir);
    }
    free(target);
    return st;
}

bool lk_output_replaces(const char *path)
{
    out_kind kind;
    char *target;
    struct stat sb;
    lk_status st = classify(path, &kind, &target, &sb, NULL);
    free(target);
    return st != LK_OK || kind == OUT_REPLACE;
}

/* Remove TARGET.tmp.PID.N files left in target's directory by killed writers (PID gone). */
static void remove_stale_temps(const char *target)
{
    char *dir = dir_of(target);
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    size_t blen = strlen(base), tlen = strlen(TMP_TAG);
    DIR *dp = dir ? opendir(dir) : NULL;
    struct dirent *e;
    while (dp && (e = readdir(dp)) != NULL) {
        const char *nm = e->d_name;
        if (strncmp(nm, base, blen) != 0 || strncmp(nm + blen, TMP_TAG, tlen) != 0) continue;
        char *end;
        long pid = strtol(nm + blen + tlen, &end, 10);
        if (pid <= 0 || *end != '.' || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        size_t dl = strlen(dir), nl = strlen(nm);
        char *full = malloc(dl + nl + 2);
        if (full) {
            snprintf(full, dl + nl + 2, "%s/%s", dir, nm);
            unlink(full);
        }
        free(full);
    }
    if (dp) closedir(dp);
    free(dir);
}

/* The temp-file hook (lk_atomic_set_temp_hook): the one process-wide setting, written once
   by main() before any writer runs; atomic so that a late set is still well-defined. */
static _Atomic(lk_temp_fn) temp_hook;
static void *_Atomic temp_hook_user;

void lk_atomic_set_temp_hook(lk_temp_fn fn, void *user)
{
    temp_hook_user = user;
    temp_hook = fn;
}

static void temp_event(const char *tmp, bool live)
{
    lk_temp_fn fn = temp_hook;
    if (fn) fn(temp_hook_user, tmp, live);
}

static void atomic_free(lk_atomic_file *f)
{
    free(f->path);
    free(f->target);
    free(f->tmp);
    free(f);
}

/* Create f->tmp beside f->target with the target's mode (and owner when root). */
static lk_status open_temp(lk_atomic_file *f, const struct stat *old, lk_error *err)
{
    size_t n = strlen(f->target), cap = n + strlen(TMP_TAG) + 48;
    f->tmp = malloc(cap);
    if (!f->tmp) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    remove_stale_temps(f->target);
    bool existing = S_ISREG(old->st_mode);
    int fd = -1;
    for (unsigned i = 0; fd < 0 && i < 1000; i++) {
        snprintf(f->tmp, cap, "%s%s%ld.%lx", f->target, TMP_TAG, (long)getpid(),
                 (unsigned long)((uintptr_t)f >> 4) + i);
        /* A new file gets 0666 minus the umask, as the shell would create it. The hook hears
           of the name first: a signal right after open() finds it listed (a name of ours
           that was taken is a dead writer's stale temp, removable too). */
        temp_event(f->tmp, true);
        fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, existing ? 0600 : 0666);
        if (fd < 0) {
            int e = errno;
            temp_event(f->tmp, false);
            errno = e;
            if (errno != EEXIST) break;
        }
    }
    if (fd < 0)
        return lk_error_set(err, LK_ERR_IO, "%s: cannot create file: %s", f->path, strerror(errno));
    if (existing) {
        if (geteuid() == 0 && (old->st_uid != geteuid() || old->st_gid != getegid()))
            (void)fchown(fd, old->st_uid, old->st_gid);
        (void)fchmod(fd, old->st_mode & 07777);
    }
    f->fp = fdopen(fd, "wb");
    if (!f->fp) {
        lk_status st = lk_error_set(err, LK_ERR_IO, "%s: %s", f->path, strerror(errno));
        close(fd);
        unlink(f->tmp);
        temp_event(f->tmp, false);
        return st;
    }
    return LK_OK;
}

static lk_status open_direct(lk_atomic_file *f, lk_error *err)
{
    int fd = fd_of_path(f->path);
    if (fd >= 0) {
        int d = dup(fd);
        f->fp = d >= 0 ? fdopen(d, "wb") : NULL;
        if (!f->fp && d >= 0) close(d);
    } else {
        f->fp = fopen(f->path, "wb");
    }
    if (!f->fp) return lk_error_set(err, LK_ERR_IO, "%s: %s", f->path, strerror(errno));
    return LK_OK;
}

lk_status lk_atomic_open(const char *path, lk_atomic_file **out, lk_error *err)
{
    *out = NULL;
    lk_atomic_file *f = calloc(1, sizeof *f);
    if (!f) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    struct stat old;
    lk_status st = classify(path, &f->kind, &f->target, &old, err);
    if (st == LK_OK && !(f->path = dup_str(path ? path : "-")))
        st = lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    if (st == LK_OK && f->kind == OUT_STDOUT) f->fp = stdout;
    else if (st == LK_OK && f->kind == OUT_DIRECT) st = open_direct(f, err);
    else if (st == LK_OK) st = open_temp(f, &old, err);
    if (st != LK_OK) {
        atomic_free(f);
        return st;
    }
    *out = f;
    return LK_OK;
}

FILE *lk_atomic_fp(lk_atomic_file *f) { return f->fp; }

void lk_atomic_abort(lk_atomic_file *f)
{
    if (!f) return;
    if (f->kind == OUT_STDOUT) {
        fflush(stdout);
    } else {
        if (f->fp) fclose(f->fp);
        if (f->tmp && f->kind == OUT_REPLACE) {
            unlink(f->tmp);
            temp_event(f->tmp, false);
        }
    }
    atomic_free(f);
}

/* Flush (and for a replace: fsync and close) f, leaving the rename. */
static lk_status atomic_finish_write(lk_atomic_file *f, lk_error *err)
{
    const char *what = f->kind == OUT_STDOUT && strcmp(f->path, "-") == 0 ? "standard output"
                                                                          : f->path;
    FILE *fp = f->fp;
    if (fflush(fp) != 0 || ferror(fp))
        return lk_error_set(err, LK_ERR_IO, "%s: write error: %s", what, strerror(errno));
    if (f->kind == OUT_STDOUT) return LK_OK;
    if (f->kind == OUT_REPLACE && fsync(fileno(fp)) != 0)
        return lk_error_set(err, LK_ERR_IO, "%s: fsync failed: %s", what, strerror(errno));
    f->fp = NULL;
    if (fclose(fp) != 0)
        return lk_error_set(err, LK_ERR_IO, "%s: write error: %s", what, strerror(errno));
    return LK_OK;
}

lk_status lk_atomic_commit_all(lk_atomic_file **fs, size_t n, lk_error *err)
{
    lk_status st = LK_OK;
    for (size_t i = 0; i < n && st == LK_OK; i++) st = atomic_finish_write(fs[i], err);
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        lk_atomic_file *f = fs[i];
        if (f->kind != OUT_REPLACE) continue;
        if (rename(f->tmp, f->target) != 0) {
            st = lk_error_set(err, LK_ERR_IO, "%s: rename failed: %s", f->path, strerror(errno));
            break;
        }
        temp_event(f->tmp, false);
        free(f->tmp);
        f->tmp = NULL; /* committed: nothing left to remove */
        st = lk_fsync_dir_of(f->target, err);
    }
    for (size_t i = 0; i < n; i++) {
        lk_atomic_abort(fs[i]);
        fs[i] = NULL;
    }
    return st;
}

lk_status lk_atomic_commit(lk_atomic_file *f, lk_error *err)
{
    return lk_atomic_commit_all(&f, 1, err);
}

/* A writer's I/O error names what it was writing; make sure it names the user's path. */
static lk_status name_path(lk_status st, const lk_atomic_file *f, lk_error *err)
{
    if (st == LK_ERR_IO && err && f->fp && ferror(f->fp) &&
        strncmp(err->msg, f->path, strlen(f->path)) != 0) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        lk_error_set(err, LK_ERR_IO, "%s: %s", f->path, msg);
    }
    return st;
}

lk_status lk_write_atomic_all(const lk_write_job *jobs, size_t n, lk_error *err)
{
    lk_atomic_file **fs = calloc(n ? n : 1, sizeof *fs);
    if (!fs) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    lk_status st = LK_OK;
    for (size_t i = 0; i < n && st == LK_OK; i++) st = lk_atomic_open(jobs[i].path, &fs[i], err);
    for (size_t i = 0; i < n && st == LK_OK; i++)
        st = name_path(jobs[i].fn(fs[i]->fp, jobs[i].ctx, err), fs[i], err);
    if (st == LK_OK) {
        st = lk_atomic_commit_all(fs, n, err);
    } else {
        for (size_t i = 0; i < n; i++) lk_atomic_abort(fs[i]);
    }
    free(fs);
    return st;
}

lk_status lk_write_atomic(const char *path, lk_write_fn fn, void *ctx, lk_error *err)
{
    lk_write_job job = {path, fn, ctx};
    return lk_write_atomic_all(&job, 1, err);
}

lk_status lk_fwrite_all(FILE *fp, const void *buf, size_t n, const char *what, lk_error *err)
{
    if (n && fwrite(buf, 1, n, fp) != n)
        return lk_error_set(err, LK_ERR_IO, "%s: write error: %s", what ? what : "output",
                            strerror(errno));
    return LK_OK;
}

/* ---- CRC32 ---------------------------------------------------------------------- */

/* Table for the reflected polynomial 0xEDB88320 (zlib's CRC-32). */
static const uint32_t crc_table[256] = {
    0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu,
    0xe963a535u, 0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
    0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u,
    0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
    0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u,
    0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
    0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
    0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
    0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u,
    0xcfba9599u, 0xb8bda50fu, 0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
    0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du, 0x76dc4190u, 0x01db7106u,
    0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
    0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du,
    0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
    0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u,
    0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
    0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u,
    0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
    0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u, 0x5005713cu, 0x270241aau,
    0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
    0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
    0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
    0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u,
    0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
    0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu,
    0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
    0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u, 0xa1d1937eu,
    0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
    0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u,
    0x316e8eefu, 0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
    0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u,
    0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
    0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu,
    0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
    0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
    0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
    0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u,
    0x616bffd3u, 0x166ccf45u, 0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
    0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu,
    0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
    0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u,
    0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
    0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

/* Large buffers (model files) go 8 bytes at a time ("slicing-by-8"): t[k][b] is the CRC of
   byte b followed by k zero bytes. The 8 KB of tables are derived on the stack per call
   (cheap next to the buffer, and thread-safe); the result is the same as byte by byte. */
static uint32_t crc32_slice8(uint32_t crc, const unsigned char *p, size_t n)
{
    uint32_t t[8][256];
    for (int b = 0; b < 256; b++) t[0][b] = crc_table[b];
    for (int k = 1; k < 8; k++)
        for (int b = 0; b < 256; b++)
            t[k][b] = (t[k - 1][b] >> 8) ^ crc_table[t[k - 1][b] & 0xFFu];
    for (; n >= 8; n -= 8, p += 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                             (uint32_t)p[3] << 24);
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                      (uint32_t)p[7] << 24;
        crc = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^
              t[4][lo >> 24] ^ t[3][hi & 0xFFu] ^ t[2][(hi >> 8) & 0xFFu] ^
              t[1][(hi >> 16) & 0xFFu] ^ t[0][hi >> 24];
    }
    for (; n > 0; n--, p++) crc = crc_table[(crc ^ *p) & 0xFFu] ^ (crc >> 8);
    return crc;
}

uint32_t lk_crc32(uint32_t crc, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    crc = ~crc;
    if (n >= 65536) return ~crc32_slice8(crc, p, n);
    for (size_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}

void lk_put_f32(unsigned char *p, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    lk_put_u32(p, u);
}
float lk_get_f32(const unsigned char *p)
{
    uint32_t u = lk_get_u32(p);
    float v;
    memcpy(&v, &u, 4);
    return v;
}
void lk_put_f64(unsigned char *p, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    lk_put_u64(p, u);
}
double lk_get_f64(const unsigned char *p)
{
    uint64_t u = lk_get_u64(p);
    double v;
    memcpy(&v, &u, 8);
    return v;
}

/* ---- envelope -------------------------------------------------------------------- */

lk_status lk_envelope_check(const unsigned char *buf, size_t n, const char magic[4],
                            uint32_t max_version, const char *path, const unsigned char **payload,
                            uint64_t *payload_len, uint32_t *version, uint32_t *flags,
                            lk_error *err)
{
    if (n < 4 || memcmp(buf, magic, 4) != 0)
        return lk_error_set(err, LK_ERR_FORMAT, "%s: not a lexkit %.4s file (bad magic)", path,
                            magic);
    if (n < LK_ENVELOPE_HEADER + 4)
        return lk_error_set(err, LK_ERR_FORMAT, "%s: truncated file (%zu bytes)", path, n);
    uint32_t ver = lk_get_u32(buf + 4);
    if (ver == 0 || ver > max_version)
        return lk_error_set(err, LK_ERR_FORMAT,
                            "%s: written by a newer lexkit (format v%u, this build reads <= v%u)",
                            path, ver, max_version);
    uint64_t plen = lk_get_u64(buf + 12);
    if (plen > n - LK_ENVELOPE_HEADER - 4)
        return lk_error_set(err, LK_ERR_FORMAT,
                            "%s: truncated file (payload says %llu bytes, %zu present)", path,
                            (unsigned long long)plen, n - LK_ENVELOPE_HEADER - 4);
    if (plen != n - LK_ENVELOPE_HEADER - 4)
        return lk_error_set(err, LK_ERR_FORMAT, "%s: trailing bytes after payload", path);
    uint32_t want = lk_get_u32(buf + LK_ENVELOPE_HEADER + plen);
    uint32_t got = lk_crc32(0, buf, LK_ENVELOPE_HEADER + (size_t)plen);
    if (want != got)
        return lk_error_set(err, LK_ERR_FORMAT, "%s: checksum mismatch (file is corrupt)", path);
    *payload = buf + LK_ENVELOPE_HEADER;
    *payload_len = plen;
    if (version) *version = ver;
    if (flags) *flags = lk_get_u32(buf + 8);
    return LK_OK;
}

static void put_header(unsigned char *hdr, const char magic[4], uint32_t version,
                       uint32_t flags, uint64_t payload_len)
{
    memcpy(hdr, magic, 4);
    lk_put_u32(hdr + 4, version);
    lk_put_u32(hdr + 8, flags);
    lk_put_u64(hdr + 12, payload_len);
}

void lk_envelope_seal(unsigned char *buf, const char magic[4], uint32_t version, uint32_t flags,
                      uint64_t payload_len)
{
    put_header(buf, magic, version, flags, payload_len);
    size_t n = LK_ENVELOPE_HEADER + (size_t)payload_len;
    lk_put_u32(buf + n, lk_crc32(0, buf, n));
}

lk_status lk_envelope_write(FILE *fp, const char magic[4], uint32_t version, uint32_t flags,
                            const void *payload, uint64_t payload_len, lk_error *err)
{
    unsigned char hdr[LK_ENVELOPE_HEADER], tail[4];
    put_header(hdr, magic, version, flags, payload_len);
    uint32_t crc = lk_crc32(0, hdr, sizeof hdr);
    crc = lk_crc32(crc, payload, (size_t)payload_len);
    lk_put_u32(tail, crc);
    lk_status st = lk_fwrite_all(fp, hdr, sizeof hdr, "header", err);
    if (st == LK_OK) st = lk_fwrite_all(fp, payload, (size_t)payload_len, "payload", err);
    if (st == LK_OK) st = lk_fwrite_all(fp, tail, 4, "checksum", err);
    return st;
}

lk_status lk_text_check_line(const char *s, size_t len, const char *path, int64_t line,
                             const char *nul_what, lk_error *err)
{
    const char *nul = memchr(s, '\0', len);
    if (nul)
        return lk_error_at(err, path ? path : "-", line, lk_utf8_column(s, (size_t)(nul - s)),
                           "NUL byte%s", nul_what);
    return lk_utf8_check_line(s, len, path, line, err);
}
