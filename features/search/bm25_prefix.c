/* bm25_prefix.c: a prefix* as one query term of a segment (bm25_seg_internal.h): the
   postings of every term starting with the prefix, summed per document into one list and
   encoded as the dictionary's lists are, so the segment's search (MaxScore, block bounds,
   the exhaustive path) reads it as any other term. */
#include <stdlib.h>
#include <string.h>

#include "features/search/bm25_seg_internal.h"

#define PAD 8u /* zero bytes after a list: the cursor reads its last block in place */

struct lk_bm25__prefix_ws {
    uint32_t *tf;    /* per document of the segment: the summed tf (all 0 between calls) */
    uint64_t *seen;  /* documents with a tf (all 0 between calls) */
    uint32_t *docs, *tfs; /* the list */
    uint32_t *dl;    /* document lengths by document number (set for the listed ones) */
    size_t cap;      /* documents the arrays have room for */
};

lk_status lk_bm25__prefix_ws_create(lk_bm25__prefix_ws **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? LK_OK : LK_ERR_NOMEM;
}

void lk_bm25__prefix_ws_free(lk_bm25__prefix_ws *w)
{
    if (!w) return;
    free(w->tf);
    free(w->seen);
    free(w->docs);
    free(w->tfs);
    free(w->dl);
    free(w);
}

/* Room for n documents (the counters zeroed). */
static lk_status reserve(lk_bm25__prefix_ws *w, size_t n)
{
    if (n <= w->cap && w->tf) return LK_OK;
    free(w->tf);
    free(w->seen);
    free(w->docs);
    free(w->tfs);
    free(w->dl);
    w->tf = calloc(n + 1, sizeof *w->tf);
    w->seen = calloc(n / 64 + 1, sizeof *w->seen);
    w->docs = malloc((n + 1) * sizeof *w->docs);
    w->tfs = malloc((n + 1) * sizeof *w->tfs);
    w->dl = malloc((n + 1) * sizeof *w->dl);
    w->cap = w->tf && w->seen && w->docs && w->tfs && w->dl ? n : 0;
    return w->cap == n ? LK_OK : LK_ERR_NOMEM;
}

/* Add the postings of term t of s into w's counters (the cursor keeps every document below
   s->n_docs, even in a corrupt list); false if they are corrupt. */
static bool add_term(const lk_bm25__seg *s, uint64_t t, lk_bm25__prefix_ws *w)
{
    const unsigned char *post;
    size_t plen;
    uint32_t df;
    lk_bm25__seg_postings(s, t, &post, &plen, &df);
    lk_postings_cursor c;
    lk_postings_cursor_init(&c, post, plen, df, s->n_docs);
    uint32_t *tf = w->tf;
    uint64_t *seen = w->seen;
    for (;;) {
        const uint32_t *dd, *tt;
        uint32_t n = lk_postings_bulk(&c, &dd, &tt);
        if (!n) break;
        for (uint32_t j = 0; j < n; j++) {
            uint32_t d = dd[j];
            seen[d >> 6] |= (uint64_t)1 << (d & 63);
            tf[d] += tt[j]; /* a document's tfs sum to at most its length (a u32) */
        }
        lk_postings_bulk_skip(&c, n);
    }
    return !c.bad;
}

lk_status lk_bm25__seg_prefix(const lk_bm25__seg *s, const uint64_t *deleted, const char *p,
                              size_t len, lk_bm25__prefix_ws *w, lk_bytes *out,
                              lk_bm25__vterm *v, lk_error *err)
{
    memset(v, 0, sizeof *v);
    out->len = 0;
    lk_status st = reserve(w, s->n_docs);
    if (st != LK_OK) return st;
    bool ok = true;
    for (uint64_t t = lk_bm25__seg_lower_bound(s, p, len); t < s->n_terms && ok; t++) {
        const char *ts;
        size_t tl, plen;
        const unsigned char *post;
        uint32_t df;
        lk_bm25__seg_term(s, t, &ts, &tl, &post, &plen, &df);
        if (tl < len || memcmp(ts, p, len) != 0) break;
        ok = add_term(s, t, w);
    }
    /* the live documents in order, the counters cleared on the way (even after an error): a
       pass over the bitmap, n_docs / 64 words */
    size_t n = 0;
    for (uint32_t wi = 0; wi <= s->n_docs >> 6; wi++) {
        uint64_t word = w->seen[wi];
        w->seen[wi] = 0;
        while (word) {
            uint32_t d = (wi << 6) | (uint32_t)__builtin_ctzll(word);
            word &= word - 1;
            if (!deleted || !((deleted[d >> 6] >> (d & 63)) & 1)) {
                w->docs[n] = d;
                w->tfs[n++] = w->tf[d];
                w->dl[d] = lk_bm25__seg_doc_len(s, d);
            }
            w->tf[d] = 0;
        }
    }
    if (!ok) return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (postings)",
                                 lk_bm25__seg_file(s));
    if (n == 0) return LK_OK;
    if ((st = lk_postings_encode(w->docs, w->tfs, n, w->dl, out)) != LK_OK) return st;
    size_t list_len = out->len;
    static const unsigned char zeros[PAD];
    if ((st = lk_bytes_append(out, zeros, PAD)) != LK_OK) return st;
    *v = (lk_bm25__vterm){out->data, list_len, PAD, (uint32_t)n};
    return LK_OK;
}
