/* bm25_segments.c: segmented index directories, reading: the manifest (segments.lkbm: the
   segment files with their size and CRC, their deleted documents and per-term df
   corrections), opening and searching every segment with the collection's statistics.
   Writing (lock, tombstones, commit, merges) is in bm25_segments_write.c. */
#define _GNU_SOURCE
#include "features/search/bm25_segments.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "features/search/bm25_build_internal.h"
#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_segments_internal.h"
#include "features/search/postings.h"
#include "text/fileio.h"

/* ---- the manifest (layout in bm25_segments_internal.h) ------------------------------- */

void lk_bm25__seg_info_free(lk_bm25__seg_info *g)
{
    free(g->name);
    free(g->deleted);
    free(g->corr_term);
    free(g->corr_n);
    memset(g, 0, sizeof *g);
}

void lk_bm25__manifest_free(lk_bm25__manifest *m)
{
    for (size_t i = 0; i < m->n; i++) lk_bm25__seg_info_free(&m->segs[i]);
    free(m->segs);
    memset(m, 0, sizeof *m);
}

lk_status lk_bm25__manifest_push(lk_bm25__manifest *m, lk_bm25__seg_info *g)
{
    lk_bm25__seg_info *p = realloc(m->segs, (m->n + 1) * sizeof *p);
    if (!p) return LK_ERR_NOMEM;
    m->segs = p;
    m->segs[m->n++] = *g;
    memset(g, 0, sizeof *g);
    return LK_OK;
}

/* A segment file name: "index.lkbx" or "seg-NNNNNN.lkbx" (no path separators). */
static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n >= LK_BM25_SEG_NAME_MAX) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' || s[i] == '\0') return false;
    return n > 5 && memcmp(s + n - 5, ".lkbx", 5) == 0 && s[0] != '.';
}

static bool parse_seg(lk_rd *r, lk_bm25__seg_info *g)
{
    uint32_t nl;
    if (!lk_rd_get_u32(r, &nl) || !lk_rd_have(r, nl) || !valid_name((const char *)r->p, nl))
        return false;
    if (!(g->name = malloc(nl + 1))) return false;
    memcpy(g->name, r->p, nl);
    g->name[nl] = '\0';
    r->p += nl;
    if (!lk_rd_get_u64(r, &g->size) || !lk_rd_get_u32(r, &g->crc) ||
        !lk_rd_get_u32(r, &g->n_docs) || !lk_rd_get_u32(r, &g->n_deleted) ||
        !lk_rd_get_u32(r, &g->n_corr))
        return false;
    if (g->n_deleted > g->n_docs || !lk_rd_have(r, (uint64_t)g->n_deleted * 4) ||
        !lk_rd_have(r, (uint64_t)g->n_corr * 12))
        return false;
    g->deleted = malloc(((size_t)g->n_deleted + 1) * sizeof *g->deleted);
    g->corr_term = malloc(((size_t)g->n_corr + 1) * sizeof *g->corr_term);
    g->corr_n = malloc(((size_t)g->n_corr + 1) * sizeof *g->corr_n);
    if (!g->deleted || !g->corr_term || !g->corr_n) return false;
    for (uint32_t i = 0; i < g->n_deleted; i++) {
        if (!lk_rd_get_u32(r, &g->deleted[i]) || g->deleted[i] >= g->n_docs ||
            (i && g->deleted[i] <= g->deleted[i - 1]))
            return false;
    }
    for (uint32_t i = 0; i < g->n_corr; i++) {
        if (!lk_rd_get_u64(r, &g->corr_term[i]) || !lk_rd_get_u32(r, &g->corr_n[i]) ||
            g->corr_n[i] == 0 || g->corr_n[i] > g->n_deleted ||
            (i && g->corr_term[i] <= g->corr_term[i - 1]))
            return false;
    }
    return true;
}

lk_status lk_bm25__manifest_read(const char *path, lk_bm25__manifest *m, lk_error *err)
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
    lk_rd r = {payload, payload + plen};
    uint32_t n_segs;
    bool ok = lk_rd_get_u32(&r, &m->next_seq) && lk_rd_get_u32(&r, &n_segs) && n_segs >= 1 &&
              n_segs <= plen / 32;
    for (uint32_t i = 0; ok && i < n_segs; i++) {
        lk_bm25__seg_info g;
        memset(&g, 0, sizeof g);
        ok = parse_seg(&r, &g) && lk_bm25__manifest_push(m, &g) == LK_OK;
        lk_bm25__seg_info_free(&g);
    }
    free(buf);
    if (ok && r.p == r.end) return LK_OK;
    lk_bm25__manifest_free(m);
    return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt segment manifest", path);
}

/* Size and trailing CRC of a file (the CRC field of an LKBX file). */
lk_status lk_bm25__file_size_crc(const char *path, uint64_t *size, uint32_t *crc, lk_error *err)
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
    lk_bm25__manifest m;
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
    lk_bm25__manifest_free(&s->m);
    free(s);
}

bool lk_bm25__segs_present(const char *dir)
{
    char *p = lk_path_join(dir, LK_BM25_MANIFEST_FILE);
    bool yes = p && access(p, F_OK) == 0;
    free(p);
    return yes;
}

/* Deleted-document correction of dictionary entry t of segment g (0 if none). */
static uint32_t corr_of(const lk_bm25__seg_info *g, uint64_t t)
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
    const lk_bm25__seg_info *g = &s->m.segs[i];
    const lk_bm25_index *x = s->seg[i];
    uint64_t size;
    uint32_t crc;
    lk_status st = lk_bm25__file_size_crc(path, &size, &crc, err);
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

/* Open every segment of the lk_bm25__manifest; *missing when a listed file does not exist. */
static lk_status try_open(const char *dir, lk_bm25__segset *s, bool *missing, lk_error *err)
{
    char *mpath = lk_path_join(dir, LK_BM25_MANIFEST_FILE);
    if (!mpath) return LK_ERR_NOMEM;
    lk_status st = lk_bm25__manifest_read(mpath, &s->m, err);
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
        const lk_bm25__seg_info *g = &s->m.segs[i];
        char *path = lk_path_join(dir, g->name);
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
            const lk_bm25__seg_info *p = &s->m.segs[s->order[j - 1]];
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
    for (int attempt = 0; attempt < LK_BM25_OPEN_ATTEMPTS; attempt++) {
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
                             s->base[i], m == k ? w->out[k - 1].score : -HUGE_VAL};
        st = lk_bm25__search_segment(s->seg[i], w->ws[i], terms, n_terms, opts, &g, &w->h[i],
                                     &w->nh[i], err);
        if (st != LK_OK) return st;
        merge_hits(s, w, i, k, &m);
    }
    *hits = w->out;
    *n_hits = m;
    return LK_OK;
}

const lk_bm25__manifest *lk_bm25__segs_manifest(const lk_bm25__segset *s) { return &s->m; }
