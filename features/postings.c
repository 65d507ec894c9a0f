/* postings.c: varint block codec with skip table and (tf, dl) bound frontier. */
#include "features/postings.h"

#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"

void lk_bytes_free(lk_bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

lk_status lk_bytes_reserve(lk_bytes *b, size_t extra)
{
    size_t need;
    if (lk_add_size(b->len, extra, &need) != LK_OK) return LK_ERR_RANGE;
    if (need <= b->cap) return LK_OK;
    void *p = b->data;
    lk_status st = lk_grow(&p, &b->cap, need, 1);
    if (st == LK_OK) b->data = p;
    return st;
}

lk_status lk_bytes_append(lk_bytes *b, const void *src, size_t n)
{
    lk_status st = lk_bytes_reserve(b, n);
    if (st != LK_OK) return st;
    if (n) memcpy(b->data + b->len, src, n);
    b->len += n;
    return LK_OK;
}

size_t lk_varint_put(unsigned char *p, uint64_t v)
{
    size_t i = 0;
    while (v >= 0x80u) {
        p[i++] = (unsigned char)(v | 0x80u);
        v >>= 7;
    }
    p[i++] = (unsigned char)v;
    return i;
}

size_t lk_varint_get(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
    uint64_t r = 0;
    for (size_t i = 0; i < 10 && p + i < end; i++) {
        uint64_t byte = p[i];
        if (i == 9 && byte > 1u) return 0;
        r |= (byte & 0x7Fu) << (7 * i);
        if (!(byte & 0x80u)) {
            *v = r;
            return i + 1;
        }
    }
    return 0;
}

/* ---- bound frontier --------------------------------------------------------------- */

/* Insert (tf, dl) into the frontier f[0..*n) kept sorted by tf ascending (and so dl
   ascending). Dominated points are dropped; above the cap, the closest adjacent pair is
   replaced by its dominating corner (max tf, min dl), which keeps every bound valid. */
static void frontier_add(lk_tf_dl *f, size_t *n, uint32_t tf, uint32_t dl)
{
    size_t m = *n;
    for (size_t i = 0; i < m; i++)
        if (f[i].tf >= tf && f[i].dl <= dl) return;
    size_t w = 0;
    for (size_t i = 0; i < m; i++)
        if (!(tf >= f[i].tf && dl <= f[i].dl)) f[w++] = f[i];
    m = w;
    size_t at = 0;
    while (at < m && f[at].tf < tf) at++;
    memmove(f + at + 1, f + at, (m - at) * sizeof *f);
    f[at].tf = tf;
    f[at].dl = dl;
    m++;
    if (m > LK_POSTINGS_MAX_FRONTIER) {
        size_t best = 0;
        double best_cost = 1e300;
        for (size_t i = 0; i + 1 < m; i++) {
            double cost = (double)(f[i + 1].tf - f[i].tf) / f[i + 1].tf +
                          (double)(f[i + 1].dl - f[i].dl) / (f[i + 1].dl + 1.0);
            if (cost < best_cost) {
                best_cost = cost;
                best = i;
            }
        }
        f[best].tf = f[best + 1].tf;
        memmove(f + best + 1, f + best + 2, (m - best - 2) * sizeof *f);
        m--;
    }
    *n = m;
}

lk_status lk_postings_encode(const uint32_t *docs, const uint32_t *tfs, size_t n,
                             const uint32_t *doclens, lk_bytes *out)
{
    lk_tf_dl front[LK_POSTINGS_MAX_FRONTIER + 1];
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) frontier_add(front, &nf, tfs[i], doclens[docs[i]]);

    size_t n_blocks = (n + LK_POSTINGS_BLOCK - 1) / LK_POSTINGS_BLOCK;
    size_t worst;
    if (lk_mul_size(n, 20, &worst) != LK_OK) return LK_ERR_RANGE;
    worst += 10 + nf * 20 + n_blocks * LK_POSTINGS_SKIP_ENTRY;
    lk_status st = lk_bytes_reserve(out, worst);
    if (st != LK_OK) return st;

    unsigned char *p = out->data + out->len;
    p += lk_varint_put(p, nf);
    for (size_t i = 0; i < nf; i++) {
        p += lk_varint_put(p, front[i].tf);
        p += lk_varint_put(p, front[i].dl);
    }
    unsigned char *skip = p;
    unsigned char *blocks = skip + n_blocks * LK_POSTINGS_SKIP_ENTRY;
    unsigned char *q = blocks;
    uint32_t prev = 0;
    for (size_t b = 0; b < n_blocks; b++) {
        size_t lo = b * LK_POSTINGS_BLOCK, hi = lo + LK_POSTINGS_BLOCK;
        if (hi > n) hi = n;
        for (size_t i = lo; i < hi; i++) {
            q += lk_varint_put(q, docs[i] - prev);
            q += lk_varint_put(q, tfs[i]);
            prev = docs[i];
        }
        uint32_t max_tf = 0, min_dl = UINT32_MAX;
        for (size_t i = lo; i < hi; i++) {
            if (tfs[i] > max_tf) max_tf = tfs[i];
            if (doclens[docs[i]] < min_dl) min_dl = doclens[docs[i]];
        }
        unsigned char *e = skip + b * LK_POSTINGS_SKIP_ENTRY;
        lk_put_u32(e, docs[hi - 1]);
        lk_put_u32(e + 4, (uint32_t)(q - blocks));
        lk_put_u32(e + 8, max_tf);
        lk_put_u32(e + 12, min_dl);
    }
    out->len = (size_t)(q - out->data);
    return LK_OK;
}

/* Parse the frontier; returns the byte offset after it, 0 on error. */
static size_t read_frontier(const unsigned char *data, size_t len, lk_tf_dl *pairs, size_t *n)
{
    const unsigned char *p = data, *end = data + len;
    uint64_t nf, a, b;
    size_t k = lk_varint_get(p, end, &nf);
    if (!k || nf > LK_POSTINGS_MAX_FRONTIER) return 0;
    p += k;
    for (uint64_t i = 0; i < nf; i++) {
        if (!(k = lk_varint_get(p, end, &a)) || a > UINT32_MAX) return 0;
        p += k;
        if (!(k = lk_varint_get(p, end, &b)) || b > UINT32_MAX) return 0;
        p += k;
        if (pairs) {
            pairs[i].tf = (uint32_t)a;
            pairs[i].dl = (uint32_t)b;
        }
    }
    if (n) *n = (size_t)nf;
    return (size_t)(p - data);
}

bool lk_postings_frontier(const unsigned char *data, size_t len, lk_tf_dl *pairs, size_t *n)
{
    return read_frontier(data, len, pairs, n) != 0;
}

/* ---- cursor ----------------------------------------------------------------------- */

static void cursor_fail(lk_postings_cursor *c)
{
    c->cnt_ = 0;
    c->bad = true;
    c->doc = LK_DOC_END;
    c->block_ = c->n_blocks_;
}

/* Decode block c->block_ into docs_/tfs_ and position on its first posting. */
static void load_block(lk_postings_cursor *c)
{
    uint32_t b = c->block_;
    if (b >= c->n_blocks_) {
        c->doc = LK_DOC_END;
        c->cnt_ = 0;
        return;
    }
    size_t start = b ? lk_get_u32(c->skip_ + (size_t)(b - 1) * LK_POSTINGS_SKIP_ENTRY + 4) : 0;
    size_t stop = lk_get_u32(c->skip_ + (size_t)b * LK_POSTINGS_SKIP_ENTRY + 4);
    uint32_t last = lk_get_u32(c->skip_ + (size_t)b * LK_POSTINGS_SKIP_ENTRY);
    uint32_t prev = b ? lk_get_u32(c->skip_ + (size_t)(b - 1) * LK_POSTINGS_SKIP_ENTRY) : 0;
    if (start > stop || stop > c->blocks_len_) {
        cursor_fail(c);
        return;
    }
    uint32_t cnt = c->df_ - b * LK_POSTINGS_BLOCK;
    if (cnt > LK_POSTINGS_BLOCK) cnt = LK_POSTINGS_BLOCK;
    const unsigned char *p = c->blocks_ + start, *end = c->blocks_ + stop;
    uint64_t doc = prev;
    for (uint32_t i = 0; i < cnt; i++) {
        uint64_t gap, tf;
        size_t k;
        if (p + 2 <= end && p[0] < 0x80u && p[1] < 0x80u) { /* the common case */
            gap = p[0];
            tf = p[1];
            p += 2;
        } else {
            if (!(k = lk_varint_get(p, end, &gap))) goto bad;
            p += k;
            if (!(k = lk_varint_get(p, end, &tf))) goto bad;
            p += k;
        }
        if ((gap == 0 && (b > 0 || i > 0)) || tf == 0 || tf > UINT32_MAX) goto bad;
        doc += gap;
        if (doc >= c->n_docs_) goto bad;
        c->docs_[i] = (uint32_t)doc;
        c->tfs_[i] = (uint32_t)tf;
    }
    if (p != end || doc != last) goto bad;
    c->cnt_ = cnt;
    c->pos_ = 0;
    c->doc = c->docs_[0];
    c->tf = c->tfs_[0];
    return;
bad:
    cursor_fail(c);
}

bool lk_postings_cursor_init(lk_postings_cursor *cur, const unsigned char *data, size_t len,
                             uint32_t df, uint32_t n_docs)
{
    memset(cur, 0, offsetof(lk_postings_cursor, docs_));
    cur->n_docs_ = n_docs;
    cur->df_ = df;
    size_t off = read_frontier(data, len, NULL, NULL);
    uint32_t n_blocks = (uint32_t)((df + (uint64_t)LK_POSTINGS_BLOCK - 1) / LK_POSTINGS_BLOCK);
    if (!off || df == 0 || (len - off) / LK_POSTINGS_SKIP_ENTRY < n_blocks) {
        cursor_fail(cur);
        return false;
    }
    cur->n_blocks_ = n_blocks;
    cur->skip_ = data + off;
    cur->blocks_ = cur->skip_ + (size_t)n_blocks * LK_POSTINGS_SKIP_ENTRY;
    cur->blocks_len_ = len - off - (size_t)n_blocks * LK_POSTINGS_SKIP_ENTRY;
    cur->block_ = 0;
    load_block(cur);
    return !cur->bad;
}

void lk_postings_next_block(lk_postings_cursor *cur)
{
    if (cur->doc == LK_DOC_END) return;
    cur->block_++;
    load_block(cur);
}

bool lk_postings_block_at(lk_postings_cursor *cur, uint32_t target, uint32_t *max_tf,
                          uint32_t *min_dl, uint32_t *last)
{
    uint32_t b = cur->shallow_ > cur->block_ ? cur->shallow_ : cur->block_;
    while (b < cur->n_blocks_ && lk_get_u32(cur->skip_ + (size_t)b * LK_POSTINGS_SKIP_ENTRY) < target)
        b++;
    cur->shallow_ = b;
    if (b >= cur->n_blocks_) return false;
    const unsigned char *e = cur->skip_ + (size_t)b * LK_POSTINGS_SKIP_ENTRY;
    *last = lk_get_u32(e);
    *max_tf = lk_get_u32(e + 8);
    *min_dl = lk_get_u32(e + 12);
    return true;
}

void lk_postings_advance(lk_postings_cursor *cur, uint32_t target)
{
    if (cur->doc >= target) return;
    uint32_t b = cur->block_;
    uint32_t last = lk_get_u32(cur->skip_ + (size_t)b * LK_POSTINGS_SKIP_ENTRY);
    if (last < target) {
        do {
            b++;
        } while (b < cur->n_blocks_ &&
                 lk_get_u32(cur->skip_ + (size_t)b * LK_POSTINGS_SKIP_ENTRY) < target);
        cur->block_ = b;
        load_block(cur);
        if (cur->doc == LK_DOC_END) return;
    }
    while (cur->docs_[cur->pos_] < target) cur->pos_++;
    cur->doc = cur->docs_[cur->pos_];
    cur->tf = cur->tfs_[cur->pos_];
}
