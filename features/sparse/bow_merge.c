/* bow_merge.c: lk_bow_drain_into, the merge step of a fit split over threads: each thread
   counts its documents with its own lk_bow (own term table), and the rows of the second are
   moved to the end of the first, their term ids mapped into its table. The finished matrix
   equals a one-thread fit's bit for bit: columns are chosen and sorted by the terms' strings
   and document frequencies, never by term ids. */
#include "features/sparse/bow.h"

#include <stdlib.h>
#include <string.h>

#include "features/features_internal.h"

void lk_bow_idmap_free(lk_bow_idmap *m)
{
    if (!m) return;
    free(m->id);
    memset(m, 0, sizeof *m);
}

#define SLOT_AHEAD 16
#define ENTRY_AHEAD 8

/* Map b's ids from m->n on into a's table (inserting them): a unit by its bytes, an n-gram
   by its mapped (prefix, last) pair; both parts of an n-gram have smaller ids than it. */
static lk_status map_new_ids(lk_bow *a, const lk_bow *b, lk_bow_idmap *m)
{
    const lk_termtab *bt = &b->tab;
    size_t n0 = m->n, n1 = bt->n;
    if (n1 <= n0) return LK_OK;
    lk_status st = lk_grow_ptr(&m->id, &m->cap, n1, sizeof *m->id);
    if (st != LK_OK) return st;
    uint64_t *pair = malloc((n1 - n0) * sizeof *pair);
    if (!pair) return LK_ERR_NOMEM;
    for (size_t i = 0; i < n1 - n0; i++) pair[i] = UINT64_MAX;
    for (size_t j = 0; j <= bt->pmask; j++) {
        const lk_pair_slot *s = &bt->pslots[j];
        if (s->key != UINT64_MAX && s->id >= n0 && s->id < n1) pair[s->id - n0] = s->key;
    }
    for (size_t id = n0; id < n1 && st == LK_OK; id++) {
        /* a's table is mostly cache misses: each unit's slot is prefetched 16 ids ahead,
           its entry 8 ahead (once the slot is in cache) */
        if (id + SLOT_AHEAD < n1 && pair[id + SLOT_AHEAD - n0] == UINT64_MAX)
            lk_termtab_prefetch_slot(&a->tab, bt->str[id + SLOT_AHEAD].hash);
        if (id + ENTRY_AHEAD < n1 && pair[id + ENTRY_AHEAD - n0] == UINT64_MAX)
            lk_termtab_prefetch_entry(&a->tab, bt->str[id + ENTRY_AHEAD].hash);
        uint64_t k = pair[id - n0];
        if (k != UINT64_MAX) {
            st = lk_termtab_pair(&a->tab, m->id[k >> 32], m->id[(uint32_t)k], true, &m->id[id]);
        } else {
            size_t len;
            const char *s = lk_termtab_str(bt, (uint32_t)id, &len);
            st = lk_termtab_unit_hashed(&a->tab, s, len, bt->str[id].hash, true, &m->id[id]);
        }
    }
    free(pair);
    if (st == LK_OK) m->n = n1;
    return st;
}

/* b's rows r0 .. r1-1 of chunk c (of n_chunks equal shares of the rows), their ids mapped,
   into a's matrix from entry `base` on: in their order, or the last row first (reversed). */
typedef struct {
    int32_t *ind;
    double *dat;
    size_t base;
    const int32_t *from_ind;
    const double *from_dat;
    const int64_t *ip; /* b's rows: ip[0] == 0 */
    int64_t rows;
    const uint32_t *id;
    size_t n_chunks;
    bool reversed;
} copy_job;

static void copy_rows(void *arg, size_t chunk)
{
    const copy_job *j = arg;
    int64_t per = j->rows / (int64_t)j->n_chunks, r0 = per * (int64_t)chunk;
    int64_t r1 = chunk + 1 < j->n_chunks ? r0 + per : j->rows;
    const int64_t *ip = j->ip;
    for (int64_t r = r0; r < r1; r++) {
        size_t to = j->base + (size_t)(j->reversed ? ip[j->rows] - ip[r + 1] : ip[r]);
        for (size_t k = (size_t)ip[r]; k < (size_t)ip[r + 1]; k++, to++) {
            j->ind[to] = (int32_t)j->id[j->from_ind[k]];
            j->dat[to] = j->from_dat[k];
        }
    }
}

#define COPY_SPLIT_MIN 65536 /* fewer entries are copied on one thread */
#define COPY_CHUNKS 8        /* shares the two threads take one by one */

/* lk_bow_drain_into; reversed: b's rows are a's next rows last first. */
static lk_status drain(lk_bow *a, lk_bow *b, lk_bow_idmap *m, bool reversed)
{
    if (!a || !b || a->fixed != b->fixed || a->finished || b->finished) return LK_ERR_ARG;
    lk_status st = map_new_ids(a, b, m);
    if (st != LK_OK) return st;
    int64_t rows = b->n_docs - b->drained;
    size_t nnz = b->nnz, need;
    if (rows <= 0) return LK_OK;
    if (a->n_docs > INT32_MAX - rows) return LK_ERR_RANGE;
    if (lk_add_size(a->nnz, nnz, &need) != LK_OK) return LK_ERR_RANGE;
    if (need > a->nnz_cap) {
        size_t ci = a->nnz_cap, cd = a->nnz_cap;
        st = lk_huge_grow((void **)&a->indices, &ci, need, sizeof *a->indices);
        if (st == LK_OK) st = lk_huge_grow((void **)&a->data, &cd, need, sizeof *a->data);
        if (st != LK_OK) return st;
        a->nnz_cap = ci < cd ? ci : cd;
    }
    size_t rows_need = (size_t)(a->n_docs + rows) + 1;
    if (rows_need > a->indptr_cap &&
        (st = lk_grow_ptr(&a->indptr, &a->indptr_cap, rows_need, sizeof *a->indptr)) != LK_OK)
        return st;
    const int64_t *ip = b->indptr + b->drained; /* ip[0] == 0 */
    /* with threads == 2 (a fit split over two threads), the rows in chunks on both */
    bool two = a->cfg.threads == 2 && nnz >= COPY_SPLIT_MIN;
    copy_job j = {a->indices, a->data, a->nnz, b->indices, b->data, ip, rows, m->id,
                  two ? COPY_CHUNKS : 1, reversed};
    lk_pool_run(a->pool, copy_rows, &j, j.n_chunks);
    for (int64_t r = 1; r <= rows; r++)
        a->indptr[a->n_docs + r] =
            (int64_t)a->nnz + (reversed ? ip[rows] - ip[rows - r] : ip[r]);
    a->n_docs += rows;
    a->nnz += nnz;
    /* b keeps counting documents (its per-id stamps stay unique), into an empty matrix */
    b->drained = b->n_docs;
    b->indptr[b->n_docs] = 0;
    b->nnz = 0;
    return LK_OK;
}

lk_status lk_bow_drain_into(lk_bow *a, lk_bow *b, lk_bow_idmap *m)
{
    return drain(a, b, m, false);
}

lk_status lk_bow_drain_reversed_into(lk_bow *a, lk_bow *b, lk_bow_idmap *m)
{
    return drain(a, b, m, true);
}
