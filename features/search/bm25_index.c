/* bm25_index.c: an open index is an ordered list of segments (bm25_seg_internal.h: one LKBX
   file each) with their first document numbers, deleted documents and df corrections; one
   file (or an image in memory) is a list of one without deletions, a directory with a
   manifest the segments it lists (bm25_segments.c). Collection statistics and top-k search
   (each segment searched with the collection's statistics, bm25_seg_search.c, and the hits
   merged) are written once over the list. Building is in bm25_build.c. */
#define _POSIX_C_SOURCE 200809L
#include "features/search/bm25_index.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "features/search/analyzer_internal.h"
#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_seg_internal.h"
#include "features/search/bm25_segments_internal.h"
#include "features/search/postings.h"
#include "text/fileio.h"

struct lk_bm25_index {
    lk_bm25__manifest m;  /* per segment: documents, deletions, df corrections (for one file,
                             one entry without deletions) */
    bool has_manifest;    /* m was read from the directory's segments.lkbm */
    lk_bm25__seg **seg;   /* m.n segments, in document-number order */
    uint32_t *base;       /* m.n + 1: first doc number of each segment, then the end */
    uint64_t **deleted;   /* per segment: deleted-document bitmap, or NULL */
    size_t *order;        /* segments by live documents, descending: the search order */
    uint32_t n_live;
    double avgdl;
    char *dir;            /* directory of the index, or NULL for open_mem */
    lk_analyzer_shared *an_shared; /* what its analyzers share (the Chinese model) */
};

/* ---- opening ---------------------------------------------------------------------------- */

void lk_bm25_index_free(lk_bm25_index *idx)
{
    if (!idx) return;
    for (size_t i = 0; i < idx->m.n; i++) {
        if (idx->seg) lk_bm25__seg_free(idx->seg[i]);
        if (idx->deleted) free(idx->deleted[i]);
    }
    free(idx->seg);
    free(idx->deleted);
    free(idx->base);
    free(idx->order);
    lk_bm25__manifest_free(&idx->m);
    free(idx->dir);
    lk_analyzer__shared_free(idx->an_shared);
    free(idx);
}

/* Bitmap of the deleted documents of segment g, in *out (NULL when none). */
static lk_status deleted_bits(const lk_bm25__seg_info *g, uint64_t **out)
{
    *out = NULL;
    if (g->n_deleted == 0) return LK_OK;
    uint64_t *bits = calloc(((size_t)g->n_docs + 63) / 64 + 1, sizeof *bits);
    if (!bits) return LK_ERR_NOMEM;
    for (uint32_t j = 0; j < g->n_deleted; j++)
        bits[g->deleted[j] >> 6] |= (uint64_t)1 << (g->deleted[j] & 63);
    *out = bits;
    return LK_OK;
}

/* Doc bases, deletion bitmaps, search order and live statistics of the open segments x->seg
   listed in x->m; `name` (the directory) for messages. */
static lk_status set_list(lk_bm25_index *x, const char *name, lk_error *err)
{
    size_t n = x->m.n;
    x->deleted = calloc(n, sizeof *x->deleted);
    x->base = calloc(n + 1, sizeof *x->base);
    x->order = calloc(n, sizeof *x->order);
    if (!x->deleted || !x->base || !x->order) return LK_ERR_NOMEM;
    uint64_t end = 0, live_len = 0, live = 0;
    for (size_t i = 0; i < n; i++) {
        const lk_bm25__seg_info *g = &x->m.segs[i];
        if (deleted_bits(g, &x->deleted[i]) != LK_OK) return LK_ERR_NOMEM;
        x->base[i] = (uint32_t)end;
        end += g->n_docs;
        live += g->n_docs - g->n_deleted;
        uint64_t del_len = 0;
        for (uint32_t j = 0; j < g->n_deleted; j++)
            del_len += lk_bm25__seg_doc_len(x->seg[i], g->deleted[j]);
        live_len += x->seg[i]->total_len - del_len;
        if (end >= UINT32_MAX)
            return lk_error_set(err, LK_ERR_RANGE, "%s: too many documents", name);
    }
    x->base[n] = (uint32_t)end;
    x->n_live = (uint32_t)live;
    for (size_t i = 0; i < n; i++) { /* insertion sort by live documents, descending */
        size_t j = i;
        uint32_t li = x->m.segs[i].n_docs - x->m.segs[i].n_deleted;
        for (; j > 0; j--) {
            const lk_bm25__seg_info *p = &x->m.segs[x->order[j - 1]];
            if (p->n_docs - p->n_deleted >= li) break;
            x->order[j] = x->order[j - 1];
        }
        x->order[j] = i;
    }
    x->avgdl = live ? (double)live_len / (double)live : 0.0;
    return LK_OK;
}

/* The index of the one segment s (taken over, freed on failure): a list of one. */
static lk_status one_segment(lk_bm25__seg *s, lk_bm25_index **out, lk_error *err)
{
    lk_bm25__seg_info g;
    memset(&g, 0, sizeof g);
    g.n_docs = s->n_docs;
    lk_bm25_index *x = calloc(1, sizeof *x);
    lk_status st = x && (x->seg = malloc(sizeof *x->seg)) ? LK_OK : LK_ERR_NOMEM;
    if (st == LK_OK) st = lk_analyzer__shared_create(&x->an_shared);
    if (st == LK_OK) st = lk_bm25__manifest_push(&x->m, &g);
    if (st == LK_OK) {
        x->seg[0] = s;
        s = NULL;
        st = set_list(x, lk_bm25__seg_file(x->seg[0]), err);
    }
    lk_bm25__seg_free(s);
    if (st != LK_OK) {
        lk_bm25_index_free(x);
        return st;
    }
    *out = x;
    return LK_OK;
}

lk_status lk_bm25_index_open_mem(const void *buf, size_t n, lk_bm25_index **out, lk_error *err)
{
    lk_bm25__seg *s;
    *out = NULL;
    lk_status st = lk_bm25__seg_open_mem(buf, n, &s, err);
    return st == LK_OK ? one_segment(s, out, err) : st;
}

/* The segments a directory's manifest lists; *out NULL (and LK_OK) if the manifest went
   away meanwhile (a full rebuild switched the directory). */
static lk_status open_manifest(const char *dir, lk_bm25_index **out, lk_error *err)
{
    *out = NULL;
    lk_bm25_index *x = calloc(1, sizeof *x);
    if (!x) return LK_ERR_NOMEM;
    x->has_manifest = true;
    lk_status st = lk_analyzer__shared_create(&x->an_shared);
    if (st == LK_OK) st = lk_bm25__segs_open(dir, &x->m, &x->seg, err);
    if (st == LK_OK) st = set_list(x, dir, err);
    if (st == LK_OK && !(x->dir = strdup(dir))) st = LK_ERR_NOMEM;
    if (st == LK_OK) {
        *out = x;
        return LK_OK;
    }
    lk_bm25_index_free(x);
    return lk_bm25__segs_present(dir) ? st : LK_OK;
}

/* The index file of `path` (a directory: its index.lkbx, which must exist) in *file. */
static lk_status index_file(const char *path, bool is_dir, char **file, lk_error *err)
{
    if (!is_dir) return (*file = strdup(path)) ? LK_OK : LK_ERR_NOMEM;
    if (!(*file = lk_path_join(path, LK_BM25_INDEX_FILE))) return LK_ERR_NOMEM;
    if (access(*file, F_OK) == 0) return LK_OK;
    free(*file);
    *file = NULL;
    return lk_error_set(err, LK_ERR_FORMAT, "%s: not a lexkit index (no %s in it)", path,
                        LK_BM25_INDEX_FILE);
}

/* The directory part of `file` (malloc'd; "." if none). */
static char *dir_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    size_t dlen = slash ? (size_t)(slash - file) + (slash == file) : 1;
    char *d = malloc(dlen + 1);
    if (!d) return NULL;
    memcpy(d, slash ? file : ".", dlen);
    d[dlen] = '\0';
    return d;
}

lk_status lk_bm25_index_open(const char *path, lk_bm25_index **out, lk_error *err)
{
    struct stat sb;
    char *file = NULL;
    lk_bm25__seg *s = NULL;
    *out = NULL;
    if (stat(path, &sb) != 0)
        return lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode) && lk_bm25__segs_present(path)) {
        lk_status st = open_manifest(path, out, err);
        if (st != LK_OK || *out) return st;
    }
    lk_status st = index_file(path, S_ISDIR(sb.st_mode), &file, err);
    if (st == LK_OK) st = lk_bm25__seg_open(file, &s, err);
    if (st == LK_OK) st = one_segment(s, out, err);
    if (st == LK_OK && !((*out)->dir = dir_of(file))) {
        lk_bm25_index_free(*out);
        *out = NULL;
        st = LK_ERR_NOMEM;
    }
    free(file);
    return st;
}

/* ---- the list ----------------------------------------------------------------------------- */

size_t lk_bm25__index_n_segs(const lk_bm25_index *idx) { return idx->m.n; }

const lk_bm25__seg *lk_bm25__index_seg(const lk_bm25_index *idx, size_t i, uint32_t *doc_base,
                                       const uint64_t **deleted)
{
    if (doc_base) *doc_base = idx->base[i];
    if (deleted) *deleted = idx->deleted[i];
    return idx->seg[i];
}

lk_analyzer_shared *lk_bm25__index_analyzer_shared(const lk_bm25_index *idx)
{
    return idx->an_shared;
}

const lk_bm25__manifest *lk_bm25__index_manifest(const lk_bm25_index *idx)
{
    return idx->has_manifest ? &idx->m : NULL;
}

/* Segment holding doc number doc (< doc_end). */
static size_t seg_of(const lk_bm25_index *x, uint32_t doc)
{
    size_t lo = 0, hi = x->m.n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->base[mid] <= doc) lo = mid;
        else hi = mid;
    }
    return lo;
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

/* Live documents of dictionary entry t of segment i. */
static uint32_t live_df(const lk_bm25_index *x, size_t i, uint64_t t)
{
    return lk_bm25__seg_df(x->seg[i], t) - corr_of(&x->m.segs[i], t);
}

/* Distinct terms with at least one live document: a merge of the segments' dictionaries
   (UINT64_MAX if out of memory); one segment without deletions: its dictionary. */
static uint64_t count_terms(const lk_bm25_index *x)
{
    size_t n = x->m.n;
    if (n == 1 && x->m.segs[0].n_corr == 0) return x->seg[0]->n_terms;
    uint64_t *at = calloc(n, sizeof *at);
    if (!at) return UINT64_MAX;
    uint64_t count = 0;
    for (;;) {
        const char *best = NULL, *t;
        size_t best_len = 0, len, plen;
        const unsigned char *post;
        uint32_t df;
        for (size_t i = 0; i < n; i++) {
            if (at[i] >= x->seg[i]->n_terms) continue;
            lk_bm25__seg_term(x->seg[i], at[i], &t, &len, &post, &plen, &df);
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
            if (at[i] >= x->seg[i]->n_terms) continue;
            lk_bm25__seg_term(x->seg[i], at[i], &t, &len, &post, &plen, &df);
            if (len != best_len || memcmp(t, best, len) != 0) continue;
            live += live_df(x, i, at[i]);
            at[i]++;
        }
        if (live) count++;
    }
    free(at);
    return count;
}

uint32_t lk_bm25_index_n_docs(const lk_bm25_index *idx) { return idx->n_live; }
uint64_t lk_bm25_index_n_terms(const lk_bm25_index *idx) { return count_terms(idx); }
double lk_bm25_index_avgdl(const lk_bm25_index *idx) { return idx->avgdl; }
uint32_t lk_bm25_index_doc_end(const lk_bm25_index *idx) { return idx->base[idx->m.n]; }
size_t lk_bm25_index_n_segments(const lk_bm25_index *idx) { return idx->m.n; }
const char *lk_bm25_index_dir(const lk_bm25_index *idx) { return idx->dir; }

bool lk_bm25_index_doc_live(const lk_bm25_index *idx, uint32_t doc)
{
    if (doc >= idx->base[idx->m.n]) return false;
    size_t i = seg_of(idx, doc);
    uint32_t d = doc - idx->base[i];
    return !idx->deleted[i] || !((idx->deleted[i][d >> 6] >> (d & 63)) & 1);
}

const char *lk_bm25_index_doc_id(const lk_bm25_index *idx, uint32_t doc, size_t *len)
{
    size_t i = seg_of(idx, doc);
    return lk_bm25__seg_doc_id(idx->seg[i], doc - idx->base[i], len);
}

uint32_t lk_bm25_index_doc_len(const lk_bm25_index *idx, uint32_t doc)
{
    size_t i = seg_of(idx, doc);
    return lk_bm25__seg_doc_len(idx->seg[i], doc - idx->base[i]);
}

const char *lk_bm25_index_settings(const lk_bm25_index *idx, size_t *len)
{
    *len = (size_t)idx->seg[0]->settings_len;
    return (const char *)idx->seg[0]->settings;
}

bool lk_bm25_index_has_positions(const lk_bm25_index *idx)
{
    for (size_t i = 0; i < idx->m.n; i++)
        if (!lk_bm25__seg_pos(idx->seg[i])) return false;
    return true;
}

uint32_t lk_bm25_index_df(const lk_bm25_index *idx, const char *term, size_t len)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < idx->m.n; i++) {
        int64_t t = lk_bm25__seg_find(idx->seg[i], term, len);
        if (t >= 0) sum += live_df(idx, i, (uint64_t)t);
    }
    return (uint32_t)sum;
}

/* ---- searching the list ------------------------------------------------------------------ */

lk_bm25_search_opts lk_bm25_search_opts_default(void)
{
    lk_bm25_search_opts o;
    o.params = lk_bm25_params_default();
    o.k = 10;
    o.exhaustive = false;
    o.accept = NULL;
    o.accept_user = NULL;
    return o;
}

struct lk_bm25_ws {
    const lk_bm25_index *idx;
    lk_bm25__seg_ws **sw;      /* one per segment */
    const lk_bm25_hit **h;     /* each segment's hits */
    size_t *nh;
    uint32_t *gdf;             /* live df of each query term */
    double *best;              /* its largest tf_part over all segments */
    size_t gdf_cap;
    int64_t *tix;              /* n_segs x n_terms: each segment's dictionary index of each
                                  query term (-1: absent) */
    size_t tix_cap;
    lk_bm25_hit *out, *tmp;    /* merged hits (index doc numbers), merge scratch */
    size_t *seg_of;            /* the segment of each merged hit (and of tmp's) */
    size_t *tmp_seg;
    size_t out_cap;
    lk_bm25__prefix_ws *pw;    /* scratch of the prefix terms (made by the first) */
    lk_bytes *vpost;           /* n_segs x vcap: each segment's postings of each prefix term */
    lk_bm25__vterm *vt;        /* n_segs x vcap: the same, as search terms */
    size_t vcap;
};

void lk_bm25_ws_free(lk_bm25_ws *w)
{
    if (!w) return;
    for (size_t i = 0; w->sw && i < w->idx->m.n; i++) lk_bm25__seg_ws_free(w->sw[i]);
    free(w->sw);
    free(w->h);
    free(w->nh);
    free(w->gdf);
    free(w->best);
    free(w->tix);
    free(w->out);
    free(w->tmp);
    free(w->seg_of);
    free(w->tmp_seg);
    for (size_t i = 0; w->vpost && i < w->idx->m.n * w->vcap; i++) lk_bytes_free(&w->vpost[i]);
    free(w->vpost);
    free(w->vt);
    lk_bm25__prefix_ws_free(w->pw);
    free(w);
}

lk_status lk_bm25_ws_create(const lk_bm25_index *idx, lk_bm25_ws **out)
{
    *out = NULL;
    lk_bm25_ws *w = calloc(1, sizeof *w);
    if (!w) return LK_ERR_NOMEM;
    w->idx = idx;
    size_t n = idx->m.n;
    w->sw = calloc(n, sizeof *w->sw);
    w->h = calloc(n, sizeof *w->h);
    w->nh = calloc(n, sizeof *w->nh);
    lk_status st = w->sw && w->h && w->nh ? LK_OK : LK_ERR_NOMEM;
    for (size_t i = 0; i < n && st == LK_OK; i++)
        st = lk_bm25__seg_ws_create(idx->seg[i], &w->sw[i]);
    if (st != LK_OK) {
        lk_bm25_ws_free(w);
        return st;
    }
    *out = w;
    return LK_OK;
}

/* Hit a of segment sa ranks before hit b of segment sb: higher score, then smaller id. */
static bool ranks_before(const lk_bm25_index *x, size_t sa, const lk_bm25_hit *a, size_t sb,
                         const lk_bm25_hit *b)
{
    if (a->score != b->score) return a->score > b->score;
    size_t la, lb;
    const char *ia = lk_bm25__seg_doc_id(x->seg[sa], a->doc, &la);
    const char *ib = lk_bm25__seg_doc_id(x->seg[sb], b->doc, &lb);
    int c = memcmp(ia, ib, la < lb ? la : lb);
    return c < 0 || (c == 0 && la < lb);
}

/* Each segment's dictionary index (w->tix: `stride` entries a segment), the live df and
   (with several segments) the largest tf_part over all segments of each query term. */
static lk_status query_stats(const lk_bm25_index *x, lk_bm25_ws *w, const lk_term *terms,
                             size_t n_terms, size_t stride, const lk_bm25_params *p)
{
    size_t n = x->m.n;
    for (size_t i = 0; i < n_terms; i++) {
        uint64_t sum = 0;
        double best = 0.0, b;
        for (size_t j = 0; j < n; j++) {
            int64_t t = lk_bm25__seg_find(x->seg[j], terms[i].s, terms[i].len);
            w->tix[j * stride + i] = t;
            if (t < 0) continue;
            sum += live_df(x, j, (uint64_t)t);
            if (n == 1) continue;
            if (!lk_bm25__seg_term_best(x->seg[j], (uint64_t)t, p, x->avgdl, &b))
                return LK_ERR_FORMAT;
            if (b > best) best = b;
        }
        w->gdf[i] = (uint32_t)sum;
        w->best[i] = best;
    }
    return LK_OK;
}

/* Room for the lists of n prefix terms in every segment (the lists kept). */
static lk_status grow_prefixes(lk_bm25_ws *w, size_t n)
{
    if (!w->pw && lk_bm25__prefix_ws_create(&w->pw) != LK_OK) return LK_ERR_NOMEM;
    if (n <= w->vcap) return LK_OK;
    size_t ns = w->idx->m.n;
    lk_bytes *p = calloc(ns * n, sizeof *p);
    lk_bm25__vterm *v = calloc(ns * n, sizeof *v);
    if (!p || !v) {
        free(p);
        free(v);
        return LK_ERR_NOMEM;
    }
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < w->vcap; j++) p[i * n + j] = w->vpost[i * w->vcap + j];
    free(w->vpost);
    free(w->vt);
    w->vpost = p;
    w->vt = v;
    w->vcap = n;
    return LK_OK;
}

/* The prefix terms pre[0..n_pre), query terms n_terms + j: in each segment the postings of
   the synonym of its terms starting with the prefix (w->vt, w->tix: the segment's n_terms +
   j, or -1 if it has no live document), their live df (the documents of all segments) and
   with several segments their largest tf_part. A prefix equal to an earlier one reads its
   lists: the segments' search then counts it twice, as a repeated term. */
static lk_status prefix_stats(const lk_bm25_index *x, lk_bm25_ws *w, size_t n_terms,
                              const lk_bm25_prefix *pre, size_t n_pre, const lk_bm25_params *p,
                              lk_error *err)
{
    size_t n = x->m.n, stride = n_terms + n_pre;
    lk_status st = grow_prefixes(w, n_pre);
    for (size_t j = 0; j < n_pre && st == LK_OK; j++) {
        size_t u = 0; /* the first equal prefix */
        while (u < j && (pre[u].len != pre[j].len || memcmp(pre[u].s, pre[j].s, pre[j].len) ||
                         pre[u].alt_len != pre[j].alt_len ||
                         (pre[j].alt_len && memcmp(pre[u].alt, pre[j].alt, pre[j].alt_len))))
            u++;
        uint64_t sum = 0;
        double best = 0.0;
        for (size_t i = 0; i < n && st == LK_OK; i++) {
            lk_bm25__vterm *v = &w->vt[i * w->vcap + u];
            if (u == j)
                st = lk_bm25__seg_prefix(x->seg[i], x->deleted[i], &pre[j], w->pw,
                                         &w->vpost[i * w->vcap + j], v, err);
            if (st != LK_OK) break;
            w->tix[i * stride + n_terms + j] = v->df ? (int64_t)(x->seg[i]->n_terms + u) : -1;
            sum += v->df;
            if (n == 1 || !v->df) continue;
            lk_tf_dl pairs[LK_POSTINGS_MAX_FRONTIER];
            size_t np = 0;
            if (!lk_postings_frontier(v->post, v->len, pairs, &np))
                return lk_error_set(err, LK_ERR_FORMAT, "corrupt prefix postings");
            double b = lk_bm25__frontier_best(pairs, np, p, x->avgdl);
            if (b > best) best = b;
        }
        w->gdf[n_terms + j] = (uint32_t)sum;
        w->best[n_terms + j] = best;
    }
    return st;
}

/* w->out[0..*m) (best first) merged with segment i's hits, at most k kept. */
static void merge_hits(const lk_bm25_index *x, lk_bm25_ws *w, size_t i, size_t k, size_t *m)
{
    size_t a = 0, b = 0, n = 0, nb = w->nh[i];
    const lk_bm25_hit *h = w->h[i];
    while (n < k && (a < *m || b < nb)) {
        bool take_b = a >= *m;
        if (!take_b && b < nb) {
            lk_bm25_hit local = {w->out[a].doc - x->base[w->seg_of[a]], w->out[a].score};
            take_b = ranks_before(x, i, &h[b], w->seg_of[a], &local);
        }
        if (take_b) {
            w->tmp[n].doc = x->base[i] + h[b].doc;
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

/* Room for k merged hits and the statistics of n_terms query terms. */
static lk_status grow_ws(lk_bm25_ws *w, size_t k, size_t n_terms)
{
    lk_status st;
    size_t n_tix = n_terms * w->idx->m.n;
    if (n_terms > w->gdf_cap) {
        size_t cap = w->gdf_cap;
        if ((st = lk_grow_ptr(&w->best, &cap, n_terms, sizeof *w->best)) != LK_OK ||
            (st = lk_grow_ptr(&w->gdf, &w->gdf_cap, n_terms, sizeof *w->gdf)) != LK_OK)
            return st;
    }
    if (n_tix > w->tix_cap &&
        (st = lk_grow_ptr(&w->tix, &w->tix_cap, n_tix, sizeof *w->tix)) != LK_OK)
        return st;
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

lk_status lk_bm25_search_terms(const lk_bm25_index *idx, lk_bm25_ws *w, const lk_term *terms,
                               size_t n_terms, const lk_bm25_search_opts *opts,
                               const lk_bm25_hit **hits, size_t *n_hits, lk_error *err)
{
    return lk_bm25_search_prefixed(idx, w, terms, n_terms, NULL, 0, opts, hits, n_hits, err);
}

/* Segments are searched largest first, each with the collection's statistics; once k hits
   are merged, the k-th score is a floor for the next segments (their documents below it
   cannot enter the top k). */
lk_status lk_bm25_search_prefixed(const lk_bm25_index *idx, lk_bm25_ws *w, const lk_term *terms,
                                  size_t n_terms, const lk_bm25_prefix *prefixes,
                                  size_t n_prefixes,
                                  const lk_bm25_search_opts *opts, const lk_bm25_hit **hits,
                                  size_t *n_hits, lk_error *err)
{
    lk_status st;
    *hits = NULL;
    *n_hits = 0;
    if (w->idx != idx)
        return lk_error_set(err, LK_ERR_ARG, "workspace was created for another index");
    size_t k = opts->k < idx->n_live ? opts->k : idx->n_live, m = 0;
    size_t nq = n_terms + n_prefixes; /* the prefixes are query terms n_terms.. */
    if ((st = grow_ws(w, k, nq)) != LK_OK) return st;
    *hits = w->out;
    if ((st = lk_bm25_params_check(&opts->params, err)) != LK_OK) return st;
    if ((st = query_stats(idx, w, terms, n_terms, nq, &opts->params)) != LK_OK)
        return lk_error_set(err, st, "corrupt index (postings)");
    if (n_prefixes &&
        (st = prefix_stats(idx, w, n_terms, prefixes, n_prefixes, &opts->params, err)) != LK_OK)
        return st;
    for (size_t j = 0; j < idx->m.n && k > 0; j++) {
        size_t i = idx->order[j];
        lk_bm25__coll g = {(double)idx->n_live, idx->avgdl, w->gdf, idx->m.n > 1 ? w->best : NULL,
                        nq ? w->tix + i * nq : NULL, n_prefixes ? w->vt + i * w->vcap : NULL,
                        idx->deleted[i], idx->base[i], m == k ? w->out[k - 1].score : -HUGE_VAL};
        st = lk_bm25__seg_search(w->sw[i], nq, opts, &g, &w->h[i], &w->nh[i], err);
        if (st != LK_OK) return st;
        merge_hits(idx, w, i, k, &m);
    }
    *hits = w->out;
    *n_hits = m;
    return LK_OK;
}
