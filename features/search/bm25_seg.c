/* bm25_seg.c: one segment, i.e. one LKBX file (bm25_seg_internal.h): opening (mmap or an
   image in memory, full validation), dictionary lookups through a sampled first-level index,
   postings, and the per-term score bounds. Lists of segments are bm25_index.c's. */
#define _POSIX_C_SOURCE 200809L
#include "features/search/bm25_seg_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "features/search/bm25_index_internal.h"
#include "features/search/postings.h"

/* ---- opening ---------------------------------------------------------------------------- */

#define DICT_SAMPLE_BITS 6
#define DICT_SAMPLE ((uint64_t)1 << DICT_SAMPLE_BITS)

/* A term's first 8 bytes, big-endian, zero-padded: keys order as their terms do (a term
   before another has a key below or equal to the other's). */
static inline uint64_t term_key(const unsigned char *s, size_t len)
{
    uint64_t k = 0;
    for (size_t i = 0; i < 8; i++) k = k << 8 | (i < len ? s[i] : 0u);
    return k;
}

static lk_status bad(lk_error *err, const char *path, const char *what)
{
    return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (%s)", path, what);
}

/* Section [off, off + len) must lie inside the payload. */
static bool in_payload(uint64_t off, uint64_t len, uint64_t plen)
{
    return off <= plen && len <= plen - off;
}

static lk_status parse_payload(lk_bm25__seg *x, const unsigned char *p, uint64_t plen,
                               uint32_t version, const char *path, lk_error *err)
{
    int n_meta = version >= 4 ? META_N_FIELDS : version == 3 ? META_N_FIELDS_V3 : META_N_FIELDS_V2;
    if (plen < 8u * (unsigned)n_meta) return bad(err, path, "header too short");
    uint64_t m[META_N_FIELDS] = {0};
    for (int i = 0; i < n_meta; i++) m[i] = lk_get_u64(p + 8u * (unsigned)i);
    uint64_t n_docs = m[META_N_DOCS], n_terms = m[META_N_TERMS];
    if (n_docs >= UINT32_MAX) return bad(err, path, "document count");
    if (n_terms > plen / DICT_ENTRY) return bad(err, path, "term count");
    if (!in_payload(m[META_SETTINGS_OFF], m[META_SETTINGS_LEN], plen) ||
        !in_payload(m[META_DOCLENS_OFF], n_docs * 4u, plen) ||
        !in_payload(m[META_IDOFFS_OFF], (n_docs + 1u) * 8u, plen) ||
        !in_payload(m[META_IDBLOB_OFF], m[META_IDBLOB_LEN], plen) ||
        !in_payload(m[META_DICT_OFF], n_terms * DICT_ENTRY, plen) ||
        !in_payload(m[META_TERMBLOB_OFF], m[META_TERMBLOB_LEN], plen) ||
        !in_payload(m[META_POST_OFF], m[META_POST_LEN], plen) ||
        !in_payload(m[META_STORE_OFF], m[META_STORE_LEN], plen) ||
        !in_payload(m[META_POS_OFF], m[META_POS_LEN], plen))
        return bad(err, path, "section out of bounds");
    if (version == 3 || (version >= 4 && m[META_STORE_LEN] > 0)) {
        lk_status st = lk_bm25__store_parse(p + m[META_STORE_OFF], m[META_STORE_LEN],
                                            (uint32_t)n_docs, &x->store, path, err);
        if (st != LK_OK) return st;
        x->has_store = true;
    }
    if (version >= 4) {
        lk_status st = lk_bm25__pos_parse(p + m[META_POS_OFF], m[META_POS_LEN], (uint32_t)n_docs,
                                          n_terms, &x->pos, path, err);
        if (st != LK_OK) return st;
        x->has_pos = true;
    }
    x->n_docs = (uint32_t)n_docs;
    x->n_terms = n_terms;
    x->total_len = m[META_TOTAL_LEN];
    x->settings = p + m[META_SETTINGS_OFF];
    x->settings_len = m[META_SETTINGS_LEN];
    x->doclens = p + m[META_DOCLENS_OFF];
    x->idoffs = p + m[META_IDOFFS_OFF];
    x->idblob = p + m[META_IDBLOB_OFF];
    x->idblob_len = m[META_IDBLOB_LEN];
    x->dict = p + m[META_DICT_OFF];
    x->termblob = p + m[META_TERMBLOB_OFF];
    x->termblob_len = m[META_TERMBLOB_LEN];
    x->post = p + m[META_POST_OFF];
    x->post_len = m[META_POST_LEN];

    uint64_t sum = 0, prev = 0;
    for (uint64_t d = 0; d < n_docs; d++) sum += lk_get_u32(x->doclens + 4 * d);
    if (sum != x->total_len) return bad(err, path, "document lengths");
    for (uint64_t d = 0; d <= n_docs; d++) {
        uint64_t o = lk_get_u64(x->idoffs + 8 * d);
        if (o < prev || o > x->idblob_len || (d == 0 && o != 0)) return bad(err, path, "doc ids");
        prev = o;
    }
    uint64_t prev_post = 0;
    x->n_skey = (n_terms + DICT_SAMPLE - 1) >> DICT_SAMPLE_BITS;
    if (x->n_skey && !(x->skey = malloc((size_t)x->n_skey * sizeof *x->skey)))
        return LK_ERR_NOMEM;
    for (uint64_t t = 0; t < n_terms; t++) {
        const unsigned char *e = x->dict + t * DICT_ENTRY;
        uint64_t toff = lk_get_u64(e), poff = lk_get_u64(e + 8);
        uint32_t df = lk_get_u32(e + 16), tlen = lk_get_u32(e + 20);
        if (!in_payload(toff, tlen, x->termblob_len) || df == 0 || df > n_docs ||
            poff < prev_post || poff >= x->post_len || (t == 0 && poff != 0))
            return bad(err, path, "dictionary");
        prev_post = poff;
        if (!(t & (DICT_SAMPLE - 1)))
            x->skey[t >> DICT_SAMPLE_BITS] = term_key(x->termblob + toff, tlen);
    }
    return LK_OK;
}

static lk_status open_image(const unsigned char *buf, size_t n, const char *path,
                            lk_bm25__seg *x, lk_error *err)
{
    const unsigned char *payload;
    uint64_t plen;
    uint32_t version;
    lk_status st = lk_envelope_check(buf, n, LK_BM25_INDEX_MAGIC, LK_BM25_INDEX_VERSION, path,
                                     &payload, &plen, &version, NULL, err);
    if (st != LK_OK) return st;
    if (version < LK_BM25_INDEX_VERSION_PLAIN) /* v1: varint postings */
        return lk_error_set(err, LK_ERR_FORMAT,
                            "%s: index format v%u is no longer read (this build reads v%u-v%u): "
                            "rebuild the index",
                            path, version, LK_BM25_INDEX_VERSION_PLAIN, LK_BM25_INDEX_VERSION);
    x->base = payload;
    return parse_payload(x, payload, plen, version, path, err);
}

lk_status lk_bm25__seg_open_mem(const void *buf, size_t n, lk_bm25__seg **out, lk_error *err)
{
    *out = NULL;
    lk_bm25__seg *x = calloc(1, sizeof *x);
    if (!x) return LK_ERR_NOMEM;
    lk_status st = open_image(buf, n, "<memory>", x, err);
    if (st != LK_OK) {
        lk_bm25__seg_free(x);
        return st;
    }
    *out = x;
    return LK_OK;
}

lk_status lk_bm25__seg_open(const char *file, lk_bm25__seg **out, lk_error *err)
{
    lk_status st;
    struct stat sb;
    int fd = -1;
    lk_bm25__seg *x = NULL;
    *out = NULL;
    if ((fd = open(file, O_RDONLY)) < 0 || fstat(fd, &sb) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", file, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size < (off_t)(LK_ENVELOPE_HEADER + 4)) {
        st = lk_error_set(err, LK_ERR_FORMAT, "%s: not a lexkit index (too short)", file);
        goto fail;
    }
    if (!(x = calloc(1, sizeof *x)) || !(x->file = strdup(file))) {
        st = LK_ERR_NOMEM;
        goto fail;
    }
    x->map_len = (size_t)sb.st_size;
    x->map = mmap(NULL, x->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (x->map == MAP_FAILED) {
        x->map = NULL;
        st = lk_error_set(err, LK_ERR_IO, "%s: mmap: %s", file, strerror(errno));
        goto fail;
    }
    if ((st = open_image(x->map, x->map_len, file, x, err)) != LK_OK) goto fail;
    close(fd);
    *out = x;
    return LK_OK;
fail:
    if (fd >= 0) close(fd);
    lk_bm25__seg_free(x);
    return st;
}

void lk_bm25__seg_free(lk_bm25__seg *s)
{
    if (!s) return;
    if (s->map) munmap(s->map, s->map_len);
    free(s->skey);
    free(s->file);
    if (s->has_store) lk_bm25__store_free(&s->store);
    free(s);
}

const char *lk_bm25__seg_file(const lk_bm25__seg *s) { return s->file ? s->file : "<memory>"; }

const lk_bm25__store *lk_bm25__seg_store(const lk_bm25__seg *s)
{
    return s->has_store ? &s->store : NULL;
}

const lk_bm25__pos *lk_bm25__seg_pos(const lk_bm25__seg *s) { return s->has_pos ? &s->pos : NULL; }

/* ---- the dictionary --------------------------------------------------------------------- */

/* Bytewise order of two terms (memcmp, then length), inline: terms are short and the
   binary search mostly compares terms that differ in their first bytes. */
static inline int cmp_term(const char *a, size_t na, const char *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
    return na < nb ? -1 : na > nb;
}

/* Dictionary index of term, or -1. The first-level index (x->skey, in cache) narrows the
   search to the terms between two samples, usually one block of DICT_SAMPLE terms, before
   the binary search touches the mapped dictionary. */
int64_t lk_bm25__seg_find(const lk_bm25__seg *x, const char *s, size_t len)
{
    const uint64_t *sk = x->skey, ks = term_key((const unsigned char *)s, len);
    size_t a = 0, b = (size_t)x->n_skey;
    while (a < b) { /* b: the first sample whose key is above ks (its term is above s) */
        size_t mid = a + (b - a) / 2;
        if (sk[mid] <= ks) a = mid + 1;
        else b = mid;
    }
    uint64_t hi = (uint64_t)b << DICT_SAMPLE_BITS;
    if (hi > x->n_terms) hi = x->n_terms;
    if (b > 0 && sk[b - 1] == ks) { /* a: the first sample whose key is ks */
        a = 0;
        size_t e = b;
        while (a < e) {
            size_t mid = a + (e - a) / 2;
            if (sk[mid] < ks) a = mid + 1;
            else e = mid;
        }
    } else {
        a = b;
    }
    /* samples before a have keys below ks, so terms below s: s is after sample a - 1 */
    uint64_t lo = a ? ((uint64_t)(a - 1) << DICT_SAMPLE_BITS) + 1 : 0;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        const unsigned char *e = x->dict + mid * DICT_ENTRY;
        int c = cmp_term((const char *)x->termblob + lk_get_u64(e), lk_get_u32(e + 20), s, len);
        if (c == 0) return (int64_t)mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

uint64_t lk_bm25__seg_lower_bound(const lk_bm25__seg *x, const char *s, size_t len)
{
    uint64_t lo = 0, hi = x->n_terms;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        const unsigned char *e = x->dict + mid * DICT_ENTRY;
        if (cmp_term((const char *)x->termblob + lk_get_u64(e), lk_get_u32(e + 20), s, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void lk_bm25__seg_prefix_range(const lk_bm25__seg *x, const char *p, size_t len,
                               uint64_t *first, uint64_t *end)
{
    uint64_t lo = lk_bm25__seg_lower_bound(x, p, len), hi = x->n_terms;
    *first = lo;
    while (lo < hi) { /* the terms from *first on start with p, then none does */
        uint64_t mid = lo + (hi - lo) / 2;
        const unsigned char *e = x->dict + mid * DICT_ENTRY;
        size_t tl = lk_get_u32(e + 20);
        if (tl >= len && memcmp(x->termblob + lk_get_u64(e), p, len) == 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *end = lo;
}

void lk_bm25__seg_prefix_runs(const lk_bm25__seg *s, const lk_bm25_prefix *p, uint64_t *first,
                              uint64_t *end, uint64_t *alt_first, uint64_t *alt_end)
{
    lk_bm25__seg_prefix_range(s, p->s, p->len, first, end);
    int64_t t = p->alt_len ? lk_bm25__seg_find(s, p->alt, p->alt_len) : -1;
    *alt_first = t < 0 ? 0 : (uint64_t)t;
    *alt_end = t < 0 ? 0 : (uint64_t)t + 1;
}

void lk_bm25__seg_postings(const lk_bm25__seg *x, uint64_t t, const unsigned char **data,
                          size_t *len, uint32_t *df)
{
    const unsigned char *e = x->dict + t * DICT_ENTRY;
    uint64_t start = lk_get_u64(e + 8);
    uint64_t end = t + 1 < x->n_terms ? lk_get_u64(e + DICT_ENTRY + 8) : x->post_len;
    *data = x->post + start;
    *len = (size_t)(end - start);
    *df = lk_get_u32(e + 16);
}

void lk_bm25__seg_term(const lk_bm25__seg *x, uint64_t t, const char **s, size_t *len,
                         const unsigned char **post, size_t *post_len, uint32_t *df)
{
    const unsigned char *e = x->dict + t * DICT_ENTRY;
    *s = (const char *)x->termblob + lk_get_u64(e);
    *len = lk_get_u32(e + 20);
    lk_bm25__seg_postings(x, t, post, post_len, df);
}

uint32_t lk_bm25__seg_df(const lk_bm25__seg *s, uint64_t t)
{
    return lk_get_u32(s->dict + t * DICT_ENTRY + 16);
}

/* ---- score bounds ------------------------------------------------------------------------ */

/* The largest tf part over a term's bound summary. */
double lk_bm25__frontier_best(const lk_tf_dl *pairs, size_t np, const lk_bm25_params *p,
                            double avgdl)
{
    double b = 0.0;
    for (size_t j = 0; j < np; j++) {
        double v = lk_bm25_tf_part(p, pairs[j].tf, lk_bm25_norm(p, pairs[j].dl, avgdl));
        if (v > b) b = v;
    }
    return b;
}

bool lk_bm25__seg_term_best(const lk_bm25__seg *x, uint64_t t, const lk_bm25_params *p,
                        double avgdl, double *best)
{
    const unsigned char *data;
    size_t len;
    uint32_t df;
    lk_bm25__seg_postings(x, t, &data, &len, &df);
    lk_tf_dl pairs[LK_POSTINGS_MAX_FRONTIER];
    size_t np = 0;
    if (!lk_postings_frontier(data, len, pairs, &np)) return false;
    *best = lk_bm25__frontier_best(pairs, np, p, avgdl);
    return true;
}
