/* bm25_segments.c: segmented index directories: the manifest (segments.lkbm: the segment
   files with their size and CRC, their deleted documents and per-term df corrections),
   opening and searching every segment with the collection's statistics, the writer lock,
   tombstoning, committing a change and the merge policy. */
#define _GNU_SOURCE
#include "features/bm25_segments.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "features/bm25_build_internal.h"
#include "features/bm25_index_internal.h"
#include "features/postings.h"
#include "text/fileio.h"

#define NAME_MAX_LEN 64u
#define OPEN_ATTEMPTS 4 /* re-read the manifest when a writer removed a segment meanwhile */

/* ---- the manifest ------------------------------------------------------------------------
   payload: u32 next_seq, u32 n_segs, then per segment: u32 name_len, name, u64 file size,
   u32 file crc (its last 4 bytes), u32 n_docs, u32 n_deleted, u32 n_corr,
   n_deleted x u32 deleted doc (ascending), n_corr x (u64 term index, u32 deleted docs
   containing it) (term index ascending). */

typedef struct {
    char *name;
    uint64_t size;
    uint32_t crc, n_docs, n_deleted, n_corr;
    uint32_t *deleted;   /* ascending local doc numbers */
    uint64_t *corr_term; /* ascending dictionary indexes */
    uint32_t *corr_n;    /* deleted documents containing the term */
} seg_info;

typedef struct {
    uint32_t next_seq;
    seg_info *segs;
    size_t n;
} manifest;

static void seg_info_free(seg_info *g)
{
    free(g->name);
    free(g->deleted);
    free(g->corr_term);
    free(g->corr_n);
    memset(g, 0, sizeof *g);
}

static void manifest_free(manifest *m)
{
    for (size_t i = 0; i < m->n; i++) seg_info_free(&m->segs[i]);
    free(m->segs);
    memset(m, 0, sizeof *m);
}

static lk_status manifest_push(manifest *m, seg_info *g)
{
    seg_info *p = realloc(m->segs, (m->n + 1) * sizeof *p);
    if (!p) return LK_ERR_NOMEM;
    m->segs = p;
    m->segs[m->n++] = *g;
    memset(g, 0, sizeof *g);
    return LK_OK;
}

typedef struct {
    const unsigned char *p, *end;
} rd;

static bool rd_u32(rd *r, uint32_t *v)
{
    if (r->end - r->p < 4) return false;
    *v = lk_get_u32(r->p);
    r->p += 4;
    return true;
}

static bool rd_u64(rd *r, uint64_t *v)
{
    if (r->end - r->p < 8) return false;
    *v = lk_get_u64(r->p);
    r->p += 8;
    return true;
}

/* A segment file name: "index.lkbx" or "seg-NNNNNN.lkbx" (no path separators). */
static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n >= NAME_MAX_LEN) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' || s[i] == '\0') return false;
    return n > 5 && memcmp(s + n - 5, ".lkbx", 5) == 0 && s[0] != '.';
}

static bool parse_seg(rd *r, seg_info *g)
{
    uint32_t nl;
    if (!rd_u32(r, &nl) || (size_t)(r->end - r->p) < nl || !valid_name((const char *)r->p, nl))
        return false;
    if (!(g->name = malloc(nl + 1))) return false;
    memcpy(g->name, r->p, nl);
    g->name[nl] = '\0';
    r->p += nl;
    if (!rd_u64(r, &g->size) || !rd_u32(r, &g->crc) || !rd_u32(r, &g->n_docs) ||
        !rd_u32(r, &g->n_deleted) || !rd_u32(r, &g->n_corr))
        return false;
    if (g->n_deleted > g->n_docs || (uint64_t)g->n_deleted * 4 > (uint64_t)(r->end - r->p) ||
        (uint64_t)g->n_corr * 12 > (uint64_t)(r->end - r->p))
        return false;
    g->deleted = malloc(((size_t)g->n_deleted + 1) * sizeof *g->deleted);
    g->corr_term = malloc(((size_t)g->n_corr + 1) * sizeof *g->corr_term);
    g->corr_n = malloc(((size_t)g->n_corr + 1) * sizeof *g->corr_n);
    if (!g->deleted || !g->corr_term || !g->corr_n) return false;
    for (uint32_t i = 0; i < g->n_deleted; i++) {
        if (!rd_u32(r, &g->deleted[i]) || g->deleted[i] >= g->n_docs ||
            (i && g->deleted[i] <= g->deleted[i - 1]))
            return false;
    }
    for (uint32_t i = 0; i < g->n_corr; i++) {
        if (!rd_u64(r, &g->corr_term[i]) || !rd_u32(r, &g->corr_n[i]) || g->corr_n[i] == 0 ||
            g->corr_n[i] > g->n_deleted || (i && g->corr_term[i] <= g->corr_term[i - 1]))
            return false;
    }
    return true;
}

static lk_status manifest_read(const char *path, manifest *m, lk_error *err)
{
    char *buf = NULL;
    size_t n = 0;
    memset(m, 0, sizeof *m);
    lk_status st = lk_read_file(path, &buf, &n, err);
    if (st != LK_OK) return st;
    const unsigned char *payload;
    uint64_t plen;
    st = lk_envelope_check((const unsigned char *)buf, n, LK_BM25_MANIFEST_MAGIC,
                           LK_BM25_MANIFEST_VERSION, path, &payload, &plen, NULL, NULL, err);
    if (st != LK_OK) {
        free(buf);
        return st;
    }
    rd r = {payload, payload + plen};
    uint32_t n_segs;
    bool ok = rd_u32(&r, &m->next_seq) && rd_u32(&r, &n_segs) && n_segs >= 1 &&
              n_segs <= plen / 32;
    for (uint32_t i = 0; ok && i < n_segs; i++) {
        seg_info g;
        memset(&g, 0, sizeof g);
        ok = parse_seg(&r, &g) && manifest_push(m, &g) == LK_OK;
        seg_info_free(&g);
    }
    free(buf);
    if (ok && r.p == r.end) return LK_OK;
    manifest_free(m);
    return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt segment manifest", path);
}

static lk_status put_u32(lk_bytes *b, uint32_t v)
{
    unsigned char t[4];
    lk_put_u32(t, v);
    return lk_bytes_append(b, t, 4);
}

static lk_status put_u64(lk_bytes *b, uint64_t v)
{
    unsigned char t[8];
    lk_put_u64(t, v);
    return lk_bytes_append(b, t, 8);
}

static lk_status manifest_encode(const manifest *m, lk_bytes *b)
{
    lk_status st = put_u32(b, m->next_seq);
    if (st == LK_OK) st = put_u32(b, (uint32_t)m->n);
    for (size_t i = 0; i < m->n && st == LK_OK; i++) {
        const seg_info *g = &m->segs[i];
        size_t nl = strlen(g->name);
        st = put_u32(b, (uint32_t)nl);
        if (st == LK_OK) st = lk_bytes_append(b, g->name, nl);
        if (st == LK_OK) st = put_u64(b, g->size);
        if (st == LK_OK) st = put_u32(b, g->crc);
        if (st == LK_OK) st = put_u32(b, g->n_docs);
        if (st == LK_OK) st = put_u32(b, g->n_deleted);
        if (st == LK_OK) st = put_u32(b, g->n_corr);
        for (uint32_t j = 0; j < g->n_deleted && st == LK_OK; j++) st = put_u32(b, g->deleted[j]);
        for (uint32_t j = 0; j < g->n_corr && st == LK_OK; j++) {
            st = put_u64(b, g->corr_term[j]);
            if (st == LK_OK) st = put_u32(b, g->corr_n[j]);
        }
    }
    return st;
}

static lk_status write_manifest_fn(FILE *fp, void *ctx, lk_error *err)
{
    const lk_bytes *b = ctx;
    return lk_envelope_write(fp, LK_BM25_MANIFEST_MAGIC, LK_BM25_MANIFEST_VERSION, 0, b->data,
                             b->len, err);
}

/* Size and trailing CRC of a file (the CRC field of an LKBX file). */
static lk_status file_size_crc(const char *path, uint64_t *size, uint32_t *crc, lk_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    unsigned char t[4];
    lk_status st = LK_OK;
    if (fd < 0 || fstat(fd, &sb) != 0)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
    else if (sb.st_size < 4 || pread(fd, t, 4, sb.st_size - 4) != 4)
        st = lk_error_set(err, LK_ERR_FORMAT, "%s: truncated file", path);
    if (st == LK_OK) {
        *size = (uint64_t)sb.st_size;
        *crc = lk_get_u32(t);
    }
    if (fd >= 0) close(fd);
    return st;
}

/* ---- the open segmented index ----------------------------------------------------------- */

struct lk_bm25__segset {
    manifest m;
    lk_bm25_index **seg;
    uint32_t *base;     /* n + 1: first doc number of each segment */
    uint64_t **deleted; /* per segment: deleted-document bitmap, or NULL */
    size_t *order;      /* segments by live documents, descending: the search order */
    uint32_t n_live;
    double avgdl;
};

void lk_bm25__segs_free(lk_bm25__segset *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->m.n; i++) {
        if (s->seg) lk_bm25_index_free(s->seg[i]);
        if (s->deleted) free(s->deleted[i]);
    }
    free(s->seg);
    free(s->deleted);
    free(s->base);
    free(s->order);
    manifest_free(&s->m);
    free(s);
}

bool lk_bm25__segs_present(const char *dir)
{
    char *p = lk_bm25__path_join(dir, LK_BM25_MANIFEST_FILE);
    bool yes = p && access(p, F_OK) == 0;
    free(p);
    return yes;
}

/* Deleted-document correction of dictionary entry t of segment g (0 if none). */
static uint32_t corr_of(const seg_info *g, uint64_t t)
{
    size_t lo = 0, hi = g->n_corr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->corr_term[mid] == t) return g->corr_n[mid];
        if (g->corr_term[mid] < t) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

static uint32_t term_df(const lk_bm25_index *x, uint64_t t)
{
    const char *s;
    size_t len, plen;
    const unsigned char *post;
    uint32_t df;
    lk_bm25__index_term(x, t, &s, &len, &post, &plen, &df);
    return df;
}

/* Check segment i against its manifest entry and fill its bitmap; `path` is its file. */
static lk_status check_segment(lk_bm25__segset *s, size_t i, const char *path, lk_error *err)
{
    const seg_info *g = &s->m.segs[i];
    const lk_bm25_index *x = s->seg[i];
    uint64_t size;
    uint32_t crc;
    lk_status st = file_size_crc(path, &size, &crc, err);
    if (st != LK_OK) return st;
    if (size != g->size || crc != g->crc || lk_bm25_index_n_docs(x) != g->n_docs)
        return lk_error_set(err, LK_ERR_FORMAT,
                            "%s: not the segment listed in %s (replaced or damaged)", path,
                            LK_BM25_MANIFEST_FILE);
    size_t l0, l1;
    const char *s0 = lk_bm25_index_settings(s->seg[0], &l0);
    const char *s1 = lk_bm25_index_settings(x, &l1);
    if (l0 != l1 || memcmp(s0, s1, l0) != 0)
        return lk_error_set(err, LK_ERR_FORMAT, "%s: analyzer settings differ from %s", path,
                            s->m.segs[0].name);
    uint64_t n_terms = lk_bm25_index_n_terms(x);
    for (uint32_t j = 0; j < g->n_corr; j++)
        if (g->corr_term[j] >= n_terms || g->corr_n[j] > term_df(x, g->corr_term[j]))
            return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt segment manifest (df of %s)",
                                LK_BM25_MANIFEST_FILE, path);
    if (g->n_deleted == 0) return LK_OK;
    uint64_t *bits = calloc(((size_t)g->n_docs + 63) / 64 + 1, sizeof *bits);
    if (!bits) return LK_ERR_NOMEM;
    for (uint32_t j = 0; j < g->n_deleted; j++)
        bits[g->deleted[j] >> 6] |= (uint64_t)1 << (g->deleted[j] & 63);
    s->deleted[i] = bits;
    return LK_OK;
}

/* Distinct terms with at least one live document: a merge of the segments' dictionaries
   (UINT64_MAX if out of memory). */
static uint64_t count_terms(const lk_bm25__segset *s)
{
    size_t n = s->m.n;
    uint64_t *at = calloc(n, sizeof *at);
    if (!at) return UINT64_MAX;
    uint64_t count = 0;
    for (;;) {
        const char *best = NULL;
        size_t best_len = 0;
        for (size_t i = 0; i < n; i++) {
            if (at[i] >= lk_bm25_index_n_terms(s->seg[i])) continue;
            const char *t;
            size_t len, plen;
            const unsigned char *post;
            uint32_t df;
            lk_bm25__index_term(s->seg[i], at[i], &t, &len, &post, &plen, &df);
            size_t m = len < best_len ? len : best_len;
            int c = best ? memcmp(t, best, m) : -1;
            if (!best || c < 0 || (c == 0 && len < best_len)) {
                best = t;
                best_len = len;
            }
        }
        if (!best) break;
        uint64_t live = 0;
        for (size_t i = 0; i < n; i++) {
            if (at[i] >= lk_bm25_index_n_terms(s->seg[i])) continue;
            const char *t;
            size_t len, plen;
            const unsigned char *post;
            uint32_t df;
            lk_bm25__index_term(s->seg[i], at[i], &t, &len, &post, &plen, &df);
            if (len != best_len || memcmp(t, best, len) != 0) continue;
            live += df - corr_of(&s->m.segs[i], at[i]);
            at[i]++;
        }
        if (live) count++;
    }
    free(at);
    return count;
}

/* Open every segment of the manifest; *missing when a listed file does not exist. */
static lk_status try_open(const char *dir, lk_bm25__segset *s, bool *missing, lk_error *err)
{
    char *mpath = lk_bm25__path_join(dir, LK_BM25_MANIFEST_FILE);
    if (!mpath) return LK_ERR_NOMEM;
    lk_status st = manifest_read(mpath, &s->m, err);
    free(mpath);
    if (st != LK_OK) return st;
    size_t n = s->m.n;
    s->seg = calloc(n, sizeof *s->seg);
    s->deleted = calloc(n, sizeof *s->deleted);
    s->base = calloc(n + 1, sizeof *s->base);
    s->order = calloc(n, sizeof *s->order);
    if (!s->seg || !s->deleted || !s->base || !s->order) return LK_ERR_NOMEM;
    uint64_t end = 0, live_len = 0, live = 0;
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        const seg_info *g = &s->m.segs[i];
        char *path = lk_bm25__path_join(dir, g->name);
        if (!path) return LK_ERR_NOMEM;
        if (access(path, F_OK) != 0 && errno == ENOENT) *missing = true;
        st = lk_bm25_index_open(path, &s->seg[i], err);
        if (st == LK_OK) st = check_segment(s, i, path, err);
        free(path);
        if (st != LK_OK) break;
        s->base[i] = (uint32_t)end;
        end += g->n_docs;
        live += g->n_docs - g->n_deleted;
        uint64_t del_len = 0;
        for (uint32_t j = 0; j < g->n_deleted; j++)
            del_len += lk_bm25_index_doc_len(s->seg[i], g->deleted[j]);
        live_len += lk_bm25__index_total_len(s->seg[i]) - del_len;
        if (end >= UINT32_MAX)
            st = lk_error_set(err, LK_ERR_RANGE, "%s: too many documents", dir);
    }
    if (st != LK_OK) return st;
    s->base[n] = (uint32_t)end;
    s->n_live = (uint32_t)live;
    for (size_t i = 0; i < n; i++) { /* insertion sort by live documents, descending */
        size_t j = i;
        uint32_t li = s->m.segs[i].n_docs - s->m.segs[i].n_deleted;
        for (; j > 0; j--) {
            const seg_info *p = &s->m.segs[s->order[j - 1]];
            if (p->n_docs - p->n_deleted >= li) break;
            s->order[j] = s->order[j - 1];
        }
        s->order[j] = i;
    }
    s->avgdl = live ? (double)live_len / (double)live : 0.0;
    return LK_OK;
}

lk_status lk_bm25__segs_open(const char *dir, lk_bm25__segset **out, lk_error *err)
{
    *out = NULL;
    lk_status st = LK_OK;
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        lk_bm25__segset *s = calloc(1, sizeof *s);
        if (!s) return LK_ERR_NOMEM;
        bool missing = false;
        st = try_open(dir, s, &missing, err);
        if (st == LK_OK) {
            *out = s;
            return LK_OK;
        }
        lk_bm25__segs_free(s);
        if (!missing) break;
        usleep(10000);
    }
    return st;
}

uint32_t lk_bm25__segs_n_live(const lk_bm25__segset *s) { return s->n_live; }
uint64_t lk_bm25__segs_n_terms(const lk_bm25__segset *s) { return count_terms(s); }
double lk_bm25__segs_avgdl(const lk_bm25__segset *s) { return s->avgdl; }
uint32_t lk_bm25__segs_doc_end(const lk_bm25__segset *s) { return s->base[s->m.n]; }
size_t lk_bm25__segs_count(const lk_bm25__segset *s) { return s->m.n; }

/* Segment holding doc number doc (< doc_end). */
static size_t seg_of(const lk_bm25__segset *s, uint32_t doc)
{
    size_t lo = 0, hi = s->m.n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->base[mid] <= doc) lo = mid;
        else hi = mid;
    }
    return lo;
}

bool lk_bm25__segs_doc_live(const lk_bm25__segset *s, uint32_t doc)
{
    if (doc >= s->base[s->m.n]) return false;
    size_t i = seg_of(s, doc);
    uint32_t d = doc - s->base[i];
    return !s->deleted[i] || !((s->deleted[i][d >> 6] >> (d & 63)) & 1);
}

const char *lk_bm25__segs_doc_id(const lk_bm25__segset *s, uint32_t doc, size_t *len)
{
    size_t i = seg_of(s, doc);
    return lk_bm25_index_doc_id(s->seg[i], doc - s->base[i], len);
}

uint32_t lk_bm25__segs_doc_len(const lk_bm25__segset *s, uint32_t doc)
{
    size_t i = seg_of(s, doc);
    return lk_bm25_index_doc_len(s->seg[i], doc - s->base[i]);
}

const char *lk_bm25__segs_settings(const lk_bm25__segset *s, size_t *len)
{
    return lk_bm25_index_settings(s->seg[0], len);
}

uint32_t lk_bm25__segs_df(const lk_bm25__segset *s, const char *term, size_t len)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < s->m.n; i++) {
        int64_t t = lk_bm25__index_find(s->seg[i], term, len);
        if (t >= 0) sum += term_df(s->seg[i], (uint64_t)t) - corr_of(&s->m.segs[i], (uint64_t)t);
    }
    return (uint32_t)sum;
}

const lk_bm25_index *lk_bm25__segs_segment(const lk_bm25__segset *s, size_t i,
                                           uint32_t *doc_base, const uint64_t **deleted)
{
    if (doc_base) *doc_base = s->base[i];
    if (deleted) *deleted = s->deleted[i];
    return s->seg[i];
}

size_t lk_bm25__index_n_segs(const lk_bm25_index *idx)
{
    const lk_bm25__segset *s = lk_bm25__index_segs(idx);
    return s ? s->m.n : 1;
}

const lk_bm25_index *lk_bm25__index_seg(const lk_bm25_index *idx, size_t i, uint32_t *doc_base,
                                        const uint64_t **deleted)
{
    const lk_bm25__segset *s = lk_bm25__index_segs(idx);
    if (s) return lk_bm25__segs_segment(s, i, doc_base, deleted);
    if (doc_base) *doc_base = 0;
    if (deleted) *deleted = NULL;
    return idx;
}

/* ---- searching ---------------------------------------------------------------------------- */

struct lk_bm25__segws {
    const lk_bm25__segset *s;
    lk_bm25_ws **ws;           /* one per segment */
    const lk_bm25_hit **h;     /* each segment's hits */
    size_t *nh, *at;
    uint32_t *gdf;             /* live df of each query term */
    double *best;              /* its largest tf_part over all segments */
    size_t gdf_cap;
    lk_bm25_hit *out, *tmp;    /* merged hits (global doc numbers), merge scratch */
    size_t *seg_of;            /* the segment of each merged hit (and of tmp's) */
    size_t *tmp_seg;
    size_t out_cap;
};

void lk_bm25__segws_free(lk_bm25__segws *w)
{
    if (!w) return;
    for (size_t i = 0; w->ws && i < w->s->m.n; i++) lk_bm25_ws_free(w->ws[i]);
    free(w->ws);
    free(w->h);
    free(w->nh);
    free(w->at);
    free(w->gdf);
    free(w->best);
    free(w->out);
    free(w->tmp);
    free(w->seg_of);
    free(w->tmp_seg);
    free(w);
}

lk_status lk_bm25__segws_create(const lk_bm25__segset *s, lk_bm25__segws **out)
{
    *out = NULL;
    lk_bm25__segws *w = calloc(1, sizeof *w);
    if (!w) return LK_ERR_NOMEM;
    w->s = s;
    size_t n = s->m.n;
    w->ws = calloc(n, sizeof *w->ws);
    w->h = calloc(n, sizeof *w->h);
    w->nh = calloc(n, sizeof *w->nh);
    w->at = calloc(n, sizeof *w->at);
    lk_status st = w->ws && w->h && w->nh && w->at ? LK_OK : LK_ERR_NOMEM;
    for (size_t i = 0; i < n && st == LK_OK; i++) st = lk_bm25_ws_create(s->seg[i], &w->ws[i]);
    if (st != LK_OK) {
        lk_bm25__segws_free(w);
        return st;
    }
    *out = w;
    return LK_OK;
}

/* Hit a of segment sa ranks before hit b of segment sb: higher score, then smaller id. */
static bool ranks_before(const lk_bm25__segset *s, size_t sa, const lk_bm25_hit *a, size_t sb,
                         const lk_bm25_hit *b)
{
    if (a->score != b->score) return a->score > b->score;
    size_t la, lb;
    const char *ia = lk_bm25_index_doc_id(s->seg[sa], a->doc, &la);
    const char *ib = lk_bm25_index_doc_id(s->seg[sb], b->doc, &lb);
    int c = memcmp(ia, ib, la < lb ? la : lb);
    return c < 0 || (c == 0 && la < lb);
}

/* Live df and largest tf_part over all segments of each query term. */
static lk_status query_stats(const lk_bm25__segset *s, const lk_term *terms, size_t n_terms,
                             const lk_bm25_params *p, lk_bm25__segws *w)
{
    for (size_t i = 0; i < n_terms; i++) {
        uint64_t sum = 0;
        double best = 0.0;
        for (size_t j = 0; j < s->m.n; j++) {
            int64_t t = lk_bm25__index_find(s->seg[j], terms[i].s, terms[i].len);
            if (t < 0) continue;
            double b;
            sum += term_df(s->seg[j], (uint64_t)t) - corr_of(&s->m.segs[j], (uint64_t)t);
            if (!lk_bm25__term_best(s->seg[j], (uint64_t)t, p, s->avgdl, &b)) return LK_ERR_FORMAT;
            if (b > best) best = b;
        }
        w->gdf[i] = (uint32_t)sum;
        w->best[i] = best;
    }
    return LK_OK;
}

/* w->out[0..*m) (best first) merged with segment i's hits, at most k kept. */
static void merge_hits(const lk_bm25__segset *s, lk_bm25__segws *w, size_t i, size_t k, size_t *m)
{
    size_t a = 0, b = 0, n = 0, nb = w->nh[i];
    const lk_bm25_hit *h = w->h[i];
    while (n < k && (a < *m || b < nb)) {
        bool take_b = a >= *m;
        if (!take_b && b < nb) {
            lk_bm25_hit local = {w->out[a].doc - s->base[w->seg_of[a]], w->out[a].score};
            take_b = ranks_before(s, i, &h[b], w->seg_of[a], &local);
        }
        if (take_b) {
            w->tmp[n].doc = s->base[i] + h[b].doc;
            w->tmp[n].score = h[b++].score;
            w->tmp_seg[n++] = i;
        } else {
            w->tmp[n] = w->out[a];
            w->tmp_seg[n++] = w->seg_of[a++];
        }
    }
    lk_bm25_hit *t = w->out;
    w->out = w->tmp;
    w->tmp = t;
    size_t *ts = w->seg_of;
    w->seg_of = w->tmp_seg;
    w->tmp_seg = ts;
    *m = n;
}

static lk_status grow_out(lk_bm25__segws *w, size_t k)
{
    if (k <= w->out_cap && w->out) return LK_OK;
    size_t cap = k ? k : 1;
    lk_bm25_hit *o = realloc(w->out, cap * sizeof *o), *t = NULL;
    if (o) w->out = o;
    if (o && (t = realloc(w->tmp, cap * sizeof *t)) != NULL) w->tmp = t;
    size_t *a = o && t ? realloc(w->seg_of, cap * sizeof *a) : NULL, *b = NULL;
    if (a) w->seg_of = a;
    if (a && (b = realloc(w->tmp_seg, cap * sizeof *b)) != NULL) w->tmp_seg = b;
    if (!b) return LK_ERR_NOMEM;
    w->out_cap = cap;
    return LK_OK;
}

/* Segments are searched largest first; once k hits are merged, the k-th score is a floor
   for the next segments (their documents below it cannot enter the top k). */
lk_status lk_bm25__segs_search(const lk_bm25__segset *s, lk_bm25__segws *w, const lk_term *terms,
                               size_t n_terms, const lk_bm25_search_opts *opts,
                               const lk_bm25_hit **hits, size_t *n_hits, lk_error *err)
{
    lk_status st;
    size_t k = opts->k < s->n_live ? opts->k : s->n_live, m = 0;
    if (n_terms > w->gdf_cap) {
        size_t cap = w->gdf_cap;
        void *p = w->best;
        if ((st = lk_grow(&p, &cap, n_terms, sizeof *w->best)) != LK_OK) return st;
        w->best = p;
        p = w->gdf;
        if ((st = lk_grow(&p, &w->gdf_cap, n_terms, sizeof *w->gdf)) != LK_OK) return st;
        w->gdf = p;
    }
    if ((st = grow_out(w, k)) != LK_OK) return st;
    *hits = w->out;
    *n_hits = 0;
    if ((st = lk_bm25_params_check(&opts->params, err)) != LK_OK) return st;
    if ((st = query_stats(s, terms, n_terms, &opts->params, w)) != LK_OK)
        return lk_error_set(err, st, "corrupt index (postings)");
    for (size_t j = 0; j < s->m.n && k > 0; j++) {
        size_t i = s->order[j];
        lk_bm25__global g = {(double)s->n_live, s->avgdl, w->gdf, w->best, s->deleted[i],
                             m == k ? w->out[k - 1].score : -HUGE_VAL};
        st = lk_bm25__search_segment(s->seg[i], w->ws[i], terms, n_terms, opts, &g, &w->h[i],
                                     &w->nh[i], err);
        if (st != LK_OK) return st;
        merge_hits(s, w, i, k, &m);
    }
    *hits = w->out;
    *n_hits = m;
    return LK_OK;
}

/* ---- writing: the lock ---------------------------------------------------------------- */

static bool has_index(const char *dir)
{
    char *p = lk_bm25__path_join(dir, LK_BM25_INDEX_FILE);
    bool yes = p && access(p, F_OK) == 0;
    free(p);
    return yes || lk_bm25__segs_present(dir);
}

lk_status lk_bm25__lock(const char *dir, int *fd, lk_error *err)
{
    *fd = -1;
    if (!has_index(dir)) return LK_OK;
    char *path = lk_bm25__path_join(dir, LK_BM25_LOCK_FILE);
    if (!path) return LK_ERR_NOMEM;
    lk_status st = LK_OK;
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (f < 0) {
            st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
            break;
        }
        if (flock(f, LOCK_EX | LOCK_NB) != 0) {
            st = errno == EWOULDBLOCK
                     ? lk_error_set(err, LK_ERR_IO,
                                    "%s: another lexkit process is updating this index (%s "
                                    "is locked); try again when it is done",
                                    dir, LK_BM25_LOCK_FILE)
                     : lk_error_set(err, LK_ERR_IO, "%s: lock: %s", path, strerror(errno));
            close(f);
            break;
        }
        /* the directory may have been switched (a full rebuild) while we waited */
        struct stat a, b;
        if (fstat(f, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            *fd = f;
            break;
        }
        close(f);
    }
    free(path);
    return st;
}

void lk_bm25__unlock(int fd)
{
    if (fd >= 0) close(fd); /* releases the flock */
}

/* ---- writing: changes ------------------------------------------------------------------- */

struct lk_bm25__update {
    char *dir;
    const lk_bm25_index *idx;
    manifest m;          /* the new segment list; its first n_old entries are idx's */
    size_t n_old;
    char next_name[NAME_MAX_LEN];
};

void lk_bm25__update_free(lk_bm25__update *u)
{
    if (!u) return;
    manifest_free(&u->m);
    free(u->dir);
    free(u);
}

static lk_status copy_u32(uint32_t **dst, const uint32_t *src, size_t n)
{
    if (!(*dst = malloc((n + 1) * sizeof **dst))) return LK_ERR_NOMEM;
    if (n) memcpy(*dst, src, n * sizeof **dst);
    return LK_OK;
}

static lk_status seg_info_copy(seg_info *d, const seg_info *g)
{
    *d = *g;
    d->name = strdup(g->name);
    d->deleted = NULL;
    d->corr_term = NULL;
    d->corr_n = NULL;
    if (!d->name || copy_u32(&d->deleted, g->deleted, g->n_deleted) != LK_OK ||
        copy_u32(&d->corr_n, g->corr_n, g->n_corr) != LK_OK ||
        !(d->corr_term = malloc(((size_t)g->n_corr + 1) * sizeof *d->corr_term)))
        return LK_ERR_NOMEM;
    if (g->n_corr) memcpy(d->corr_term, g->corr_term, g->n_corr * sizeof *d->corr_term);
    return LK_OK;
}

/* A new manifest entry for segment file `name` of dir holding n_docs documents. */
static lk_status seg_info_new(const char *dir, const char *name, uint32_t n_docs, seg_info *g,
                              lk_error *err)
{
    memset(g, 0, sizeof *g);
    char *path = lk_bm25__path_join(dir, name);
    if (!path || !(g->name = strdup(name))) {
        free(path);
        return LK_ERR_NOMEM;
    }
    lk_status st = file_size_crc(path, &g->size, &g->crc, err);
    free(path);
    g->n_docs = n_docs;
    if (st == LK_OK && (copy_u32(&g->deleted, NULL, 0) != LK_OK ||
                        copy_u32(&g->corr_n, NULL, 0) != LK_OK ||
                        !(g->corr_term = malloc(sizeof *g->corr_term))))
        st = LK_ERR_NOMEM;
    return st;
}

lk_status lk_bm25__update_begin(const char *dir, const lk_bm25_index *idx, lk_bm25__update **out,
                                lk_error *err)
{
    *out = NULL;
    lk_bm25__update *u = calloc(1, sizeof *u);
    if (!u) return LK_ERR_NOMEM;
    u->idx = idx;
    lk_status st = (u->dir = strdup(dir)) ? LK_OK : LK_ERR_NOMEM;
    const lk_bm25__segset *s = lk_bm25__index_segs(idx);
    if (st == LK_OK && s) {
        u->m.next_seq = s->m.next_seq;
        for (size_t i = 0; i < s->m.n && st == LK_OK; i++) {
            seg_info g;
            st = seg_info_copy(&g, &s->m.segs[i]);
            if (st == LK_OK) st = manifest_push(&u->m, &g);
            seg_info_free(&g);
        }
    } else if (st == LK_OK) { /* a one-file index: its first manifest */
        seg_info g;
        u->m.next_seq = 2;
        st = seg_info_new(dir, LK_BM25_INDEX_FILE, lk_bm25_index_n_docs(idx), &g, err);
        if (st == LK_OK) st = manifest_push(&u->m, &g);
        seg_info_free(&g);
    }
    u->n_old = u->m.n;
    if (st != LK_OK) {
        lk_bm25__update_free(u);
        return st;
    }
    *out = u;
    return LK_OK;
}

const char *lk_bm25__update_next_name(lk_bm25__update *u)
{
    snprintf(u->next_name, sizeof u->next_name, LK_BM25_SEG_PREFIX "%06u.lkbx", u->m.next_seq);
    return u->next_name;
}

lk_status lk_bm25__update_add_segment(lk_bm25__update *u, uint32_t n_docs, lk_error *err)
{
    seg_info g;
    lk_status st = seg_info_new(u->dir, lk_bm25__update_next_name(u), n_docs, &g, err);
    if (st == LK_OK) st = manifest_push(&u->m, &g);
    seg_info_free(&g);
    if (st == LK_OK) u->m.next_seq++;
    return st;
}

/* Number of deleted documents del[0..nd) (ascending) in the postings of term t of x. */
static lk_status count_deleted(const lk_bm25_index *x, uint64_t t, const uint32_t *del,
                               size_t nd, uint32_t *count)
{
    const char *s;
    size_t len, plen;
    const unsigned char *post;
    uint32_t df, c = 0;
    lk_bm25__index_term(x, t, &s, &len, &post, &plen, &df);
    lk_postings_cursor cur;
    if (!lk_postings_cursor_init(&cur, post, plen, df, lk_bm25_index_n_docs(x)))
        return LK_ERR_FORMAT;
    size_t i = 0;
    while (cur.doc != LK_DOC_END && i < nd) {
        if (cur.doc < del[i]) {
            lk_postings_advance(&cur, del[i]);
        } else if (cur.doc > del[i]) {
            size_t lo = i + 1, hi = nd; /* first deleted doc >= cur.doc */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (del[mid] < cur.doc) lo = mid + 1;
                else hi = mid;
            }
            i = lo;
        } else {
            c++;
            i++;
            lk_postings_next(&cur);
        }
    }
    *count = c;
    return cur.bad ? LK_ERR_FORMAT : LK_OK;
}

/* Add the local documents del[0..nd) (ascending, not yet deleted) to segment g (index x):
   its tombstones and the df corrections of every term they contain. */
static lk_status tombstone(seg_info *g, const lk_bm25_index *x, const uint32_t *del, size_t nd,
                           lk_error *err)
{
    uint64_t n_terms = lk_bm25_index_n_terms(x);
    uint32_t *dl = malloc(((size_t)g->n_deleted + nd + 1) * sizeof *dl);
    uint64_t *ct = NULL;
    uint32_t *cn = NULL;
    size_t nc = 0, cap = 0, a = 0, b = 0, n = 0;
    lk_status st = dl ? LK_OK : LK_ERR_NOMEM;
    while (st == LK_OK && (a < g->n_deleted || b < nd)) /* union of two ascending lists */
        dl[n++] = b >= nd || (a < g->n_deleted && g->deleted[a] < del[b]) ? g->deleted[a++]
                                                                           : del[b++];
    uint32_t oi = 0;
    for (uint64_t t = 0; t < n_terms && st == LK_OK; t++) {
        uint32_t old = oi < g->n_corr && g->corr_term[oi] == t ? g->corr_n[oi++] : 0, c = 0;
        if ((st = count_deleted(x, t, del, nd, &c)) != LK_OK) break;
        if (old + c == 0) continue;
        if (nc == cap) {
            size_t c2 = cap;
            void *p = ct;
            if ((st = lk_grow(&p, &c2, nc + 1, sizeof *ct)) != LK_OK) break;
            ct = p;
            p = cn;
            if ((st = lk_grow(&p, &cap, nc + 1, sizeof *cn)) != LK_OK) break;
            cn = p;
        }
        ct[nc] = t;
        cn[nc++] = old + c;
    }
    if (st == LK_OK) {
        free(g->deleted);
        free(g->corr_term);
        free(g->corr_n);
        g->deleted = dl;
        g->n_deleted = (uint32_t)n;
        g->corr_term = ct ? ct : calloc(1, sizeof *ct);
        g->corr_n = cn ? cn : calloc(1, sizeof *cn);
        g->n_corr = (uint32_t)nc;
        return g->corr_term && g->corr_n ? LK_OK : LK_ERR_NOMEM;
    }
    free(dl);
    free(ct);
    free(cn);
    if (st == LK_ERR_FORMAT)
        return lk_error_set(err, st, "%s: corrupt index (postings)", g->name);
    return st;
}

lk_status lk_bm25__update_delete(lk_bm25__update *u, const uint32_t *docs, size_t n,
                                 lk_error *err)
{
    lk_status st = LK_OK;
    uint32_t *local = malloc((n + 1) * sizeof *local);
    if (!local) return LK_ERR_NOMEM;
    size_t at = 0;
    for (size_t i = 0; i < u->n_old && st == LK_OK; i++) {
        uint32_t base;
        const lk_bm25_index *x = lk_bm25__index_seg(u->idx, i, &base, NULL);
        uint32_t end = base + u->m.segs[i].n_docs;
        size_t nd = 0;
        while (at < n && docs[at] < end) local[nd++] = docs[at++] - base;
        if (nd) st = tombstone(&u->m.segs[i], x, local, nd, err);
    }
    free(local);
    if (st != LK_OK) return st;
    /* segments whose documents are all deleted are dropped (index.lkbx stays listed) */
    size_t w = 0;
    for (size_t i = 0; i < u->m.n; i++) {
        seg_info *g = &u->m.segs[i];
        if (g->n_deleted == g->n_docs && strcmp(g->name, LK_BM25_INDEX_FILE) != 0) {
            seg_info_free(g);
            continue;
        }
        u->m.segs[w++] = *g;
    }
    u->n_old -= u->m.n - w;
    u->m.n = w;
    return LK_OK;
}

static bool listed(const manifest *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->segs[i].name, name) == 0) return true;
    return false;
}

/* Remove segment files the manifest m does not list and temp files of killed runs. */
static void remove_orphans(const char *dir, const manifest *m)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    size_t pl = strlen(LK_BM25_SEG_PREFIX), ml = strlen(LK_BM25_MANIFEST_FILE);
    while ((e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        size_t n = strlen(nm);
        bool seg = n > pl + 5 && strncmp(nm, LK_BM25_SEG_PREFIX, pl) == 0 &&
                   strcmp(nm + n - 5, ".lkbx") == 0 && !listed(m, nm);
        bool tmp = strncmp(nm, LK_BM25_MANIFEST_FILE, ml) == 0 && strncmp(nm + ml, ".tmp.", 5) == 0;
        if (!seg && !tmp) continue;
        char *p = lk_bm25__path_join(dir, nm);
        if (p) unlink(p);
        free(p);
    }
    closedir(d);
}

lk_status lk_bm25__update_commit(lk_bm25__update *u, lk_error *err)
{
    lk_bytes b = {0};
    char *path = lk_bm25__path_join(u->dir, LK_BM25_MANIFEST_FILE);
    lk_status st = path ? manifest_encode(&u->m, &b) : LK_ERR_NOMEM;
    if (st == LK_OK) st = lk_write_atomic(path, write_manifest_fn, &b, err);
    if (st == LK_OK) remove_orphans(u->dir, &u->m);
    lk_bytes_free(&b);
    free(path);
    return st;
}

/* ---- merging ------------------------------------------------------------------------------ */

lk_status lk_bm25__merge_all(const char *dir, const lk_bm25_build_config *cfg, lk_error *err)
{
    lk_bm25_index *idx = NULL;
    lk_bm25_builder *b = NULL;
    if (!lk_bm25__segs_present(dir)) return LK_OK; /* one segment: nothing to merge */
    lk_status st = lk_bm25_index_open(dir, &idx, err);
    lk_bm25_build_config bc = *cfg;
    if (st == LK_OK) {
        bc.settings = lk_bm25_index_settings(idx, &bc.settings_len);
        st = lk_bm25_builder_create_add(dir, idx, &bc, &b, err);
    }
    if (st == LK_OK) st = lk_bm25_builder_finish(b, err); /* frees b */
    lk_bm25_index_free(idx);
    return st;
}

/* Merge segments first..n-1 of the open index idx (of dir) into one new segment file. */
static lk_status merge_tail(const char *dir, const lk_bm25_index *idx, size_t first,
                            const lk_bm25_build_config *cfg, lk_error *err)
{
    lk_bm25__update *u = NULL;
    lk_bm25_builder *b = NULL;
    size_t n = lk_bm25__index_n_segs(idx);
    const lk_bm25_index **bases = malloc(n * sizeof *bases);
    const uint64_t **dels = malloc(n * sizeof *dels);
    lk_status st = bases && dels ? LK_OK : LK_ERR_NOMEM;
    for (size_t i = first; i < n && st == LK_OK; i++)
        bases[i - first] = lk_bm25__index_seg(idx, i, NULL, &dels[i - first]);
    lk_bm25_build_config bc = *cfg;
    bc.settings = lk_bm25_index_settings(idx, &bc.settings_len);
    uint32_t n_docs = 0;
    if (st == LK_OK) st = lk_bm25__update_begin(dir, idx, &u, err);
    if (st == LK_OK) st = lk_bm25__builder_create_bases(dir, bases, dels, n - first, &bc, &b, err);
    if (st == LK_OK) {
        char *dest = lk_bm25__path_join(dir, lk_bm25__update_next_name(u));
        st = dest ? lk_bm25__builder_finish_segment(b, dest, &n_docs, err) : LK_ERR_NOMEM;
        if (!dest) lk_bm25_builder_free(b);
        free(dest);
    }
    if (st == LK_OK) {
        for (size_t i = first; i < u->m.n; i++) seg_info_free(&u->m.segs[i]);
        u->m.n = u->n_old = first;
        st = lk_bm25__update_add_segment(u, n_docs, err);
    }
    if (st == LK_OK) st = lk_bm25__update_commit(u, err);
    lk_bm25__update_free(u);
    free(bases);
    free(dels);
    return st;
}

lk_status lk_bm25__apply_policy(const char *dir, size_t max_segments,
                                const lk_bm25_build_config *cfg, lk_error *err)
{
    lk_bm25_index *idx = NULL;
    manifest m;
    if (max_segments < 1) max_segments = 1;
    if (!lk_bm25__segs_present(dir)) return LK_OK;
    char *mpath = lk_bm25__path_join(dir, LK_BM25_MANIFEST_FILE);
    lk_status st = mpath ? manifest_read(mpath, &m, err) : LK_ERR_NOMEM;
    free(mpath);
    if (st != LK_OK) return st;
    size_t n = m.n, j = n - 1;
    uint64_t sum = m.segs[j].n_docs - m.segs[j].n_deleted;
    while (j >= 1) {
        const seg_info *prev = &m.segs[j - 1];
        if (sum < (uint64_t)(prev->n_docs - prev->n_deleted) && j + 1 <= max_segments) break;
        j--;
        sum += prev->n_docs - prev->n_deleted;
    }
    manifest_free(&m);
    if (n < 2 || j == n - 1) return LK_OK;
    if (j == 0) return lk_bm25__merge_all(dir, cfg, err);
    if ((st = lk_bm25_index_open(dir, &idx, err)) != LK_OK) return st;
    /* the manifest read above is the one opened (the caller holds the lock) */
    st = merge_tail(dir, idx, j, cfg, err);
    lk_bm25_index_free(idx);
    return st;
}
