/* postings.c: bit-packed block codec with skip table and (tf, dl) bound frontier. */
#define _DEFAULT_SOURCE /* getc_unlocked */
#include "features/search/postings.h"

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

bool lk_varint_fget(FILE *fp, uint64_t *v)
{
    uint64_t r = 0;
    for (int i = 0; i < 10; i++) {
        int c = getc_unlocked(fp);
        if (c == EOF || (i == 9 && c > 1)) return false;
        r |= (uint64_t)(c & 0x7F) << (7 * i);
        if (!(c & 0x80)) {
            *v = r;
            return true;
        }
    }
    return false;
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

/* Bits needed for v (0 for 0). */
static unsigned bit_width(uint32_t v)
{
    return v ? 32u - (unsigned)__builtin_clz(v) : 0u;
}

/* Pack v[i] - sub (i < n) in w bits each, LSB first, into q; returns the end. */
static unsigned char *pack(unsigned char *q, const uint32_t *v, size_t n, uint32_t sub, unsigned w)
{
    uint64_t acc = 0;
    unsigned nbits = 0;
    if (w == 0) return q;
    for (size_t i = 0; i < n; i++) {
        acc |= (uint64_t)(v[i] - sub) << nbits;
        nbits += w;
        while (nbits >= 8) {
            *q++ = (unsigned char)acc;
            acc >>= 8;
            nbits -= 8;
        }
    }
    if (nbits) *q++ = (unsigned char)acc;
    return q;
}

lk_status lk_postings_encode(const uint32_t *docs, const uint32_t *tfs, size_t n,
                             const uint32_t *doclens, lk_bytes *out)
{
    lk_tf_dl front[LK_POSTINGS_MAX_FRONTIER + 1];
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) frontier_add(front, &nf, tfs[i], doclens[docs[i]]);

    size_t n_blocks = (n + LK_POSTINGS_BLOCK - 1) / LK_POSTINGS_BLOCK;
    size_t worst;
    if (lk_mul_size(n, 8, &worst) != LK_OK) return LK_ERR_RANGE;
    worst += 10 + nf * 20 + n_blocks * (LK_POSTINGS_SKIP_ENTRY + 2);
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
    for (size_t b = 0; b < n_blocks; b++) {
        size_t lo = b * LK_POSTINGS_BLOCK, hi = lo + LK_POSTINGS_BLOCK;
        if (hi > n) hi = n;
        uint32_t base = b ? docs[lo - 1] + 1 : 0;
        uint32_t max_tf = 0, min_dl = UINT32_MAX;
        for (size_t i = lo; i < hi; i++) {
            if (tfs[i] > max_tf) max_tf = tfs[i];
            if (doclens[docs[i]] < min_dl) min_dl = doclens[docs[i]];
        }
        unsigned wd = bit_width(docs[hi - 1] - base), wt = bit_width(max_tf - 1);
        *q++ = (unsigned char)wd;
        *q++ = (unsigned char)wt;
        q = pack(q, docs + lo, hi - lo, base, wd);
        q = pack(q, tfs + lo, hi - lo, 1, wt);
        unsigned char *e = skip + b * LK_POSTINGS_SKIP_ENTRY;
        lk_put_u32(e, docs[hi - 1]);
        lk_put_u32(e + 4, (uint32_t)(q - blocks));
        lk_put_u32(e + 8, max_tf);
        lk_put_u32(e + 12, min_dl);
    }
    out->len = (size_t)(q - out->data);
    return LK_OK;
}

/* lk_varint_get with the one-byte case inline. */
static inline size_t varint_get(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
    if (p < end && p[0] < 0x80u) {
        *v = p[0];
        return 1;
    }
    return lk_varint_get(p, end, v);
}

/* Parse the frontier; returns the byte offset after it, 0 on error. */
static size_t read_frontier(const unsigned char *data, size_t len, lk_tf_dl *pairs, size_t *n)
{
    const unsigned char *p = data, *end = data + len;
    uint64_t nf, a, b;
    size_t k = varint_get(p, end, &nf);
    if (!k || nf > LK_POSTINGS_MAX_FRONTIER) return 0;
    p += k;
    for (uint64_t i = 0; i < nf; i++) {
        if (!(k = varint_get(p, end, &a)) || a > UINT32_MAX) return 0;
        p += k;
        if (!(k = varint_get(p, end, &b)) || b > UINT32_MAX) return 0;
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

/* 8 little-endian bytes at p (all readable). */
static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&v, p, 8);
#else
    v = lk_get_u64(p);
#endif
    return v;
}

/* Up to 8 little-endian bytes at p, of which only `avail` (< 8) are readable; zero-filled. */
static uint64_t load_tail(const unsigned char *p, size_t avail)
{
    unsigned char b[8] = {0};
    memcpy(b, p, avail < 8 ? avail : 8);
    return lk_get_u64(b);
}

/* Value i of width w (1..32) packed at p; 8 bytes must be readable at its byte. */
static inline uint32_t packed_at(const unsigned char *p, uint32_t i, unsigned w)
{
    size_t bit = (size_t)i * w;
    return (uint32_t)((load64(p + (bit >> 3)) >> (bit & 7)) & (((uint64_t)1 << w) - 1));
}

/* The fast part of unpack for a constant width w: every 8-byte load is readable. */
static inline __attribute__((always_inline)) void unpack_fixed(const unsigned char *p, uint32_t n,
                                                               unsigned w, uint32_t add,
                                                               uint32_t *out)
{
    const uint64_t mask = ((uint64_t)1 << w) - 1;
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8, p += w) /* 8 values fill w bytes */
        for (unsigned j = 0; j < 8; j++)
            out[i + j] = (uint32_t)((load64(p + (j * w >> 3)) >> (j * w & 7)) & mask) + add;
    for (unsigned j = 0; i < n; i++, j++)
        out[i] = (uint32_t)((load64(p + (j * w >> 3)) >> (j * w & 7)) & mask) + add;
}

/* out[i] = (value i of width w packed at p) + add, i < n; p[0..avail) is readable. */
static void unpack(const unsigned char *p, size_t avail, unsigned w, uint32_t n, uint32_t add,
                   uint32_t *out)
{
    uint32_t i = 0;
    if (w == 0) {
        for (; i < n; i++) out[i] = add;
        return;
    }
    const uint64_t mask = ((uint64_t)1 << w) - 1;
    uint32_t nfast = 0; /* values whose 8-byte load stays inside p[0..avail) */
    if (avail >= 8) {
        size_t f = ((avail - 8) * 8 + 7) / w + 1;
        nfast = f < n ? (uint32_t)f : n;
    }
    switch (w) { /* a loop per width: constant shifts and masks */
#define W(k) case k: unpack_fixed(p, nfast, k, add, out); break;
        W(1) W(2) W(3) W(4) W(5) W(6) W(7) W(8) W(9) W(10) W(11) W(12) W(13) W(14) W(15) W(16)
        W(17) W(18) W(19) W(20) W(21) W(22) W(23) W(24) W(25) W(26) W(27) W(28) W(29) W(30)
        W(31) W(32)
#undef W
    }
    i = nfast;
    size_t bit = (size_t)nfast * w;
    for (; i < n; i++, bit += w)
        out[i] = (uint32_t)((load_tail(p + (bit >> 3), avail - (bit >> 3)) >> (bit & 7)) & mask) +
                 add;
}

static void cursor_fail(lk_postings_cursor *c)
{
    c->cnt_ = c->ndec_ = 0;
    c->bad = true;
    c->doc = LK_DOC_END;
    c->block_ = c->n_blocks_;
}

static void cursor_end(lk_postings_cursor *c)
{
    c->cnt_ = c->ndec_ = 0;
    c->doc = LK_DOC_END;
    c->block_ = c->n_blocks_;
}

static inline uint32_t skip_last(const lk_postings_cursor *c, uint32_t b)
{
    return lk_get_u32(c->skip_ + (size_t)b * LK_POSTINGS_SKIP_ENTRY);
}

/* Decode the current block into docs_/tfs_ and check it: doc ids strictly increasing from
   base_ to last_, tfs >= 1. */
static bool decode_block(lk_postings_cursor *c)
{
    uint32_t cnt = c->cnt_;
    unpack(c->pd_, (size_t)(c->blocks_end_ - c->pd_), c->wd_, cnt, c->base_, c->docs_);
    unpack(c->pt_, (size_t)(c->blocks_end_ - c->pt_), c->wt_, cnt, 1, c->tfs_);
    uint32_t bad = (c->docs_[0] < c->base_) | (c->docs_[cnt - 1] != c->last_);
    for (uint32_t i = 1; i < cnt; i++) bad |= c->docs_[i] <= c->docs_[i - 1];
    if (c->wt_ == 32)
        for (uint32_t i = 0; i < cnt; i++) bad |= c->tfs_[i] == 0;
    if (bad) {
        cursor_fail(c);
        return false;
    }
    c->ndec_ = cnt;
    return true;
}

/* Make block b current without decoding it (unless its end is too close to the end of the
   list for 8-byte loads: then it is decoded); position on nothing yet. False on corrupt
   bytes (the cursor then fails). */
static bool open_block(lk_postings_cursor *c, uint32_t b)
{
    size_t start = b ? lk_get_u32(c->skip_ + (size_t)(b - 1) * LK_POSTINGS_SKIP_ENTRY + 4) : 0;
    size_t stop = lk_get_u32(c->skip_ + (size_t)b * LK_POSTINGS_SKIP_ENTRY + 4);
    size_t len = (size_t)(c->blocks_end_ - c->blocks_);
    uint32_t last = skip_last(c, b), prev = b ? skip_last(c, b - 1) : 0;
    uint32_t cnt = c->df_ - b * LK_POSTINGS_BLOCK;
    if (cnt > LK_POSTINGS_BLOCK) cnt = LK_POSTINGS_BLOCK;
    if (start > stop || stop > len || stop - start < 2 || last >= c->n_docs_ ||
        (b > 0 && last <= prev))
        goto bad;
    const unsigned char *p = c->blocks_ + start;
    unsigned wd = p[0], wt = p[1];
    if (wd > 32 || wt > 32 || last - (b ? prev + 1 : 0) < cnt - 1) goto bad;
    size_t nd = ((size_t)cnt * wd + 7) / 8, nt = ((size_t)cnt * wt + 7) / 8;
    if (2 + nd + nt != stop - start) goto bad;
    c->block_ = b;
    c->cnt_ = cnt;
    c->ndec_ = 0;
    c->pos_ = 0;
    c->base_ = b ? prev + 1 : 0;
    c->last_ = last;
    c->wd_ = wd;
    c->wt_ = wt;
    c->pd_ = p + 2;
    c->pt_ = p + 2 + nd;
    if (c->blocks_ + stop + 8 > c->read_end_) return decode_block(c);
    /* in place: the last offset must be the block's last doc (binary searches rely on it) */
    if ((wd ? packed_at(c->pd_, cnt - 1, wd) : 0) != last - c->base_) goto bad;
    return true;
bad:
    cursor_fail(c);
    return false;
}

/* Set doc and tf from position pos_ of the current block. */
static inline void set_current(lk_postings_cursor *c)
{
    uint32_t i = c->pos_;
    if (c->ndec_) {
        c->doc = c->docs_[i];
        c->tf = c->tfs_[i];
        return;
    }
    uint32_t off = c->wd_ ? packed_at(c->pd_, i, c->wd_) : 0;
    uint32_t tf = (c->wt_ ? packed_at(c->pt_, i, c->wt_) : 0) + 1;
    if (off > c->last_ - c->base_ || tf == 0) {
        cursor_fail(c);
        return;
    }
    c->doc = c->base_ + off;
    c->tf = tf;
}

bool lk_postings_cursor_init(lk_postings_cursor *cur, const unsigned char *data, size_t len,
                             uint32_t df, uint32_t n_docs)
{
    return lk_postings_cursor_init_frontier(cur, data, len, 0, df, n_docs, NULL, NULL);
}

bool lk_postings_cursor_init_frontier(lk_postings_cursor *cur, const unsigned char *data,
                                      size_t len, size_t slack, uint32_t df, uint32_t n_docs,
                                      lk_tf_dl *pairs, size_t *n)
{
    memset(cur, 0, offsetof(lk_postings_cursor, docs_));
    cur->n_docs_ = n_docs;
    cur->df_ = df;
    size_t off = read_frontier(data, len, pairs, n);
    uint32_t n_blocks = (uint32_t)((df + (uint64_t)LK_POSTINGS_BLOCK - 1) / LK_POSTINGS_BLOCK);
    if (!off || df == 0 || (len - off) / LK_POSTINGS_SKIP_ENTRY < n_blocks) {
        cursor_fail(cur);
        return false;
    }
    cur->n_blocks_ = n_blocks;
    cur->skip_ = data + off;
    cur->blocks_ = cur->skip_ + (size_t)n_blocks * LK_POSTINGS_SKIP_ENTRY;
    cur->blocks_end_ = data + len;
    cur->read_end_ = cur->blocks_end_ + slack;
    if (!open_block(cur, 0)) return false;
    set_current(cur);
    return !cur->bad;
}

void lk_postings_next_block(lk_postings_cursor *cur)
{
    if (cur->doc == LK_DOC_END) return;
    if (cur->pos_ + 1 < cur->cnt_) { /* read in place so far: decode the rest of the block */
        if (!decode_block(cur)) return;
    } else {
        if (cur->block_ + 1 >= cur->n_blocks_) {
            cursor_end(cur);
            return;
        }
        if (!open_block(cur, cur->block_ + 1)) return;
        if (!cur->ndec_ && !decode_block(cur)) return;
        cur->pos_ = (uint32_t)-1;
    }
    cur->pos_++;
    cur->doc = cur->docs_[cur->pos_];
    cur->tf = cur->tfs_[cur->pos_];
}

uint32_t lk_postings_bulk(lk_postings_cursor *cur, const uint32_t **docs, const uint32_t **tfs)
{
    if (cur->doc == LK_DOC_END) return 0;
    if (!cur->ndec_ && !decode_block(cur)) return 0;
    *docs = cur->docs_ + cur->pos_;
    *tfs = cur->tfs_ + cur->pos_;
    return cur->cnt_ - cur->pos_;
}

bool lk_postings_block_at(lk_postings_cursor *cur, uint32_t target, uint32_t *max_tf,
                          uint32_t *min_dl, uint32_t *last)
{
    uint32_t b = cur->shallow_ > cur->block_ ? cur->shallow_ : cur->block_;
    while (b < cur->n_blocks_ && skip_last(cur, b) < target) b++;
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
    uint32_t pos = cur->pos_ + 1; /* the current doc is below target */
    if (cur->last_ < target) {
        uint32_t b = cur->block_ + 1;
        /* lk_postings_block_at may have found the block already */
        if (cur->shallow_ > b && skip_last(cur, cur->shallow_ - 1) < target) b = cur->shallow_;
        while (b < cur->n_blocks_ && skip_last(cur, b) < target) b++;
        if (b >= cur->n_blocks_) {
            cursor_end(cur);
            return;
        }
        if (!open_block(cur, b)) return;
        pos = 0;
    }
    /* the block's last doc is >= target: the search stops inside it */
    if (cur->ndec_) {
        while (cur->docs_[pos] < target) pos++;
    } else {
        uint32_t t = target - cur->base_, hi = cur->cnt_ - 1;
        if (cur->wd_) {
            /* gallop from pos (probes move forward in small steps), then binary search */
            for (uint32_t step = 1; pos < hi; step *= 2) {
                uint32_t at = pos + step - 1 < hi ? pos + step - 1 : hi;
                if (packed_at(cur->pd_, at, cur->wd_) >= t) {
                    hi = at;
                    break;
                }
                pos = at + 1;
            }
            while (pos < hi) {
                uint32_t mid = pos + (hi - pos) / 2;
                if (packed_at(cur->pd_, mid, cur->wd_) < t) pos = mid + 1;
                else hi = mid;
            }
        } else {
            pos = hi; /* one posting (offset 0) */
        }
    }
    cur->pos_ = pos;
    set_current(cur);
}
