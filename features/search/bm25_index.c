/* bm25_index.c: an open index is an ordered list of segments (bm25_seg_internal.h: one LKBX
   file each) with their first document numbers, deleted documents and df corrections; one
   file (or an image in memory) is a list of one without deletions, a directory with a
   manifest the segments it lists (bm25_segments.c). Collection statistics and top-k search
   (MaxScore per segment with the collection's statistics, hits merged; the exhaustive
   reference path) are written once over the list. Building is in bm25_build.c. */
#define _POSIX_C_SOURCE 200809L
#include "features/search/bm25_index.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    lk_status st = lk_bm25__segs_open(dir, &x->m, &x->seg, err);
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

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c) return c;
    return na < nb ? -1 : na > nb;
}

/* ---- searching ------------------------------------------------------------------------------ */

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

#define WINDOW_BITS 12
#define WINDOW ((uint32_t)1 << WINDOW_BITS) /* documents per MaxScore accumulation window */
#define WINDOW_MIN 128u                        /* the first window; sizes double up to WINDOW */

typedef struct {
    uint64_t term;  /* dictionary index */
    uint32_t qtf;   /* times the term occurs in the query */
    size_t at;      /* its first position in the query */
    double weight;  /* qtf * idf */
    double ub;      /* upper bound of the term's contribution */
    double okey;    /* scoring-order key: ub, or the collection's ub for a segment */
    uint32_t bb_last; /* MaxScore: last doc of the block whose bound is bb (0: none yet) */
    double bb;
    lk_postings_cursor cur;
} qterm;

/* A resolved query term: dictionary index and position in the query. */
typedef struct {
    uint64_t term;
    size_t at;
} term_ref;

/* The search scratch of one segment. */
typedef struct {
    const lk_bm25__seg *seg;
    double n_docs, avgdl;       /* collection statistics of the current search */
    const uint64_t *deleted;    /* deleted-document bitmap of the current search, or NULL */
    double floor;               /* scores below it cannot enter the top k (other segments
                                   already hold k better documents); -inf for the first */
    bool (*accept)(void *, uint32_t); /* the search's filter (opts), or NULL */
    void *accept_user;
    uint32_t doc_base;          /* added to doc numbers given to accept */
    double *norm;               /* per-document length factor for the cached params */
    lk_bm25_params norm_params;
    double norm_avgdl;
    bool norm_valid;
    double *acc;                /* exhaustive accumulators (lazy) */
    uint8_t *seen;              /* doc already in touched[] */
    uint32_t *touched;
    size_t n_touched;
    qterm *qt;                  /* unique query terms, canonical order (by dictionary index) */
    size_t qt_cap;
    term_ref *tids;
    size_t tids_cap;
    size_t *order;              /* qt indexes in scoring order (ub descending) */
    double *rest;               /* rest[i]: sum of ub of order[i..m) */
    double *wacc;               /* MaxScore window accumulators (WINDOW) */
    uint64_t *wbits;            /* and their touched bits */
    lk_bm25_hit *heap;          /* min-heap of the current top-k (worst at 0) */
    size_t heap_n, heap_cap;
} seg_ws;

static void seg_ws_free(seg_ws *ws)
{
    if (!ws) return;
    free(ws->norm);
    free(ws->acc);
    free(ws->seen);
    free(ws->touched);
    free(ws->qt);
    free(ws->tids);
    free(ws->order);
    free(ws->rest);
    free(ws->wacc);
    free(ws->wbits);
    free(ws->heap);
    free(ws);
}

static lk_status seg_ws_create(const lk_bm25__seg *seg, seg_ws **out)
{
    *out = NULL;
    seg_ws *ws = calloc(1, sizeof *ws);
    if (!ws) return LK_ERR_NOMEM;
    ws->seg = seg;
    ws->norm = malloc(((size_t)seg->n_docs + 1) * sizeof *ws->norm);
    ws->wacc = calloc(WINDOW, sizeof *ws->wacc);
    ws->wbits = calloc(WINDOW / 64, sizeof *ws->wbits);
    if (!ws->norm || !ws->wacc || !ws->wbits) {
        seg_ws_free(ws);
        return LK_ERR_NOMEM;
    }
    *out = ws;
    return LK_OK;
}

static void ensure_norms(seg_ws *ws, const lk_bm25_params *p)
{
    if (ws->norm_valid && ws->norm_params.variant == p->variant && ws->norm_params.k1 == p->k1 &&
        ws->norm_params.b == p->b && ws->norm_avgdl == ws->avgdl)
        return;
    const lk_bm25__seg *x = ws->seg;
    for (uint32_t d = 0; d < x->n_docs; d++)
        ws->norm[d] = lk_bm25_norm(p, lk_get_u32(x->doclens + 4u * (uint64_t)d), ws->avgdl);
    ws->norm_params = *p;
    ws->norm_avgdl = ws->avgdl;
    ws->norm_valid = true;
}

/* a ranks below b: lower score, or equal score and larger id (bytewise). */
static inline bool worse(const lk_bm25__seg *x, const lk_bm25_hit *a, const lk_bm25_hit *b)
{
    if (a->score != b->score) return a->score < b->score;
    size_t la, lb;
    const char *ia = lk_bm25__seg_doc_id(x, a->doc, &la);
    const char *ib = lk_bm25__seg_doc_id(x, b->doc, &lb);
    return cmp_bytes(ia, la, ib, lb) > 0;
}

/* Restore the heap below i, bottom-up (Floyd): the hole goes down to a leaf along the worse
   children (one comparison a level), then h[i]'s old value climbs back up to its place, which
   for a replaced root is usually near the bottom. */
static void sift_down(const lk_bm25__seg *x, lk_bm25_hit *h, size_t n, size_t i)
{
    lk_bm25_hit v = h[i];
    size_t top = i;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && worse(x, &h[c + 1], &h[c])) c++;
        h[i] = h[c];
        i = c;
    }
    while (i > top) {
        size_t p = (i - 1) / 2;
        if (!worse(x, &v, &h[p])) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = v;
}

/* Offer a scored document to the top-k heap (k = heap_cap); deleted documents and scores below
   the floor are refused. */
static void heap_offer(seg_ws *ws, uint32_t doc, double score)
{
    if (score < ws->floor || (ws->deleted && (ws->deleted[doc >> 6] >> (doc & 63)) & 1)) return;
    lk_bm25_hit hit = {doc, score};
    lk_bm25_hit *h = ws->heap;
    if (ws->heap_n < ws->heap_cap) {
        if (ws->accept && !ws->accept(ws->accept_user, ws->doc_base + doc)) return;
        size_t i = ws->heap_n++;
        h[i] = hit;
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!worse(ws->seg, &h[i], &h[p])) break;
            lk_bm25_hit t = h[i];
            h[i] = h[p];
            h[p] = t;
            i = p;
        }
        return;
    }
    if (ws->heap_cap == 0 || score < h[0].score || !worse(ws->seg, &h[0], &hit)) return;
    if (ws->accept && !ws->accept(ws->accept_user, ws->doc_base + doc)) return;
    h[0] = hit;
    sift_down(ws->seg, h, ws->heap_n, 0);
}

/* Score needed to enter the heap (the floor, -inf for the first segment searched, while it
   is not full). */
static double threshold(const seg_ws *ws)
{
    if (ws->heap_n < ws->heap_cap) return ws->floor;
    return ws->heap[0].score > ws->floor ? ws->heap[0].score : ws->floor;
}

/* Sort the heap into the result order (best first). */
static void heap_finish(seg_ws *ws)
{
    size_t n = ws->heap_n;
    while (n > 1) {
        lk_bm25_hit t = ws->heap[0];
        ws->heap[0] = ws->heap[n - 1];
        ws->heap[n - 1] = t;
        n--;
        sift_down(ws->seg, ws->heap, n, 0);
    }
}

/* Sort by dictionary index, then position. Insertion sort (queries are short), Shell gaps
   first for long ones; (term, at) pairs are distinct, so the order is unique. */
static void sort_term_refs(term_ref *r, size_t n)
{
    static const size_t gaps[] = {57, 23, 10, 4, 1};
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        size_t h = gaps[g];
        if (h > 1 && n < 4 * h) continue;
        for (size_t i = h; i < n; i++) {
            term_ref v = r[i];
            size_t j = i;
            while (j >= h && (r[j - h].term > v.term ||
                              (r[j - h].term == v.term && r[j - h].at > v.at))) {
                r[j] = r[j - h];
                j -= h;
            }
            r[j] = v;
        }
    }
}

/* Collection statistics for searching one segment. */
typedef struct {
    double n_docs;           /* live documents of the whole collection (N) */
    double avgdl;            /* their mean length */
    const uint32_t *df;      /* live df in the collection of each query term (as terms[]) */
    const double *best;      /* largest tf_part of each query term over the collection's
                                bound summaries (max over segments): the scoring order;
                                NULL for one segment (its own bounds are the collection's) */
    const int64_t *tix;      /* the segment's dictionary index of each query term, or -1 */
    const uint64_t *deleted; /* the segment's deleted documents (bitmap), or NULL */
    uint32_t doc_base;       /* the segment's first document number in the index */
    double floor;            /* k documents of other segments score at least this: lower
                                scores cannot enter the top k (-HUGE_VAL: none) */
} coll_stats;

/* Resolve query terms into ws->qt (unique, canonical order) with weights and bounds, with
   the collection's statistics g. */
static lk_status prepare_terms(seg_ws *ws, size_t n_terms, const lk_bm25_params *p,
                               const coll_stats *g, size_t *n_qt)
{
    const uint32_t *gdf = g->df;
    const lk_bm25__seg *x = ws->seg;
    size_t n = 0;
    lk_status st;
    if (n_terms > ws->tids_cap) {
        void *t = ws->tids;
        if ((st = lk_grow(&t, &ws->tids_cap, n_terms, sizeof *ws->tids)) != LK_OK) return st;
        ws->tids = t;
    }
    for (size_t i = 0; i < n_terms; i++) {
        int64_t t = g->tix[i];
        if (t >= 0 && gdf[i] > 0) ws->tids[n++] = (term_ref){(uint64_t)t, i};
    }
    sort_term_refs(ws->tids, n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || ws->tids[i].term != ws->tids[i - 1].term) m++;
    if (m > ws->qt_cap) {
        size_t cap = m;
        qterm *q = realloc(ws->qt, cap * sizeof *q);
        size_t *o = realloc(ws->order, cap * sizeof *o);
        if (q) ws->qt = q;
        if (o) ws->order = o;
        double *pre = realloc(ws->rest, (cap + 1) * sizeof *pre);
        if (pre) ws->rest = pre;
        if (!q || !o || !pre) return LK_ERR_NOMEM;
        ws->qt_cap = cap;
    }
    m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && ws->tids[i].term == ws->tids[i - 1].term) {
            ws->qt[m - 1].qtf++;
            continue;
        }
        ws->qt[m].term = ws->tids[i].term;
        ws->qt[m].qtf = 1;
        ws->qt[m].at = ws->tids[i].at;
        m++;
    }
    for (size_t i = 0; i < m; i++) {
        qterm *q = &ws->qt[i];
        const unsigned char *data;
        size_t len;
        uint32_t df;
        lk_bm25__seg_postings(x, q->term, &data, &len, &df);
        q->weight = q->qtf * lk_bm25_idf(p->variant, ws->n_docs, (double)gdf[q->at]);
        lk_tf_dl pairs[LK_POSTINGS_MAX_FRONTIER];
        size_t np = 0;
        size_t slack = (size_t)(x->post + x->post_len - (data + len)); /* the next lists */
        if (!lk_postings_cursor_init_frontier(&q->cur, data, len, slack, df, x->n_docs, pairs,
                                              &np))
            return LK_ERR_FORMAT;
        q->ub = q->weight * lk_bm25__frontier_best(pairs, np, p, ws->avgdl);
        /* segments order terms by the collection's bound, as one segment would */
        q->okey = g->best ? q->weight * g->best[q->at] : q->ub;
    }
    *n_qt = m;
    return LK_OK;
}

/* Terms in scoring order: by the collection's upper bound descending (then dictionary
   order), so that every segment and a one-segment index of the same documents use the same
   order. Every path adds a document's contributions in
   this order, so all paths give bitwise-equal scores. */
static void order_terms(seg_ws *ws, size_t m)
{
    qterm *qt = ws->qt;
    size_t *ord = ws->order;
    for (size_t i = 0; i < m; i++) ord[i] = i;
    for (size_t i = 1; i < m; i++) { /* insertion sort: m is small */
        size_t v = ord[i], j = i;
        while (j > 0 && (qt[ord[j - 1]].okey < qt[v].okey ||
                         (qt[ord[j - 1]].okey == qt[v].okey && ord[j - 1] > v))) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = v;
    }
}

#define TFP(tf, norm) lk_bm25_tf_part_d(variant, k1, delta, (double)(tf), (norm))

/* Reference path: score every posting of every query term (term at a time). */
static lk_status search_exhaustive(seg_ws *ws, size_t m, const lk_bm25_params *p)
{
    const lk_bm25_variant variant = p->variant;
    const double k1 = p->k1, delta = lk_bm25_delta(p);
    const lk_bm25__seg *x = ws->seg;
    if (!ws->acc) {
        ws->acc = calloc((size_t)x->n_docs + 1, sizeof *ws->acc);
        ws->seen = calloc((size_t)x->n_docs + 1, 1);
        ws->touched = malloc(((size_t)x->n_docs + 1) * sizeof *ws->touched);
        if (!ws->acc || !ws->seen || !ws->touched) return LK_ERR_NOMEM;
    }
    order_terms(ws, m);
    ws->n_touched = 0;
    bool corrupt = false;
    for (size_t i = 0; i < m; i++) {
        qterm *q = &ws->qt[ws->order[i]];
        for (; q->cur.doc != LK_DOC_END; lk_postings_next(&q->cur)) {
            uint32_t d = q->cur.doc;
            if (!ws->seen[d]) {
                ws->seen[d] = 1;
                ws->touched[ws->n_touched++] = d;
            }
            ws->acc[d] += q->weight * TFP(q->cur.tf, ws->norm[d]);
        }
        corrupt |= q->cur.bad;
    }
    for (size_t i = 0; i < ws->n_touched; i++) {
        uint32_t d = ws->touched[i];
        if (!corrupt) heap_offer(ws, d, ws->acc[d]);
        ws->acc[d] = 0.0;
        ws->seen[d] = 0;
    }
    return corrupt ? LK_ERR_FORMAT : LK_OK;
}

/* Safety margin for comparing bounds (summed in another order) with the threshold. */
static double margin(double theta)
{
    return 1e-9 * (fabs(theta) + 1e-300);
}

/* Number of non-essential terms: the longest suffix of the scoring order (smallest bounds)
   whose bounds sum (ws->rest[j] = sum of bounds of terms j..m-1) stays below theta; returns
   the index of the first non-essential term. */
static size_t first_nonessential(const seg_ws *ws, size_t m, double theta)
{
    if (theta == -HUGE_VAL) return m;
    double lim = theta - margin(theta);
    size_t j = m;
    while (j > 0 && ws->rest[j - 1] < lim) j--;
    return j;
}

/* MaxScore (Turtle & Flood) with windowed term-at-a-time accumulation of the essential
   terms (the largest bounds): documents are processed in windows of WINDOW ids; the
   essential lists are added into a window accumulator, then each touched document whose
   bound (accumulated score + bounds of the non-essential terms) can still enter the top k
   has the non-essential terms probed, largest bound first, each after a check of its
   block's bound. Contributions are added in scoring order, as in the exhaustive path. */
static inline __attribute__((always_inline)) lk_status
maxscore(seg_ws *ws, size_t m, const lk_bm25_params *p, const lk_bm25_variant variant)
{
    const double k1 = p->k1, delta = lk_bm25_delta(p), avgdl = ws->avgdl;
    const double nscale = variant == LK_BM25_BM25L ? 1.0 : k1, b = p->b;
#define NORM(dl) (nscale * (1.0 - b + (avgdl > 0.0 ? b * (double)(dl) / avgdl : 0.0)))
    order_terms(ws, m);
    qterm *qt = ws->qt;
    const size_t *ord = ws->order;
    double run = 0.0;
    ws->rest[m] = 0.0;
    for (size_t i = m; i-- > 0;) ws->rest[i] = (run += qt[ord[i]].ub);
    double *acc = ws->wacc;
    uint64_t *bits = ws->wbits;
    for (size_t i = 0; i < m; i++) { /* no block bound cached: the list's bound holds for doc 0 */
        qt[i].bb_last = 0;
        qt[i].bb = qt[i].ub;
    }
    double theta = threshold(ws);
    double lim = theta - margin(theta);
    size_t ne = first_nonessential(ws, m, theta); /* terms ord[0..ne) are essential */
    uint32_t wsize = WINDOW_MIN;
    for (;;) {
        uint32_t d0 = LK_DOC_END;
        for (size_t i = 0; i < ne; i++)
            if (qt[ord[i]].cur.doc < d0) d0 = qt[ord[i]].cur.doc;
        if (d0 == LK_DOC_END) break;
        /* windows start small, so a k-th score (and non-essential terms) is found early */
        uint32_t base = d0, end = base + wsize < base ? LK_DOC_END : base + wsize;
        if (wsize < WINDOW) wsize *= 2;
        for (size_t i = 0; i < ne; i++) {
            qterm *q = &qt[ord[i]];
            const double w = q->weight;
            while (q->cur.doc < end) { /* a decoded block at a time */
                const uint32_t *dd, *tt;
                uint32_t n = lk_postings_bulk(&q->cur, &dd, &tt), j = 0;
                for (; j < n && dd[j] < end; j++) {
                    uint32_t o = dd[j] - base;
                    bits[o >> 6] |= (uint64_t)1 << (o & 63);
                    acc[o] += w * TFP(tt[j], ws->norm[dd[j]]);
                }
                lk_postings_bulk_skip(&q->cur, j);
                if (j < n || !n) break;
            }
        }
        const double ne_bound = ws->rest[ne];
        for (uint32_t wi = 0; wi < WINDOW / 64 && wi * 64 < end - base; wi++) {
            uint64_t word = bits[wi];
            bits[wi] = 0;
            while (word) {
                uint32_t o = (wi << 6) | (uint32_t)__builtin_ctzll(word);
                word &= word - 1;
                double sc = acc[o];
                acc[o] = 0.0;
                if (sc + ne_bound < lim) continue;
                uint32_t d = base + o;
                double nd = ws->norm[d];
                bool alive = true;
                for (size_t i = ne; i < m; i++) {
                    if (sc + ws->rest[i] < lim) {
                        alive = false;
                        break;
                    }
                    qterm *q = &qt[ord[i]];
                    if (q->cur.doc < d) { /* block bound first: maybe no need to decode */
                        if (d > q->bb_last) { /* past the block of the cached bound */
                            uint32_t btf, bdl, blast;
                            if (lk_postings_block_at(&q->cur, d, &btf, &bdl, &blast)) {
                                q->bb = q->weight * TFP(btf, NORM(bdl));
                                q->bb_last = blast;
                            } else {
                                q->bb = 0.0;
                                q->bb_last = LK_DOC_END;
                            }
                        }
                        if (sc + q->bb + ws->rest[i + 1] < lim) {
                            alive = false;
                            break;
                        }
                        lk_postings_advance(&q->cur, d);
                    }
                    if (q->cur.doc == d) sc += q->weight * TFP(q->cur.tf, nd);
                }
                if (!alive) continue;
                heap_offer(ws, d, sc);
                theta = threshold(ws);
                lim = theta - margin(theta);
            }
        }
        ne = first_nonessential(ws, m, theta);
    }
#undef NORM
    for (size_t i = 0; i < m; i++)
        if (qt[i].cur.bad) return LK_ERR_FORMAT;
    return LK_OK;
}

/* MaxScore with the variant a constant in the inner loops (lucene and robertson share the
   tf part and the length normalization). */
static lk_status search_maxscore(seg_ws *ws, size_t m, const lk_bm25_params *p)
{
    switch (p->variant) {
    case LK_BM25_LUCENE:
    case LK_BM25_ROBERTSON: return maxscore(ws, m, p, LK_BM25_LUCENE);
    case LK_BM25_ATIRE: return maxscore(ws, m, p, LK_BM25_ATIRE);
    case LK_BM25_BM25L: return maxscore(ws, m, p, LK_BM25_BM25L);
    case LK_BM25_BM25PLUS: return maxscore(ws, m, p, LK_BM25_BM25PLUS);
    }
    return maxscore(ws, m, p, p->variant);
}

/* The top k of one segment (its doc numbers) with the collection's statistics g: g's
   deleted documents and scores below g->floor are never returned. */
static lk_status search_segment(seg_ws *ws, size_t n_terms, const lk_bm25_search_opts *opts,
                                const coll_stats *g, const lk_bm25_hit **hits, size_t *n_hits,
                                lk_error *err)
{
    lk_status st;
    *hits = NULL;
    *n_hits = 0;
    ws->n_docs = g->n_docs;
    ws->avgdl = g->avgdl;
    ws->deleted = g->deleted;
    ws->floor = g->floor;
    ws->doc_base = g->doc_base;
    ws->accept = opts->accept;
    ws->accept_user = opts->accept_user;
    size_t k = opts->k;
    if (k > ws->seg->n_docs) k = ws->seg->n_docs;
    if (k > ws->heap_cap || !ws->heap) {
        lk_bm25_hit *h = realloc(ws->heap, (k ? k : 1) * sizeof *h);
        if (!h) return LK_ERR_NOMEM;
        ws->heap = h;
    }
    ws->heap_cap = k;
    ws->heap_n = 0;
    *hits = ws->heap; /* valid (empty) even when nothing matches */
    size_t m = 0;
    st = prepare_terms(ws, n_terms, &opts->params, g, &m);
    if (st == LK_ERR_FORMAT) return lk_error_set(err, st, "corrupt index (postings)");
    if (st != LK_OK) return st;
    if (m == 0 || k == 0) return LK_OK;
    ensure_norms(ws, &opts->params);
    st = opts->exhaustive ? search_exhaustive(ws, m, &opts->params)
                          : search_maxscore(ws, m, &opts->params);
    if (st == LK_ERR_FORMAT) return lk_error_set(err, st, "corrupt index (postings)");
    if (st != LK_OK) return st;
    heap_finish(ws);
    *hits = ws->heap;
    *n_hits = ws->heap_n;
    return LK_OK;
}

/* ---- searching the list ------------------------------------------------------------------ */

struct lk_bm25_ws {
    const lk_bm25_index *idx;
    seg_ws **sw;               /* one per segment */
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
};

void lk_bm25_ws_free(lk_bm25_ws *w)
{
    if (!w) return;
    for (size_t i = 0; w->sw && i < w->idx->m.n; i++) seg_ws_free(w->sw[i]);
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
    for (size_t i = 0; i < n && st == LK_OK; i++) st = seg_ws_create(idx->seg[i], &w->sw[i]);
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
    return cmp_bytes(ia, la, ib, lb) < 0;
}

/* Each segment's dictionary index, the live df and (with several segments) the largest
   tf_part over all segments of each query term. */
static lk_status query_stats(const lk_bm25_index *x, lk_bm25_ws *w, const lk_term *terms,
                             size_t n_terms, const lk_bm25_params *p)
{
    size_t n = x->m.n;
    for (size_t i = 0; i < n_terms; i++) {
        uint64_t sum = 0;
        double best = 0.0, b;
        for (size_t j = 0; j < n; j++) {
            int64_t t = lk_bm25__seg_find(x->seg[j], terms[i].s, terms[i].len);
            w->tix[j * n_terms + i] = t;
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

/* Segments are searched largest first, each with the collection's statistics; once k hits
   are merged, the k-th score is a floor for the next segments (their documents below it
   cannot enter the top k). */
lk_status lk_bm25_search_terms(const lk_bm25_index *idx, lk_bm25_ws *w, const lk_term *terms,
                               size_t n_terms, const lk_bm25_search_opts *opts,
                               const lk_bm25_hit **hits, size_t *n_hits, lk_error *err)
{
    lk_status st;
    *hits = NULL;
    *n_hits = 0;
    if (w->idx != idx)
        return lk_error_set(err, LK_ERR_ARG, "workspace was created for another index");
    size_t k = opts->k < idx->n_live ? opts->k : idx->n_live, m = 0;
    if ((st = grow_ws(w, k, n_terms)) != LK_OK) return st;
    *hits = w->out;
    if ((st = lk_bm25_params_check(&opts->params, err)) != LK_OK) return st;
    if ((st = query_stats(idx, w, terms, n_terms, &opts->params)) != LK_OK)
        return lk_error_set(err, st, "corrupt index (postings)");
    for (size_t j = 0; j < idx->m.n && k > 0; j++) {
        size_t i = idx->order[j];
        coll_stats g = {(double)idx->n_live, idx->avgdl, w->gdf, idx->m.n > 1 ? w->best : NULL,
                        w->tix + i * n_terms, idx->deleted[i], idx->base[i],
                        m == k ? w->out[k - 1].score : -HUGE_VAL};
        st = search_segment(w->sw[i], n_terms, opts, &g, &w->h[i], &w->nh[i], err);
        if (st != LK_OK) return st;
        merge_hits(idx, w, i, k, &m);
    }
    *hits = w->out;
    *n_hits = m;
    return LK_OK;
}
