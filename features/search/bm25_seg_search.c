/* bm25_seg_search.c: top-k search of one segment (bm25_seg_internal.h) with the
   collection's statistics: MaxScore with windowed accumulation, and the exhaustive
   reference path. bm25_index.c searches the segments of an index and merges their hits. */
#include "features/search/bm25_seg_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/search/bm25_index_internal.h"
#include "features/search/postings.h"

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c) return c;
    return na < nb ? -1 : na > nb;
}

#define WINDOW_BITS 12
#define WINDOW ((uint32_t)1 << WINDOW_BITS) /* documents per MaxScore accumulation window */
#define WINDOW_MIN 128u                        /* the first window; sizes double up to WINDOW */

typedef struct {
    uint64_t term;  /* dictionary index (n_terms + j: the query's synonym j, lk_bm25__coll) */
    uint32_t qtf;   /* times the term occurs in the query */
    size_t at;      /* its first position in the query */
    double weight;  /* qtf * idf */
    double ub;      /* upper bound of the term's contribution */
    double okey;    /* scoring-order key: the collection's bound (ub for one segment) */
    uint32_t bb_last; /* MaxScore: last doc of the block whose bound is bb (0: none yet) */
    double bb;
    lk_postings_cursor cur;
} qterm;

/* A resolved query term: dictionary index and position in the query. */
typedef struct {
    uint64_t term;
    size_t at;
} term_ref;

struct lk_bm25__seg_ws {
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
};

void lk_bm25__seg_ws_free(lk_bm25__seg_ws *ws)
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

lk_status lk_bm25__seg_ws_create(const lk_bm25__seg *seg, lk_bm25__seg_ws **out)
{
    *out = NULL;
    lk_bm25__seg_ws *ws = calloc(1, sizeof *ws);
    if (!ws) return LK_ERR_NOMEM;
    ws->seg = seg;
    ws->norm = malloc(((size_t)seg->n_docs + 1) * sizeof *ws->norm);
    ws->wacc = calloc(WINDOW, sizeof *ws->wacc);
    ws->wbits = calloc(WINDOW / 64, sizeof *ws->wbits);
    if (!ws->norm || !ws->wacc || !ws->wbits) {
        lk_bm25__seg_ws_free(ws);
        return LK_ERR_NOMEM;
    }
    *out = ws;
    return LK_OK;
}

static void ensure_norms(lk_bm25__seg_ws *ws, const lk_bm25_params *p)
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
static void heap_offer(lk_bm25__seg_ws *ws, uint32_t doc, double score)
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
static double threshold(const lk_bm25__seg_ws *ws)
{
    if (ws->heap_n < ws->heap_cap) return ws->floor;
    return ws->heap[0].score > ws->floor ? ws->heap[0].score : ws->floor;
}

/* Sort the heap into the result order (best first). */
static void heap_finish(lk_bm25__seg_ws *ws)
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

/* Resolve query terms into ws->qt (unique, canonical order) with weights and bounds, with
   the collection's statistics g. */
static lk_status prepare_terms(lk_bm25__seg_ws *ws, size_t n_terms, const lk_bm25_params *p,
                               const lk_bm25__coll *g, size_t *n_qt)
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
        size_t len, slack;
        uint32_t df;
        if (q->term < x->n_terms) {
            lk_bm25__seg_postings(x, q->term, &data, &len, &df);
            slack = (size_t)(x->post + x->post_len - (data + len)); /* the next lists */
        } else { /* a synonym: its list in memory */
            const lk_bm25__vterm *v = &g->vt[q->term - x->n_terms];
            data = v->post;
            len = v->len;
            slack = v->slack;
            df = v->df;
        }
        q->weight = q->qtf * lk_bm25_idf(p->variant, ws->n_docs, (double)gdf[q->at]);
        lk_tf_dl pairs[LK_POSTINGS_MAX_FRONTIER];
        size_t np = 0;
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
static void order_terms(lk_bm25__seg_ws *ws, size_t m)
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
static lk_status search_exhaustive(lk_bm25__seg_ws *ws, size_t m, const lk_bm25_params *p)
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
static size_t first_nonessential(const lk_bm25__seg_ws *ws, size_t m, double theta)
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
maxscore(lk_bm25__seg_ws *ws, size_t m, const lk_bm25_params *p, const lk_bm25_variant variant)
{
    const double k1 = p->k1, delta = lk_bm25_delta(p), avgdl = ws->avgdl, b = p->b;
#define NORM(dl) lk_bm25_norm_d(variant, k1, b, (double)(dl), avgdl)
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
static lk_status search_maxscore(lk_bm25__seg_ws *ws, size_t m, const lk_bm25_params *p)
{
    switch (p->variant) {
    case LK_BM25_LUCENE:
    case LK_BM25_ROBERTSON: return maxscore(ws, m, p, LK_BM25_LUCENE);
    case LK_BM25_ATIRE: return maxscore(ws, m, p, LK_BM25_ATIRE);
    case LK_BM25_BM25L: return maxscore(ws, m, p, LK_BM25_BM25L);
    case LK_BM25_BM25PLUS: return maxscore(ws, m, p, LK_BM25_BM25PLUS);
    case LK_BM25_XAPIAN: return maxscore(ws, m, p, LK_BM25_XAPIAN);
    }
    return maxscore(ws, m, p, p->variant);
}

lk_status lk_bm25__seg_search(lk_bm25__seg_ws *ws, size_t n_terms,
                              const lk_bm25_search_opts *opts, const lk_bm25__coll *g,
                              const lk_bm25_hit **hits, size_t *n_hits, lk_error *err)
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
