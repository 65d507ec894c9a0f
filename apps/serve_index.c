/* serve_index.c: served indexes for `lexkit serve`: reference-counted snapshots reopened
   when the directory's manifest or index file changes, a pool of search workspaces per
   snapshot (one per concurrent request: each worker thread searches with its own), and
   writes through lk_bm25_index_build (--add/--delete/--merge), serialized per index. */
#define _POSIX_C_SOURCE 200809L
#include "apps/serve.h"

#include <errno.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "features/search/analyzer.h"
#include "features/search/bm25_query.h"
#include "features/search/bm25_segments.h"
#include "features/search/bm25_snippet.h"
#include "features/search/bm25_store.h"
#include "features/search/bm25_text.h"
#include "text/corpus.h"
#include "text/fileio.h"
#include "text/util.h"
#include "text/vocab.h"

/* A search re-stats the directory (two stat() calls and a lock) only when the last check is
   older than this: a write by another process is visible to requests that arrive more than
   this long after it finished (the server's own writes reopen at once). */
#define CHECK_INTERVAL_NS 1000000LL
#define REOPEN_TRIES 3 /* a reopen racing a writer's cleanup retries with a fresh stat */

/* ---- byte buffer ---------------------------------------------------------------------- */

static bool sbuf_reserve(lk_sbuf *b, size_t more)
{
    if (b->oom) return false;
    if (b->len + more + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 1024; /* a top-10 answer fits */
    while (cap < b->len + more + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void lk_sbuf_put(lk_sbuf *b, const char *s, size_t n)
{
    if (!sbuf_reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void lk_sbuf_puts(lk_sbuf *b, const char *s) { lk_sbuf_put(b, s, strlen(s)); }

void lk_sbuf_printf(lk_sbuf *b, const char *fmt, ...)
{
    /* one formatting pass when the text fits the room reserved for it (numbers always do) */
    va_list ap;
    if (!sbuf_reserve(b, 64)) return;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < b->cap - b->len) {
        b->len += (size_t)n;
        return;
    }
    b->data[b->len] = '\0';
    if (n < 0 || !sbuf_reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void lk_sbuf_json_str(lk_sbuf *b, const char *s, size_t n)
{
    lk_sbuf_put(b, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c != '"' && c != '\\' && c >= 0x20) continue;
        lk_sbuf_put(b, s + run, i - run);
        run = i + 1;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            lk_sbuf_put(b, esc, 2);
        } else {
            lk_sbuf_printf(b, "\\u%04x", c);
        }
    }
    lk_sbuf_put(b, s + run, n - run);
    lk_sbuf_put(b, "\"", 1);
}

void lk_sbuf_free(lk_sbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* ---- snapshots ---------------------------------------------------------------------- */

typedef struct {
    dev_t dev;
    ino_t ino;
    off_t size;
    long long mtime_ns;
    bool present;
} file_stamp;

typedef struct {
    file_stamp manifest, index;
} dir_stamp;

/* A search workspace. The analyzers (of the slot, its query workspace and its snippeter)
   depend only on the index's analyzer settings, not on its documents: a slot outlives
   snapshots with the same settings, so a write does not reload a Chinese model or reopen
   OpenCC (docs/search.md: once per analyzer). Only ws and qw's scratch are made per index. */
typedef struct {
    lk_bm25_ws *ws;             /* for `idx` (NULL: not made yet) */
    const lk_bm25_index *idx;   /* the index ws and qw's scratch are for (NULL: none) */
    lk_analyzer *an;
    lk_query_ws *qw;
    lk_bm25_store_ws *store; /* created when a request first asks for fields or snippets */
    lk_snippeter *snip;
    uint64_t settings_gen;   /* the index's settings_gen its analyzers were made for */
} slot;

/* Free what was made for sl->idx (which must still be open). */
static void slot_unbind(slot *sl)
{
    lk_bm25_ws_free(sl->ws);
    sl->ws = NULL;
    if (sl->qw) lk_query_ws_set_index(sl->qw, NULL);
    sl->idx = NULL;
}

static void slot_free(slot *sl)
{
    slot_unbind(sl);
    lk_analyzer_free(sl->an);
    lk_query_ws_free(sl->qw);
    lk_bm25_store_ws_free(sl->store);
    lk_snippeter_free(sl->snip);
}

typedef struct snap {
    lk_bm25_index *idx;
    int refs;       /* 1 while current + 1 per request using it (guarded by the index's mu) */
    dir_stamp stamp;
    uint64_t settings_gen;
} snap;

struct lk_serve_index {
    char *name, *dir;
    const char *tmpdir;
    pthread_mutex_t mu;        /* cur, refs, the slot pool, settings */
    pthread_mutex_t reopen_mu; /* one reopen at a time */
    pthread_mutex_t write_mu;  /* one write at a time (other processes: DIR/write.lock) */
    snap *cur;
    uint64_t generation;
    slot *free_slots;          /* idle slots: made for settings_gen, bound to cur->idx or none */
    size_t n_free, cap_free;
    char *settings;            /* the analyzer settings of cur (a copy) */
    size_t settings_len;
    uint64_t settings_gen;     /* incremented when a new snapshot's settings differ */
    uint64_t slots_made;       /* workspace slots whose analyzers were made (loaded), ever */
    unsigned tmp_seq;
    atomic_llong checked_ns; /* CLOCK_MONOTONIC time taken before the last directory check */
};

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void stamp_file(const char *dir, const char *name, file_stamp *fs)
{
    char path[4096];
    struct stat st;
    memset(fs, 0, sizeof *fs);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) return;
    if (stat(path, &st) != 0) return;
    fs->present = true;
    fs->dev = st.st_dev;
    fs->ino = st.st_ino;
    fs->size = st.st_size;
    fs->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

static void stamp_dir(const char *dir, dir_stamp *ds)
{
    stamp_file(dir, LK_BM25_MANIFEST_FILE, &ds->manifest);
    stamp_file(dir, LK_BM25_INDEX_FILE, &ds->index);
}

static bool stamp_eq(const dir_stamp *a, const dir_stamp *b)
{
    return memcmp(&a->manifest, &b->manifest, sizeof a->manifest) == 0 &&
           memcmp(&a->index, &b->index, sizeof a->index) == 0;
}

static void snap_free(snap *s)
{
    if (!s) return;
    lk_bm25_index_free(s->idx);
    free(s);
}

static lk_status snap_open(const char *dir, snap **out, lk_error *err)
{
    snap *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s) return LK_ERR_NOMEM;
    stamp_dir(dir, &s->stamp); /* before opening: a change after it makes the stamp stale */
    lk_status st = lk_bm25_index_open(dir, &s->idx, err);
    if (st != LK_OK) {
        free(s);
        return st;
    }
    s->refs = 1;
    *out = s;
    return LK_OK;
}

/* Drop one reference (x->mu held); the last one frees the snapshot. */
static void snap_unref_locked(snap *s)
{
    if (--s->refs == 0) snap_free(s);
}

/* Make s the current snapshot (x->mu held). Idle slots keep their analyzers when s has the
   settings of the snapshot it replaces (their per-index scratch is freed while the old index
   is still open); otherwise they are freed. */
static lk_status adopt_locked(lk_serve_index *x, snap *s)
{
    size_t len;
    const char *set = lk_bm25_index_settings(s->idx, &len);
    if (!set) len = 0;
    bool same = x->settings && x->settings_len == len &&
                (len == 0 || memcmp(x->settings, set, len) == 0);
    if (!same) {
        char *copy = malloc(len + 1);
        if (!copy) return LK_ERR_NOMEM;
        if (len) memcpy(copy, set, len);
        copy[len] = '\0';
        for (size_t i = 0; i < x->n_free; i++) slot_free(&x->free_slots[i]);
        x->n_free = 0;
        free(x->settings);
        x->settings = copy;
        x->settings_len = len;
        x->settings_gen++;
    } else {
        for (size_t i = 0; i < x->n_free; i++) slot_unbind(&x->free_slots[i]);
    }
    s->settings_gen = x->settings_gen;
    snap *old = x->cur;
    x->cur = s;
    x->generation++;
    if (old) snap_unref_locked(old);
    return LK_OK;
}

/* Reopen x's directory if it changed since the current snapshot (force: always). A failed
   reopen keeps the current snapshot when there is one (a writer may be between steps). */
static lk_status refresh(lk_serve_index *x, bool force, lk_error *err)
{
    lk_status st = LK_OK;
    long long t = mono_ns();
    if (!force && t - atomic_load_explicit(&x->checked_ns, memory_order_relaxed) < CHECK_INTERVAL_NS)
        return LK_OK; /* checked moments ago (x->cur is set: the first check is forced) */
    pthread_mutex_lock(&x->reopen_mu);
    t = mono_ns(); /* before the stat: a change after this time is seen by the next check */
    for (int attempt = 0; attempt < REOPEN_TRIES; attempt++) {
        dir_stamp now;
        stamp_dir(x->dir, &now);
        pthread_mutex_lock(&x->mu);
        bool same = x->cur && stamp_eq(&x->cur->stamp, &now);
        pthread_mutex_unlock(&x->mu);
        if (same && !force) break;
        snap *s = NULL;
        st = snap_open(x->dir, &s, err);
        if (st != LK_OK) continue;
        pthread_mutex_lock(&x->mu);
        st = adopt_locked(x, s);
        pthread_mutex_unlock(&x->mu);
        if (st != LK_OK) snap_free(s);
        break;
    }
    if (st != LK_OK && x->cur) {
        st = LK_OK; /* serve the previous snapshot */
        lk_error_clear(err);
    } else if (st == LK_OK) {
        atomic_store_explicit(&x->checked_ns, t, memory_order_relaxed);
    }
    pthread_mutex_unlock(&x->reopen_mu);
    return st;
}

/* The current snapshot with a reference taken, and a workspace slot of it. */
static lk_status acquire(lk_serve_index *x, snap **out, slot *sl, lk_error *err)
{
    lk_status st = refresh(x, false, err);
    if (st != LK_OK) return st;
    pthread_mutex_lock(&x->mu);
    snap *s = x->cur;
    s->refs++;
    bool have = x->n_free > 0;
    if (have) *sl = x->free_slots[--x->n_free]; /* made for s's settings, bound to s or none */
    pthread_mutex_unlock(&x->mu);
    if (!have) {
        pthread_mutex_lock(&x->mu);
        x->slots_made++;
        pthread_mutex_unlock(&x->mu);
        memset(sl, 0, sizeof *sl);
        sl->settings_gen = s->settings_gen;
        st = lk_bm25_index_analyzer(s->idx, &sl->an, err);
        if (st == LK_OK) st = lk_query_ws_create(s->idx, &sl->qw, err);
        if (st == LK_OK) sl->idx = s->idx;
    }
    if (st == LK_OK && sl->idx != s->idx) {
        st = lk_query_ws_set_index(sl->qw, s->idx);
        if (st == LK_OK) sl->idx = s->idx;
    }
    if (st == LK_OK && !sl->ws) st = lk_bm25_ws_create(s->idx, &sl->ws);
    if (st != LK_OK) {
        if (sl->idx != s->idx) sl->idx = NULL; /* qw has no scratch (set_index failed) */
        slot_free(sl);
        pthread_mutex_lock(&x->mu);
        snap_unref_locked(s);
        pthread_mutex_unlock(&x->mu);
        return st;
    }
    *out = s;
    return LK_OK;
}

/* Return sl to x's pool (s is still referenced, so sl's index is open): its per-index
   scratch is freed when s is no longer current, the whole slot when the settings changed. */
static void release(lk_serve_index *x, snap *s, slot *sl)
{
    pthread_mutex_lock(&x->mu);
    if (x->n_free == x->cap_free) {
        size_t cap = x->cap_free ? 2 * x->cap_free : 4;
        slot *p = realloc(x->free_slots, cap * sizeof *p);
        if (p) {
            x->free_slots = p;
            x->cap_free = cap;
        }
    }
    if (sl->settings_gen != x->settings_gen || x->n_free == x->cap_free) {
        slot_free(sl);
    } else {
        if (s != x->cur) slot_unbind(sl);
        x->free_slots[x->n_free++] = *sl;
    }
    snap_unref_locked(s);
    pthread_mutex_unlock(&x->mu);
}

/* Make one workspace slot of the current snapshot, with its snippeter, and pool it: the
   analyzers (a Chinese model, OpenCC) are loaded now rather than by the first request,
   which took 0.25-1.2 s longer than the next ones on an index built with --zh-model. */
static lk_status warm(lk_serve_index *x, lk_error *err)
{
    snap *s;
    slot sl;
    lk_status st = acquire(x, &s, &sl, err);
    if (st != LK_OK) return st;
    st = lk_bm25_store_ws_create(&sl.store);
    if (st == LK_OK) st = lk_snippeter_create(s->idx, &sl.snip, err);
    release(x, s, &sl); /* pooled even when the snippeter failed: it is made on first use */
    return st;
}

lk_status lk_serve_index_open(const char *dir, const char *name, const char *tmpdir,
                              lk_serve_index **out, lk_error *err)
{
    lk_serve_index *x = calloc(1, sizeof *x);
    *out = NULL;
    if (!x) return LK_ERR_NOMEM;
    x->dir = strdup(dir);
    x->name = strdup(name);
    x->tmpdir = tmpdir;
    pthread_mutex_init(&x->mu, NULL);
    pthread_mutex_init(&x->reopen_mu, NULL);
    pthread_mutex_init(&x->write_mu, NULL);
    atomic_init(&x->checked_ns, mono_ns() - 2 * CHECK_INTERVAL_NS);
    lk_status st = x->dir && x->name ? refresh(x, true, err) : LK_ERR_NOMEM;
    if (st == LK_OK) st = warm(x, err);
    if (st != LK_OK) {
        lk_serve_index_free(x);
        return st;
    }
    *out = x;
    return LK_OK;
}

void lk_serve_index_free(lk_serve_index *x)
{
    if (!x) return;
    for (size_t i = 0; i < x->n_free; i++) slot_free(&x->free_slots[i]); /* cur still open */
    free(x->free_slots);
    free(x->settings);
    if (x->cur) snap_unref_locked(x->cur);
    pthread_mutex_destroy(&x->mu);
    pthread_mutex_destroy(&x->reopen_mu);
    pthread_mutex_destroy(&x->write_mu);
    free(x->dir);
    free(x->name);
    free(x);
}

const char *lk_serve_index_name(const lk_serve_index *x) { return x->name; }

uint64_t lk_serve_index_workspaces(lk_serve_index *x)
{
    pthread_mutex_lock(&x->mu);
    uint64_t n = x->slots_made;
    pthread_mutex_unlock(&x->mu);
    return n;
}

uint64_t lk_serve_index_generation(lk_serve_index *x)
{
    pthread_mutex_lock(&x->mu);
    uint64_t g = x->generation;
    pthread_mutex_unlock(&x->mu);
    return g;
}

/* ---- search -------------------------------------------------------------------------- */

static const lk_doc_field *find_field(const lk_doc_field *f, size_t n, const char *name,
                                      size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].name_len == len && memcmp(f[i].name, name, len) == 0) return &f[i];
    return NULL;
}

/* The requested stored fields and snippet of hit `doc`, as `lexkit search --format json
   --fields F --snippet` prints them: "fields": {name: value or null}, "snippet": {"field",
   "text", "start", "highlights": [[a, b], ...], "cut_start", "cut_end"} (code points; cut_*:
   text left out before / after the passage) or null. */
static lk_status hit_extras(const snap *s, slot *sl, const lk_serve_query *q, uint32_t doc,
                            lk_sbuf *out, lk_error *err)
{
    const lk_doc_field *f = NULL;
    size_t nf = 0;
    lk_status st = lk_bm25_doc_fields(s->idx, sl->store, doc, &f, &nf, err);
    if (st != LK_OK) return st;
    if (q->fields) {
        lk_sbuf_puts(out, ", \"fields\": {");
        bool any = false;
        for (const char *at = q->fields; *at;) {
            const char *comma = strchr(at, ',');
            size_t len = comma ? (size_t)(comma - at) : strlen(at);
            if (len) {
                const lk_doc_field *v = find_field(f, nf, at, len);
                lk_sbuf_puts(out, any ? ", " : "");
                lk_sbuf_json_str(out, at, len);
                lk_sbuf_puts(out, ": ");
                if (!v) lk_sbuf_puts(out, "null");
                else if (v->number) lk_sbuf_put(out, v->value, v->value_len);
                else lk_sbuf_json_str(out, v->value, v->value_len);
                any = true;
            }
            at = comma ? comma + 1 : at + len;
        }
        lk_sbuf_puts(out, "}");
    }
    if (q->snippet) {
        const lk_doc_field *src = find_field(f, nf, "text", 4);
        lk_snippet sn;
        if (src) st = lk_snippeter_run(sl->snip, src->value, src->value_len,
                                       LK_SNIPPET_DEFAULT_CHARS, &sn, err);
        lk_sbuf_puts(out, ", \"snippet\": ");
        if (st != LK_OK || !src) {
            lk_sbuf_puts(out, "null");
            return st;
        }
        const char *t = src->value;
        lk_sbuf_puts(out, "{\"field\": \"text\", \"text\": ");
        lk_sbuf_json_str(out, t + sn.start, sn.end - sn.start);
        lk_sbuf_printf(out, ", \"start\": %zu, \"highlights\": [", sn.start_cp);
        for (size_t k = 0; k < sn.n_marks; k++)
            lk_sbuf_printf(out, "%s[%zu, %zu]", k ? ", " : "", sn.marks_cp[k].start,
                           sn.marks_cp[k].end);
        lk_sbuf_printf(out, "], \"cut_start\": %s, \"cut_end\": %s}",
                       sn.cut_before ? "true" : "false", sn.cut_after ? "true" : "false");
    }
    return LK_OK;
}

/* Scratch for fields and snippets, made on first use; the snippeter gets the query's terms. */
static lk_status extras_ready(const snap *s, slot *sl, const lk_serve_query *q, lk_error *err)
{
    lk_status st = LK_OK;
    if (!q->fields && !q->snippet) return LK_OK;
    if (!sl->store) st = lk_bm25_store_ws_create(&sl->store);
    if (st == LK_OK && q->snippet && !sl->snip) st = lk_snippeter_create(s->idx, &sl->snip, err);
    if (st == LK_OK && q->snippet) st = lk_query_ws_terms(s->idx, sl->qw, sl->an, err);
    if (st == LK_OK && q->snippet) {
        size_t n;
        const lk_term *t = lk_analyzer_terms(sl->an, &n);
        st = lk_snippeter_query(sl->snip, t, n);
    }
    return st;
}

lk_status lk_serve_search(lk_serve_index *x, const lk_serve_query *q, lk_sbuf *out,
                          lk_error *err)
{
    double t0 = 1e3 * lk_clock_s();
    snap *s;
    slot sl;
    lk_status st = acquire(x, &s, &sl, err);
    if (st != LK_OK) return st;
    const lk_bm25_hit *h = NULL;
    size_t n = 0;
    st = lk_bm25_search_query(s->idx, sl.ws, sl.an, sl.qw, q->q, q->q_len, &q->so, &h, &n, err);
    if (st == LK_OK) st = extras_ready(s, &sl, q, err);
    if (st == LK_OK) {
        lk_sbuf_puts(out, "{\"hits\": [");
        for (size_t i = 0; i < n && st == LK_OK; i++) {
            size_t il;
            const char *id = lk_bm25_index_doc_id(s->idx, h[i].doc, &il);
            lk_sbuf_puts(out, i ? ", {\"id\": " : "{\"id\": ");
            lk_sbuf_json_str(out, id, il);
            lk_sbuf_printf(out, ", \"score\": %.9g", h[i].score);
            if (q->fields || q->snippet) st = hit_extras(s, &sl, q, h[i].doc, out, err);
            lk_sbuf_puts(out, "}");
        }
        lk_sbuf_puts(out, "], \"query\": ");
        lk_sbuf_json_str(out, q->q, q->q_len);
        lk_sbuf_puts(out, ", \"index\": ");
        lk_sbuf_json_str(out, x->name, strlen(x->name));
        lk_sbuf_printf(out, ", \"took_ms\": %.3f}", 1e3 * lk_clock_s() - t0);
        if (st == LK_OK && out->oom) st = LK_ERR_NOMEM;
    }
    release(x, s, &sl);
    return st;
}

lk_status lk_serve_info(lk_serve_index *x, lk_sbuf *out, lk_error *err)
{
    snap *s;
    slot sl;
    lk_status st = acquire(x, &s, &sl, err);
    if (st != LK_OK) return st;
    size_t slen;
    const char *settings = lk_bm25_index_settings(s->idx, &slen);
    lk_sbuf_puts(out, "{\"name\": ");
    lk_sbuf_json_str(out, x->name, strlen(x->name));
    lk_sbuf_puts(out, ", \"dir\": ");
    lk_sbuf_json_str(out, x->dir, strlen(x->dir));
    lk_sbuf_printf(out, ", \"documents\": %u, \"segments\": %zu, \"terms\": %llu, "
                        "\"avgdl\": %.9g, \"generation\": %llu, \"workspaces\": %llu, "
                        "\"settings\": ",
                   lk_bm25_index_n_docs(s->idx), lk_bm25_index_n_segments(s->idx),
                   (unsigned long long)lk_bm25_index_n_terms(s->idx),
                   lk_bm25_index_avgdl(s->idx),
                   (unsigned long long)lk_serve_index_generation(x),
                   (unsigned long long)lk_serve_index_workspaces(x));
    lk_sbuf_json_str(out, settings ? settings : "", settings ? slen : 0);
    lk_sbuf_puts(out, "}");
    release(x, s, &sl);
    return out->oom ? LK_ERR_NOMEM : LK_OK;
}

/* ---- writes -------------------------------------------------------------------------- */

/* Write data[0..n) to a new file in x->tmpdir; its path in path (cap bytes). */
static lk_status write_tmp(lk_serve_index *x, const char *what, const char *data, size_t n,
                           char *path, size_t cap, lk_error *err)
{
    if ((size_t)snprintf(path, cap, "%s/%s-%u", x->tmpdir, what, x->tmp_seq++) >= cap)
        return lk_error_set(err, LK_ERR_RANGE, "temporary path too long");
    FILE *fp = fopen(path, "wb");
    if (!fp) return lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
    bool ok = fwrite(data, 1, n, fp) == n;
    if (fclose(fp) != 0) ok = false;
    if (!ok) {
        unlink(path);
        return lk_error_set(err, LK_ERR_IO, "%s: write error", path);
    }
    return LK_OK;
}

/* Run lk_bm25_index_build on x's directory (x->write_mu held): add `docs` (upsert: known
   ids replaced), delete ids, or merge; then reopen. */
static lk_status build(lk_serve_index *x, const char *docs, const char *const *del_ids,
                       size_t n_del, bool merge, lk_error *err)
{
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.add = docs != NULL;
    cfg.upsert = docs != NULL;
    cfg.delete_ids = del_ids;
    cfg.n_delete_ids = n_del;
    cfg.merge = merge;
    cfg.threads = 1;
    cfg.docs_name = "body"; /* messages name what the client sent, not the temporary file */
    lk_status st = lk_bm25_index_build(docs, x->dir, &cfg, NULL, err);
    if (st == LK_OK) st = refresh(x, true, err);
#if defined(__GLIBC__)
    /* A build's large buffers, once freed, stay in glibc's heaps (its mmap threshold grows
       with each large free); hand them back so RSS stays flat over many writes. */
    malloc_trim(0);
#endif
    return st;
}

/* Ids of the body's documents, read as `lexkit index` reads JSON Lines: the same line
   reader (a UTF-8 BOM at the start dropped, CRLF), blank lines skipped. */
static lk_status body_ids(const char *body, size_t len, lk_vocab *ids, lk_error *err)
{
    lk_jsonl_scratch *sc = NULL;
    lk_line_reader *lr = NULL;
    if (len == 0) return LK_OK;
    FILE *fp = fmemopen((void *)body, len, "r"); /* read only: the cast drops no write */
    if (!fp) return lk_error_set(err, LK_ERR_NOMEM, "body: %s", strerror(errno));
    lk_status st = lk_jsonl_scratch_create(&sc);
    if (st == LK_OK) st = lk_line_reader_from_file(fp, "body", &lr, err);
    for (bool got = true; st == LK_OK;) {
        const char *line;
        size_t n;
        st = lk_line_reader_next(lr, &line, &n, &got, err);
        if (st != LK_OK || !got) break;
        int64_t lineno = lk_line_reader_lineno(lr);
        bool blank = true;
        for (size_t i = 0; i < n && blank; i++) blank = line[i] == ' ' || line[i] == '\t';
        if (blank) continue;
        lk_doc d;
        st = lk_jsonl_parse_doc(sc, line, n, &d, "body", lineno, err);
        if (st == LK_OK && strpbrk(d.id, "\r\n"))
            st = lk_error_at(err, "body", lineno, 1, "document id contains a line break");
        if (st == LK_OK) st = lk_vocab_add_count(ids, d.id, d.id_len, lineno, NULL);
    }
    lk_line_reader_free(lr);
    fclose(fp);
    lk_jsonl_scratch_free(sc);
    return st;
}

/* The ids of `ids` that are live documents of x's current snapshot, one per line. */
static lk_status present_ids(lk_serve_index *x, const lk_vocab *ids, lk_sbuf *out,
                             size_t *n_present, lk_error *err)
{
    snap *s;
    slot sl;
    lk_status st = acquire(x, &s, &sl, err);
    if (st != LK_OK) return st;
    *n_present = 0;
    for (uint32_t d = 0; d < lk_bm25_index_doc_end(s->idx); d++) {
        if (!lk_bm25_index_doc_live(s->idx, d)) continue;
        size_t il;
        const char *id = lk_bm25_index_doc_id(s->idx, d, &il);
        if (lk_vocab_find(ids, id, il) == LK_ID_NONE) continue;
        lk_sbuf_put(out, id, il);
        lk_sbuf_put(out, "\n", 1);
        ++*n_present;
    }
    release(x, s, &sl);
    return out->oom ? LK_ERR_NOMEM : LK_OK;
}

lk_status lk_serve_add(lk_serve_index *x, const char *body, size_t len, size_t *n_added,
                       size_t *n_replaced, lk_error *err)
{
    lk_vocab *ids = NULL;
    lk_sbuf del = {0};
    char docs_path[4200] = "";
    *n_added = *n_replaced = 0;
    pthread_mutex_lock(&x->write_mu);
    lk_status st = lk_vocab_create(&ids);
    if (st == LK_OK) st = body_ids(body, len, ids, err);
    if (st == LK_OK && lk_vocab_size(ids) == 0)
        st = lk_error_set(err, LK_ERR_PARSE, "body: no documents");
    if (st == LK_OK) st = present_ids(x, ids, &del, n_replaced, err);
    if (st == LK_OK) st = write_tmp(x, "docs", body, len, docs_path, sizeof docs_path, err);
    if (st == LK_OK) st = build(x, docs_path, NULL, 0, false, err);
    if (st == LK_OK) *n_added = (size_t)lk_vocab_size(ids) - *n_replaced;
    if (*docs_path) unlink(docs_path);
    pthread_mutex_unlock(&x->write_mu);
    lk_sbuf_free(&del);
    lk_vocab_free(ids);
    return st;
}

lk_status lk_serve_delete(lk_serve_index *x, const char *id, size_t len, bool *found,
                          lk_error *err)
{
    lk_vocab *ids = NULL;
    lk_sbuf del = {0};
    size_t n = 0;
    *found = false;
    if (len == 0) return LK_OK;
    pthread_mutex_lock(&x->write_mu);
    lk_status st = lk_vocab_create(&ids);
    if (st == LK_OK) st = lk_vocab_add_count(ids, id, len, 1, NULL);
    if (st == LK_OK) st = present_ids(x, ids, &del, &n, err);
    if (st == LK_OK && n) {
        const char *one[1] = {id};
        *found = true;
        st = build(x, NULL, one, 1, false, err);
    }
    pthread_mutex_unlock(&x->write_mu);
    lk_sbuf_free(&del);
    lk_vocab_free(ids);
    return st;
}

lk_status lk_serve_merge(lk_serve_index *x, lk_error *err)
{
    pthread_mutex_lock(&x->write_mu);
    lk_status st = build(x, NULL, NULL, 0, true, err);
    pthread_mutex_unlock(&x->write_mu);
    return st;
}
