/* bm25_prefix.c: a prefix* as one query term of a segment (bm25_seg_internal.h): the
   postings of every term starting with the prefix, summed per document into one list and
   encoded as the dictionary's lists are, so the segment's search (MaxScore, block bounds,
   the exhaustive path) reads it as any other term. */
#include <stdlib.h>
#include <string.h>

#include "features/search/bm25_seg_internal.h"

#define PAD 8u /* zero bytes after a list: the cursor reads its last block in place */

struct lk_bm25__prefix_ws {
    uint32_t *tf;         /* per document of the segment: the summed tf, then for the listed
                             documents their length (the encoder's doclens); all 0 between
                             calls */
    uint64_t *seen;       /* documents with a tf (all 0 between calls) */
    size_t n_docs;        /* documents tf and seen have room for */
    uint32_t *docs, *tfs; /* the list */
    size_t list_cap;
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
    free(w);
}

/* Counters for n documents (zeroed). */
static lk_status reserve(lk_bm25__prefix_ws *w, size_t n)
{
    if (n <= w->n_docs && w->tf) return LK_OK;
    free(w->tf);
    free(w->seen);
    w->tf = calloc(n + 1, sizeof *w->tf);
    w->seen = calloc(n / 64 + 1, sizeof *w->seen);
    w->n_docs = w->tf && w->seen ? n : 0;
    return w->tf && w->seen ? LK_OK : LK_ERR_NOMEM;
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

/* The live documents seen, in order, into w->docs/tfs (*n of them), each one's counter
   replaced by its length; the other counters and the bitmap cleared. A pass over the bitmap
   (n_docs / 64 words). */
static lk_status collect(const lk_bm25__seg *s, const uint64_t *deleted, lk_bm25__prefix_ws *w,
                         size_t *n)
{
    lk_status st = LK_OK;
    *n = 0;
    for (uint32_t wi = 0; wi <= s->n_docs >> 6; wi++) {
        uint64_t word = w->seen[wi];
        w->seen[wi] = 0;
        while (word) {
            uint32_t d = (wi << 6) | (uint32_t)__builtin_ctzll(word);
            word &= word - 1;
            if ((deleted && (deleted[d >> 6] >> (d & 63)) & 1) || st != LK_OK) {
                w->tf[d] = 0;
                continue;
            }
            if (*n == w->list_cap) {
                size_t cap = w->list_cap;
                if (lk_grow_ptr(&w->docs, &cap, *n + 1, sizeof *w->docs) != LK_OK ||
                    lk_grow_ptr(&w->tfs, &w->list_cap, *n + 1, sizeof *w->tfs) != LK_OK) {
                    st = LK_ERR_NOMEM; /* go on clearing */
                    w->tf[d] = 0;
                    continue;
                }
            }
            w->docs[*n] = d;
            w->tfs[(*n)++] = w->tf[d];
            w->tf[d] = lk_bm25__seg_doc_len(s, d);
        }
    }
    return st;
}

lk_status lk_bm25__seg_prefix(const lk_bm25__seg *s, const uint64_t *deleted,
                              const lk_bm25_prefix *p, lk_bm25__prefix_ws *w, lk_bytes *out,
                              lk_bm25__vterm *v, lk_error *err)
{
    memset(v, 0, sizeof *v);
    out->len = 0;
    lk_status st = reserve(w, s->n_docs);
    if (st != LK_OK) return st;
    bool ok = true;
    uint64_t first, end, alt_first, alt_end;
    lk_bm25__seg_prefix_runs(s, p, &first, &end, &alt_first, &alt_end);
    for (uint64_t t = first; t < end && ok; t++) ok = add_term(s, t, w);
    for (uint64_t t = alt_first; t < alt_end && ok; t++) ok = add_term(s, t, w);
    size_t n;
    st = collect(s, deleted, w, &n); /* even after an error: it clears the counters */
    if (st == LK_OK && n) st = lk_postings_encode(w->docs, w->tfs, n, w->tf, out);
    for (size_t i = 0; i < n; i++) w->tf[w->docs[i]] = 0;
    if (!ok) return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (postings)",
                                 lk_bm25__seg_file(s));
    if (st != LK_OK || n == 0) return st;
    size_t list_len = out->len;
    static const unsigned char zeros[PAD];
    if ((st = lk_bytes_append(out, zeros, PAD)) != LK_OK) return st;
    *v = (lk_bm25__vterm){out->data, list_len, PAD, (uint32_t)n};
    return LK_OK;
}
